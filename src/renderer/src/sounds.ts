// Our own alert sounds (synthesised for this project, see resources/sounds/render.sh), bundled
// with the renderer so they play from the app's own origin.
import message from '../../../resources/sounds/message.wav';
import nudge from '../../../resources/sounds/nudge.wav';
import signIn from '../../../resources/sounds/sign-in.wav';

export type SoundName = 'sign-in' | 'message' | 'nudge';

const files: Record<SoundName, string> = { 'sign-in': signIn, message, nudge };

export function playSound(sound: SoundName): void {
  // Playback refused before any user gesture is not worth an error: the alert is only a sound.
  void new Audio(files[sound]).play().catch(() => undefined);
}
