// The same scripted session in every dialect MSNP2–12 against the reference server, recorded at
// the socket (commands sent and received, with TrIDs and payloads) together with the events and
// operation outcomes the engine reports, and compared with the transcripts in
// test/fixtures/wire. A change to what the engine puts on the wire, or to what it reports, shows
// up here as a diff. Run with RECORD_WIRE_FIXTURES=1 to write the fixtures after a deliberate change.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessengerClient, MessengerEvents } from '../../src/main/msnp/client';
import type { Frame } from '../../src/main/msnp/codec';
import type { ConversationEvents } from '../../src/main/msnp/conversation';
import { MsnpError } from '../../src/main/msnp/errors';
import { DEFAULT_FORMAT } from '../../src/shared/schemas';
import { startServer, type RunningServer } from '../server/index';
import { WireRecorder, type RecordedConnection } from '../support/wire-recorder';
import { ALL_DIALECTS, ACCOUNTS, Proxy, clientFor, presenceOf, signOutAll, waitFor } from './engine-support';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'wire');
const RECORD = process.env.RECORD_WIRE_FIXTURES === '1';

let server: RunningServer;
let https: string[];
let recorder: WireRecorder;
const proxies: Proxy[] = [];

/** Starts the server and the recording for one variant. */
async function start(variant: Variant): Promise<void> {
  https = [];
  server = await startServer({
    accounts: ACCOUNTS,
    challenges: variant.challenges,
    challengeIntervalMs: 10 * 60_000,
    log: (line) => {
      if (line.startsWith('passport ')) https.push(line);
    },
  });
  recorder = new WireRecorder();
  recorder.start();
}

afterEach(async () => {
  recorder.stop();
  await signOutAll();
  for (const proxy of proxies.splice(0)) await proxy.close();
  await server.close();
});

const MESSENGER_EVENTS: ReadonlyArray<keyof MessengerEvents> = [
  'state',
  'signed-in',
  'contact-list',
  'presence',
  'list-changed',
  'added-you',
  'groups-changed',
  'profile-changed',
  'privacy-changed',
  'invitation',
  'session-ended',
  'signed-out',
  'error',
];
const CONVERSATION_EVENTS: ReadonlyArray<keyof ConversationEvents> = [
  'opened',
  'joined',
  'left',
  'message',
  'delivery',
  'closed',
  'invitation-failed',
];

/** Everything Alice's client reports, in order: events and the outcome of each call. */
class Journal {
  readonly lines: string[] = [];

  watch(label: string, client: MessengerClient): void {
    for (const event of MESSENGER_EVENTS) {
      client.on(event, (payload: unknown) => this.lines.push(`${label} ${event} ${show(payload)}`));
    }
    for (const event of CONVERSATION_EVENTS) {
      client.conversations.on(event, (payload: unknown) =>
        this.lines.push(`${label} conversation:${event} ${show(payload)}`),
      );
    }
  }

  /** Runs a call and notes how it ended; a rejection is part of the transcript, not a failure. */
  async call<T>(label: string, promise: Promise<T>): Promise<T | undefined> {
    try {
      const value = await promise;
      this.lines.push(`${label} → ${value === undefined ? 'ok' : show(value)}`);
      return value;
    } catch (err) {
      if (!(err instanceof MsnpError)) throw err;
      this.lines.push(`${label} → rejected ${err.kind}${err.code === undefined ? '' : ` ${err.code}`}: ${err.message}`);
      return undefined;
    }
  }
}

function show(payload: unknown): string {
  if (payload instanceof MsnpError) {
    return `MsnpError ${payload.kind}${payload.code === undefined ? '' : ` ${payload.code}`}: ${payload.message}`;
  }
  return JSON.stringify(payload) ?? 'undefined';
}

