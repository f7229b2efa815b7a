import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Frame } from '../../../src/main/msnp/codec';
import type { SwitchboardInvitation, SwitchboardTicket } from '../../../src/main/msnp/client';
import {
  ConversationManager,
  type ConversationEvents,
  type NotificationLink,
} from '../../../src/main/msnp/conversation';
import { TypedEmitter } from '../../../src/main/msnp/emitter';
import { serverError } from '../../../src/main/msnp/errors';
import {
  DEFAULT_FORMAT,
  MAX_PAYLOAD_BYTES,
  buildNudgePayload,
  buildTextPayload,
  buildTypingPayload,
  parseMessage,
} from '../../../src/main/msnp/format';
import { ScriptedServer, type PeerConnection } from './scripted-peer';
import { acceptUsr } from './switchboard-peer';

/** The notification side, played by the test. */
class FakeLink extends TypedEmitter<{ invitation: SwitchboardInvitation; ended: string }> implements NotificationLink {
  readonly email = 'alice@example.com';
  xfrCount = 0;
  failNextXfr: Error | undefined;

  constructor(private readonly server: ScriptedServer) {
    super();
  }

  requestSwitchboard(): Promise<SwitchboardTicket> {
    this.xfrCount++;
    const failure = this.failNextXfr;
    this.failNextXfr = undefined;
    if (failure) return Promise.reject(failure);
    return Promise.resolve({ host: this.server.host, port: this.server.port, cookie: `cookie${this.xfrCount}` });
  }

  onInvitation(listener: (invitation: SwitchboardInvitation) => void): void {
    this.on('invitation', listener);
  }

  onEnded(listener: (reason: string) => void): void {
    this.on('ended', listener);
  }

  ring(sessionId = '4242'): void {
    this.emit('invitation', {
      sessionId,
      host: this.server.host,
      port: this.server.port,
      cookie: 'ringcookie',
      callerEmail: 'bob@example.com',
      callerDisplayName: 'Bob',
    });
  }

  end(reason: string): void {
    this.emit('ended', reason);
  }
}

let server: ScriptedServer;
let link: FakeLink;
let manager: ConversationManager;

beforeEach(async () => {
  server = await ScriptedServer.start();
  link = new FakeLink(server);
  manager = new ConversationManager(link, { joinTimeoutMs: 60_000 });
});

afterEach(async () => {
  vi.useRealTimers();
  manager.closeAll('test over');
  await server.close();
});

