// conversation-throughput: 10,000 messages from one engine client to another through the
// reference server's switchboard (ack mode A), the server in a child process. Throughput with
// every message queued at once, latency (send → received by the other client) with one in
// flight, both against the same messages as raw MSG lines over raw sockets through the same
// server: the engine-free floor.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { MessengerClient } from '../src/main/msnp/client';
import { FrameDecoder, encodeCommand, serverToClientPayload, type Frame } from '../src/main/msnp/codec';
import type { MsnpConnection } from '../src/main/msnp/connection';
import { DEFAULT_FORMAT, buildTextPayload } from '../src/main/msnp/format';
import { login } from '../src/main/msnp/login';
import { DaLoginCache } from '../src/main/msnp/passport';
import { accounts, address, clientOptions, Fixture, PASSWORD_SUFFIX, splitAddress } from './fixture';
import { percentile, report, until } from './lib';

const MESSAGES = 10_000;

/** Texts of realistic lengths, numbered so the receiver knows which one arrived. */
const text = (i: number): string => `#${i} ${'Hello there, how are you doing today? ✓ '.repeat(1 + (i % 3))}`.trim();
const numberOf = (received: string): number => Number(/^#(\d+)/.exec(received)?.[1] ?? -1);

interface Run {
  /** Messages per second, first send to last arrival. */
  readonly perSecond: number;
  /** Send → arrival, ms, sorted. */
  readonly latencies: number[];
}

/** The two sides of a chat, however they are implemented. */
interface Pair {
  send(i: number): void;
  /** Called with the message number on each arrival at the other side. */
  onArrival(listener: (i: number) => void): void;
  close(): Promise<void>;
}

async function burst(pair: Pair, from: number): Promise<Run> {
  const sentAt = new Float64Array(MESSAGES);
  const latencies: number[] = [];
  let last = 0;
  pair.onArrival((i) => {
    last = performance.now();
    latencies.push(last - (sentAt[i - from] ?? 0));
  });
  const start = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    sentAt[i] = performance.now();
    pair.send(from + i);
  }
  await until(() => latencies.length >= MESSAGES, 'every message of the burst', 120_000);
  return { perSecond: MESSAGES / ((last - start) / 1000), latencies: latencies.sort((a, b) => a - b) };
}

async function oneAtATime(pair: Pair, from: number): Promise<Run> {
  const latencies: number[] = [];
  let arrived: (() => void) | undefined;
  pair.onArrival(() => arrived?.());
  const start = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    const sentAt = performance.now();
    await new Promise<void>((resolve) => {
      arrived = resolve;
      pair.send(from + i);
    });
    latencies.push(performance.now() - sentAt);
  }
  return { perSecond: MESSAGES / ((performance.now() - start) / 1000), latencies: latencies.sort((a, b) => a - b) };
}

/** Two engine clients, the conversation opened and joined before anything is timed. */
async function enginePair(fixture: Fixture): Promise<Pair> {
  const [alice, bob] = [0, 1].map((i) => new MessengerClient(clientOptions(fixture.addresses, address('peer', i))));
  if (!alice || !bob) throw new Error('no clients');
  await Promise.all([alice.signIn(), bob.signIn()]);
  let listener: (i: number) => void = () => {};
  bob.conversations.on('message', ({ text: received }) => listener(numberOf(received)));
  const conversationId = alice.conversations.open(bob.email);
  const failed: string[] = [];
  alice.conversations.on('delivery', ({ state, reason }) => {
    if (state === 'failed') failed.push(reason ?? 'failed');
  });
  const pair: Pair = {
    send: (i) => {
      if (failed.length > 0) throw new Error(`a message failed: ${failed[0]}`);
      alice.conversations.send(conversationId, text(i), DEFAULT_FORMAT);
    },
    onArrival: (l) => {
      listener = l;
    },
    close: async () => {
      await Promise.all([alice.signOut(), bob.signOut()]);
    },
  };
  await oneMessage(pair);
  return pair;
}

/** Sends message 0 and waits for it: opens (or checks) the session. */
async function oneMessage(pair: Pair): Promise<void> {
  await new Promise<void>((resolve) => {
    pair.onArrival(() => resolve());
    pair.send(0);
  });
}

/** A raw switchboard connection: MSNP lines in and out, nothing else. */
export class RawSb {
  private readonly decoder = new FrameDecoder({ payloadRule: serverToClientPayload });
  private trid = 0;
  onFrame: (frame: Frame) => void = () => {};

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk).frames) this.onFrame(frame);
    });
  }

  static open(hostPort: string): Promise<RawSb> {
    return new Promise((resolve, reject) => {
      const socket = connect(splitAddress(hostPort), () => resolve(new RawSb(socket)));
      socket.once('error', reject);
    });
  }

  send(name: string, params: readonly string[], payload?: Buffer): void {
    this.socket.write(encodeCommand(name, [++this.trid, ...params], payload));
  }

  /** Sends and waits for the frame named `until` (whatever its TrID). */
  request(name: string, params: readonly string[], until: string): Promise<Frame> {
    return new Promise((resolve) => {
      this.onFrame = (frame) => {
        if (frame.name === until) resolve(frame);
      };
      this.send(name, params);
    });
  }

  close(): void {
    this.socket.end('OUT\r\n');
  }
}

