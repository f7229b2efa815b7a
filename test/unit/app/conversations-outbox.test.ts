// The conversations with the outbox and offline messages, on a stand-in for the engine's
// conversation manager and client: what goes where, what waits, what survives a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../../src/shared/ipc';
import { createEmitter } from '../../../src/shared/ipc';
import { DEFAULT_FORMAT, type Participant, type TextFormat } from '../../../src/shared/schemas';
import { ConversationsService, UNCONFIRMED_AT_RESTART, type OfflineSender } from '../../../src/main/app/conversations';
import type { HistoryRecorder, LiveRecord } from '../../../src/main/app/history/service';
import { Outbox, type OutboxEntry } from '../../../src/main/app/outbox';
import type {
  ConversationEvents,
  ConversationManager,
  SendOptions,
  SentPart,
} from '../../../src/main/msnp/conversation';
import { TypedEmitter } from '../../../src/main/msnp/emitter';
import { MsnpError } from '../../../src/main/msnp/errors';
import type { EmoticonDeclaration } from '../../../src/main/msnp/p2p/emoticons';

/** Records what is sent; deliveries are reported by the test. Long texts split every 20 characters. */
class FakeManager extends TypedEmitter<ConversationEvents> {
  readonly sent: { conversationId: string; text: string; messageId: string; emoticons: string[] }[] = [];
  private next = 0;
  open(email: string): string {
    return `engine-${email}`;
  }
  participants(): Participant[] {
    return [];
  }
  send(conversationId: string, text: string, _format: TextFormat, options: SendOptions = {}): SentPart[] {
    const parts: SentPart[] = [];
    const emoticons = (options.emoticons ?? []).map((e) => e.shortcut);
    for (let i = 0; i < text.length; i += 20) {
      const part = { messageId: `part-${++this.next}`, text: text.slice(i, i + 20) };
      this.sent.push({ conversationId, ...part, emoticons });
      parts.push(part);
    }
    return parts;
  }
  report(messageId: string, state: 'delivered' | 'failed', reason?: string, uncertain?: boolean): void {
    this.emit('delivery', {
      conversationId: 'engine',
      messageId,
      state,
      ...(reason === undefined ? {} : { reason }),
      ...(uncertain ? { uncertain } : {}),
    });
  }
  close(): void {}
}

class FakeOim implements OfflineSender {
  supportsOfflineMessages = true;
  readonly sent: { email: string; text: string }[] = [];
  readonly answers: { resolve: () => void; reject: (err: Error) => void }[] = [];
  sendOfflineMessage(email: string, text: string): Promise<void> {
    this.sent.push({ email, text });
    return new Promise((resolve, reject) => this.answers.push({ resolve, reject }));
  }
}