function next<K extends keyof ConversationEvents>(
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

function record<K extends keyof ConversationEvents>(event: K): ConversationEvents[K][] {
  const seen: ConversationEvents[K][] = [];
  manager.on(event, (payload) => seen.push(payload));
  return seen;
}

/** Plays the server side of opening a switchboard: USR, then CAL → RINGING → JOI for each invitee. */
async function serveOpen(invitees: string[] = ['bob@example.com']): Promise<PeerConnection> {
  const peer = await server.accept();
  await acceptUsr(peer);
  for (const email of invitees) {
    const cal = await peer.expect('CAL');
    expect(cal.params[1]).toBe(email);
    peer.write(`CAL ${cal.params[0]} RINGING 11752013`);
    peer.write(`JOI ${email} ${email.split('@')[0]}`);
  }
  return peer;
}

/** Plays the server side of an invitation: ANS, roster, ANS OK. */
async function serveAnswer(roster: string[] = ['bob@example.com']): Promise<PeerConnection> {
  const peer = await server.accept();
  const ans = await peer.expect('ANS');
  expect(ans.params.slice(1)).toEqual(['alice@example.com', 'ringcookie', '4242']);
  roster.forEach((email, i) =>
    peer.write(`IRO ${ans.params[0]} ${i + 1} ${roster.length} ${email} ${email.split('@')[0]}`),
  );
  peer.write(`ANS ${ans.params[0]} OK`);
  return peer;
}

const text = (frame: Frame): string => {
  const content = parseMessage(frame.payload ?? Buffer.alloc(0));
  return content.kind === 'text' ? content.text : content.kind;
};

describe('starting a conversation', () => {
  it('opens a switchboard on the first message, sends it after the JOI and reports the ACK', async () => {
    const opened = record('opened');
    const id = manager.open('Bob@Example.com');
    expect(manager.open('bob@example.com')).toBe(id);
    expect(opened).toEqual([{ conversationId: id, participants: [] }]);
    expect(link.xfrCount).toBe(0);

    const joined = next('joined');
    const [part] = manager.send(id, 'Hello! How are you?', DEFAULT_FORMAT);
    const peer = await serveOpen();
    expect(await joined).toEqual({ conversationId: id, participant: { email: 'bob@example.com', displayName: 'bob' } });
    const msg = await peer.expect('MSG');
    expect(msg.params[1]).toBe('A');
    expect(text(msg)).toBe('Hello! How are you?');
    const delivered = next('delivery');
    peer.write(`ACK ${msg.params[0]}`);
    expect(await delivered).toEqual({ conversationId: id, messageId: part?.messageId, state: 'delivered' });
    expect(manager.participants(id)).toEqual([{ email: 'bob@example.com', displayName: 'bob' }]);
  });

  it('holds messages typed while opening until everyone invited has joined, in order', async () => {
    const id = manager.open('bob@example.com');
    manager.send(id, 'one', DEFAULT_FORMAT);
    manager.send(id, 'two', DEFAULT_FORMAT);
    const peer = await server.accept();
    manager.send(id, 'three', DEFAULT_FORMAT);
    await acceptUsr(peer);
    const cal = await peer.expect('CAL');
    peer.write(`CAL ${cal.params[0]} RINGING 1`);
    // A stranger joining does not release the queue; Bob does.
    peer.write('JOI carol@example.com Carol');
    peer.write('JOI bob@example.com Bob');
    expect([await peer.expect('MSG'), await peer.expect('MSG'), await peer.expect('MSG')].map(text)).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect(link.xfrCount).toBe(1);
  });

  it('never sends before a JOI: with nobody answering, the message fails and the switchboard is left', async () => {
    manager = new ConversationManager(link, { joinTimeoutMs: 50 });
    const id = manager.open('bob@example.com');
    const failed = next('delivery');
    manager.send(id, 'anyone?', DEFAULT_FORMAT);
    const peer = await server.accept();
    await acceptUsr(peer);
    const cal = await peer.expect('CAL');
    peer.write(`CAL ${cal.params[0]} RINGING 1`);
    expect(await failed).toMatchObject({ state: 'failed', reason: 'bob@example.com did not answer' });
    await peer.expect('OUT');
  });

  it('fails the message with the reason when the contact cannot be reached', async () => {
    const id = manager.open('ghost@example.com');
    const failed = next('delivery');
    manager.send(id, 'hello?', DEFAULT_FORMAT);
    const peer = await server.accept();
    await acceptUsr(peer);
    const cal = await peer.expect('CAL');
    peer.write(`217 ${cal.params[0]}`);
    expect(await failed).toMatchObject({
      state: 'failed',
      reason: 'Could not reach ghost@example.com: That person is offline or not accepting messages',
    });
    await peer.expect('OUT');
  });

  it('fails the message when the notification server refuses a switchboard', async () => {
    link.failNextXfr = serverError(913, 'XFR');
    const id = manager.open('bob@example.com');
    const failed = next('delivery');
    manager.send(id, 'hi', DEFAULT_FORMAT);
    expect(await failed).toMatchObject({
      state: 'failed',
      reason: 'Could not start the conversation: Not allowed while offline or appearing offline',
    });
    // The next message tries again.
    manager.send(id, 'hi again', DEFAULT_FORMAT);
    const peer = await serveOpen();
    expect(text(await peer.expect('MSG'))).toBe('hi again');
  });

  it('refuses a conversation with yourself and empty text', () => {
    expect(() => manager.open('Alice@example.com')).toThrow(/yourself/);
    const id = manager.open('bob@example.com');
    expect(() => manager.send(id, '', DEFAULT_FORMAT)).toThrow(/nothing to send/);
  });
});

describe('invitations', () => {
  it('answers an RNG, opens a conversation with the roster and reuses it for that contact', async () => {
    const opened = next('opened');
    link.ring();
    const peer = await serveAnswer();
    const { conversationId, participants } = await opened;
    expect(participants).toEqual([{ email: 'bob@example.com', displayName: 'bob' }]);
    expect(manager.open('bob@example.com')).toBe(conversationId);

    const message = next('message');
    peer.write(
      'MSG bob@example.com Bob%20B.',
      buildTextPayload('Fine, thanks! 😀', { ...DEFAULT_FORMAT, color: '#ff0000' }),
    );
    expect(await message).toMatchObject({
      conversationId,
      from: { email: 'bob@example.com', displayName: 'Bob B.' },
      text: 'Fine, thanks! 😀',
      format: { ...DEFAULT_FORMAT, color: '#ff0000' },
    });

    // Replies go out on the same switchboard.
    manager.send(conversationId, 'great', DEFAULT_FORMAT);
    expect(text(await peer.expect('MSG'))).toBe('great');
    expect(link.xfrCount).toBe(0);
  });

  it('files an invitation from a contact under the existing conversation with them', async () => {
    const id = manager.open('bob@example.com');
    const opened = record('opened');
    const message = next('message');
    link.ring();
    const peer = await serveAnswer();
    peer.write('MSG bob@example.com Bob', buildTextPayload('hi', DEFAULT_FORMAT));
    expect((await message).conversationId).toBe(id);
    expect(opened).toEqual([]);
  });

  it('opens a separate conversation for a group invitation', async () => {
    const id = manager.open('bob@example.com');
    const opened = next('opened');
    link.ring();
    await serveAnswer(['bob@example.com', 'carol@example.com']);
    const group = await opened;
    expect(group.conversationId).not.toBe(id);
    expect(group.participants.map((p) => p.email)).toEqual(['bob@example.com', 'carol@example.com']);
  });

  it('keeps a message that arrives together with ANS OK', async () => {
    const message = next('message');
    link.ring();
    const peer = await server.accept();
    const ans = await peer.expect('ANS');
    const payload = buildTextPayload('first!', DEFAULT_FORMAT);
    peer.socket.write(
      Buffer.concat([
        Buffer.from(`IRO ${ans.params[0]} 1 1 bob@example.com Bob\r\nANS ${ans.params[0]} OK\r\n`),
        Buffer.from(`MSG bob@example.com Bob ${payload.length}\r\n`),
        payload,
      ]),
    );
    expect((await message).text).toBe('first!');
  });

  it('reports an invitation that could not be answered', async () => {
    const failed = next('invitation-failed');
    link.ring();
    const peer = await server.accept();
    const ans = await peer.expect('ANS');
    peer.write(`911 ${ans.params[0]}`);
    expect(await failed).toEqual({ email: 'bob@example.com', reason: 'Authentication failed' });
  });
});

describe('incoming content', () => {
  async function answered(): Promise<{ id: string; peer: PeerConnection }> {
    const opened = next('opened');
    link.ring();
    const peer = await serveAnswer();
    return { id: (await opened).conversationId, peer };
  }

  it('reports nudges and things it cannot show, and ignores plumbing', async () => {
    const { id, peer } = await answered();
    const unsupported = record('unsupported');
    const messages = record('message');
    const nudge = next('nudge');
    peer.write(
      'MSG bob@example.com Bob',
      'MIME-Version: 1.0\r\nContent-Type: text/x-clientcaps\r\n\r\nClient-Name: X\r\n',
    );
    peer.write('MSG bob@example.com Bob', 'Content-Type: text/x-msmsgsinvite\r\n\r\nInvitation-Command: INVITE\r\n');
    peer.write('MSG bob@example.com Bob', buildNudgePayload());
    expect(await nudge).toEqual({ conversationId: id, from: { email: 'bob@example.com', displayName: 'Bob' } });
    expect(unsupported).toEqual([
      {
        conversationId: id,
        from: { email: 'bob@example.com', displayName: 'Bob' },
        contentType: 'text/x-msmsgsinvite',
      },
    ]);
    // The session still works.
    const message = next('message');
    peer.write('MSG bob@example.com Bob', buildTextPayload('still here', DEFAULT_FORMAT));
    expect((await message).text).toBe('still here');
    expect(messages).toHaveLength(1);
  });

  it('treats typing as expired 6 s after the last notification, and ends it when the message arrives', async () => {
    const { id, peer } = await answered();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const stopped = record('typing-stopped');
    let typing = next('typing');
    peer.write('MSG bob@example.com Bob', buildTypingPayload('bob@example.com'));
    expect(await typing).toEqual({ conversationId: id, email: 'bob@example.com' });
    vi.advanceTimersByTime(5_000);
    typing = next('typing');
    peer.write('MSG bob@example.com Bob', buildTypingPayload('bob@example.com'));
    await typing;
    vi.advanceTimersByTime(5_999);
    expect(stopped).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(stopped).toEqual([{ conversationId: id, email: 'bob@example.com' }]);

    typing = next('typing');
    peer.write('MSG bob@example.com Bob', buildTypingPayload('bob@example.com'));
    await typing;
    const message = next('message');
    peer.write('MSG bob@example.com Bob', buildTextPayload('done typing', DEFAULT_FORMAT));
    await message;
    expect(stopped).toHaveLength(2);
    vi.advanceTimersByTime(10_000);
    expect(stopped).toHaveLength(2);
  });
});

describe('sending', () => {
  async function chatting(): Promise<{ id: string; peer: PeerConnection }> {
    const opened = next('opened');
    link.ring();
    const peer = await serveAnswer();
    return { id: (await opened).conversationId, peer };
  }

  it('sends typing notifications at most every 4 s', async () => {
    const { id, peer } = await chatting();
    vi.useFakeTimers({ toFake: ['Date'] });
    manager.typing(id);
    manager.typing(id);
    vi.advanceTimersByTime(3_999);
    manager.typing(id);
    manager.send(id, 'marker', DEFAULT_FORMAT);
    vi.advanceTimersByTime(1);
    manager.typing(id);
    manager.send(id, 'marker 2', DEFAULT_FORMAT);
    const frames = [await peer.read(), await peer.read(), await peer.read(), await peer.read()];
    expect(frames.map((f) => `${f.params[1]} ${text(f)}`)).toEqual(['U typing', 'A marker', 'U typing', 'A marker 2']);
    expect(parseMessage(frames[0]?.payload ?? Buffer.alloc(0))).toEqual({ kind: 'typing', email: 'alice@example.com' });
  });

  it('does not open a switchboard just for typing', async () => {
    const id = manager.open('bob@example.com');
    manager.typing(id);
    expect(link.xfrCount).toBe(0);
  });

  it('sends nudges with ack N', async () => {
    const { id, peer } = await chatting();
    await manager.nudge(id);
    const msg = await peer.expect('MSG');
    expect(msg.params[1]).toBe('N');
    expect(parseMessage(msg.payload ?? Buffer.alloc(0))).toEqual({ kind: 'nudge' });
  });

  it('splits long text and reports each part', async () => {
    const { id, peer } = await chatting();
    const long = '日本語のテキスト😀'.repeat(150);
    const parts = manager.send(id, long, DEFAULT_FORMAT);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.text).join('')).toBe(long);
    const deliveries = record('delivery');
    for (const part of parts) {
      const msg = await peer.expect('MSG');
      expect(msg.payload?.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
      expect(text(msg)).toBe(part.text);
      peer.write(`ACK ${msg.params[0]}`);
    }
    await vi.waitFor(() => expect(deliveries).toHaveLength(parts.length));
    expect(deliveries.map((d) => d.messageId)).toEqual(parts.map((p) => p.messageId));
  });

  it('fails a message on NAK', async () => {
    const { id, peer } = await chatting();
    const failed = next('delivery');
    manager.send(id, 'lost', DEFAULT_FORMAT);
    const msg = await peer.expect('MSG');
    peer.write(`NAK ${msg.params[0]}`);
    expect(await failed).toMatchObject({ state: 'failed', reason: 'The message could not be delivered to everyone' });
  });

  it('fails a message that is not acknowledged within the ACK timeout', async () => {
    const { id, peer } = await chatting();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const deliveries = record('delivery');
    manager.send(id, 'anyone?', DEFAULT_FORMAT);
    await peer.expect('MSG');
    vi.advanceTimersByTime(59_999);
    expect(deliveries).toEqual([]);
    vi.advanceTimersByTime(1);
    await vi.waitFor(() => expect(deliveries).toHaveLength(1));
    expect(deliveries[0]).toMatchObject({
      state: 'failed',
      reason: 'No confirmation from the server: the message may not have been delivered',
      uncertain: true,
    });
  });
});

