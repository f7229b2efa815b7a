// Two links wired back to back (no server), every packet between them recorded: the sequences of
// P2P.md §5 as they appear on the wire.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeFileContext } from './context';
import { Link, type FileDecision, type LinkHost, type PeerEvent } from './link';
import { buildMsnObject } from './msnobj';
import { ackFor, decodePacket, encodePacket, envelope, Flags, type Header, type Packet } from './packet';
import { CT_SESSION_REQ, CT_TRANS_REQ, encodeSlp, EUF_FILE, parseSlp } from './slp';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

interface Sent extends Packet {
  readonly from: string;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'p2p-link-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function wire(opts: { picture?: Buffer; serve?: Buffer; decide?: FileDecision } = {}) {
  const log: Sent[] = [];
  const events: Record<string, PeerEvent[]> = { [ALICE]: [], [BOB]: [] };
  const links: Record<string, Link> = {};
  const host = (me: string, peer: string): LinkHost => ({
    me,
    peer,
    send: (payload) => {
      log.push({ from: me, ...decodePacket(payload.subarray(payload.indexOf('\r\n\r\n') + 4)) });
      // Delivered later and in order, like a switchboard.
      setImmediate(() => links[peer]?.receive(payload));
      return Promise.resolve({ acked: Promise.resolve() });
    },
    object: (id) =>
      me === ALICE && opts.picture && id === sha1dOf(opts.picture) ? (opts.serve ?? opts.picture) : undefined,
    decideFile: () => opts.decide ?? { accept: false },
    emit: (e) => events[me]?.push(e),
    ackTimeoutMs: 5000,
    answerTimeoutMs: 5000,
  });
  links[ALICE] = new Link(host(ALICE, BOB));
  links[BOB] = new Link(host(BOB, ALICE));
  return { log, events, alice: links[ALICE], bob: links[BOB] };
}

const sha1dOf = (b: Buffer) => /SHA1D="([^"]+)"/.exec(buildMsnObject(ALICE, b))?.[1];
const text = (p: Packet) => p.payload.toString('utf8');
const slpStart = (p: Packet) => text(p).split('\r\n')[0];

/** Each side's identifiers go up by one per message, acks included (§3.4). */
function expectCountingIdentifiers(log: Sent[], who: string): void {
  const ids = log.filter((p) => p.from === who && p.header.offset === 0n).map((p) => p.header.identifier);
  for (let i = 1; i < ids.length; i++) expect(ids[i]).toBe((ids[0] ?? 0) + i);
}

