// Our own alert sounds, synthesised with Web Audio so no recording ships with the app: a rising
// chime when a contact signs in, a two-note blip for a message and a buzzing rattle for a nudge.
export type SoundName = 'sign-in' | 'message' | 'nudge';

let context: AudioContext | undefined;

function tone(
  ctx: AudioContext,
  at: number,
  frequency: number,
  duration: number,
  type: OscillatorType,
  peak: number,
): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = type;
  osc.frequency.setValueAtTime(frequency, at);
  gain.gain.setValueAtTime(0, at);
  gain.gain.linearRampToValueAtTime(peak, at + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + duration);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + duration + 0.02);
}

export function playSound(sound: SoundName): void {
  context ??= new AudioContext();
  const ctx = context;
  const t = ctx.currentTime + 0.02;
  switch (sound) {
    case 'sign-in':
      tone(ctx, t, 659, 0.35, 'sine', 0.25);
      tone(ctx, t + 0.12, 988, 0.5, 'sine', 0.22);
      break;
    case 'message':
      tone(ctx, t, 1047, 0.12, 'triangle', 0.25);
      tone(ctx, t + 0.1, 1397, 0.22, 'triangle', 0.22);
      break;
    case 'nudge':
      for (let i = 0; i < 8; i += 1) tone(ctx, t + i * 0.06, i % 2 === 0 ? 98 : 123, 0.08, 'sawtooth', 0.18);
      break;
  }
  // A context created before any user gesture starts suspended; resuming is all we can do.
  void ctx.resume().catch(() => undefined);
}