describe('switchboards closing under a conversation', () => {
  it('leaves a 1:1 switchboard when the contact leaves and re-invites them for the next message', async () => {
    const id = manager.open('bob@example.com');
    manager.send(id, 'first', DEFAULT_FORMAT);
    const peer = await serveOpen();
    const first = await peer.expect('MSG');
    peer.write(`ACK ${first.params[0]}`);
    const left = next('left');
    peer.write('BYE bob@example.com');
    expect(await left).toEqual({ conversationId: id, email: 'bob@example.com' });
    await peer.expect('OUT');
    expect(manager.participants(id)).toEqual([]);

    const joined = next('joined');
    manager.send(id, 'second', DEFAULT_FORMAT);
    const peer2 = await serveOpen();
    await joined;
    expect(text(await peer2.expect('MSG'))).toBe('second');
    expect(link.xfrCount).toBe(2);
  });

  it('never sends again a message whose ACK came in the same read as the BYE', async () => {
    const id = manager.open('bob@example.com');
    const delivered = record('delivery');
    const [sent] = manager.send(id, 'first', DEFAULT_FORMAT);
    const peer = await serveOpen();
    const first = await peer.expect('MSG');
    const left = next('left');
    peer.write(`ACK ${first.params[0]}\r\nBYE bob@example.com`);
    await left;
    await vi.waitFor(() =>
      expect(delivered).toEqual([{ conversationId: id, messageId: sent?.messageId, state: 'delivered' }]),
    );
    manager.send(id, 'second', DEFAULT_FORMAT);
    const peer2 = await serveOpen();
    expect(text(await peer2.expect('MSG'))).toBe('second');
  });

  it('resends unacknowledged and queued messages in order after the server drops the switchboard', async () => {
    const id = manager.open('bob@example.com');
    const delivered = record('delivery');
    const sent = ['one', 'two', 'three'].flatMap((t) => manager.send(id, t, DEFAULT_FORMAT));
    const peer = await serveOpen();
    const one = await peer.expect('MSG');
    peer.write(`ACK ${one.params[0]}`);
    await peer.expect('MSG');
    await peer.expect('MSG');
    peer.hangUp();
    const peer2 = await serveOpen();
    const again = [await peer2.expect('MSG'), await peer2.expect('MSG')];
    expect(again.map(text)).toEqual(['two', 'three']);
    sent.push(...manager.send(id, 'four', DEFAULT_FORMAT));
    const four = await peer2.expect('MSG');
    expect(text(four)).toBe('four');
    for (const m of [...again, four]) peer2.write(`ACK ${m.params[0]}`);
    await vi.waitFor(() => expect(delivered).toHaveLength(4));
    expect(delivered.every((d) => d.state === 'delivered')).toBe(true);
    expect(delivered.map((d) => d.messageId).sort()).toEqual(sent.map((p) => p.messageId).sort());
  });

  it('keeps the contact after an idle timeout and re-opens silently', async () => {
    const id = manager.open('bob@example.com');
    manager.send(id, 'one', DEFAULT_FORMAT);
    const peer = await serveOpen();
    const one = await peer.expect('MSG');
    peer.write(`ACK ${one.params[0]}`);
    const left = record('left');
    const joined = record('joined');
    peer.write('BYE bob@example.com 1');
    await peer.expect('OUT');
    manager.send(id, 'two', DEFAULT_FORMAT);
    const peer2 = await serveOpen();
    expect(text(await peer2.expect('MSG'))).toBe('two');
    expect(left).toEqual([]);
    expect(joined).toEqual([]);
    expect(manager.participants(id).map((p) => p.email)).toEqual(['bob@example.com']);
  });

  it('gives up on a message after its switchboard dropped three times', async () => {
    const id = manager.open('bob@example.com');
    const failed = next('delivery');
    manager.send(id, 'cursed', DEFAULT_FORMAT);
    for (let i = 0; i < 3; i++) {
      const peer = await serveOpen();
      await peer.expect('MSG');
      peer.hangUp();
    }
    expect(await failed).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/may not have been delivered/),
    });
  });
});

