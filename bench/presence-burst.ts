// presence-burst: 600 contacts online at sign-in, then 100 presence changes per second for 10 s,
// sent by the contacts' own clients through the reference server (both in a child process, so
// this process runs only the engine). Measures the engine's CPU per presence event, as the
// events come and when the recorded burst is replayed back to back, against the bare decoder on
// the same bytes; and how often the renderer store updates: batched (the services' window, then
// the store's per-frame batch on a simulated 60 Hz frame clock) against one update per event.
import { FrameDecoder, serverToClientPayload } from '../src/main/msnp/codec';
import { MessengerClient } from '../src/main/msnp/client';
import { ContactsService } from '../src/main/app/contacts';
import type { Contact } from '../src/shared/schemas';
import { accounts, address, clientOptions, Fixture, splitAddress } from './fixture';
import { cpuMicros, report, sleep, until } from './lib';

const CONTACTS = 600;
const PER_SECOND = 100;
const SECONDS = 10;
/** A burst ten times faster, to show the store's update rate does not follow the event rate. */
const FAST_PER_SECOND = 1000;
const FAST_SECONDS = 3;
/** Share of the changes that are personal messages (UBX) rather than statuses (NLN). */
const PERSONAL_SHARE = 0.2;
const FRAME_MS = 1000 / 60;
/** Times the recorded burst is sent again back to back. */
const REPLAYS = 20;

/** The renderer's session store, as much of it as this benchmark drives. */
interface RendererSession {
  connectSession(schedule: (flush: () => void) => void): () => void;
  useSession: { subscribe(listener: () => void): () => void };
}

/** Counts presence events from now on. */
function counter(client: MessengerClient): { readonly count: number; stop(): void } {
  const state = { count: 0, stop: () => {} };
  state.stop = client.on('presence', () => state.count++);
  return state;
}

/** Waits until no presence event has arrived for a moment: the burst has been fully read. */
async function drained(events: { readonly count: number }): Promise<void> {
  let last = -1;
  while (events.count !== last) {
    last = events.count;
    await sleep(200);
  }
}

interface EngineCost {
  /** Process CPU per presence event as they came, net of what the process burns idle. */
  readonly realTimeMicros: number;
  readonly events: number;
  /** Engine CPU per presence line when the recorded lines arrive back to back. */
  readonly micros: number;
  readonly lines: number;
  /** A bare FrameDecoder on the same bytes, per line. */
  readonly decodeMicros: number;
}

/** CPU this process spends idle, per ms, over a short quiet spell. */
async function idleRate(): Promise<number> {
  const start = cpuMicros();
  const from = performance.now();
  await sleep(1000);
  return (cpuMicros() - start) / (performance.now() - from);
}

async function engineCost(fixture: Fixture, client: MessengerClient): Promise<EngineCost> {
  let idlePerMs = await idleRate();
  const events = counter(client);
  let from = performance.now();
  let start = cpuMicros();
  await fixture.call({ op: 'churn', perSecond: PER_SECOND, seconds: SECONDS, personalShare: PERSONAL_SHARE });
  await drained(events);
  const realTime = cpuMicros() - start - idlePerMs * (performance.now() - from);
  const realTimeEvents = events.count;
  events.stop();
  if (realTimeEvents === 0) throw new Error('no presence event arrived');

  // The same lines again, back to back: many to a read, so what remains is the engine's own work.
  idlePerMs = await idleRate();
  from = performance.now();
  start = cpuMicros();
  const replayEvents = counter(client);
  const replayed = await fixture.call({ op: 'replay', times: REPLAYS });
  await drained(replayEvents);
  const replay = cpuMicros() - start - idlePerMs * (performance.now() - from);
  replayEvents.stop();
  const lines = replayed.lines * REPLAYS;
  return {
    realTimeMicros: realTime / realTimeEvents,
    events: realTimeEvents,
    micros: replay / lines,
    lines,
    decodeMicros: decodeCost(Buffer.from(replayed.bytes, 'base64'), replayed.lines),
  };
}

/** The bare decoder on the same bytes, in 64 KiB reads like a socket's. */
function decodeCost(bytes: Buffer, lines: number): number {
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const decoder = new FrameDecoder({ payloadRule: serverToClientPayload });
    const start = cpuMicros();
    for (let i = 0; i < REPLAYS; i++) {
      for (let at = 0; at < bytes.length; at += 65536) decoder.push(bytes.subarray(at, at + 65536));
    }
    best = Math.min(best, (cpuMicros() - start) / (lines * REPLAYS));
  }
  return best;
}

interface StoreRates {
  readonly eventsPerSecond: number;
  readonly changedPerSecond: number;
  readonly updatesPerSecond: number;
  readonly maxUpdatesPerFrame: number;
}