describe('two links back to back', () => {
  it('download a picture in the ten steps of §5.1', async () => {
    const picture = randomBytes(16384);
    const { log, bob, events } = wire({ picture });
    const got = await bob.fetchObject(buildMsnObject(ALICE, picture));
    expect(got.equals(picture)).toBe(true);
    await vi.waitFor(() => expect(log.filter((p) => p.header.offset === 0n).length).toBe(10), { timeout: 5000 });

    const messages = log.filter((p) => p.header.offset === 0n);
    const steps = messages.map((p) => [
      p.from === BOB ? 'B→A' : 'A→B',
      p.header.sessionId === 0 ? 'sid0' : 'sid',
      p.header.flags,
      p.footer,
      p.header.flags === Flags.ack ? 'ack' : p.header.sessionId === 0 ? slpStart(p) : p.header.length,
    ]);
    // Here Bob requests and Alice owns, so the arrows are the mirror of the notes' table.
    expect(steps).toEqual([
      ['B→A', 'sid0', 0, 0, 'INVITE MSNMSGR:alice@example.com MSNSLP/1.0'],
      ['A→B', 'sid0', Flags.ack, 0, 'ack'],
      ['A→B', 'sid0', 0, 0, 'MSNSLP/1.0 200 OK'],
      ['B→A', 'sid0', Flags.ack, 0, 'ack'],
      ['A→B', 'sid', 0, 1, 4],
      ['B→A', 'sid', Flags.ack, 0, 'ack'],
      ['A→B', 'sid', Flags.msnObjectData, 1, 1202],
      ['B→A', 'sid', Flags.ack, 0, 'ack'],
      ['B→A', 'sid0', 0, 0, 'BYE MSNMSGR:alice@example.com MSNSLP/1.0'],
      ['A→B', 'sid0', Flags.ack, 0, 'ack'],
    ]);
    const data = log.filter((p) => p.header.flags === Flags.msnObjectData);
    expect(data.map((p) => Number(p.header.offset))).toEqual(Array.from({ length: 14 }, (_, i) => i * 1202));
    expect(data.at(-1)?.header.length).toBe(758);
    expect(new Set(data.map((p) => `${p.header.identifier}/${p.header.ackIdentifier}`)).size).toBe(1);
    // Every ack names the acked message: its Identifier, its field 32 and its TotalSize.
    const byId = new Map(
      messages.filter((p) => p.header.flags !== Flags.ack).map((p) => [p.header.identifier, p.header]),
    );
    for (const ack of messages.filter((p) => p.header.flags === Flags.ack)) {
      const acked = byId.get(ack.header.ackIdentifier) as Header;
      expect(ack.header).toMatchObject({
        ackUniqueId: acked.ackIdentifier,
        ackDataSize: acked.totalSize,
        totalSize: acked.totalSize,
      });
    }
    const invite = parseSlp(messages[0]?.payload ?? Buffer.alloc(0));
    const ok = parseSlp(messages[2]?.payload ?? Buffer.alloc(0));
    expect(ok).toMatchObject({ to: BOB, from: ALICE, branch: invite.branch, callId: invite.callId, cseq: 1 });
    expect(ok.body.get('sessionid')).toBe(invite.body.get('sessionid'));
    expectCountingIdentifiers(log, ALICE);
    expectCountingIdentifiers(log, BOB);
    expect(events[ALICE]?.map((e) => e.type)).toEqual(['picture-served']);
  });

  it('refuse a picture whose bytes do not match its Size or SHA1D', async () => {
    const picture = randomBytes(3000);
    const xml = buildMsnObject(ALICE, picture);
    const lying = wire({ picture, serve: randomBytes(3000) });
    await expect(lying.bob.fetchObject(xml)).rejects.toThrow(/does not match/);
    const honest = wire({ picture });
    await expect(honest.bob.fetchObject(xml.replace('Size="3000"', 'Size="2999"'))).rejects.toThrow(/Size says 2999/);
    expect(honest.events[BOB]?.map((e) => e.type)).toEqual(['p2p-error']);
  });

  it('send a 3 MB file as one message of 2 618 chunks, acked once, closed by the receiver (§5.2)', async () => {
    const inbox = join(dir, 'in3');
    await rm(inbox, { recursive: true, force: true });
    await writeFile(join(dir, 'big.bin'), randomBytes(3 * 1024 * 1024));
    await mkdir(inbox);
    const { log, alice, events } = wire({ decide: { accept: true, dir: inbox } });
    expect(await alice.sendFile(join(dir, 'big.bin'))).toEqual({ accepted: true, completed: true, bytes: 3145728 });
    // Bob reports the file once Alice acked his BYE, the last packet of the exchange.
    await vi.waitFor(() => expect(events[BOB]?.some((e) => e.type === 'file-received')).toBe(true), { timeout: 5000 });

    const data = log.filter((p) => p.header.flags === Flags.fileData);
    expect(data.length).toBe(2618);
    expect(data.at(-1)?.header.length).toBe(94);
    expect(data.every((p) => p.footer === 2 && p.header.totalSize === 3145728n)).toBe(true);
    expect(new Set(data.map((p) => `${p.header.identifier}/${p.header.ackIdentifier}`)).size).toBe(1);
    const fromBob = log.filter((p) => p.from === BOB);
    const dataAcks = fromBob.filter(
      (p) => p.header.flags === Flags.ack && p.header.sessionId === data[0]?.header.sessionId,
    );
    expect(dataAcks.map((p) => p.header.ackDataSize)).toEqual([3145728n]);
    expect(slpStart(fromBob.at(-1) as Packet)).toBe('BYE MSNMSGR:alice@example.com MSNSLP/1.0');
    expect(log.at(-1)).toMatchObject({ from: ALICE, header: { flags: Flags.ack } });
    const received = events[BOB]?.find((e) => e.type === 'file-received');
    expect(received).toMatchObject({ name: 'big.bin', bytes: 3145728 });
    expect((await readFile(join(inbox, 'big.bin'))).equals(await readFile(join(dir, 'big.bin')))).toBe(true);
    expect(await readdir(inbox)).toEqual(['big.bin']);
  });

  it('reassembles a WLM 2009 file INVITE that arrives in two chunks, even out of order (§4.4)', async () => {
    const inbox = join(dir, 'in-v3');
    await mkdir(inbox, { recursive: true });
    const { log, bob, events } = wire({ decide: { accept: true, dir: inbox } });
    const v3 = Buffer.concat([encodeFileContext('wlm.txt', 3), Buffer.alloc(64)]);
    v3.writeUInt32LE(638, 0);
    v3.writeUInt32LE(3, 4);
    const f = { to: BOB, from: ALICE, branch: '{B3}', cseq: 0, callId: '{V3}', contentType: CT_SESSION_REQ };
    const slp = encodeSlp({ method: 'INVITE' }, f, [
      ['EUF-GUID', EUF_FILE],
      ['SessionID', '123456789'],
      ['AppID', '2'],
      ['Context', v3.toString('base64')],
    ]);
    expect(slp.toString()).toContain('Content-Length: 948\r\n');
    expect(slp.length).toBeGreaterThan(1202);
    const chunk = (offset: number, end: number) =>
      envelope(
        BOB,
        encodePacket(
          {
            sessionId: 0,
            identifier: 77,
            offset: BigInt(offset),
            totalSize: BigInt(slp.length),
            length: end - offset,
            flags: 0,
            ackIdentifier: 5,
            ackUniqueId: 0,
            ackDataSize: 0n,
          },
          slp.subarray(offset, end),
          0,
        ),
      );
    bob.receive(chunk(1202, slp.length));
    expect(log).toEqual([]);
    bob.receive(chunk(0, 1202));
    await vi.waitFor(() => expect(log.filter((p) => p.from === BOB).length).toBe(2), { timeout: 5000 });
    expect(log.filter((p) => p.from === BOB).map((p) => (p.header.flags === Flags.ack ? 'ack' : slpStart(p)))).toEqual([
      'ack',
      'MSNSLP/1.0 200 OK',
    ]);
    expect(events[BOB]?.[0]).toMatchObject({ type: 'file-offer', name: 'wlm.txt', size: 3, accepted: true });
  });

  it('answers a direct-connection offer with Listening: false and unknown applications with 603', async () => {
    const { log, bob } = wire();
    const f = { to: BOB, from: ALICE, branch: '{BR}', cseq: 0, callId: '{CALL}', contentType: CT_TRANS_REQ };
    const invite = (slp: Buffer, id: number) =>
      envelope(
        BOB,
        encodePacket(
          {
            sessionId: 0,
            identifier: id,
            offset: 0n,
            totalSize: BigInt(slp.length),
            length: slp.length,
            flags: 0,
            ackIdentifier: 7,
            ackUniqueId: 0,
            ackDataSize: 0n,
          },
          slp,
          0,
        ),
      );
    bob.receive(
      invite(
        encodeSlp({ method: 'INVITE' }, f, [
          ['Bridges', 'TCPv1'],
          ['NetID', '0'],
          ['SessionID', '5'],
        ]),
        100,
      ),
    );
    const webcam = [
      ['EUF-GUID', '{4BD96FC0-AB17-4425-A14A-439185962DC8}'],
      ['SessionID', '6'],
      ['AppID', '4'],
      ['Context', 'AAAA'],
    ] as const;
    bob.receive(
      invite(encodeSlp({ method: 'INVITE' }, { ...f, contentType: CT_SESSION_REQ, callId: '{CAM}' }, webcam), 101),
    );
    const garbage = [
      ['EUF-GUID', EUF_FILE],
      ['SessionID', '8'],
      ['AppID', '2'],
      ['Context', 'bm90IGEgY29udGV4dA=='],
    ] as const;
    bob.receive(
      invite(encodeSlp({ method: 'INVITE' }, { ...f, contentType: CT_SESSION_REQ, callId: '{FT}' }, garbage), 102),
    );
    await vi.waitFor(() => expect(log.filter((p) => p.from === BOB && p.header.flags === 0).length).toBe(3), {
      timeout: 5000,
    });
    const replies = log.filter((p) => p.from === BOB && p.header.flags === 0).map((p) => parseSlp(p.payload));
    expect(replies.map((m) => [m.status, m.callId, m.contentType])).toEqual([
      [200, '{CALL}', 'application/x-msnmsgr-transrespbody'],
      [603, '{CAM}', CT_SESSION_REQ],
      [603, '{FT}', CT_SESSION_REQ],
    ]);
    expect(replies[0]?.body.get('listening')).toBe('false');
    expect(replies[0]?.branch).toBe('{BR}');
    expect(replies[1]?.body.get('sessionid')).toBe('6');
    expect(
      log.filter((p) => p.from === BOB && p.header.flags === Flags.ack).map((p) => p.header.ackIdentifier),
    ).toEqual([100, 101, 102]);
  });

  it('ignores packets for someone else, drops P2P v2, and takes flag 0x40 as the sender cancelling', async () => {
    const inbox = join(dir, 'in-abort');
    await mkdir(inbox, { recursive: true });
    const { log, bob, events } = wire({ decide: { accept: true, dir: inbox } });
    const slp = encodeSlp(
      { method: 'INVITE' },
      { to: BOB, from: ALICE, branch: '{B1}', cseq: 0, callId: '{F1}', contentType: CT_SESSION_REQ },
      [
        ['EUF-GUID', EUF_FILE],
        ['SessionID', '4242'],
        ['AppID', '2'],
        ['Context', encodeFileContext('a.txt', 5000).toString('base64')],
      ],
    );
    const h = (x: Partial<Header>): Header => ({
      sessionId: 0,
      identifier: 1,
      offset: 0n,
      totalSize: BigInt(slp.length),
      length: slp.length,
      flags: 0,
      ackIdentifier: 9,
      ackUniqueId: 0,
      ackDataSize: 0n,
      ...x,
    });
    bob.receive(envelope('carol@example.com', encodePacket(h({}), slp, 0)));
    bob.receive(envelope(`${BOB};{8B1C}`, encodePacket(h({}), slp, 0)));
    expect(log).toEqual([]);
    expect(events[BOB]?.map((e) => e.type)).toEqual(['p2p-error']);
    bob.receive(envelope(BOB, encodePacket(h({}), slp, 0)));
    await vi.waitFor(() => expect(log.some((p) => p.from === BOB && slpStart(p) === 'MSNSLP/1.0 200 OK')).toBe(true), {
      timeout: 5000,
    });
    const chunk = Buffer.alloc(1000, 1);
    bob.receive(
      envelope(
        BOB,
        encodePacket(
          h({ sessionId: 4242, identifier: 2, totalSize: 5000n, length: 1000, flags: Flags.fileData }),
          chunk,
          2,
        ),
      ),
    );
    bob.receive(
      envelope(
        BOB,
        encodePacket(
          h({ sessionId: 4242, identifier: 3, totalSize: 0n, length: 0, flags: Flags.close }),
          Buffer.alloc(0),
          0,
        ),
      ),
    );
    expect(events[BOB]?.map((e) => e.type)).toEqual(['p2p-error', 'file-offer', 'file-cancelled']);
    expect(events[BOB]?.at(-1)).toMatchObject({ by: 'sender', bytes: 1000 });
    await vi.waitFor(async () => expect(await readdir(inbox)).toEqual([]), { timeout: 5000 });
    // The 0x40 message itself is not acked.
    expect(
      log.filter((p) => p.from === BOB && p.header.flags === Flags.ack).map((p) => p.header.ackIdentifier),
    ).toEqual([1]);
  });

  it('reports what a sloppy sender gets wrong: footer byte order, Content-Length, ack fields', async () => {
    const sent: Buffer[] = [];
    const events: PeerEvent[] = [];
    const link = new Link({
      me: BOB,
      peer: ALICE,
      send: (payload) => {
        sent.push(payload);
        return Promise.resolve({ acked: Promise.resolve() });
      },
      object: () => undefined,
      decideFile: () => ({ accept: false }),
      emit: (e) => events.push(e),
      ackTimeoutMs: 200,
      answerTimeoutMs: 200,
    });
    const packetOf = (b: Buffer) => decodePacket(b.subarray(b.indexOf('\r\n\r\n') + 4));
    const h = (x: Partial<Header>): Header => ({
      sessionId: 0,
      identifier: 1,
      offset: 0n,
      totalSize: 0n,
      length: 0,
      flags: 0,
      ackIdentifier: 3,
      ackUniqueId: 0,
      ackDataSize: 0n,
      ...x,
    });

    // Bob asks for a picture; Alice's ack of the INVITE names the wrong field 32.
    const fetching = link.fetchObject(buildMsnObject(ALICE, Buffer.from('x')));
    fetching.catch(() => {});
    await vi.waitFor(() => expect(sent.length).toBe(1), { timeout: 5000 });
    const invite = packetOf(sent[0] ?? Buffer.alloc(0)).header;
    link.receive(
      envelope(
        BOB,
        encodePacket(ackFor({ ...invite, ackIdentifier: invite.ackIdentifier + 1 }, 50), Buffer.alloc(0), 0),
      ),
    );

    // A 603 whose Content-Length forgot the NUL, sent with a little-endian footer.
    const no = encodeSlp(
      { status: 603, reason: 'Decline' },
      {
        to: BOB,
        from: ALICE,
        branch: '{X}',
        cseq: 1,
        callId: parseSlp(packetOf(sent[0] ?? Buffer.alloc(0)).payload).callId,
        contentType: CT_SESSION_REQ,
      },
      [['SessionID', '1']],
    );
    expect(no.toString()).toContain('Content-Length: 17\r\n');
    const short = Buffer.from(no.toString('latin1').replace('Content-Length: 17', 'Content-Length: 16'), 'latin1');
    link.receive(
      envelope(
        BOB,
        encodePacket(h({ identifier: 51, totalSize: BigInt(short.length), length: short.length }), short, 0x01000000),
      ),
    );
    await expect(fetching).rejects.toThrow(/603/);
    expect(events.map((e) => (e.type === 'p2p-error' ? e.message : e.type))).toEqual([
      expect.stringMatching(/^ack of \d+ carries AckUniqueID \d+ \/ AckDataSize \d+, expected/),
      'footer 16777216 (0x1000000) where 0 belongs',
      'SLP Content-Length 16 but 17 body bytes (NUL included)',
    ]);
  });
});
