import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MsnpError } from '../../../src/main/msnp/errors';
import { buildTextPayload, DEFAULT_FORMAT, MAX_PAYLOAD_BYTES } from '../../../src/main/msnp/format';
import { Switchboard, type SwitchboardEvents } from '../../../src/main/msnp/switchboard';
import { ScriptedServer, type PeerConnection } from './scripted-peer';
import { acceptUsr } from './switchboard-peer';

let server: ScriptedServer;
const opened: Switchboard[] = [];

beforeEach(async () => {
  server = await ScriptedServer.start();
});

afterEach(async () => {
  vi.useRealTimers();
  for (const sb of opened.splice(0)) sb.leave();
  await server.close();
});

const options = { host: '127.0.0.1', cookie: 'a3f9c2e1b7d04c5e9f21', email: 'alice@example.com' };

async function openSession(extra: { ackTimeoutMs?: number } = {}): Promise<{ sb: Switchboard; peer: PeerConnection }> {
  const sb = await Switchboard.connect({ ...options, port: server.port, ...extra });
  opened.push(sb);
  const peer = await server.accept();
  const loggedIn = sb.login();
  await acceptUsr(peer);
  await loggedIn;
  return { sb, peer };
}

/** Collects one kind of event into an array. */
function record<K extends keyof SwitchboardEvents>(sb: Switchboard, event: K): SwitchboardEvents[K][] {
  const seen: SwitchboardEvents[K][] = [];
  sb.on(event, (payload) => seen.push(payload));
  return seen;
}

function next<K extends keyof SwitchboardEvents>(sb: Switchboard, event: K): Promise<SwitchboardEvents[K]> {
  return new Promise((resolve) => sb.once(event, resolve));
}

describe('opening a session (USR)', () => {
  it('authenticates with the account and cookie', async () => {
    const sb = await Switchboard.connect({ ...options, port: server.port });
    opened.push(sb);
    expect(sb.state).toBe('authenticating');
    await expect(sb.invite('bob@example.com')).rejects.toMatchObject({ kind: 'state' });
    const pending = sb.login();
    const peer = await server.accept();
    const usr = await peer.expect('USR');
    expect(usr.params.slice(1)).toEqual(['alice@example.com', 'a3f9c2e1b7d04c5e9f21']);
    peer.write(`USR ${usr.params[0]} OK alice@example.com Alice%20Smith`);
    await pending;
    expect(sb.state).toBe('open');
    expect(sb.participants).toEqual([]);
  });

  it('rejects a bad cookie with the typed 911 error', async () => {
    const sb = await Switchboard.connect({ ...options, port: server.port });
    const closed = next(sb, 'closed');
    const pending = sb.login();
    const peer = await server.accept();
    const usr = await peer.expect('USR');
    peer.write(`911 ${usr.params[0]}`);
    await expect(pending).rejects.toMatchObject({ name: 'MsnpError', kind: 'auth', code: 911 });
    await peer.closed();
    await closed;
    expect(sb.state).toBe('closed');
  });

  it('rejects when nothing listens', async () => {
    const port = server.port;
    await server.close();
    server = await ScriptedServer.start();
    await expect(Switchboard.connect({ ...options, port })).rejects.toMatchObject({ kind: 'network' });
  });
});

describe('answering an invitation (ANS)', () => {
  it('sends ANS and collects the IRO roster, MSNP12 client ids included', async () => {
    const sb = await Switchboard.connect({ ...options, port: server.port });
    opened.push(sb);
    const joined = record(sb, 'joined');
    const message = next(sb, 'message');
    const pending = sb.answer('11752013');
    const peer = await server.accept();
    const ans = await peer.expect('ANS');
    const trid = ans.params[0];
    expect(ans.params.slice(1)).toEqual(['alice@example.com', 'a3f9c2e1b7d04c5e9f21', '11752013']);
    peer.write(`IRO ${trid} 1 2 Bob@Example.com Bob%20B.`);
    peer.write(`IRO ${trid} 2 2 carol@example.com Carol☺ 1073741824`);
    // Bob may speak right after ANS OK: nothing is lost even when it arrives in the same packet.
    peer.socket.write(`ANS ${trid} OK\r\nMSG bob@example.com Bob 2\r\nhi`);
    await pending;
    expect((await message).payload.toString()).toBe('hi');
    expect(joined).toEqual([]);
    expect(sb.participants).toEqual([
      { email: 'bob@example.com', displayName: 'Bob B.' },
      { email: 'carol@example.com', displayName: 'Carol☺' },
    ]);
    expect(sb.has('BOB@example.com')).toBe(true);
  });

  it('rejects an expired invitation', async () => {
    const sb = await Switchboard.connect({ ...options, port: server.port });
    const pending = sb.answer('1');
    const peer = await server.accept();
    const ans = await peer.expect('ANS');
    peer.write(`911 ${ans.params[0]}`);
    await expect(pending).rejects.toMatchObject({ code: 911 });
  });
});

