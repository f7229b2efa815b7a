// The P2P layer between two managers joined by in-memory switchboards: hostile and malformed
// packets end their session with a typed error and never throw out of the reader (fuzzed with
// random and mutated packets), P2P v2 is refused cleanly, and sessions complete despite noise.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationManager } from '../../../../src/main/msnp/conversation';
import { TypedEmitter } from '../../../../src/main/msnp/emitter';
import { P2PError } from '../../../../src/main/msnp/p2p/errors';
import type { FileSink } from '../../../../src/main/msnp/p2p/files';
import { encodePacket, Flags, type P2PHeader } from '../../../../src/main/msnp/p2p/header';
import { P2PManager, type P2PEvents, type P2POptions } from '../../../../src/main/msnp/p2p/manager';
import { buildMsnObject } from '../../../../src/main/msnp/p2p/msnobj';
import { encodeFileContext } from '../../../../src/main/msnp/p2p/context';
import { encodeRequest, SlpContentType } from '../../../../src/main/msnp/p2p/slp';
import { p2pMime } from '../../../../src/main/msnp/p2p/transport';
import { pick, randomInt, seeded } from '../random';

type Tap = (payload: Buffer) => Buffer | undefined;

class FakeSwitchboard extends TypedEmitter<{
  closed: { error?: unknown };
  left: { email: string; idle: boolean };
  drain: undefined;
}> {
  state = 'open';
  peer: FakeSwitchboard | undefined;
  tap: Tap = (p) => p;
  /** How late the server's ACKs come. */
  ackDelayMs = 0;
  readonly sent: Buffer[] = [];

  constructor(
    readonly self: string,
    readonly conversations: FakeConversations,
  ) {
    super();
  }

  get congested(): boolean {
    return false;
  }

  has(email: string): boolean {
    return email === this.peer?.self;
  }

  sendP2P(payload: Buffer): Promise<boolean> {
    this.sent.push(payload);
    const delivered = this.tap(payload);
    const peer = this.peer;
    if (peer && delivered) setImmediate(() => peer.conversations.deliver(this.self, delivered, peer));
    return new Promise((resolve) =>
      this.ackDelayMs > 0 ? setTimeout(() => resolve(true), this.ackDelayMs) : setImmediate(() => resolve(true)),
    );
  }

  close(): void {
    this.state = 'closed';
    this.emit('closed', {});
  }
}

class FakeConversations extends TypedEmitter<{
  p2p: { conversationId: string; from: { email: string; displayName: string }; payload: Buffer; switchboard: unknown };
  emoticons: never;
}> {
  sb: FakeSwitchboard | undefined;

  open(): string {
    return 'conversation-1';
  }

  switchboard(): Promise<FakeSwitchboard> {
    return this.sb ? Promise.resolve(this.sb) : Promise.reject(new Error('no switchboard'));
  }

  deliver(from: string, payload: Buffer, sb: FakeSwitchboard): void {
    this.emit('p2p', {
      conversationId: 'conversation-1',
      from: { email: from, displayName: from },
      payload,
      switchboard: sb,
    });
  }
}

interface Side {
  readonly p2p: P2PManager;
  readonly sb: FakeSwitchboard;
  readonly conversations: FakeConversations;
  readonly errors: P2PError[];
}

const managers: P2PManager[] = [];
afterEach(() => {
  for (const m of managers.splice(0)) m.dispose();
});

const FAST: Partial<P2POptions> = {
  ackTimeoutMs: 300,
  idleTimeoutMs: 300,
  answerTimeoutMs: 300,
  offerTimeoutMs: 300,
  retryDelayMs: 10,
  fetchAttempts: 1,
};

function side(email: string, options: Partial<P2POptions> = {}): Side {
  const conversations = new FakeConversations();
  const sb = new FakeSwitchboard(email, conversations);
  conversations.sb = sb;
  const p2p = new P2PManager(conversations as unknown as ConversationManager, { email, ...FAST, ...options });
  managers.push(p2p);
  const errors: P2PError[] = [];
  p2p.on('p2p-error', ({ error }) => errors.push(error));
  return { p2p, sb, conversations, errors };
}

