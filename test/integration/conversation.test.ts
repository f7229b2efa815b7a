// Conversations between real MessengerClients through the reference server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessengerClient } from '../../src/main/msnp/client';
import type { ConversationEvents, ConversationManager } from '../../src/main/msnp/conversation';
import { DEFAULT_FORMAT, MAX_PAYLOAD_BYTES, buildTextPayload } from '../../src/main/msnp/format';
import { Switchboard } from '../../src/main/msnp/switchboard';
import type { TextFormat } from '../../src/shared/schemas';
import { startServer, type RunningServer, type ServerOptions } from '../server/index';

const PEOPLE = ['alice', 'bob', 'carol', 'dave'];
const ACCOUNTS = PEOPLE.map((name) => ({
  email: `${name}@example.com`,
  password: `${name}-pass-1`,
  displayName: name[0]?.toUpperCase() + name.slice(1),
  contacts: PEOPLE.filter((other) => other !== name).map((other) => `${other}@example.com`),
}));

const clients: MessengerClient[] = [];

function start(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({ accounts: ACCOUNTS, challenges: false, ...options });
}

async function signIn(server: RunningServer, name: string, dialect: number): Promise<MessengerClient> {
  const [host, port] = server.notification.split(':');
  const client = new MessengerClient({
    server: { host: host ?? '', port: Number(port), nexus: server.nexus, caFile: server.ca },
    email: `${name}@example.com`,
    password: `${name}-pass-1`,
    protocols: [dialect],
    reconnect: false,
  });
  clients.push(client);
  await client.signIn();
  return client;
}

/** The next event of a kind that matches. */
function next<K extends keyof ConversationEvents>(
  manager: ConversationManager,
  event: K,
  where: (payload: ConversationEvents[K]) => boolean = () => true,
): Promise<ConversationEvents[K]> {
  return new Promise((resolve) => {
    const off = manager.on(event, (payload) => {
      if (!where(payload)) return;
      off();
      resolve(payload);
    });
  });
}

function record<K extends keyof ConversationEvents>(manager: ConversationManager, event: K): ConversationEvents[K][] {
  const seen: ConversationEvents[K][] = [];
  manager.on(event, (payload) => seen.push(payload));
  return seen;
}

/** Sends text and resolves with the final state of each part, in order. */
async function sendAll(
  manager: ConversationManager,
  id: string,
  text: string,
  format: TextFormat = DEFAULT_FORMAT,
): Promise<ConversationEvents['delivery'][]> {
  const seen = new Map<string, ConversationEvents['delivery']>();
  let ids: string[] = [];
  const done = new Promise<void>((resolve) => {
    const off = manager.on('delivery', (d) => {
      seen.set(d.messageId, d);
      if (ids.length > 0 && ids.every((i) => seen.has(i))) {
        off();
        resolve();
      }
    });
  });
  ids = manager.send(id, text, format).map((p) => p.messageId);
  await done;
  return ids.map((i) => seen.get(i) as ConversationEvents['delivery']);
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.signOut()));
});