describe('group conversations', () => {
  it('invites a third person into an open conversation and survives while anyone is left', async () => {
    const id = manager.open('bob@example.com');
    manager.send(id, 'hi bob', DEFAULT_FORMAT);
    const peer = await serveOpen();
    await peer.expect('MSG');
    const joined = next('joined');
    const inviting = manager.invite(id, 'carol@example.com');
    const cal = await peer.expect('CAL');
    expect(cal.params[1]).toBe('carol@example.com');
    peer.write(`CAL ${cal.params[0]} RINGING 1`);
    await inviting;
    peer.write('JOI carol@example.com Carol');
    expect((await joined).participant).toEqual({ email: 'carol@example.com', displayName: 'Carol' });

    const left = next('left');
    peer.write('BYE bob@example.com');
    expect(await left).toEqual({ conversationId: id, email: 'bob@example.com' });
    manager.send(id, 'just us', DEFAULT_FORMAT);
    expect(text(await peer.expect('MSG'))).toBe('just us');
    expect(manager.participants(id).map((p) => p.email)).toEqual(['carol@example.com']);
    // The 1:1 conversation with Bob is no longer this one.
    expect(manager.open('bob@example.com')).not.toBe(id);
  });

  it('rejects an invitation of someone offline', async () => {
    const id = manager.open('bob@example.com');
    manager.send(id, 'hi', DEFAULT_FORMAT);
    const peer = await serveOpen();
    await peer.expect('MSG');
    const inviting = manager.invite(id, 'ghost@example.com');
    const cal = await peer.expect('CAL');
    peer.write(`217 ${cal.params[0]}`);
    await expect(inviting).rejects.toMatchObject({ code: 217 });
  });
});