interface Variant {
  /** The fixture's name. */
  readonly name: string;
  /** What the server picks, and what Bob and Dave offer. */
  readonly dialect: number;
  /** What Alice offers. */
  readonly offer: readonly number[];
  readonly pipelining: boolean;
  /**
   * Whether the server sends CHL (its QRY is then part of the transcript). Off where the client
   * waits for each reply: a QRY would then land before or after the next command depending on
   * how TCP splits the server's lines.
   */
  readonly challenges: boolean;
}

const VARIANTS: readonly Variant[] = [
  ...ALL_DIALECTS.map((d) => ({ name: `msnp${d}`, dialect: d, offer: [d], pipelining: true, challenges: true })),
  // Each step waiting for the previous reply, and the sequential sign-in a mixed offer needs.
  ...[12, 11, 10, 9, 8].map((d) => ({
    name: `msnp${d}-sequential`,
    dialect: d,
    offer: [d],
    pipelining: false,
    challenges: false,
  })),
  { name: 'msnp12-of-all-offered', dialect: 12, offer: [...ALL_DIALECTS], pipelining: true, challenges: true },
];

/** The scripted session: Alice under test; Bob, Dave and a second Alice as the other side. */
async function scenario(variant: Variant, journal: Journal): Promise<void> {
  const { dialect } = variant;
  const protocols = [dialect];
  const mine = { protocols: variant.offer, pipelining: variant.pipelining };
  const groups = dialect >= 7;
  const psm = dialect >= 11;

  const wrong = clientFor(server, 'alice@example.com', { ...mine, password: 'not the password' });
  await journal.call('wrong password signIn', wrong.signIn());

  const bob = clientFor(server, 'bob@example.com', { protocols });
  await bob.signIn();

  const alice = clientFor(server, 'alice@example.com', {
    ...mine,
    clientId: 0x50000024,
    ...(psm ? { personalMessage: 'First light' } : {}),
  });
  journal.watch('alice', alice);
  const seesBob = presenceOf(alice, 'bob@example.com', (c) => c.status === 'NLN');
  await journal.call('signIn', alice.signIn());
  await seesBob;

  const busy = presenceOf(bob, 'alice@example.com', (c) => c.status === 'BSY');
  await journal.call('setStatus BSY', alice.setStatus('BSY'));
  await busy;
  const renamed = presenceOf(bob, 'alice@example.com', (c) => c.displayName === 'Alice S. ☕');
  await journal.call('setDisplayName', alice.setDisplayName('Alice S. ☕'));
  await renamed;
  if (psm) {
    const seen = presenceOf(bob, 'alice@example.com', (c) => c.personalMessage === 'tea & <cake>');
    await journal.call('setPersonalMessage', alice.setPersonalMessage('tea & <cake>'));
    await seen;
  } else {
    await journal.call('setPersonalMessage', alice.setPersonalMessage('tea & <cake>'));
  }

  const work = await journal.call('createGroup', alice.createGroup('Work & Play'));
  const first = alice.getContact('bob@example.com')?.groupIds[0];
  if (work) {
    await journal.call('moveContact', alice.moveContact('bob@example.com', first, work.id));
    await journal.call('renameGroup', alice.renameGroup(work.id, 'Work'));
  } else {
    await journal.call('moveContact', alice.moveContact('bob@example.com', first, '1'));
  }
  await journal.call('addContact unknown', alice.addContact('nobody@nowhere.example'));
  await journal.call(
    'addContact dave',
    alice.addContact('dave@example.com', groups && work ? { groupId: work.id } : {}),
  );

  const dave = clientFor(server, 'dave@example.com', { protocols });
  const asked = waitFor(dave, 'added-you');
  await dave.signIn();
  await asked;
  const allowed = waitFor(
    alice,
    'list-changed',
    (e) => e.email === 'dave@example.com' && !!e.contact?.lists.includes('RL'),
  );
  await dave.respondToAddition('alice@example.com', { allow: true, addToContacts: true });
  await allowed;

  await journal.call('blockContact carol', alice.blockContact('carol@example.com'));
  await journal.call('unblockContact carol', alice.unblockContact('carol@example.com'));
  await journal.call('removeContact dave', alice.removeContact('dave@example.com'));
  await journal.call('setPrivacy BL N', alice.setPrivacy({ blp: 'BL', gtc: 'N' }));
  await journal.call('setPrivacy AL A', alice.setPrivacy({ blp: 'AL', gtc: 'A' }));
  if (work) await journal.call('deleteGroup', alice.deleteGroup(work.id));

  // A conversation both ways, then Alice leaves it.
  const conversationId = alice.conversations.open('bob@example.com');
  const bobGets = new Promise<string>((resolve) => {
    const off = bob.conversations.on('message', (m) => {
      off();
      resolve(m.conversationId);
    });
  });
  alice.conversations.send(conversationId, 'Hello Bob — ünïcode ☺', DEFAULT_FORMAT);
  const bobConversation = await bobGets;
  const aliceGets = waitForConversation(alice, 'message');
  bob.conversations.send(bobConversation, 'Hi Alice', DEFAULT_FORMAT);
  await aliceGets;
  const bobSeesLeave = new Promise<void>((resolve) => bob.conversations.on('left', () => resolve()));
  alice.conversations.close(conversationId);
  await bobSeesLeave;

  const offline = presenceOf(alice, 'bob@example.com', (c) => c.status === 'FLN');
  await bob.signOut();
  await offline;
  await journal.call('signOut', alice.signOut());

  // Reconnection: a session straight at the notification server through a proxy that drops it.
  const proxy = await Proxy.start(server.notification);
  proxies.push(proxy);
  const again = clientFor(server, 'alice@example.com', {
    ...mine,
    address: proxy.address,
    status: 'AWY',
    reconnect: { initialDelayMs: 20, jitter: 0, maxAttempts: 3 },
  });
  journal.watch('alice-2', again);
  await journal.call('alice-2 signIn', again.signIn());
  const back = waitFor(again, 'signed-in', (e) => e.reconnected);
  proxy.cut();
  await back;
  // Signing in elsewhere ends that session for good (OUT OTH).
  const elsewhere = waitFor(again, 'signed-out');
  const third = clientFor(server, 'alice@example.com', mine);
  await third.signIn();
  await elsewhere;
  await third.signOut();
}