describe('two people', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.close());

  it.each([
    [8, 8],
    [12, 12],
    [12, 8],
  ])('exchange emoji and non-Latin text with formatting (MSNP%i → MSNP%i)', async (from, to) => {
    const alice = await signIn(server, 'alice', from);
    const bob = await signIn(server, 'bob', to);
    const text = 'Olá André ☺ — Привет, 世界! 👩‍👩‍👧 مرحبا\nsecond line';
    const format: TextFormat = {
      font: 'MS Sans Serif',
      effects: { bold: true, italic: false, underline: true, strikethrough: false },
      color: '#0000ff',
      charset: 'CC',
      pitchFamily: '22',
      rightToLeft: false,
    };
    const id = alice.conversations.open('bob@example.com');
    const received = next(bob.conversations, 'message');
    const opened = next(bob.conversations, 'opened');
    expect(await sendAll(alice.conversations, id, text, format)).toMatchObject([{ state: 'delivered' }]);
    const message = await received;
    expect(message).toMatchObject({ from: { email: 'alice@example.com', displayName: 'Alice' }, text, format });
    expect((await opened).participants).toEqual([{ email: 'alice@example.com', displayName: 'Alice' }]);

    // The reply lands in the conversation Alice opened.
    const reply = next(alice.conversations, 'message');
    expect(await sendAll(bob.conversations, message.conversationId, 'Спасибо! 🙂')).toMatchObject([
      { state: 'delivered' },
    ]);
    expect(await reply).toMatchObject({ conversationId: id, text: 'Спасибо! 🙂', from: { email: 'bob@example.com' } });
    expect(alice.conversations.participants(id)).toEqual([{ email: 'bob@example.com', displayName: 'Bob' }]);
  });

  it.each([8, 12])(
    'sends text exactly at the 1664-byte limit whole and one byte over in two parts (MSNP%i)',
    async (dialect) => {
      const alice = await signIn(server, 'alice', dialect);
      const bob = await signIn(server, 'bob', dialect);
      const id = alice.conversations.open('bob@example.com');
      const room = MAX_PAYLOAD_BYTES - buildTextPayload('', DEFAULT_FORMAT).length;
      const exact = 'ж'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2);
      expect(buildTextPayload(exact, DEFAULT_FORMAT).length).toBe(MAX_PAYLOAD_BYTES);
      const messages = record(bob.conversations, 'message');

      expect(await sendAll(alice.conversations, id, exact)).toMatchObject([{ state: 'delivered' }]);
      const over = exact + '😀';
      const parts = await sendAll(alice.conversations, id, over);
      expect(parts).toMatchObject([{ state: 'delivered' }, { state: 'delivered' }]);
      await expect.poll(() => messages.length).toBe(3);
      expect(messages.map((m) => m.text)).toEqual([exact, exact, '😀']);
    },
  );

  it('shows typing and nudges both ways', async () => {
    const alice = await signIn(server, 'alice', 12);
    const bob = await signIn(server, 'bob', 12);
    const id = alice.conversations.open('bob@example.com');
    const opened = next(bob.conversations, 'opened');
    await sendAll(alice.conversations, id, 'hi');
    const bobId = (await opened).conversationId;

    const bobSeesTyping = next(bob.conversations, 'typing');
    alice.conversations.typing(id);
    expect(await bobSeesTyping).toEqual({ conversationId: bobId, email: 'alice@example.com' });
    const aliceSeesTyping = next(alice.conversations, 'typing');
    bob.conversations.typing(bobId);
    expect(await aliceSeesTyping).toEqual({ conversationId: id, email: 'bob@example.com' });

    const bobNudged = next(bob.conversations, 'nudge');
    await alice.conversations.nudge(id);
    expect(await bobNudged).toEqual({
      conversationId: bobId,
      from: { email: 'alice@example.com', displayName: 'Alice' },
    });
    const aliceNudged = next(alice.conversations, 'nudge');
    await bob.conversations.nudge(bobId);
    expect((await aliceNudged).from.email).toBe('bob@example.com');
  });

  it('the server NAKs a message sent after the other participant left', async () => {
    const alice = await signIn(server, 'alice', 12);
    const bob = await signIn(server, 'bob', 12);
    // A bare switchboard: the conversation manager would never send into an empty session.
    const sb = await Switchboard.connect({ ...(await alice.requestSwitchboard()), email: 'alice@example.com' });
    await sb.login();
    const joined = new Promise((resolve) => sb.once('joined', resolve));
    const bobOpened = next(bob.conversations, 'opened');
    await sb.invite('bob@example.com');
    await joined;
    expect(await sb.sendAcked(buildTextPayload('are you there?', DEFAULT_FORMAT))).toBe(true);
    const left = new Promise((resolve) => sb.once('left', resolve));
    bob.conversations.close((await bobOpened).conversationId);
    expect(await left).toEqual({ email: 'bob@example.com', idle: false });
    expect(await sb.sendAcked(buildTextPayload('hello?', DEFAULT_FORMAT))).toBe(false);
    sb.leave();
  });

  it('re-invites a contact who left, and fails with the reason once they are offline', async () => {
    const alice = await signIn(server, 'alice', 12);
    const bob = await signIn(server, 'bob', 12);
    const id = alice.conversations.open('bob@example.com');
    const bobOpened = next(bob.conversations, 'opened');
    await sendAll(alice.conversations, id, 'one');
    const left = next(alice.conversations, 'left');
    bob.conversations.close((await bobOpened).conversationId);
    expect(await left).toEqual({ conversationId: id, email: 'bob@example.com' });

    const again = next(bob.conversations, 'message');
    expect(await sendAll(alice.conversations, id, 'two')).toMatchObject([{ state: 'delivered' }]);
    expect((await again).text).toBe('two');

    const bobGone = next(alice.conversations, 'left');
    await bob.signOut();
    await bobGone;
    expect(await sendAll(alice.conversations, id, 'three')).toEqual([
      expect.objectContaining({
        state: 'failed',
        reason: 'Could not reach bob@example.com: That person is offline or not accepting messages',
      }),
    ]);
  });
});