function pair(bobOptions: Partial<P2POptions> = {}): {
  alice: Side;
  bob: Side;
  object: ReturnType<typeof buildMsnObject>;
} {
  const data = randomBytes(5000);
  const object = buildMsnObject({ creator: 'bob@example.com', data, type: 3 });
  const alice = side('alice@example.com');
  const bob = side('bob@example.com', {
    objects: { get: (d) => (d === object.sha1d ? data : undefined) },
    ...bobOptions,
  });
  alice.sb.peer = bob.sb;
  bob.sb.peer = alice.sb;
  return { alice, bob, object };
}

/** Injects a raw P2P MSG payload into `to` as if `from` sent it. */
function inject(to: Side, from: string, binary: Buffer, dest = to.sb.self): void {
  to.conversations.deliver(from, Buffer.concat([p2pMime(dest), binary]), to.sb);
}

/** The header of a one-chunk session-0 message of `length` bytes. */
const slpHeader = (length: number): P2PHeader => ({
  sessionId: 0,
  identifier: 0x5000,
  offset: 0,
  totalSize: length,
  length,
  flags: 0,
  ackIdentifier: 0x77,
  ackUniqueId: 0,
  ackDataSize: 0,
});

const settle = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function memorySink(): FileSink & { readonly bytes: Buffer[]; aborted: boolean } {
  const bytes: Buffer[] = [];
  const sink = {
    bytes,
    aborted: false,
    write: (chunk: Buffer) => {
      bytes.push(chunk);
      return Promise.resolve();
    },
    finish: (size: number) =>
      Buffer.concat(bytes).length === size ? Promise.resolve('memory') : Promise.reject(new Error('size')),
    abort: () => {
      sink.aborted = true;
      return Promise.resolve();
    },
  };
  return sink;
}