class RecordingHistory implements HistoryRecorder {
  readonly records: LiveRecord[] = [];
  readonly deliveries: { messageId: string; state: string; reason: string | undefined }[] = [];
  readonly resumed: { messageId: string; recordId: number }[] = [];
  /** Record ids count from 1 in every recorder, as a fresh database's would. */
  record(_conversationId: string, _contact: Participant, record: LiveRecord): number {
    return this.records.push(record);
  }
  resume(_conversationId: string, messageId: string, recordId: number): void {
    this.resumed.push({ messageId, recordId });
  }
  delivery(_conversationId: string, messageId: string, state: string, reason?: string): void {
    this.deliveries.push({ messageId, state, reason });
  }
  fileTransfer(): undefined {
    return undefined;
  }
  transferEnded(): void {}
  ended(): void {}
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One of our own custom emoticons, as the media service declares it. */
const CAT: EmoticonDeclaration = { shortcut: '(cat)', msnObject: '<msnobj Creator="me@example.com" Type="2"/>' };

function setup(dir = mkdtempSync(join(tmpdir(), 'outbox-conv-'))) {
  dirs.push(dir);
  const offline = new Set(['carol@example.com']);
  const manager = new FakeManager();
  const oim = new FakeOim();
  const history = new RecordingHistory();
  const events: { name: EventName; payload: unknown }[] = [];
  const incoming: string[] = [];
  const restored: string[] = [];
  const errors: string[] = [];
  const outbox = new Outbox({ dir, reportError: (m) => errors.push(m), now: () => 5 });
  const service = new ConversationsService({
    emit: createEmitter((name, payload) => events.push({ name, payload })),
    self: () => ({ email: 'me@example.com', displayName: 'Me' }),
    nameOf: (email) => ({ 'bob@example.com': 'Bob', 'carol@example.com': 'Carol' })[email] ?? email,
    isOffline: (email) => offline.has(email),
    pictureOf: () => undefined,
    incoming: (_id, _kind, from, text) => incoming.push(`${from.email}: ${text}`),
    reportError: (m) => errors.push(m),
    now: () => 1000,
    history,
    outbox,
    restored: (id) => restored.push(id),
  });
  const attach = (withOim = true, account = 'me@example.com'): void =>
    service.attach(manager as unknown as ConversationManager, withOim ? oim : undefined, account);
  const deliveries = (): EventPayload<'conversation:delivery'>[] =>
    events
      .filter((e) => e.name === 'conversation:delivery')
      .map((e) => e.payload as EventPayload<'conversation:delivery'>);
  const kept = (): readonly OutboxEntry[] =>
    new Outbox({ dir, reportError: () => {}, now: () => 0 }).open('me@example.com');
  return { dir, service, manager, oim, history, events, incoming, restored, errors, offline, attach, deliveries, kept };
}

describe('sending through the outbox', () => {
  it('keeps a message on disk, marked as handed over, until it is delivered', () => {
    const t = setup();
    t.attach();
    t.service.connected();
    const id = t.service.open('bob@example.com');
    const [messageId] = t.service.send(id, 'hello bob', DEFAULT_FORMAT);
    expect(t.manager.sent).toEqual([
      { conversationId: 'engine-bob@example.com', text: 'hello bob', messageId: 'part-1', emoticons: [] },
    ]);
    expect(t.kept()).toMatchObject([{ id: messageId, to: ['bob@example.com'], text: 'hello bob', attempted: true }]);

    t.manager.report('part-1', 'delivered');
    expect(t.kept()).toEqual([]);
    expect(t.deliveries()).toEqual([{ conversationId: id, messageId, state: 'delivered' }]);
    expect(t.history.deliveries).toEqual([{ messageId, state: 'delivered', reason: undefined }]);
  });

  it('reports a long message once: delivered when every part is, failed when one is', () => {
    const t = setup();
    t.attach();
    t.service.connected();
    const id = t.service.open('bob@example.com');
    const [whole] = t.service.send(id, 'twenty-five characters...', DEFAULT_FORMAT);
    expect(t.manager.sent.map((s) => s.messageId)).toEqual(['part-1', 'part-2']);
    t.manager.report('part-1', 'delivered');
    expect(t.deliveries()).toEqual([]);
    t.manager.report(
      'part-2',
      'failed',
      'The conversation kept disconnecting: the message may not have been delivered',
      true,
    );
    expect(t.deliveries()).toEqual([
      {
        conversationId: id,
        messageId: whole,
        state: 'failed',
        reason: 'The conversation kept disconnecting: the message may not have been delivered',
        uncertain: true,
      },
    ]);
    expect(t.service.snapshot(id).entries).toMatchObject([
      { kind: 'message', id: whole, text: 'twenty-five characters...', delivery: 'failed' },
    ]);
    expect(t.kept()).toEqual([]);
  });

  it('holds messages typed while disconnected and sends them, in order, on reconnection', () => {
    const t = setup();
    t.attach();
    t.service.connected();
    const id = t.service.open('bob@example.com');
    t.service.disconnected();
    const [first] = t.service.send(id, 'one', DEFAULT_FORMAT);
    const [second] = t.service.send(id, 'two (cat)', DEFAULT_FORMAT, [CAT]);
    expect(t.manager.sent).toEqual([]);
    expect(t.deliveries()).toEqual([
      { conversationId: id, messageId: first, state: 'queued' },
      { conversationId: id, messageId: second, state: 'queued' },
    ]);
    expect(t.kept().map((e) => [e.text, e.attempted])).toEqual([
      ['one', false],
      ['two (cat)', false],
    ]);
    expect(t.history.records).toMatchObject([
      { kind: 'message', text: 'one', delivery: 'queued' },
      { kind: 'message', text: 'two (cat)', delivery: 'queued' },
    ]);

    t.service.connected();
    // The custom emoticon it uses is announced with it, as it would have been at once.
    expect(t.manager.sent.map((s) => [s.text, s.emoticons])).toEqual([
      ['one', []],
      ['two (cat)', ['(cat)']],
    ]);
    expect(t.kept().map((e) => [e.text, e.attempted])).toEqual([
      ['one', true],
      ['two (cat)', true],
    ]);
    expect(t.deliveries().slice(2)).toEqual([
      { conversationId: id, messageId: first, state: 'sending' },
      { conversationId: id, messageId: second, state: 'sending' },
    ]);
  });

  it('keeps what still waits when the session ends for good, and sends it at the next sign-in', () => {
    const t = setup();
    t.attach();
    t.service.connected();
    const id = t.service.open('bob@example.com');
    t.service.disconnected();
    const [waiting] = t.service.send(id, 'never went', DEFAULT_FORMAT);
    t.service.endAll('The connection to the server was lost');
    expect(t.deliveries().map((d) => d.state)).toEqual(['queued']);
    expect(t.kept()).toMatchObject([{ id: waiting, attempted: false }]);

    // Signed in again (same run): it goes out from a new window, the old conversation having ended.
    t.attach();
    t.service.connected();
    expect(t.restored).toHaveLength(1);
    expect(t.restored[0]).not.toBe(id);
    expect(t.manager.sent.map((s) => s.text)).toEqual(['never went']);
  });

  it('sends again a message that failed, as a new message', () => {
    const t = setup();
    t.attach();
    t.service.connected();
    const id = t.service.open('bob@example.com');
    const [lost] = t.service.send(id, 'retry me (cat)', DEFAULT_FORMAT, [CAT]);
    expect(() => t.service.resend(id, lost ?? '')).toThrow('That message has not failed');
    t.manager.report('part-1', 'failed', 'Bob did not answer');
    expect(t.service.failedMessage(id, lost ?? '')).toEqual({ text: 'retry me (cat)', format: DEFAULT_FORMAT });
    const [again] = t.service.resend(id, lost ?? '', [CAT]);
    expect(again).not.toBe(lost);
    expect(t.manager.sent.map((s) => [s.text, s.emoticons])).toEqual([
      ['retry me (cat)', ['(cat)']],
      ['retry me (cat)', ['(cat)']],
    ]);
    expect(t.service.snapshot(id).entries).toMatchObject([
      { id: lost, delivery: 'failed', failureReason: 'Bob did not answer' },
      { id: again, delivery: 'sending', text: 'retry me (cat)' },
    ]);
    expect(() => t.service.resend(id, 'nothing-like-it')).toThrow('That message is no longer in this window');
  });
});

describe('offline messages out', () => {
  it('sends to an offline contact as an offline message, one after another', async () => {
    const t = setup();
    t.attach();
    t.service.connected();
    const id = t.service.open('carol@example.com');
    const [first] = t.service.send(id, 'see this later', DEFAULT_FORMAT);
    const [second] = t.service.send(id, 'and this', DEFAULT_FORMAT);
    await flush();
    // The second waits for the first: their order on the server is the order they were typed.
    expect(t.oim.sent).toEqual([{ email: 'carol@example.com', text: 'see this later' }]);
    expect(t.manager.sent).toEqual([]);
    t.oim.answers[0]?.resolve();
    await flush();
    expect(t.oim.sent.map((s) => s.text)).toEqual(['see this later', 'and this']);
    t.oim.answers[1]?.reject(new MsnpError('server', 'The server refused the offline message (SystemUnavailable)'));
    await flush();
    expect(t.deliveries()).toEqual([
      { conversationId: id, messageId: first, state: 'offline' },
      {
        conversationId: id,
        messageId: second,
        state: 'failed',
        reason: 'The server refused the offline message (SystemUnavailable)',
      },
    ]);
    expect(t.kept()).toEqual([]);
    expect(t.history.deliveries.map((d) => d.state)).toEqual(['offline', 'failed']);

    // No answer to the request: it may have been stored, and says so.
    t.service.send(id, 'into the void', DEFAULT_FORMAT);
    await flush();
    t.oim.answers[2]?.reject(new MsnpError('timeout', 'The server did not answer'));
    await flush();
    expect(t.deliveries().at(-1)).toMatchObject({ state: 'failed', uncertain: true });
  });

  it('refuses, as before, when the dialect has no offline messages', () => {
    const t = setup();
    t.attach(false);
    t.service.connected();
    const id = t.service.open('carol@example.com');
    expect(() => t.service.send(id, 'hello?', DEFAULT_FORMAT)).toThrow(
      'Carol is offline. Your text is still in the box: send it once they sign in.',
    );
    expect(t.service.snapshot(id).entries).toEqual([]);
    expect(t.kept()).toEqual([]);
  });

  it('fails a waiting message to someone offline by then when the dialect keeps none, saying so', () => {
    const t = setup();
    t.attach(false);
    const id = t.service.open('bob@example.com');
    const [waiting] = t.service.send(id, 'typed while down', DEFAULT_FORMAT);
    t.offline.add('bob@example.com');
    t.service.connected();
    expect(t.deliveries().at(-1)).toEqual({
      conversationId: id,
      messageId: waiting,
      state: 'failed',
      reason: 'Not sent: Bob is offline, and this server keeps no messages for them. Send it again once they sign in.',
    });
    expect(t.manager.sent).toEqual([]);
    expect(t.kept()).toEqual([]);
  });

  it('routes a waiting message when it leaves: offline by then, it goes as an offline message', async () => {
    const t = setup();
    t.attach();
    const id = t.service.open('bob@example.com');
    t.service.send(id, 'typed while down', DEFAULT_FORMAT);
    t.offline.add('bob@example.com');
    t.service.connected();
    await flush();
    expect(t.oim.sent).toEqual([{ email: 'bob@example.com', text: 'typed while down' }]);
    expect(t.manager.sent).toEqual([]);
  });
});

describe('after a restart', () => {
  it('shows what may have gone out as failed "may not have been delivered" and sends what never did', () => {
    const first = setup();
    first.attach();
    first.service.connected();
    const id = first.service.open('bob@example.com');
    const [handed] = first.service.send(id, 'was on the wire', DEFAULT_FORMAT);
    first.service.disconnected();
    const [waiting] = first.service.send(id, 'never left', DEFAULT_FORMAT);
    // The app stops here without a word: no delivery report ever comes.

    const second = setup(first.dir);
    second.attach();
    second.service.connected();
    expect(second.restored).toHaveLength(1);
    const restoredId = second.restored[0] ?? '';
    expect(second.service.snapshot(restoredId)).toMatchObject({
      participants: [{ email: 'bob@example.com', displayName: 'Bob' }],
      entries: [
        {
          kind: 'message',
          id: handed,
          outgoing: true,
          text: 'was on the wire',
          delivery: 'failed',
          failureReason: UNCONFIRMED_AT_RESTART,
          uncertain: true,
        },
        { kind: 'message', id: waiting, outgoing: true, text: 'never left', delivery: 'sending' },
      ],
    });
    expect(UNCONFIRMED_AT_RESTART).toMatch(/may not have been delivered/);
    // Sent exactly once: the one that may have arrived is not sent again.
    expect(second.manager.sent.map((s) => s.text)).toEqual(['never left']);
    expect(second.kept()).toMatchObject([{ id: waiting, attempted: true }]);
    second.manager.report('part-1', 'delivered');
    expect(second.kept()).toEqual([]);
    // The history records of the first run learn what became of them.
    expect(second.history.resumed).toEqual([
      { messageId: handed, recordId: 1 },
      { messageId: waiting, recordId: 2 },
    ]);
    expect(second.history.deliveries).toEqual(
      expect.arrayContaining([
        { messageId: handed, state: 'failed', reason: UNCONFIRMED_AT_RESTART },
        { messageId: waiting, state: 'delivered', reason: undefined },
      ]),
    );

    // The user can send the uncertain one again from the window.
    second.service.resend(restoredId, handed ?? '');
    expect(second.manager.sent.map((s) => s.text)).toEqual(['never left', 'was on the wire']);
  });

  it('adds what it restores to a window already open with them, waiting first', () => {
    const first = setup();
    first.attach();
    const id = first.service.open('bob@example.com');
    const [waiting] = first.service.send(id, 'from before', DEFAULT_FORMAT);

    const second = setup(first.dir);
    second.attach();
    // Bob's window opened (his message came) before the session was online.
    const open = second.service.open('bob@example.com');
    second.service.connected();
    expect(second.restored).toEqual([]);
    const told = second.events.filter((e) => e.name === 'conversation:message' || e.name === 'conversation:delivery');
    expect(told.map((e) => e.name)).toEqual(['conversation:message', 'conversation:delivery', 'conversation:delivery']);
    expect(told[0]?.payload).toMatchObject({ conversationId: open, id: waiting, text: 'from before' });
    expect(told.slice(1).map((e) => (e.payload as { state: string }).state)).toEqual(['queued', 'sending']);
    expect(second.manager.sent.map((s) => s.text)).toEqual(['from before']);
  });

  it('restores only the account that signs in', () => {
    const first = setup();
    first.attach();
    const id = first.service.open('bob@example.com');
    first.service.send(id, 'for later', DEFAULT_FORMAT);
    const other = setup(first.dir);
    other.attach(true, 'someone-else@example.com');
    other.service.connected();
    expect(other.restored).toEqual([]);
    expect(other.manager.sent).toEqual([]);
  });
});

describe('offline messages in', () => {
  it('shows each in its sender’s conversation with the time it was sent, marked offline, and records it', () => {
    const t = setup();
    t.attach();
    t.service.connected();
    const open = t.service.open('bob@example.com');
    const shown = t.service.receiveOffline([
      { id: 'M1', from: 'bob@example.com', fromName: 'Bobby', receivedAt: 700, sentAt: 600, text: 'first' },
      { id: 'M2', from: 'dave@example.com', fromName: 'Dave <b>', receivedAt: 800, sentAt: 750, text: '<i>hi</i>' },
      { id: 'M3', from: 'bob@example.com', fromName: 'Bobby', receivedAt: 900, sentAt: 850, text: 'second' },
    ]);
    expect(shown).toEqual(['M1', 'M2', 'M3']);
    expect(t.service.snapshot(open).entries).toMatchObject([
      { kind: 'message', outgoing: false, text: 'first', at: 600, offline: true, from: { displayName: 'Bob' } },
      { kind: 'message', outgoing: false, text: 'second', at: 850, offline: true },
    ]);
    const opened = t.events.filter((e) => e.name === 'conversation:opened').map((e) => e.payload);
    expect(opened.at(-1)).toMatchObject({ participants: [{ email: 'dave@example.com', displayName: 'Dave <b>' }] });
    const messages = t.events.filter((e) => e.name === 'conversation:message').map((e) => e.payload);
    expect(messages).toMatchObject([
      { conversationId: open, text: 'first', at: 600, offline: true },
      // Someone not in the list is named as the notice names them.
      { text: '<i>hi</i>', offline: true, from: { email: 'dave@example.com', displayName: 'Dave <b>' } },
      { conversationId: open, text: 'second', offline: true },
    ]);
    expect(t.history.records).toMatchObject([
      { kind: 'message', text: 'first', offline: true, at: 600, outgoing: false },
      { kind: 'message', text: '<i>hi</i>', offline: true },
      { kind: 'message', text: 'second', offline: true },
    ]);
    // One alert per conversation, with its latest message.
    expect(t.incoming).toEqual(['bob@example.com: second', 'dave@example.com: <i>hi</i>']);
  });
});