describe('three people', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.close());

  it('invite a third person, talk together, and carry on when one leaves', async () => {
    const alice = await signIn(server, 'alice', 12);
    const bob = await signIn(server, 'bob', 8);
    const carol = await signIn(server, 'carol', 11);
    const id = alice.conversations.open('bob@example.com');
    const bobOpened = next(bob.conversations, 'opened');
    await sendAll(alice.conversations, id, 'hi bob');
    const bobId = (await bobOpened).conversationId;

    const carolOpened = next(carol.conversations, 'opened');
    const aliceSeesCarol = next(alice.conversations, 'joined');
    const bobSeesCarol = next(bob.conversations, 'joined');
    await alice.conversations.invite(id, 'carol@example.com');
    const carolId = (await carolOpened).conversationId;
    expect((await carolOpened).participants.map((p) => p.email).sort()).toEqual([
      'alice@example.com',
      'bob@example.com',
    ]);
    expect((await aliceSeesCarol).participant).toEqual({ email: 'carol@example.com', displayName: 'Carol' });
    expect((await bobSeesCarol).conversationId).toBe(bobId);

    const bobGets = next(bob.conversations, 'message');
    const carolGets = next(carol.conversations, 'message');
    expect(await sendAll(alice.conversations, id, 'hello both 👋')).toMatchObject([{ state: 'delivered' }]);
    expect((await bobGets).text).toBe('hello both 👋');
    expect((await carolGets).text).toBe('hello both 👋');

    const aliceGets = next(alice.conversations, 'message');
    const bobGetsCarol = next(bob.conversations, 'message');
    await sendAll(carol.conversations, carolId, 'hi from carol');
    expect(await aliceGets).toMatchObject({ conversationId: id, from: { email: 'carol@example.com' } });
    expect(await bobGetsCarol).toMatchObject({ conversationId: bobId, text: 'hi from carol' });

    const aliceSeesBobLeave = next(alice.conversations, 'left');
    const carolSeesBobLeave = next(carol.conversations, 'left');
    bob.conversations.close(bobId);
    expect(await aliceSeesBobLeave).toEqual({ conversationId: id, email: 'bob@example.com' });
    expect(await carolSeesBobLeave).toEqual({ conversationId: carolId, email: 'bob@example.com' });

    const carolGetsMore = next(carol.conversations, 'message');
    expect(await sendAll(alice.conversations, id, 'just us')).toMatchObject([{ state: 'delivered' }]);
    expect(await carolGetsMore).toMatchObject({ conversationId: carolId, text: 'just us' });
    expect(alice.conversations.participants(id)).toEqual([{ email: 'carol@example.com', displayName: 'Carol' }]);
  });
});

describe('switchboards the server closes', () => {
  let server: RunningServer;
  let onLog: ((line: string) => void) | undefined;
  beforeAll(async () => {
    server = await start({
      // Long enough for a whole XFR → CAL → RNG → ANS round on a busy machine.
      sbIdleTimeoutMs: 1000,
      log: (line) => onLog?.(line),
    });
  });
  afterAll(() => server.close());

  /** Resolves when the server has idled out `count` more switchboard connections. */
  function idleClosures(count: number): Promise<void> {
    let seen = 0;
    return new Promise((resolve) => {
      onLog = (line) => {
        if (line.includes('closing: switchboard idle') && ++seen === count) resolve();
      };
    });
  }

  it('loses no queued message and keeps their order when the switchboard was closed by the server', async () => {
    const alice = await signIn(server, 'alice', 12);
    const bob = await signIn(server, 'bob', 8);
    const id = alice.conversations.open('bob@example.com');
    const idled = idleClosures(2);
    const received = record(bob.conversations, 'message');
    await sendAll(alice.conversations, id, 'before');
    await idled;

    const burst = ['1 ☺', '2 Привет', '3 😀', '4 世界', '5 end'];
    const outcomes = await Promise.all(burst.map((t) => sendAll(alice.conversations, id, t)));
    expect(outcomes.flat().map((d) => d.state)).toEqual(burst.map(() => 'delivered'));
    await expect.poll(() => received.length).toBe(burst.length + 1);
    expect(received.map((m) => m.text)).toEqual(['before', ...burst]);
    // Bob's side files the new switchboard under the same conversation.
    expect(new Set(received.map((m) => m.conversationId)).size).toBe(1);

    // And the other way round, after another idle timeout.
    const idledAgain = idleClosures(2);
    await idledAgain;
    const aliceGets = next(alice.conversations, 'message');
    await sendAll(bob.conversations, received[0]?.conversationId ?? '', 'back to you');
    expect(await aliceGets).toMatchObject({ conversationId: id, text: 'back to you' });
  });
});

describe('losing the notification server', () => {
  it('ends every conversation with the reason and fails what was unsent', async () => {
    const server = await start();
    const alice = await signIn(server, 'alice', 12);
    await signIn(server, 'bob', 12);
    const id = alice.conversations.open('bob@example.com');
    await sendAll(alice.conversations, id, 'hi');
    const ended = next(alice.conversations, 'closed');
    const sessionEnded = new Promise<string>((resolve) =>
      alice.once('session-ended', ({ message }) => resolve(message)),
    );
    await server.close();
    const reason = await sessionEnded;
    expect(await ended).toEqual({ conversationId: id, reason });
    expect(() => alice.conversations.send(id, 'too late', DEFAULT_FORMAT)).toThrow(/closed/);
  });
});
