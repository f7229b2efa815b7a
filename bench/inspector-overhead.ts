// inspector-overhead: the engine's CPU per presence line (the presence-burst replay: 600 contacts'
// recorded NLN/UBX lines sent back to back) with the protocol inspector closed and open, against
// a client with no trace at all, in the same run. Closed must cost nothing measurable: the
// engine builds no entry while nobody listens.
import { TraceLog } from '../src/main/app/trace-log';
import { MessengerClient } from '../src/main/msnp/client';
import { createTransport, WireTrace } from '../src/main/msnp/transport';
import { accounts, address, clientOptions, Fixture, splitAddress } from './fixture';
import { cpuMicros, report, sleep } from './lib';

const CONTACTS = 600;
const REPLAYS = 20;
const ROUNDS = 3;

/** Waits until no presence event has arrived for a moment. */
async function drained(client: MessengerClient): Promise<number> {
  let count = 0;
  const off = client.on('presence', () => count++);
  let last = -1;
  while (count !== last) {
    last = count;
    await sleep(200);
  }
  off();
  return count;
}

/** Engine CPU per replayed line, net of the idle rate. */
async function replayCost(fixture: Fixture, client: MessengerClient): Promise<number> {
  const idleFrom = performance.now();
  const idleStart = cpuMicros();
  await sleep(500);
  const idlePerMs = (cpuMicros() - idleStart) / (performance.now() - idleFrom);
  const from = performance.now();
  const start = cpuMicros();
  const counting = drained(client);
  const { lines } = await fixture.call({ op: 'replay', times: REPLAYS });
  await counting;
  const spent = cpuMicros() - start - idlePerMs * (performance.now() - from);
  return spent / (lines * REPLAYS);
}

export async function main(): Promise<void> {
  const me = address('me', 0);
  const contactEmails = Array.from({ length: CONTACTS }, (_, i) => address('contact', i));
  const fixture = await Fixture.start({
    accounts: [...accounts('me', 1, () => contactEmails), ...accounts('contact', CONTACTS)],
  });
  const { address: relay } = await fixture.call({ op: 'relay' });
  const options = clientOptions(fixture.addresses, me);
  const at = { ...options.server, ...splitAddress(relay) };
  try {
    await fixture.call({ op: 'sign-in', emails: contactEmails });
    // Record the burst once, with a plain client.
    const recorder = new MessengerClient({ ...options, server: at });
    await recorder.signIn();
    await fixture.call({ op: 'churn', perSecond: 200, seconds: 5, personalShare: 0.2 });
    await drained(recorder);
    await recorder.signOut();

    // Untraced and traced sign-ins in turn, so drift on the machine hits both alike.
    const trace = new WireTrace();
    const log = new TraceLog(trace);
    let untraced = Infinity;
    let closed = Infinity;
    let open = Infinity;
    for (let i = 0; i < ROUNDS; i++) {
      const plain = new MessengerClient({ ...clientOptions(fixture.addresses, me), server: at });
      await plain.signIn();
      untraced = Math.min(untraced, await replayCost(fixture, plain));
      await plain.signOut();
      const traced = new MessengerClient({
        ...clientOptions(fixture.addresses, me),
        server: at,
        transport: createTransport({ trace }),
      });
      await traced.signIn();
      closed = Math.min(closed, await replayCost(fixture, traced));
      const stop = log.watch();
      open = Math.min(open, await replayCost(fixture, traced));
      stop();
      await traced.signOut();
    }
    const kept = log.entries().length;
    report({
      bench: 'inspector-overhead',
      value: closed,
      unit: 'µs CPU/event',
      baseline: untraced,
      notes:
        `presence-burst replay (${CONTACTS} contacts, recorded NLN/UBX lines ×${REPLAYS}, best of ${ROUNDS}); ` +
        `inspector closed: ${closed.toFixed(2)} µs/event, no trace at all: ${untraced.toFixed(2)} µs/event (baseline), ` +
        `inspector open (masking and the 10,000-entry ring buffer): ${open.toFixed(2)} µs/event; ${kept} entries kept; ` +
        `sign-ins in turn; closed and untraced swap order between runs (noise)`,
    });
  } finally {
    await fixture.close();
  }
}
