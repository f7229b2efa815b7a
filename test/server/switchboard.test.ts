import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './index';
import { online, startTestServer, Wire } from './wire';

let server: RunningServer;
const open: Wire[] = [];
beforeEach(async () => {
  server = await startTestServer({ sbIdleTimeoutMs: 2000 });
});
afterEach(async () => {
  for (const w of open.splice(0)) w.close();
  await server.close();
});

async function track(w: Promise<Wire>): Promise<Wire> {
  const wire = await w;
  open.push(wire);
  return wire;
}

const TEXT =
  'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Arial; EF=I; CO=0; CS=0; PF=22\r\n\r\nHello! How are you?';
const TYPING = 'MIME-Version: 1.0\r\nContent-Type: text/x-msmsgscontrol\r\nTypingUser: alice@example.com\r\n\r\n\r\n';
const p2p = (bodyBytes: number) =>
  Buffer.concat([
    Buffer.from('MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\nP2P-Dest: bob@example.com\r\n\r\n'),
    Buffer.alloc(bodyBytes),
  ]);

/** XFR SB on the caller's NS, then USR on the switchboard. */
async function openSwitchboard(ns: Wire, email: string): Promise<Wire> {
  ns.send('XFR 50 SB');
  const xfr = await ns.until(/^XFR 50 /);
  const [, , , address, , cookie] = xfr.text.split(' ');
  expect(address).toBe(server.switchboard);
  const sb = await track(Wire.connect(address ?? ''));
  sb.send(`USR 1 ${email} ${cookie ?? ''}`);
  return sb;
}

/** Lets `ns` answer the RNG it receives; returns the answering switchboard connection after ANS OK. */
async function answer(ns: Wire, email: string): Promise<{ sb: Wire; iro: string[] }> {
  const rng = await ns.until(/^RNG /);
  const [, sessionId, address, cki, cookie] = rng.text.split(' ');
  expect(cki).toBe('CKI');
  const sb = await track(Wire.connect(address ?? ''));
  sb.send(`ANS 1 ${email} ${cookie ?? ''} ${sessionId ?? ''}`);
  const iro: string[] = [];
  for (;;) {
    const line = await sb.line();
    if (line === 'ANS 1 OK') return { sb, iro };
    iro.push(line);
  }
}