describe('ending', () => {
  it('closing a conversation leaves its switchboard and fails what is unsent', async () => {
    const id = manager.open('bob@example.com');
    manager.send(id, 'one', DEFAULT_FORMAT);
    const peer = await serveOpen();
    await peer.expect('MSG');
    const deliveries = record('delivery');
    const closed = next('closed');
    manager.close(id);
    expect(await closed).toEqual({ conversationId: id, reason: 'The conversation was closed' });
    // It went out and no ACK came back: it may have arrived, and is not said to have failed outright.
    expect(deliveries).toMatchObject([
      {
        state: 'failed',
        reason: 'The conversation was closed: the message may not have been delivered',
        uncertain: true,
      },
    ]);
    await peer.expect('OUT');
    expect(() => manager.send(id, 'more', DEFAULT_FORMAT)).toThrow(/closed/);
  });

  it('losing the notification session ends every conversation with the reason', async () => {
    const a = manager.open('bob@example.com');
    const b = manager.open('carol@example.com');
    manager.send(a, 'queued', DEFAULT_FORMAT);
    const peer = await server.accept();
    const deliveries = record('delivery');
    const closed = record('closed');
    link.end('Connection to the server was lost');
    expect(closed.map((c) => c.conversationId).sort()).toEqual([a, b].sort());
    expect(closed.every((c) => c.reason === 'Connection to the server was lost')).toBe(true);
    // It never went out: a plain failure, not an uncertain one.
    expect(deliveries).toEqual([
      {
        conversationId: a,
        messageId: expect.any(String),
        state: 'failed',
        reason: 'Connection to the server was lost',
      },
    ]);
    await peer.closed();
    // A new session starts afresh.
    expect(manager.open('bob@example.com')).not.toBe(a);
  });

  it('drops an invitation answered after the notification session ended', async () => {
    const opened = record('opened');
    link.ring();
    const peer = await server.accept();
    const ans = await peer.expect('ANS');
    link.end('Connection to the server was lost');
    peer.write(`IRO ${ans.params[0]} 1 1 bob@example.com Bob`);
    peer.write(`ANS ${ans.params[0]} OK`);
    await peer.expect('OUT');
    expect(opened).toEqual([]);
  });
});