describe('P2P layer between two managers', () => {
  it('fetches an object and acks every message exactly once, never an ack', async () => {
    const { alice, object } = pair();
    const data = await alice.p2p.fetchObject(object);
    expect(data.length).toBe(5000);
    // INVITE, ack of 200, ack of data prep, ack of data, BYE: 2 messages and 3 acks from Alice.
    const flags = alice.sb.sent.map((p) => p.readUInt32LE(p.indexOf('\r\n\r\n') + 4 + 28));
    expect(flags).toEqual([0, Flags.ACK, Flags.ACK, Flags.ACK, 0]);
    expect(alice.errors).toEqual([]);
  });

  it('shares one download between concurrent requests for the same object', async () => {
    const { alice, object } = pair();
    const [a, b] = await Promise.all([alice.p2p.fetchObject(object), alice.p2p.fetchObject(object.xml)]);
    expect(a.equals(b)).toBe(true);
    const invites = alice.sb.sent.filter((p) => p.includes('INVITE MSNMSGR'));
    expect(invites).toHaveLength(1);
  });

  it('fails a fetch whose bytes do not match SHA1D', async () => {
    const { alice, bob, object } = pair();
    // Bob's data chunks get one flipped byte on the way.
    bob.sb.tap = (p) => {
      const at = p.indexOf('\r\n\r\n') + 4;
      if (p.readUInt32LE(at + 28) !== Flags.DATA) return p;
      const copy = Buffer.from(p);
      copy[at + 48] = (copy[at + 48] ?? 0) ^ 0xff;
      return copy;
    };
    await expect(alice.p2p.fetchObject(object)).rejects.toMatchObject({ kind: 'integrity' });
  });

  it('streams a file into the sink and ends both sides', async () => {
    const { alice, bob } = pair();
    const file = randomBytes(50_000);
    const sink = memorySink();
    bob.p2p.on('file-offer', (offer) => void bob.p2p.accept(offer.transferId, sink));
    const done = new Promise<P2PEvents['transfer-completed']>((resolve) => bob.p2p.on('transfer-completed', resolve));
    alice.p2p.sendFile('bob@example.com', { name: 'f.bin', size: file.length, open: () => Readable.from([file]) });
    expect(await done).toMatchObject({ size: 50_000, file: 'memory' });
    expect(Buffer.concat(sink.bytes).equals(file)).toBe(true);
  });

  it('reports a file that cannot be read once accepted as an io failure on both sides', async () => {
    const { alice, bob } = pair();
    bob.p2p.on('file-offer', (offer) => void bob.p2p.accept(offer.transferId, memorySink()));
    const sent = new Promise<P2PEvents['transfer-failed']>((resolve) => alice.p2p.on('transfer-failed', resolve));
    const received = new Promise<P2PEvents['transfer-failed']>((resolve) => bob.p2p.on('transfer-failed', resolve));
    alice.p2p.sendFile('bob@example.com', {
      name: 'gone.txt',
      size: 5,
      open: () => {
        throw new Error('ENOENT: no such file');
      },
    });
    expect(await sent).toMatchObject({ reason: 'io', message: 'Could not read gone.txt: ENOENT: no such file' });
    expect(await received).toMatchObject({ reason: 'cancelled', by: 'peer' });
  });

  it('sends an empty file', async () => {
    const { alice, bob } = pair();
    const sink = memorySink();
    bob.p2p.on('file-offer', (offer) => void bob.p2p.accept(offer.transferId, sink));
    const done = new Promise<P2PEvents['transfer-completed']>((resolve) => bob.p2p.on('transfer-completed', resolve));
    const sent = new Promise<P2PEvents['transfer-completed']>((resolve) => alice.p2p.on('transfer-completed', resolve));
    alice.p2p.sendFile('bob@example.com', { name: 'empty.txt', size: 0, open: () => Readable.from([]) });
    expect(await done).toMatchObject({ name: 'empty.txt', size: 0, file: 'memory' });
    expect(await sent).toMatchObject({ size: 0 });
  });

  it("counts a transfer as complete when the receiver's ack and BYE overtake the server's ACKs", async () => {
    const { alice, bob } = pair();
    alice.sb.ackDelayMs = 100;
    bob.p2p.on('file-offer', (offer) => void bob.p2p.accept(offer.transferId, memorySink()));
    const outcome = new Promise<string>((resolve) => {
      alice.p2p.on('transfer-completed', () => resolve('completed'));
      alice.p2p.on('transfer-failed', (e) => resolve(e.reason));
    });
    const received = new Promise((resolve) => bob.p2p.on('transfer-completed', resolve));
    alice.p2p.sendFile('bob@example.com', {
      name: 'f.bin',
      size: 3000,
      open: () => Readable.from([randomBytes(3000)]),
    });
    await received;
    expect(await outcome).toBe('completed');
  });

  it('times out a transfer whose receiver never answers, and withdraws the offer', async () => {
    const { alice, bob } = pair({ offerTimeoutMs: 60_000 });
    const failed = new Promise<P2PEvents['transfer-failed']>((resolve) => alice.p2p.on('transfer-failed', resolve));
    const offered = new Promise<P2PEvents['transfer-failed']>((resolve) => bob.p2p.on('transfer-failed', resolve));
    alice.p2p.sendFile('bob@example.com', {
      name: 'x',
      size: 10,
      open: () => {
        throw new Error('not opened');
      },
    });
    expect((await failed).reason).toBe('timeout');
    expect(await offered).toMatchObject({
      reason: 'cancelled',
      by: 'peer',
      message: 'alice@example.com withdrew the file',
    });
  });

  it('shows the preview with the offer and answers a direct-connection request with Listening: false', async () => {
    const { alice, bob } = pair();
    const preview = Buffer.from('89504e470d0a1a0a0000', 'hex');
    const offer = new Promise<P2PEvents['file-offer']>((resolve) => bob.p2p.on('file-offer', resolve));
    alice.p2p.sendFile('bob@example.com', {
      name: 'cat.png',
      size: 10,
      preview,
      open: () => Readable.from([Buffer.alloc(10)]),
    });
    const offered = await offer;
    expect(offered.preview?.equals(preview)).toBe(true);
    // An official client would now offer a direct connection on the same Call-ID.
    const invite = alice.sb.sent.find((p) => p.includes('INVITE MSNMSGR')) ?? Buffer.alloc(0);
    const callId = /Call-ID: (\{[^}]+\})/.exec(invite.toString('latin1'))?.[1] ?? '';
    const transreq = encodeRequest({
      method: 'INVITE',
      to: 'bob@example.com',
      from: 'alice@example.com',
      branch: '{11111111-2222-3333-4444-555555555555}',
      callId,
      contentType: SlpContentType.TRANSPORT_REQUEST,
      body: [
        ['Bridges', 'TCPv1'],
        ['NetID', '0'],
        ['Conn-Type', 'Firewall'],
      ],
    });
    inject(bob, 'alice@example.com', encodePacket({ ...slpHeader(transreq.length) }, transreq));
    await settle();
    const answer = bob.sb.sent.map((p) => p.toString('latin1')).find((t) => t.includes('transrespbody'));
    expect(answer).toContain('MSNSLP/1.0 200 OK');
    expect(answer).toContain('Listening: false\r\n');
    expect(answer).toContain('{11111111-2222-3333-4444-555555555555}');
  });

  it('times out a receiver whose sender stalls mid-file, and removes the partial file', async () => {
    const { alice, bob } = pair();
    let data = 0;
    alice.sb.tap = (p) =>
      p.readUInt32LE(p.indexOf('\r\n\r\n') + 4 + 28) === Flags.FILE_DATA && ++data > 3 ? undefined : p;
    const sink = memorySink();
    bob.p2p.on('file-offer', (offer) => void bob.p2p.accept(offer.transferId, sink));
    const failed = new Promise<P2PEvents['transfer-failed']>((resolve) => bob.p2p.on('transfer-failed', resolve));
    alice.p2p.sendFile('bob@example.com', {
      name: 'f',
      size: 20_000,
      open: () => Readable.from([randomBytes(20_000)]),
    });
    expect(await failed).toMatchObject({ reason: 'timeout', bytes: 3 * 1202 });
    await settle();
    expect(sink.aborted).toBe(true);
  });

  it('gives up, instead of buffering the file, when the disk falls far behind', async () => {
    const { alice, bob } = pair();
    const stuck: FileSink = {
      write: () => new Promise(() => {}),
      finish: () => Promise.resolve(''),
      abort: () => Promise.resolve(),
    };
    bob.p2p.on('file-offer', (offer) => void bob.p2p.accept(offer.transferId, stuck));
    const failed = new Promise<P2PEvents['transfer-failed']>((resolve) => bob.p2p.on('transfer-failed', resolve));
    const block = Buffer.alloc(64 * 1024);
    const size = 20 * 1024 * 1024;
    alice.p2p.sendFile('bob@example.com', {
      name: 'big',
      size,
      open: () =>
        Readable.from(
          (function* () {
            for (let at = 0; at < size; at += block.length) yield block;
          })(),
        ),
    });
    expect(await failed).toMatchObject({
      reason: 'io',
      message: 'The file could not be written as fast as it arrived',
    });
  });

  it('treats a close flag (0x40) on the session as a cancel by the peer', async () => {
    const { alice, bob } = pair();
    const sink = memorySink();
    alice.sb.tap = (p) => (p.readUInt32LE(p.indexOf('\r\n\r\n') + 4 + 28) === Flags.FILE_DATA ? undefined : p);
    const accepted = new Promise<number>((resolve) =>
      bob.p2p.on('file-offer', (offer) => {
        void bob.p2p.accept(offer.transferId, sink);
        resolve(Number(/SessionID: (\d+)/.exec(alice.sb.sent[0]?.toString('latin1') ?? '')?.[1]));
      }),
    );
    const failed = new Promise<P2PEvents['transfer-failed']>((resolve) => bob.p2p.on('transfer-failed', resolve));
    alice.p2p.sendFile('bob@example.com', { name: 'f', size: 5000, open: () => Readable.from([randomBytes(5000)]) });
    const sid = await accepted;
    inject(bob, 'alice@example.com', encodePacket({ ...slpHeader(0), sessionId: sid, flags: Flags.CLOSE }));
    expect(await failed).toMatchObject({ reason: 'cancelled', by: 'peer' });
  });

  it('cancels a send before its switchboard is ready without inviting anyone', async () => {
    const { alice } = pair();
    const failed = new Promise<P2PEvents['transfer-failed']>((resolve) => alice.p2p.on('transfer-failed', resolve));
    const id = alice.p2p.sendFile('bob@example.com', {
      name: 'x',
      size: 1,
      open: () => Readable.from([Buffer.alloc(1)]),
    });
    alice.p2p.cancel(id);
    expect(await failed).toMatchObject({ transferId: id, reason: 'cancelled', by: 'you' });
    await settle();
    expect(alice.sb.sent).toEqual([]);
  });

  it('declines applications it does not implement (webcam) and objects it does not publish', async () => {
    const bob = side('bob@example.com', { objects: { get: () => undefined } });
    const invite = (guid: string, sid: number, context: string): void => {
      const bytes = encodeRequest({
        method: 'INVITE',
        to: 'bob@example.com',
        from: 'alice@example.com',
        branch: `{B-${sid}}`,
        callId: `{C-${sid}}`,
        contentType: SlpContentType.SESSION_REQUEST,
        body: [
          ['EUF-GUID', guid],
          ['SessionID', String(sid)],
          ['AppID', '4'],
          ['Context', context],
        ],
      });
      inject(bob, 'alice@example.com', encodePacket({ ...slpHeader(bytes.length), identifier: sid }, bytes));
    };
    invite('{4BD96FC0-AB17-4425-A14A-439185962DC8}', 11, 'AAAA');
    const picture = buildMsnObject({ creator: 'bob@example.com', data: randomBytes(10), type: 3 });
    invite('{A4268EEC-FEC5-49E5-95C3-F126696BDBF6}', 12, Buffer.from(`${picture.xml}\0`).toString('base64'));
    await settle();
    const declines = bob.sb.sent.map((p) => p.toString('latin1')).filter((t) => t.includes('603 Decline'));
    expect(declines.map((t) => /Call-ID: (\S+)/.exec(t)?.[1])).toEqual(['{C-11}', '{C-12}']);
    expect(declines.every((t) => /SessionID: 1[12]\r\n/.test(t))).toBe(true);
  });

  it('declines invitations beyond a bounded number of open sessions per peer', async () => {
    const bob = side('bob@example.com');
    let offers = 0;
    bob.p2p.on('file-offer', () => offers++);
    for (let i = 1; i <= 40; i++) {
      const invite = encodeRequest({
        method: 'INVITE',
        to: 'bob@example.com',
        from: 'mallory@example.com',
        branch: `{B-${i}}`,
        callId: `{C-${i}}`,
        contentType: SlpContentType.SESSION_REQUEST,
        body: [
          ['EUF-GUID', '{5D3E02AB-6190-11D3-BBBB-00C04F795683}'],
          ['SessionID', String(1000 + i)],
          ['AppID', '2'],
          ['Context', encodeFileContext({ name: `f${i}`, size: 10 })],
        ],
      });
      inject(bob, 'mallory@example.com', encodePacket({ ...slpHeader(invite.length), identifier: i }, invite));
    }
    await settle(50);
    expect(offers).toBe(32);
    const declines = bob.sb.sent.filter((p) => p.includes('MSNSLP/1.0 603 Decline'));
    expect(declines).toHaveLength(8);
  });

  it('fails every session when the switchboard closes', async () => {
    const { alice, bob, object } = pair();
    bob.sb.tap = () => undefined; // Bob never answers
    const fetch = alice.p2p.fetchObject(object);
    await settle();
    alice.sb.close();
    await expect(fetch).rejects.toMatchObject({ kind: 'closed' });
  });
});