/** Signed in on the notification server with the engine's login, then only raw commands. */
export async function rawSession(fixture: Fixture, email: string): Promise<MsnpConnection> {
  const { dispatch, nexus, ca } = fixture.addresses;
  const { connection } = await login({
    ...splitAddress(dispatch),
    email,
    password: `${email}${PASSWORD_SUFFIX}`,
    dialects: [12],
    nexusUrl: nexus,
    ca: readFileSync(ca),
    daLoginCache: new DaLoginCache(),
  });
  await connection.request('CHG', ['NLN', '0']);
  return connection;
}

/**
 * Two raw sessions in one switchboard: `caller` (signed in as `from`) asked for it and invited
 * `to`, who answered as `callee`. `close` leaves it and signs both out.
 */
export async function rawSwitchboard(
  fixture: Fixture,
  from: string,
  to: string,
): Promise<{ caller: RawSb; callee: RawSb; close: () => void }> {
  const [fromNs, toNs] = await Promise.all([rawSession(fixture, from), rawSession(fixture, to)]);
  const xfr = await fromNs.request('XFR', ['SB']);
  const [, , sbAddress = '', , cookie = ''] = xfr.params;
  const ring = new Promise<Frame>((resolve) => toNs.on('frame', (f) => f.name === 'RNG' && resolve(f)));
  const caller = await RawSb.open(sbAddress);
  await caller.request('USR', [from, cookie], 'USR');
  const joined = new Promise<void>((resolve) => {
    caller.onFrame = (f) => f.name === 'JOI' && resolve();
  });
  caller.send('CAL', [to]);
  const [sessionId = '', , , ringCookie = ''] = (await ring).params;
  const callee = await RawSb.open(sbAddress);
  await callee.request('ANS', [to, ringCookie, sessionId], 'ANS');
  await joined;
  const close = (): void => {
    caller.close();
    callee.close();
    fromNs.destroy();
    toNs.destroy();
  };
  return { caller, callee, close };
}

/** The same chat with raw sockets: MSG lines written and counted, no engine on either side. */
async function rawPair(fixture: Fixture): Promise<Pair> {
  const [carol, dave] = [address('peer', 2), address('peer', 3)];
  const { caller, callee, close } = await rawSwitchboard(fixture, carol, dave);
  const payloads = new Map<number, Buffer>();
  const pair: Pair = {
    send: (i) => caller.send('MSG', ['A'], payloads.get(i) ?? buildTextPayload(text(i), DEFAULT_FORMAT)),
    onArrival: (listener) => {
      callee.onFrame = (f) => {
        if (f.name === 'MSG' && f.payload) listener(numberOf(bodyText(f.payload)));
      };
    },
    close: async () => close(),
  };
  // Built ahead, so the raw side spends nothing on them while timed.
  for (let i = 0; i <= 2 * MESSAGES; i++) payloads.set(i, buildTextPayload(text(i), DEFAULT_FORMAT));
  await oneMessage(pair);
  return pair;
}

/** The text after the MIME headers: just enough parsing to read the message number. */
function bodyText(payload: Buffer): string {
  const at = payload.indexOf('\r\n\r\n');
  return payload.toString('utf8', at + 4, Math.min(payload.length, at + 24));
}

const ms = (n: number): string => n.toFixed(2);

export async function main(): Promise<void> {
  const fixture = await Fixture.start({
    accounts: accounts('peer', 4, (i) => (i % 2 === 0 ? [address('peer', i + 1)] : [])),
  });
  try {
    const engine = await enginePair(fixture);
    const engineBurst = await burst(engine, 1);
    const engineSerial = await oneAtATime(engine, 1 + MESSAGES);
    await engine.close();
    const raw = await rawPair(fixture);
    const rawBurst = await burst(raw, 1);
    const rawSerial = await oneAtATime(raw, 1 + MESSAGES);
    await raw.close();
    const p = (run: Run, n: number): string => ms(percentile(run.latencies, n));
    report({
      bench: 'conversation-throughput',
      value: engineBurst.perSecond,
      unit: 'messages/s',
      baseline: rawBurst.perSecond,
      notes:
        `${MESSAGES} messages A→B through the reference switchboard, ack mode A, all queued at once; ` +
        `baseline: the same MSG lines over raw sockets through the same server; ` +
        `latency one message in flight (${MESSAGES} more): engine p50 ${p(engineSerial, 50)} ms, p99 ${p(engineSerial, 99)} ms ` +
        `(target p99 < 5 ms), raw p50 ${p(rawSerial, 50)} ms, p99 ${p(rawSerial, 99)} ms; ` +
        `latency within the burst (queueing): engine p50 ${p(engineBurst, 50)} ms, p99 ${p(engineBurst, 99)} ms, ` +
        `raw p50 ${p(rawBurst, 50)} ms, p99 ${p(rawBurst, 99)} ms`,
    });
  } finally {
    await fixture.close();
  }
}
