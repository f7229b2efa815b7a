// Misbehaving clients cost only their own connection: the server stays up and a signed-in
// bystander keeps working.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './index';
import { online, signIn, startTestServer, Wire } from './wire';

// Long enough that a bystander signing in on a busy machine is never taken for a stalled client.
const STALL_MS = 1500;
let server: RunningServer;
let bystander: Wire;
const open: Wire[] = [];

beforeEach(async () => {
  server = await startTestServer({ loginTimeoutMs: STALL_MS });
  bystander = await online(server, 'alice@example.com', 11);
  open.push(bystander);
});
afterEach(async () => {
  // The bystander is still served, and new clients still get in.
  bystander.send('PNG');
  await bystander.until('QNG 60');
  const fresh = await Wire.connect(server.dispatch);
  fresh.send('VER 1 MSNP8 CVR0');
  expect(await fresh.line()).toBe('VER 1 MSNP8');
  fresh.close();
  for (const w of open.splice(0)) w.close();
  await server.close();
});

async function connect(address: string): Promise<Wire> {
  const w = await Wire.connect(address);
  open.push(w);
  return w;
}

/** Signed in (MSNP11) with everything sent so far already read. */
async function signedIn(email: string): Promise<Wire> {
  const w = await signIn(server, email, 11);
  open.push(w);
  return w;
}

async function negotiated(address: string): Promise<Wire> {
  const w = await connect(address);
  w.send('VER 1 MSNP11 CVR0');
  await w.line();
  return w;
}

describe('malformed input', () => {
  it.each(['dispatch', 'notification', 'switchboard'] as const)(
    'drops a %s client sending a malformed command',
    async (role) => {
      const w = await connect(server[role]);
      w.send('ver 1 MSNP8 CVR0');
      expect(await w.closed()).toEqual([]);
    },
  );

  it('drops a client sending binary garbage', async () => {
    const w = await connect(server.notification);
    w.raw(Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0d, 0x0a, 0x10]));
    expect(await w.closed()).toEqual([]);
  });

  it('drops a client whose command has no TrID', async () => {
    const w = await negotiated(server.notification);
    w.send('CVR');
    expect(await w.closed()).toEqual([]);
  });

  it('answers unknown commands with 200 and keeps the connection', async () => {
    const ns = await negotiated(server.notification);
    ns.send('FOO 2 bar');
    expect(await ns.line()).toBe('200 2');
    ns.send('ZZZ 3');
    expect(await ns.line()).toBe('200 3');
    ns.send('VER 4 MSNP11');
    expect(await ns.line()).toBe('715 4');

    bystander.send('FOO 70');
    expect(await bystander.until(/^200 /)).toMatchObject({ text: '200 70' });
    bystander.send('IMS 71 OFF');
    expect(await bystander.until(/^200 /)).toMatchObject({ text: '200 71' });
    // Commands of other dialects are unknown too (ADG needs MSNP7, UUX MSNP11).
    const old = await connect(server.notification);
    old.send('VER 1 MSNP6 CVR0');
    await old.line();
    old.send('ADG 2 Friends 0');
    expect(await old.line()).toBe('200 2');
  });
});

describe('lying or oversized payload lengths and lines', () => {
  it('drops a non-numeric payload length', async () => {
    const w = await negotiated(server.notification);
    w.send('QRY 2 msmsgs@msnmsgr.com abc');
    expect(await w.closed()).toEqual([]);
  });

  it('drops a payload length beyond the limit before reading the payload', async () => {
    const w = await negotiated(server.notification);
    w.send('QRY 2 msmsgs@msnmsgr.com 99999999');
    expect(await w.closed()).toEqual([]);
  });

  it('drops a client whose payload is longer than announced (the rest is not a command)', async () => {
    const bob = await signedIn('bob@example.com');
    bob.raw('UUX 90 10\r\n<Data><PSM>longer than ten</PSM><CurrentMedia></CurrentMedia></Data>');
    expect((await bob.closed()).map((f) => f.text)).toEqual(['201 90']);
  });

  it('drops a client whose payload is shorter than announced once it stalls', async () => {
    const bob = await signedIn('bob@example.com');
    const started = Date.now();
    bob.raw('UUX 91 100\r\n<Data><PSM></PSM>');
    expect(await bob.closed(STALL_MS * 4)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(STALL_MS - 50);
  });

  it('drops an overlong line, with or without a line end', async () => {
    const a = await negotiated(server.notification);
    a.raw(`CVR 2 ${'x'.repeat(4000)}`);
    expect(await a.closed()).toEqual([]);
    const b = await negotiated(server.notification);
    b.send(`CVR 2 ${'x '.repeat(2000)}`);
    expect(await b.closed()).toEqual([]);
  });
});

describe('slow and half-open clients', () => {
  it('drops a client that connects and says nothing', async () => {
    const w = await connect(server.notification);
    expect(await w.closed(STALL_MS * 4)).toEqual([]);
    const sb = await connect(server.switchboard);
    expect(await sb.closed(STALL_MS * 4)).toEqual([]);
  });

  it('drops a client that sends half a line and stalls', async () => {
    const w = await connect(server.dispatch);
    w.raw('VER 1 MSNP8 CV');
    expect(await w.closed(STALL_MS * 4)).toEqual([]);
  });

  it('drops a negotiated client that never signs in', async () => {
    const w = await negotiated(server.notification);
    w.send('CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.0.0816 msmsgs bob@example.com');
    await w.line();
    expect(await w.closed(STALL_MS * 4)).toEqual([]);
  });

  it('signs out a client that half-closes its connection', async () => {
    const bob = await online(server, 'bob@example.com', 9);
    open.push(bob);
    await bystander.until(/^NLN NLN bob@example.com /);
    bob.raw('CHG 5 AW');
    bob.socket.end();
    expect(await bystander.until(/^FLN /)).toMatchObject({ text: 'FLN bob@example.com' });
    await bob.closed();
    expect(bob.isClosed).toBe(true);
  });

  it('drops a switchboard participant that stops reading, and tells the others', async () => {
    const bobNs = await online(server, 'bob@example.com', 11);
    open.push(bobNs);
    bystander.send('XFR 60 SB');
    const [, , , address, , cookie] = (await bystander.until(/^XFR 60 /)).text.split(' ');
    const alice = await connect(address ?? '');
    alice.send(`USR 1 alice@example.com ${cookie ?? ''}`);
    await alice.line();
    alice.send('CAL 2 bob@example.com');
    await alice.line();
    const [, sessionId, , , bobCookie] = (await bobNs.until(/^RNG /)).text.split(' ');
    const bob = await connect(address ?? '');
    bob.send(`ANS 1 bob@example.com ${bobCookie ?? ''} ${sessionId ?? ''}`);
    await bob.until('ANS 1 OK');
    await alice.until(/^JOI /);
    bob.socket.pause();

    const head = 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n';
    const payload = head + 'z'.repeat(1600 - head.length);
    let bye: string | undefined;
    // Alice is held back while Bob's queue is full; Bob is dropped once he has read nothing for a while.
    for (let batch = 0; batch < 100 && !bye; batch++) {
      for (let i = 0; i < 400; i++) alice.sendPayload(`MSG ${batch * 400 + i + 3} U`, payload);
      try {
        bye = (await alice.next(200)).text;
      } catch {
        // Not dropped yet: the kernel buffers are still absorbing the flood.
      }
    }
    expect(bye).toBe('BYE bob@example.com');
    alice.sendPayload('MSG 99999 A', payload);
    expect(await alice.line()).toBe('NAK 99999');
  }, 30_000);
});