describe('hostile and malformed packets', () => {
  const header = (h: Partial<Parameters<typeof encodePacket>[0]>) => ({
    sessionId: 0,
    identifier: 7,
    offset: 0,
    totalSize: 0,
    length: 0,
    flags: 0,
    ackIdentifier: 1,
    ackUniqueId: 0,
    ackDataSize: 0,
    ...h,
  });

  it('reports wrong lengths, offsets beyond the total and unknown sessions as typed errors', async () => {
    const bob = side('bob@example.com');
    const good = encodePacket(header({ totalSize: 10, length: 4 }), Buffer.alloc(4));
    inject(bob, 'mallory@example.com', good.subarray(0, good.length - 1));
    const beyond = Buffer.from(good);
    beyond.writeBigUInt64LE(100n, 8);
    inject(bob, 'mallory@example.com', beyond);
    inject(
      bob,
      'mallory@example.com',
      encodePacket(header({ sessionId: 4242, totalSize: 4, length: 4 }), Buffer.alloc(4)),
    );
    inject(bob, 'mallory@example.com', encodePacket(header({ totalSize: 1e9, length: 4 }), Buffer.alloc(4)));
    await settle();
    expect(bob.errors.map((e) => e.kind)).toEqual(['malformed', 'malformed', 'unknown-session', 'too-large']);
    expect(bob.errors.every((e) => e instanceof P2PError)).toBe(true);
  });

  it('ignores packets addressed to someone else (group conversations)', async () => {
    const bob = side('bob@example.com');
    inject(bob, 'mallory@example.com', randomBytes(80), 'carol@example.com');
    await settle();
    expect(bob.errors).toEqual([]);
  });

  it('ends a session cleanly when the peer switches to P2P v2, reported once', async () => {
    const { alice, bob, object } = pair();
    bob.sb.tap = () => undefined;
    const fetch = alice.p2p.fetchObject(object);
    await settle();
    const invite = alice.sb.sent[0] ?? Buffer.alloc(0);
    const sid = Number(/SessionID: (\d+)/.exec(invite.toString('latin1'))?.[1]);
    const v2 = Buffer.alloc(8 + 8 + 4);
    v2[0] = 8;
    v2.writeUInt16BE(8, 2);
    v2[8] = 8;
    v2.writeUInt32BE(sid, 12);
    inject(alice, 'bob@example.com', v2);
    inject(alice, 'bob@example.com', v2);
    await expect(fetch).rejects.toMatchObject({ kind: 'v2' });
    expect(alice.errors.map((e) => e.kind)).toEqual(['v2']);
    inject(alice, 'carol@example.com', randomBytes(60), 'alice@example.com;{0A1B2C3D-0000-0000-0000-000000000000}');
    await settle();
    expect(alice.errors.map((e) => e.kind)).toEqual(['v2', 'v2']);
  });

  it('never throws on random payloads (fuzz)', async () => {
    const random = seeded(0xbadc0de);
    const bob = side('bob@example.com', { objects: { get: () => randomBytes(10) } });
    for (let i = 0; i < 2000; i++) {
      const size = randomInt(random, 0, 1700);
      const bytes = Buffer.from(Array.from({ length: size }, () => randomInt(random, 0, 255)));
      const payload =
        random() < 0.5
          ? Buffer.concat([p2pMime('bob@example.com'), bytes])
          : random() < 0.5
            ? bytes
            : Buffer.concat([Buffer.from('\r\n\r\n'), bytes]);
      expect(() => bob.conversations.deliver(pick(random, ['a@x.com', 'b@x.com']), payload, bob.sb)).not.toThrow();
    }
    await settle(50);
    expect(bob.errors.every((e) => e instanceof P2PError)).toBe(true);
  });

  it('never throws on mutated real packets, and every session still ends (fuzz)', async () => {
    const random = seeded(1234);
    // Record a clean exchange, then replay mutations of its packets at fresh managers.
    const recorded = pair();
    await recorded.alice.p2p.fetchObject(recorded.object);
    const packets = [...recorded.alice.sb.sent, ...recorded.bob.sb.sent];
    const mutate = (p: Buffer): Buffer => {
      const copy = Buffer.from(p);
      const at = p.indexOf('\r\n\r\n') + 4;
      switch (randomInt(random, 0, 4)) {
        case 0:
          for (let n = randomInt(random, 1, 8); n > 0; n--)
            copy[randomInt(random, at, copy.length - 1)] = randomInt(random, 0, 255);
          return copy;
        case 1:
          return copy.subarray(0, randomInt(random, 0, copy.length));
        case 2:
          return Buffer.concat([copy, randomBytes(randomInt(random, 1, 40))]);
        case 3: {
          // A plausible but wrong number in one of the header's fields.
          const field = pick(random, [0, 4, 8, 16, 24, 28, 32, 36, 40]);
          if (at + field + 4 <= copy.length) copy.writeUInt32LE(randomInt(random, 0, 0xffffffff), at + field);
          return copy;
        }
        default:
          return copy;
      }
    };
    for (let round = 0; round < 25; round++) {
      const { alice, bob, object } = pair();
      bob.sb.tap = (p) => (random() < 0.3 ? mutate(p) : p);
      alice.sb.tap = (p) => (random() < 0.3 ? mutate(p) : p);
      for (let i = 0; i < 10; i++) {
        const packet = pick(random, packets);
        expect(() => alice.conversations.deliver('bob@example.com', mutate(packet), alice.sb)).not.toThrow();
        expect(() => bob.conversations.deliver('alice@example.com', mutate(packet), bob.sb)).not.toThrow();
      }
      const result = await alice.p2p.fetchObject(object).then(
        (data) => data,
        (err: unknown) => err,
      );
      expect(Buffer.isBuffer(result) || result instanceof P2PError).toBe(true);
      for (const e of [...alice.errors, ...bob.errors]) expect(e).toBeInstanceOf(P2PError);
    }
  }, 60_000);
});