describe('switchboard', () => {
  it('runs the 1:1 example: XFR SB, USR, CAL, RNG, ANS, IRO, JOI, MSG, ACK, BYE', async () => {
    const aliceNs = await track(online(server, 'alice@example.com', 12));
    const bobNs = await track(online(server, 'bob@example.com', 11));
    bobNs.send('CHG 10 NLN 1073741824');
    await aliceNs.until(/^NLN NLN bob@example.com Bob 1073741824 /);
    aliceNs.send('CHG 11 NLN 1342177280');
    await aliceNs.until(/^CHG 11 /);

    const alice = await openSwitchboard(aliceNs, 'alice@example.com');
    expect(await alice.line()).toBe('USR 1 OK alice@example.com Alice%20Smith');
    alice.send('CAL 2 bob@example.com');
    const ringing = await alice.line();
    expect(ringing).toMatch(/^CAL 2 RINGING \d+$/);
    const sessionId = ringing.split(' ')[3];

    const rng = await bobNs.until(/^RNG /);
    expect(rng.text).toMatch(
      new RegExp(`^RNG ${sessionId} ${server.switchboard} CKI [0-9a-f]{20} alice@example.com Alice%20Smith$`),
    );
    const [, , address, , cookie] = rng.text.split(' ');
    const bob = await track(Wire.connect(address ?? ''));
    bob.send(`ANS 1 bob@example.com ${cookie ?? ''} ${sessionId ?? ''}`);
    // Bob speaks MSNP11: no clientid in IRO. Alice speaks MSNP12: clientid in JOI.
    expect(await bob.lines(2)).toEqual(['IRO 1 1 1 alice@example.com Alice%20Smith', 'ANS 1 OK']);
    expect(await alice.line()).toBe('JOI bob@example.com Bob 1073741824');

    alice.sendPayload('MSG 3 U', TYPING);
    const typing = await bob.next();
    expect(typing.text).toBe(`MSG alice@example.com Alice%20Smith ${Buffer.byteLength(TYPING)}`);
    alice.sendPayload('MSG 4 A', TEXT);
    expect(await alice.line()).toBe('ACK 4');
    const text = await bob.next();
    expect(text.text).toBe('MSG alice@example.com Alice%20Smith 133');
    expect(text.payload?.toString()).toBe(TEXT);

    bob.sendPayload('MSG 2 N', 'MIME-Version: 1.0\r\nContent-Type: text/x-msnmsgr-datacast\r\n\r\nID: 1\r\n\r\n');
    expect((await alice.next()).text).toBe('MSG bob@example.com Bob 69');
    bob.sendPayload('MSG 3 D', p2p(60));
    expect(await bob.line()).toBe('ACK 3');
    expect((await alice.next()).payload?.length).toBe(p2p(60).length);

    bob.send('OUT');
    expect(await bob.closed()).toEqual([]);
    expect(await alice.line()).toBe('BYE bob@example.com');
    alice.sendPayload('MSG 5 A', TEXT);
    expect(await alice.line()).toBe('NAK 5');
    alice.sendPayload('MSG 6 N', TEXT);
    expect(await alice.line()).toBe('NAK 6');
    alice.sendPayload('MSG 7 U', TYPING);
    await alice.quiet();
  });

  it('runs a multi-party chat', async () => {
    const aliceNs = await track(online(server, 'alice@example.com', 9));
    const bobNs = await track(online(server, 'bob@example.com', 12));
    const daveNs = await track(online(server, 'dave@example.com', 12));
    const alice = await openSwitchboard(aliceNs, 'alice@example.com');
    await alice.line();
    alice.send('CAL 2 bob@example.com');
    await alice.line();
    const { sb: bob } = await answer(bobNs, 'bob@example.com');
    expect(await alice.line()).toBe('JOI bob@example.com Bob');
    bob.send('CAL 2 dave@example.com');
    expect(await bob.line()).toMatch(/^CAL 2 RINGING /);
    const { sb: dave, iro } = await answer(daveNs, 'dave@example.com');
    expect(iro).toEqual(['IRO 1 1 2 alice@example.com Alice%20Smith 0', 'IRO 1 2 2 bob@example.com Bob 0']);
    expect(await alice.line()).toBe('JOI dave@example.com Dave');
    expect(await bob.line()).toBe('JOI dave@example.com Dave 0');

    dave.sendPayload('MSG 2 A', TEXT);
    expect(await dave.line()).toBe('ACK 2');
    expect((await alice.next()).text).toBe('MSG dave@example.com Dave 133');
    expect((await bob.next()).text).toBe('MSG dave@example.com Dave 133');
    dave.close();
    expect(await alice.line()).toBe('BYE dave@example.com');
    expect(await bob.line()).toBe('BYE dave@example.com');
  });

  it('answers CAL errors: 208 bad address, 215 already there or invited, 217 unreachable', async () => {
    const aliceNs = await track(online(server, 'alice@example.com', 11));
    const bobNs = await track(online(server, 'bob@example.com', 11));
    await track(online(server, 'erin@example.com', 11, 'HDN'));
    const daveNs = await track(online(server, 'dave@example.com', 11));
    daveNs.send('REM 2 AL alice@example.com');
    await daveNs.until(/^REM 2 AL/);
    daveNs.send('ADC 3 BL N=alice@example.com');
    await daveNs.until(/^ADC 3 BL/);

    const alice = await openSwitchboard(aliceNs, 'alice@example.com');
    await alice.line();
    const cases: Array<[string, string]> = [
      ['CAL 2 @@a', '208 2'],
      ['CAL 3 bob', '208 3'],
      ['CAL 4 alice@example.com', '215 4'],
      ['CAL 5 nobody@example.com', '217 5'],
      ['CAL 6 carol@example.com', '217 6'],
      ['CAL 7 erin@example.com', '217 7'],
      ['CAL 8 dave@example.com', '217 8'],
      ['CAL 9', '200 9'],
    ];
    for (const [line, reply] of cases) {
      alice.send(line);
      expect(await alice.line(), line).toBe(reply);
    }
    alice.send('CAL 10 bob@example.com');
    expect(await alice.line()).toMatch(/^CAL 10 RINGING /);
    alice.send('CAL 11 bob@example.com');
    expect(await alice.line()).toBe('215 11');
    await bobNs.until(/^RNG /);
  });

  it('rejects bad, reused and mismatched cookies with 911 and hangs up', async () => {
    const aliceNs = await track(online(server, 'alice@example.com', 11));
    const bobNs = await track(online(server, 'bob@example.com', 11));
    const forged = await track(Wire.connect(server.switchboard));
    forged.send('USR 1 alice@example.com 0123456789abcdef0123');
    expect((await forged.closed()).map((f) => f.text)).toEqual(['911 1']);

    aliceNs.send('XFR 2 SB');
    const cookie = (await aliceNs.until(/^XFR 2 /)).params[4] ?? '';
    const wrongUser = await track(Wire.connect(server.switchboard));
    wrongUser.send(`USR 1 bob@example.com ${cookie}`);
    expect((await wrongUser.closed()).map((f) => f.text)).toEqual(['911 1']);
    const reused = await track(Wire.connect(server.switchboard));
    reused.send(`USR 1 alice@example.com ${cookie}`);
    expect((await reused.closed()).map((f) => f.text)).toEqual(['911 1']);

    const alice = await openSwitchboard(aliceNs, 'alice@example.com');
    await alice.line();
    alice.send('CAL 2 bob@example.com');
    await alice.line();
    const rng = await bobNs.until(/^RNG /);
    const [, sessionId, , , rngCookie] = rng.text.split(' ');
    const wrongSession = await track(Wire.connect(server.switchboard));
    wrongSession.send(`ANS 1 bob@example.com ${rngCookie ?? ''} ${Number(sessionId) + 1}`);
    expect((await wrongSession.closed()).map((f) => f.text)).toEqual(['911 1']);

    const early = await track(Wire.connect(server.switchboard));
    early.sendPayload('MSG 1 A', TEXT);
    expect(await early.closed()).toEqual([]);
  });

  it('closes a connection whose MSG exceeds 1664 bytes, without delivering it', async () => {
    const aliceNs = await track(online(server, 'alice@example.com', 11));
    const bobNs = await track(online(server, 'bob@example.com', 11));
    const alice = await openSwitchboard(aliceNs, 'alice@example.com');
    await alice.line();
    alice.send('CAL 2 bob@example.com');
    await alice.line();
    const { sb: bob } = await answer(bobNs, 'bob@example.com');
    await alice.line();
    const head = 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n';
    const fits = head + 'x'.repeat(1664 - head.length);
    alice.sendPayload('MSG 3 A', fits);
    expect(await alice.line()).toBe('ACK 3');
    expect((await bob.next()).payload?.length).toBe(1664);
    alice.sendPayload('MSG 4 A', `${fits}y`);
    expect(await alice.closed()).toEqual([]);
    expect(await bob.line()).toBe('BYE alice@example.com');
    await bob.quiet();
  });

  it('closes on an invalid acknowledgement type and on P2P data with any ack but D', async () => {
    const aliceNs = await track(online(server, 'alice@example.com', 9));
    const shouting = Buffer.concat([
      Buffer.from(
        'mime-version: 1.0\r\ncontent-type: Application/X-MSNMSGRP2P; charset=x\r\np2p-dest: bob@example.com\r\n\r\n',
      ),
      Buffer.alloc(52),
    ]);
    for (const [line, payload] of [
      ['MSG 2 X', TEXT],
      ['MSG 2 a', TEXT],
      ['MSG 2 d', p2p(60)],
      ['MSG 2 A', p2p(60)],
      ['MSG 2 N', p2p(60)],
      ['MSG 2 U', p2p(60)],
      ['MSG 2 S', p2p(60)],
      ['MSG 2 A', shouting],
    ] as const) {
      const sb = await openSwitchboard(aliceNs, 'alice@example.com');
      await sb.line();
      sb.sendPayload(line, payload);
      expect(await sb.closed(), line).toEqual([]);
    }
  });

  /** Alice (MSNP12) and Bob (MSNP9) in one session; returns both switchboard connections. */
  async function pair(): Promise<{ alice: Wire; bob: Wire }> {
    const aliceNs = await track(online(server, 'alice@example.com', 12));
    const bobNs = await track(online(server, 'bob@example.com', 9));
    const alice = await openSwitchboard(aliceNs, 'alice@example.com');
    await alice.line();
    alice.send('CAL 2 bob@example.com');
    await alice.line();
    const { sb: bob } = await answer(bobNs, 'bob@example.com');
    expect(await alice.line()).toMatch(/^JOI bob@example.com Bob /);
    return { alice, bob };
  }

  it('relays binary P2P payloads byte for byte: NULs, CR/LF, blank lines and invalid UTF-8 included', async () => {
    const { alice, bob } = await pair();
    const head = Buffer.from(
      'MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\nP2P-Dest: bob@example.com\r\n\r\n',
    );
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const payloads = [
      Buffer.concat([head, every, every, every, every, every, every]),
      Buffer.concat([head, Buffer.alloc(1202 + 52)]),
      Buffer.concat([head, Buffer.from('\r\n\r\nMSG 9 D 3\r\nOUT\r\n\x00\xff\xfe\xc3\x28')]),
      Buffer.concat([head, Buffer.from([0x0a, 0x0d, 0x0a, 0x00])]),
    ];
    // Pipelined in one write, then the first again cut into single bytes.
    alice.raw(
      Buffer.concat(payloads.map((p, i) => Buffer.concat([Buffer.from(`MSG ${10 + i} D ${p.length}\r\n`), p]))),
    );
    const one = payloads[0] ?? Buffer.alloc(0);
    const framed = Buffer.concat([Buffer.from(`MSG 20 D ${one.length}\r\n`), one]);
    for (const byte of framed) alice.raw(Buffer.from([byte]));
    for (const [i, p] of [...payloads, one].entries()) {
      const got = await bob.next();
      expect(got.text).toBe(`MSG alice@example.com Alice%20Smith ${p.length}`);
      expect(got.payload?.equals(p), `payload ${i}`).toBe(true);
    }
    expect(await alice.lines(5)).toEqual(['ACK 10', 'ACK 11', 'ACK 12', 'ACK 13', 'ACK 20']);
    await bob.quiet();
  });

  it('relays 1664 bytes of P2P and closes the sender at 1665 without delivering', async () => {
    const { alice, bob } = await pair();
    const fits = p2p(1664 - p2p(0).length);
    expect(fits.length).toBe(1664);
    bob.sendPayload('MSG 5 D', fits);
    expect(await bob.line()).toBe('ACK 5');
    expect((await alice.next()).payload?.equals(fits)).toBe(true);
    bob.sendPayload('MSG 6 D', Buffer.concat([fits, Buffer.from([0])]));
    expect(await bob.closed()).toEqual([]);
    expect(await alice.line()).toBe('BYE bob@example.com');
    await alice.quiet();
  });

  it('never parses P2P: ack D relays garbage and non-P2P payloads unchanged, like Escargot', async () => {
    const { alice, bob } = await pair();
    for (const [trid, payload] of [
      [3, p2p(12)],
      [4, Buffer.from(TEXT)],
      [5, Buffer.from('no blank line here')],
    ] as const) {
      alice.sendPayload(`MSG ${trid} D`, payload);
      expect(await alice.line()).toBe(`ACK ${trid}`);
      expect((await bob.next()).payload?.equals(Buffer.from(payload))).toBe(true);
    }
  });

  it('holds a fast P2P sender back while the receiver is slow instead of dropping the receiver', async () => {
    const { alice, bob } = await pair();
    bob.socket.pause();
    // 12.8 MB: well beyond what the loopback socket buffers absorb (a few MB).
    const total = 8000;
    const packet = (i: number) => {
      const p = p2p(1664 - p2p(0).length);
      p.writeUInt32LE(i, p.length - 8);
      return p;
    };
    let sent = 0;
    let acked = 0;
    const pump = async (untilStalled: boolean): Promise<boolean> => {
      for (;;) {
        // A window of 16 un-ACKed messages, as P2P.md asks of clients.
        while (sent < total && sent - acked < 16) alice.sendPayload(`MSG ${100 + sent++} D`, packet(sent - 1));
        if (acked === total) return false;
        try {
          expect(await alice.line(untilStalled ? 1000 : 10_000)).toBe(`ACK ${100 + acked++}`);
        } catch (err) {
          if (untilStalled && /timed out/.test((err as Error).message)) return true;
          throw err;
        }
      }
    };
    // While Bob reads nothing, Alice's ACKs stop once his queue is full…
    expect(await pump(true)).toBe(true);
    expect(acked).toBeLessThan(total);
    expect(bob.isClosed).toBe(false);
    // … and resume, with everything delivered in order, when he reads again.
    bob.socket.resume();
    expect(await pump(false)).toBe(false);
    for (let i = 0; i < total; i++) {
      const got = await bob.next(10_000);
      expect(got.payload?.equals(packet(i)), `message ${i}`).toBe(true);
    }
  }, 60_000);

  it('ends idle sessions with BYE … 1 and closes them', async () => {
    const idle = await startTestServer({ sbIdleTimeoutMs: 200 });
    try {
      const aliceNs = await track(online(idle, 'alice@example.com', 11));
      const bobNs = await track(online(idle, 'bob@example.com', 11));
      aliceNs.send('XFR 50 SB');
      const [, , , address, , cookie] = (await aliceNs.until(/^XFR 50 /)).text.split(' ');
      const alice = await track(Wire.connect(address ?? ''));
      alice.send(`USR 1 alice@example.com ${cookie ?? ''}`);
      await alice.line();
      alice.send('CAL 2 bob@example.com');
      await alice.line();
      const { sb: bob } = await answer(bobNs, 'bob@example.com');
      await alice.line();
      const started = Date.now();
      expect((await alice.closed()).map((f) => f.text)).toEqual(['BYE bob@example.com 1']);
      expect((await bob.closed()).map((f) => f.text)).toEqual(['BYE alice@example.com 1']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    } finally {
      await idle.close();
    }
  });
});