function waitForConversation<K extends keyof ConversationEvents>(
  client: MessengerClient,
  event: K,
): Promise<ConversationEvents[K]> {
  return new Promise((resolve) => {
    const off = client.conversations.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

/** Which account a connection belongs to: the e-mail its first USR/ANS names. */
function accountOf(connection: RecordedConnection): string {
  for (const frame of connection.sent) {
    if (frame.name !== 'USR' && frame.name !== 'ANS') continue;
    const email = frame.params.find((p) => p.includes('@'));
    if (email !== undefined) return email;
  }
  return '(nobody)';
}

function frameText(direction: 'C' | 'S', frame: Frame): string[] {
  const line = `${direction}: ${[frame.name, ...frame.params].join(' ')}`;
  if (!frame.payload) return [line];
  // The server's own profile and mail notices are the server's business, not the client's.
  if (direction === 'S' && frame.name === 'MSG' && frame.params[0] === 'Hotmail') return [line];
  return [
    line,
    ...frame.payload
      .toString('utf8')
      .split('\r\n')
      .map((l) => `   | ${l}`),
  ];
}

function transcript(journal: Journal): string {
  const ports = new Map<number, string>();
  const portOf = (address: string): number => Number(address.slice(address.lastIndexOf(':') + 1));
  ports.set(portOf(server.dispatch), 'dispatch');
  ports.set(portOf(server.notification), 'notification');
  ports.set(portOf(server.switchboard), 'switchboard');
  for (const proxy of proxies) ports.set(portOf(proxy.address), 'proxy');
  const connections = recorder.connections(new Set(ports.keys()));
  const order = ['alice@example.com', 'bob@example.com', 'dave@example.com', '(nobody)'];
  const out: string[] = [];
  for (const account of order) {
    const own = connections.filter((c) => accountOf(c) === account);
    own.forEach((c, i) => {
      out.push(`== ${account} connection ${i + 1} to ${ports.get(c.port ?? 0) ?? '?'}`);
      for (const f of c.sent) out.push(...frameText('C', f));
      out.push('--');
      for (const f of c.received) out.push(...frameText('S', f));
    });
  }
  out.push('== HTTPS requests', ...https);
  out.push('== what Alice was told', ...journal.lines);
  return (
    normalise(out.join('\n'), [
      server.dispatch,
      server.notification,
      server.switchboard,
      ...proxies.map((p) => p.address),
    ]) + '\n'
  );
}

/** Replaces what differs from run to run (ports, random ids, tickets, salts, challenges) with stable names. */
function normalise(text: string, addresses: readonly string[]): string {
  const names = ['<dispatch>', '<notification>', '<switchboard>', '<proxy>'];
  let out = text;
  addresses.forEach((address, i) => {
    out = out.split(address).join(names[i] ?? '<address>');
  });
  const numbered = (pattern: RegExp, prefix: string): void => {
    const seen = new Map<string, string>();
    out = out.replace(pattern, (whole) => {
      const key = whole.toLowerCase();
      let name = seen.get(key);
      if (name === undefined) {
        name = `<${prefix}-${seen.size + 1}>`;
        seen.set(key, name);
      }
      return name;
    });
  };
  numbered(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, 'guid');
  out = out
    .replace(/t=[\w-]+&p=[\w-]+/g, '<ticket>')
    .replace(/ct=\d+/g, 'ct=<ct>')
    .replace(/tpf=[0-9a-f]{32}/g, 'tpf=<tpf>')
    .replace(/^(S: USR \d+ MD5 S )\S+$/gm, '$1<salt>')
    .replace(/^(C: USR \d+ MD5 S )[0-9a-f]{32}$/gm, '$1<md5>')
    .replace(/^(S: CHL 0 )\d+$/gm, '$1<challenge>')
    .replace(/^(C: QRY \d+ \S+ 32\n {3}\| )[0-9a-f]{32}$/gm, '$1<response>')
    .replace(/^(S: MSG Hotmail Hotmail )\d+$/gm, '$1<length>');
  numbered(/\b[0-9a-f]{20}\b/g, 'cookie');
  // Switchboard session ids, wherever they appear once known from RNG or CAL.
  const sessions = new Set<string>();
  for (const m of out.matchAll(/^S: (?:RNG|CAL \d+ RINGING) (\d+)/gm)) if (m[1] !== undefined) sessions.add(m[1]);
  [...sessions].forEach((id, i) => {
    out = out.replace(new RegExp(`\\b${id}\\b`, 'g'), `<session-${i + 1}>`);
  });
  // Whether a dropped connection reads as a reset or as a close is up to the sockets, not the engine.
  out = out
    .replace(/"at":\d+/g, '"at":<time>')
    .replace(
      /"message":"(?:Connection error: read ECONNRESET|The server closed the connection)"/g,
      '"message":"<connection lost>"',
    );
  return out;
}

describe('wire transcripts', () => {
  it.each(VARIANTS)('$name: the scripted session puts the recorded commands on the wire', async (variant) => {
    await start(variant);
    const journal = new Journal();
    await scenario(variant, journal);
    const text = transcript(journal);
    const file = join(FIXTURES, `${variant.name}.txt`);
    if (RECORD) {
      mkdirSync(FIXTURES, { recursive: true });
      writeFileSync(file, text);
    }
    expect(existsSync(file), `${file} is missing; record it with RECORD_WIRE_FIXTURES=1`).toBe(true);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});