describe('participants', () => {
  it('invites with CAL and reports the JOI', async () => {
    const { sb, peer } = await openSession();
    const joined = next(sb, 'joined');
    const invited = sb.invite('bob@example.com');
    const cal = await peer.expect('CAL');
    expect(cal.params[1]).toBe('bob@example.com');
    peer.write(`CAL ${cal.params[0]} RINGING 11752013`);
    await invited;
    peer.write('JOI bob@example.com Bob 1073741824');
    expect(await joined).toEqual({ email: 'bob@example.com', displayName: 'Bob' });
    expect(sb.participants).toEqual([{ email: 'bob@example.com', displayName: 'Bob' }]);
  });

  it('rejects a CAL for someone offline and stays usable', async () => {
    const { sb, peer } = await openSession();
    const invited = sb.invite('ghost@example.com');
    const cal = await peer.expect('CAL');
    peer.write(`217 ${cal.params[0]}`);
    const error = await invited.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MsnpError);
    expect(error).toMatchObject({ code: 217, kind: 'server' });
    const again = sb.invite('bob@example.com');
    const cal2 = await peer.expect('CAL');
    peer.write(`CAL ${cal2.params[0]} RINGING 1`);
    await again;
  });

  it('reports BYE, telling idle removals apart, and ignores repeated JOIs and unknown BYEs', async () => {
    const { sb, peer } = await openSession();
    const joined = record(sb, 'joined');
    const left = record(sb, 'left');
    peer.write('JOI bob@example.com Bob');
    peer.write('JOI bob@example.com Bobby');
    peer.write('JOI carol@example.com Carol');
    peer.write('BYE nobody@example.com');
    peer.write('BYE bob@example.com');
    const idle = next(sb, 'left');
    peer.write('BYE carol@example.com 1');
    await idle;
    expect(joined.map((p) => p.email)).toEqual(['bob@example.com', 'carol@example.com']);
    expect(left).toEqual([
      { email: 'bob@example.com', idle: false },
      { email: 'carol@example.com', idle: true },
    ]);
    expect(sb.participants).toEqual([]);
  });
});

describe('messages', () => {
  it('sends with ack A and resolves true on ACK and false on NAK', async () => {
    const { sb, peer } = await openSession();
    const payload = buildTextPayload('Olá ☺', DEFAULT_FORMAT);
    const first = sb.sendAcked(payload);
    const second = sb.sendAcked(payload);
    const m1 = await peer.expect('MSG');
    const m2 = await peer.expect('MSG');
    expect(m1.params.slice(1)).toEqual(['A', String(payload.length)]);
    expect(m1.payload).toEqual(payload);
    peer.write(`NAK ${m2.params[0]}`);
    peer.write(`ACK ${m1.params[0]}`);
    expect(await first).toBe(true);
    expect(await second).toBe(false);
  });

  it('times out an unacknowledged message after the ACK timeout', async () => {
    const { sb, peer } = await openSession({ ackTimeoutMs: 60_000 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sent = sb.sendAcked(buildTextPayload('hello', DEFAULT_FORMAT));
    const outcome = sent.catch((e: unknown) => e);
    const msg = await peer.expect('MSG');
    vi.advanceTimersByTime(59_999);
    peer.write('JOI bob@example.com Bob');
    await next(sb, 'joined');
    expect(await Promise.race([outcome, 'pending'])).toBe('pending');
    vi.advanceTimersByTime(1);
    expect(await outcome).toMatchObject({ kind: 'timeout' });
    // A late ACK is harmless.
    peer.write(`ACK ${msg.params[0]}`);
    peer.write('JOI carol@example.com Carol');
    await next(sb, 'joined');
    expect(sb.state).toBe('open');
  });

  it('sends typing with U and nudges with N', async () => {
    const { sb, peer } = await openSession();
    sb.sendUnacked(Buffer.from('typing'), 'U');
    sb.sendUnacked(Buffer.from('nudge'), 'N');
    expect((await peer.expect('MSG')).params.slice(1)).toEqual(['U', '6']);
    expect((await peer.expect('MSG')).params.slice(1)).toEqual(['N', '5']);
  });

  it('refuses payloads over 1664 bytes without touching the session', async () => {
    const { sb, peer } = await openSession();
    const exact = Buffer.alloc(MAX_PAYLOAD_BYTES, 0x61);
    const over = Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x61);
    await expect(sb.sendAcked(over)).rejects.toThrow(RangeError);
    expect(() => sb.sendUnacked(over, 'U')).toThrow(RangeError);
    const sent = sb.sendAcked(exact);
    const msg = await peer.expect('MSG');
    expect(msg.payload?.length).toBe(MAX_PAYLOAD_BYTES);
    peer.write(`ACK ${msg.params[0]}`);
    expect(await sent).toBe(true);
  });

  it('emits incoming messages with the sender', async () => {
    const { sb, peer } = await openSession();
    const message = next(sb, 'message');
    const payload = buildTextPayload('Привет 😀', DEFAULT_FORMAT);
    peer.write('MSG bob@example.com Bob%20%E2%98%BA', payload);
    expect(await message).toEqual({ from: { email: 'bob@example.com', displayName: 'Bob ☺' }, payload });
  });
});

describe('closing', () => {
  it('leaves with OUT and closes without an error', async () => {
    const { sb, peer } = await openSession();
    const closed = next(sb, 'closed');
    sb.leave();
    expect(sb.state).toBe('leaving');
    await peer.expect('OUT');
    await peer.closed();
    expect(await closed).toEqual({});
    expect(sb.state).toBe('closed');
    expect(() => sb.sendUnacked(Buffer.from('x'), 'U')).toThrow(MsnpError);
  });

  it('reports a server hang-up as an error and fails unacknowledged messages', async () => {
    const { sb, peer } = await openSession();
    peer.write('JOI bob@example.com Bob');
    await next(sb, 'joined');
    const closed = next(sb, 'closed');
    const sent = sb.sendAcked(buildTextPayload('x', DEFAULT_FORMAT));
    await peer.expect('MSG');
    peer.hangUp();
    await expect(sent).rejects.toMatchObject({ kind: 'network' });
    expect((await closed).error).toMatchObject({ kind: 'network' });
    expect(sb.participants).toEqual([]);
  });
});