/** Engine → services (`ContactsService`) → renderer store, as the app wires them, counting store updates. */
async function storeRates(fixture: Fixture, client: MessengerClient): Promise<StoreRates[]> {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const fire = (event: string, payload: unknown): void => listeners.get(event)?.forEach((l) => l(payload));
  let changed = 0;
  const contacts = new ContactsService({
    loaded: (payload) => fire('contacts:loaded', payload),
    changed: (batch) => {
      changed++;
      fire('contacts:changed', batch);
    },
    signedIn: () => {},
  });
  // What the preload exposes as window.msn, answering the two calls the store makes on connecting.
  const msn = {
    on: (event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    invoke: async (channel: string) => ({
      ok: true,
      value: channel === 'session:snapshot' ? { phase: 'online', ...contacts.snapshot() } : {},
    }),
  };
  (globalThis as { window?: unknown }).window = { msn };
  // The store is compiled for the browser (DOM types), so it is loaded at run time rather than
  // type-checked with the Node code.
  const storePath = new URL('../src/renderer/src/store/session.ts', import.meta.url).href;
  const { connectSession, useSession } = (await import(storePath)) as RendererSession;

  let queued: Array<() => void> = [];
  let updates = 0;
  let updatesThisFrame = 0;
  let maxUpdatesPerFrame = 0;
  const frames = setInterval(() => {
    const due = queued;
    queued = [];
    updatesThisFrame = 0;
    for (const flush of due) flush();
  }, FRAME_MS);
  const disconnect = connectSession((flush) => queued.push(flush));
  const unsubscribe = useSession.subscribe(() => {
    updates++;
    updatesThisFrame++;
    maxUpdatesPerFrame = Math.max(maxUpdatesPerFrame, updatesThisFrame);
  });
  contacts.load(client.contacts, client.groups, client.privacy);
  const stopFeeding = client.on('presence', (contact: Contact) => contacts.update(contact));
  await sleep(200);

  const rates: StoreRates[] = [];
  try {
    for (const [perSecond, seconds] of [
      [PER_SECOND, SECONDS],
      [FAST_PER_SECOND, FAST_SECONDS],
    ] as const) {
      const events = counter(client);
      [updates, changed, maxUpdatesPerFrame] = [0, 0, 0];
      const from = performance.now();
      await fixture.call({ op: 'churn', perSecond, seconds, personalShare: PERSONAL_SHARE });
      await drained(events);
      // The last batch leaves the services one window after its first change, then waits a frame.
      await until(() => queued.length === 0 && changed > 0, 'the last batch to reach the store');
      const elapsed = (performance.now() - from) / 1000;
      events.stop();
      rates.push({
        eventsPerSecond: events.count / elapsed,
        changedPerSecond: changed / elapsed,
        updatesPerSecond: updates / elapsed,
        maxUpdatesPerFrame,
      });
    }
  } finally {
    stopFeeding();
    unsubscribe();
    disconnect();
    clearInterval(frames);
    contacts.clear();
  }
  return rates;
}

export async function main(): Promise<void> {
  const me = address('me', 0);
  const contactEmails = Array.from({ length: CONTACTS }, (_, i) => address('contact', i));
  const fixture = await Fixture.start({
    accounts: [...accounts('me', 1, () => contactEmails), ...accounts('contact', CONTACTS)],
  });
  // Signed in straight at the notification server through the relay, which can replay what it relayed.
  const { address: relay } = await fixture.call({ op: 'relay' });
  const options = clientOptions(fixture.addresses, me);
  const client = new MessengerClient({
    ...options,
    server: { ...options.server, ...splitAddress(relay) },
  });
  try {
    await fixture.call({ op: 'sign-in', emails: contactEmails });
    const signInStart = cpuMicros();
    await client.signIn();
    const signInMs = (cpuMicros() - signInStart) / 1000;
    const online = client.contacts.filter((c) => c.status !== 'FLN').length;
    if (online !== CONTACTS) throw new Error(`${online} of ${CONTACTS} contacts online at sign-in`);

    const engine = await engineCost(fixture, client);
    const [steady, fast] = await storeRates(fixture, client);
    if (!steady || !fast) throw new Error('the store was not measured');
    const rate = (r: StoreRates): string =>
      `${r.eventsPerSecond.toFixed(0)} events/s → ${r.changedPerSecond.toFixed(1)} contacts:changed/s → ` +
      `${r.updatesPerSecond.toFixed(1)} store updates/s (max ${r.maxUpdatesPerFrame} per frame)`;
    report({
      bench: 'presence-burst',
      value: engine.micros,
      unit: 'µs CPU/event',
      baseline: engine.decodeMicros,
      notes:
        `engine CPU per presence line over ${engine.lines} NLN/UBX lines recorded from the server and replayed back to back ` +
        `(baseline: FrameDecoder alone on the same bytes); as they came at ${PER_SECOND}/s (${engine.events} events, ` +
        `${Math.round(PERSONAL_SHARE * 100)}% UBX) the process spent ${engine.realTimeMicros.toFixed(0)} µs CPU per event, ` +
        `mostly being woken for each read; sign-in with ${CONTACTS} online: ${signInMs.toFixed(0)} ms CPU; ` +
        `store, batched: ${rate(steady)}; at ${FAST_PER_SECOND}/s: ${rate(fast)}; ` +
        `one update per event would be ${steady.eventsPerSecond.toFixed(0)}/s and ${fast.eventsPerSecond.toFixed(0)}/s; ` +
        `targets: < 20 µs/event, ≤ 60 updates/s`,
    });
  } finally {
    await client.signOut();
    await fixture.close();
  }
}
