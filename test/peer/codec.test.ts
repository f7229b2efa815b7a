// The peer's codecs against the byte dumps and worked examples of the protocol notes (P2P.md,
// CHALLENGE.md), typed in by hand from the notes.
import { describe, expect, it, vi } from 'vitest';
import { decodeFileContext, encodeFileContext } from './context';
import { Link, safeFileName, type LinkHost, type PeerEvent } from './link';
import { buildMsnObject, friendlyName, parseMsnObject, percentEncode, sha1c } from './msnobj';
import {
  ackFor,
  CHUNK_BYTES,
  decodePacket,
  encodeHeader,
  encodePacket,
  envelope,
  Flags,
  Footer,
  P2PError,
  type Header,
} from './packet';
import { md5Answer, msnp11Answer } from './signin';
import { CT_SESSION_REQ, encodeSlp, EUF_FILE, EUF_MSN_OBJECT, parseSlp } from './slp';
import { Framer, encode } from './wire';

const hex = (dump: string): Buffer => Buffer.from(dump.replace(/[^0-9a-f]/gi, ''), 'hex');
const PICTURE = Buffer.concat(Array.from({ length: 64 }, () => Buffer.from(Array.from({ length: 256 }, (_, i) => i))));
const BOB_OBJECT =
  '<msnobj Creator="bob@example.com" Size="16384" Type="3" Location="0" Friendly="AAA=" SHA1D="gMucQw2AwwhGSfZeDKJdq7/7G2I=" SHA1C="F1UgVEhfU8iX+guItx4QCqZocF0="/>';
const A = 0x000f4240;
const B = 0x001e8480;

const header = (h: Partial<Header>): Header => ({
  sessionId: 0,
  identifier: 0,
  offset: 0n,
  totalSize: 0n,
  length: 0,
  flags: 0,
  ackIdentifier: 0,
  ackUniqueId: 0,
  ackDataSize: 0n,
  ...h,
});

describe('MSN objects (§2)', () => {
  it('builds the §2.1 object, SHA1D and SHA1C included, from the 00…ff picture', () => {
    expect(buildMsnObject('bob@example.com', PICTURE)).toBe(BOB_OBJECT);
    expect(
      sha1c({
        creator: 'bob@example.com',
        size: 16384,
        type: 3,
        location: '0',
        friendly: 'AAA=',
        sha1d: 'gMucQw2AwwhGSfZeDKJdq7/7G2I=',
      }),
    ).toBe('F1UgVEhfU8iX+guItx4QCqZocF0=');
  });

  it('encodes Friendly as UTF-16LE with a NUL and the CHG parameter fully percent-encoded (§2.3)', () => {
    expect(friendlyName('')).toBe('AAA=');
    expect(friendlyName('hi')).toBe('aABpAAAA');
    expect(percentEncode(BOB_OBJECT)).toBe(
      '%3Cmsnobj%20Creator%3D%22bob%40example.com%22%20Size%3D%2216384%22%20Type%3D%223%22%20Location%3D%220%22%20Friendly%3D%22AAA%3D%22%20SHA1D%3D%22gMucQw2AwwhGSfZeDKJdq7%2F7G2I%3D%22%20SHA1C%3D%22F1UgVEhfU8iX%2BguItx4QCqZocF0%3D%22%2F%3E',
    );
  });

  it('parses objects leniently and treats <msnobj/> as no picture', () => {
    const o = parseMsnObject(`${BOB_OBJECT}\0`);
    expect(o).toMatchObject({
      creator: 'bob@example.com',
      size: 16384,
      type: 3,
      sha1d: 'gMucQw2AwwhGSfZeDKJdq7/7G2I=',
    });
    expect(parseMsnObject('<msnobj/>')).toBeNull();
    expect(parseMsnObject('<msnobj Creator="a@b" Size="x" SHA1D="q"/>')).toBeNull();
    expect(parseMsnObject('garbage')).toBeNull();
  });
});

describe('P2P v1 header and footer (§3)', () => {
  const invite = header({ identifier: A, totalSize: 636n, length: 636, ackIdentifier: 0x00a1b2c3 });

  it('writes the INVITE header of the §3.5 example', () => {
    expect(encodeHeader(invite)).toEqual(
      hex(`00 00 00 00 40 42 0f 00 00 00 00 00 00 00 00 00
           7c 02 00 00 00 00 00 00 7c 02 00 00 00 00 00 00
           c3 b2 a1 00 00 00 00 00 00 00 00 00 00 00 00 00`),
    );
  });

  it("writes Bob's ack of it, 140 bytes in its MSG", () => {
    const ack = encodePacket(ackFor(invite, B), Buffer.alloc(0), Footer.slp);
    expect(ack).toEqual(
      hex(`00 00 00 00 80 84 1e 00 00 00 00 00 00 00 00 00
           7c 02 00 00 00 00 00 00 00 00 00 00 02 00 00 00
           40 42 0f 00 c3 b2 a1 00 7c 02 00 00 00 00 00 00
           00 00 00 00`),
    );
    expect(envelope('bob@example.com', ack).length).toBe(140);
  });

  it('writes steps 5, 7 and 8 of the picture download (§5.1), footer big-endian', () => {
    const prep = header({ sessionId: 53170, identifier: B + 2, totalSize: 4n, length: 4, ackIdentifier: 0x00d4e5f6 });
    expect(encodePacket(prep, Buffer.alloc(4), Footer.msnObject)).toEqual(
      hex(`b2 cf 00 00 82 84 1e 00 00 00 00 00 00 00 00 00
           04 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00
           f6 e5 d4 00 00 00 00 00 00 00 00 00 00 00 00 00
           00 00 00 00 00 00 00 01`),
    );
    const data = {
      sessionId: 53170,
      identifier: B + 3,
      totalSize: 16384n,
      flags: Flags.msnObjectData,
      ackIdentifier: 0x778899,
    };
    expect(encodeHeader(header({ ...data, length: CHUNK_BYTES }))).toEqual(
      hex(`b2 cf 00 00 83 84 1e 00 00 00 00 00 00 00 00 00
           00 40 00 00 00 00 00 00 b2 04 00 00 20 00 00 00
           99 88 77 00 00 00 00 00 00 00 00 00 00 00 00 00`),
    );
    const lastOffset = 13 * CHUNK_BYTES;
    expect(lastOffset).toBe(15626);
    expect(
      encodeHeader(header({ ...data, offset: BigInt(lastOffset), length: 16384 - lastOffset })).subarray(0, 32),
    ).toEqual(
      hex(`b2 cf 00 00 83 84 1e 00 0a 3d 00 00 00 00 00 00
           00 40 00 00 00 00 00 00 f6 02 00 00 20 00 00 00`),
    );
    expect(encodePacket(ackFor(header({ ...data, length: 758, offset: 15626n }), A + 3), Buffer.alloc(0), 0)).toEqual(
      hex(`b2 cf 00 00 43 42 0f 00 00 00 00 00 00 00 00 00
           00 40 00 00 00 00 00 00 00 00 00 00 02 00 00 00
           83 84 1e 00 99 88 77 00 00 40 00 00 00 00 00 00
           00 00 00 00`),
    );
  });

  it('writes file data chunk #101 of §5.2 with 64-bit offsets', () => {
    const h = header({
      sessionId: 77777,
      identifier: A,
      offset: 100n * BigInt(CHUNK_BYTES),
      totalSize: 3145728n,
      length: CHUNK_BYTES,
      flags: Flags.fileData,
      ackIdentifier: 0x0badf00d,
    });
    expect(encodeHeader(h)).toEqual(
      hex(`d1 2f 01 00 40 42 0f 00 88 d5 01 00 00 00 00 00
           00 00 30 00 00 00 00 00 b2 04 00 00 30 00 00 01
           0d f0 ad 0b 00 00 00 00 00 00 00 00 00 00 00 00`),
    );
    const big = header({ offset: 5n << 32n, totalSize: (5n << 32n) + 10n, length: 10 });
    expect(decodePacket(encodePacket(big, Buffer.alloc(10), 2)).header.offset).toBe(5n << 32n);
  });

  it('puts a full chunk in a 1342-byte MSG for bob@example.com (§3.1)', () => {
    const h = header({ totalSize: 5000n, length: CHUNK_BYTES });
    const msg = envelope('bob@example.com', encodePacket(h, Buffer.alloc(CHUNK_BYTES), 0));
    expect(msg.length).toBe(1342);
    expect(msg.indexOf('\r\n\r\n')).toBe(84);
  });

  it('rejects wrong lengths and offsets beyond TotalSize with a P2PError', () => {
    const good = encodePacket(header({ sessionId: 9, totalSize: 10n, length: 4 }), Buffer.alloc(4), 1);
    expect(decodePacket(good).footer).toBe(1);
    expect(() => decodePacket(good.subarray(0, 40))).toThrow(P2PError);
    expect(() => decodePacket(Buffer.concat([good, Buffer.alloc(1)]))).toThrow(P2PError);
    const beyond = encodePacket(header({ sessionId: 9, offset: 8n, totalSize: 10n, length: 4 }), Buffer.alloc(4), 1);
    expect(() => decodePacket(beyond)).toThrow(/beyond TotalSize/);
  });
});

describe('MSNSLP (§4)', () => {
  const branch = '{3C16C5E0-5D25-4E0B-9D22-2A7E9C0B1F01}';
  const callId = '{6E31A9F2-0A8C-4C3B-B1D5-7F2E8D4C9A10}';
  const f = { to: 'bob@example.com', from: 'alice@example.com', branch, cseq: 0, callId, contentType: CT_SESSION_REQ };
  const context = Buffer.from(`${BOB_OBJECT}\0`).toString('base64');

  it('writes the §4.1 INVITE: 636 bytes, Content-Length 308, the Context of the notes', () => {
    expect(context).toBe(
      'PG1zbm9iaiBDcmVhdG9yPSJib2JAZXhhbXBsZS5jb20iIFNpemU9IjE2Mzg0IiBUeXBlPSIzIiBMb2NhdGlvbj0iMCIgRnJpZW5kbHk9IkFBQT0iIFNIQTFEPSJnTXVjUXcyQXd3aEdTZlplREtKZHE3LzdHMkk9IiBTSEExQz0iRjFVZ1ZFaGZVOGlYK2d1SXR4NFFDcVpvY0YwPSIvPgA=',
    );
    const invite = encodeSlp({ method: 'INVITE' }, f, [
      ['EUF-GUID', EUF_MSN_OBJECT],
      ['SessionID', '53170'],
      ['AppID', '1'],
      ['Context', context],
    ]);
    expect(invite.length).toBe(636);
    const text = invite.toString('utf8');
    expect(text.startsWith('INVITE MSNMSGR:bob@example.com MSNSLP/1.0\r\nTo: <msnmsgr:bob@example.com>\r\n')).toBe(
      true,
    );
    expect(text).toContain('\r\nCSeq: 0 \r\nCall-ID: ');
    expect(text).toContain('\r\nContent-Length: 308\r\n\r\nEUF-GUID: ');
    expect(invite[invite.length - 1]).toBe(0);
    const m = parseSlp(invite);
    expect(m).toMatchObject({
      method: 'INVITE',
      to: 'bob@example.com',
      from: 'alice@example.com',
      branch,
      callId,
      cseq: 0,
    });
    expect(m.body.get('context')).toBe(context);
  });

  it('counts the NUL in the 200 OK, 603 and BYE bodies (21, 25, 3)', () => {
    const ok = encodeSlp({ status: 200, reason: 'OK' }, f, [['SessionID', '53170']]);
    expect(ok.toString()).toContain('Content-Length: 21\r\n');
    const no = encodeSlp({ status: 603, reason: 'Decline' }, f, [['SessionID', '123456789']]);
    expect(no.toString()).toContain('Content-Length: 25\r\n');
    expect(parseSlp(no).status).toBe(603);
    const bye = encodeSlp({ method: 'BYE' }, { ...f, contentType: 'application/x-msnmsgr-sessionclosebody' }, []);
    expect(bye.toString()).toMatch(/Content-Length: 3\r\n\r\n\r\n\0$/);
  });

  it('writes the 1 188-byte file INVITE with a 574-byte v2 Context (§4.4)', () => {
    const ctx = encodeFileContext('photo.jpg', 3 * 1024 * 1024);
    expect(ctx.length).toBe(574);
    expect(ctx.subarray(0, 0x2a)).toEqual(
      hex(`3e 02 00 00 02 00 00 00 00 00 30 00 00 00 00 00
           01 00 00 00 70 00 68 00 6f 00 74 00 6f 00 2e 00
           6a 00 70 00 67 00 00 00 00 00`),
    );
    expect(ctx.subarray(540, 570).equals(Buffer.alloc(30))).toBe(true);
    expect(ctx.subarray(570)).toEqual(hex('ff ff ff ff'));
    const b64 = ctx.toString('base64');
    expect(b64.length).toBe(768);
    const invite = encodeSlp({ method: 'INVITE' }, f, [
      ['EUF-GUID', EUF_FILE],
      ['SessionID', '77777'],
      ['AppID', '2'],
      ['Context', b64],
    ]);
    expect(invite.length).toBe(1188);
    expect(invite.toString()).toContain('Content-Length: 860\r\n');
    expect(decodeFileContext(ctx)).toMatchObject({ version: 2, size: 3145728n, type: 1, name: 'photo.jpg' });
  });

  it('reads a WLM v3 Context with its preview and tolerates sloppy SLP', () => {
    const v3 = Buffer.concat([encodeFileContext('ü.png', 10), Buffer.alloc(64), Buffer.from('PNG')]);
    v3.writeUInt32LE(638, 0);
    v3.writeUInt32LE(3, 4);
    v3.writeUInt32LE(0, 16);
    expect(decodeFileContext(v3)).toMatchObject({ version: 3, name: 'ü.png', preview: Buffer.from('PNG') });
    const sloppy = Buffer.from(
      'MSNSLP/1.0 200 OK\r\nTo: msnmsgr:Alice@Example.com\r\nFrom: <msnmsgr:bob@example.com>\r\nVia: MSNSLP/1.0/TLP ;branch={abc}\r\nCSeq: 1\r\nCall-ID: {x}\r\nContent-Type: application/x-msnmsgr-sessionreqbody\r\nContent-Length: 99\r\n\r\nSessionID: 5\r\n\r\n\0\0',
    );
    expect(parseSlp(sloppy)).toMatchObject({
      status: 200,
      to: 'alice@example.com',
      cseq: 1,
      callId: '{X}',
      branch: '{abc}',
    });
    expect(parseSlp(sloppy).body.get('sessionid')).toBe('5');
    expect(() => parseSlp(Buffer.from('HELLO\r\n\r\n'))).toThrow(P2PError);
  });
});

describe('file names', () => {
  it('keeps names inside the folder and readable', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\x\\evil.exe')).toBe('evil.exe');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('a\x00b\nc.txt')).toBe('a_b_c.txt');
    expect(safeFileName('CON.txt')).toBe('_CON.txt');
    expect(Buffer.byteLength(safeFileName('é'.repeat(300)))).toBeLessThanOrEqual(200);
  });
});

describe('CHL answers (CHALLENGE.md)', () => {
  it('matches the published MD5 and MSNP11 vectors', () => {
    expect(md5Answer('15570131571988941333')).toBe('8f2f5a91b72102cd28355e9fc9000d6e');
    expect(md5Answer('22299241447072743325')).toBe('20dba7e6e9817826b9cd5240cc8add99');
    expect(msnp11Answer('22210219642164014968')).toBe('85ecb0db8f32113df79ce0892b9a102c');
    expect(msnp11Answer('36819795137093047918')).toBe('e7ad3cb09d3e9e4e7c720175984809e9');
    expect(msnp11Answer('237191752526424888127371168', { id: 'PROD0113H11T8$X_', key: 'RG@XY*28Q5QHS%Q5' })).toBe(
      '65b6b623c649c25629af048d34066040',
    );
    expect(msnp11Answer('123456789012345678901234')).toBe('cfd1a4febba8ec8488adc3c0916fb4fa');
  });
});

describe('framing', () => {
  it('reads payload commands by byte length, split anywhere', () => {
    const bytes = Buffer.concat([
      Buffer.from('CHL 0 123\r\nMSG a@b A%20B 5\r\nx\r\n\0yUBX a@b 0\r\nQRY 7\r\n'),
      encode('MSG', ['c@d', 'C'], Buffer.from([0, 10, 13, 10])),
    ]);
    const framer = new Framer();
    const got = Array.from(bytes).flatMap((b) => framer.push(Buffer.from([b])));
    expect(got.map((c) => [c.name, ...c.params].join(' '))).toEqual([
      'CHL 0 123',
      'MSG a@b A%20B 5',
      'UBX a@b 0',
      'QRY 7',
      'MSG c@d C 4',
    ]);
    expect(got[1]?.payload).toEqual(Buffer.from('x\r\n\0y'));
    expect(got[4]?.payload).toEqual(Buffer.from([0, 10, 13, 10]));
  });
});

describe('a link fed hostile input', () => {
  it('never throws, reports each bad packet, and keeps working', async () => {
    const events: PeerEvent[] = [];
    const sent: Buffer[] = [];
    const host: LinkHost = {
      me: 'bob@example.com',
      peer: 'alice@example.com',
      send: (payload) => {
        sent.push(payload);
        return Promise.resolve({ acked: Promise.resolve() });
      },
      object: () => undefined,
      decideFile: () => ({ accept: false }),
      emit: (e) => events.push(e),
      ackTimeoutMs: 100,
      answerTimeoutMs: 100,
    };
    const link = new Link(host);
    const valid = encodePacket(header({ totalSize: 636n, length: 636 }), Buffer.alloc(636, 0x41), 0);
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 2000; i++) {
      const body = Buffer.from(valid);
      if (i % 2 === 0) for (let k = 0; k < 4; k++) body[random() % 48] = random() & 0xff;
      const junk = i % 2 === 0 ? body : Buffer.from(Array.from({ length: random() % 200 }, () => random() & 0xff));
      expect(() => link.receive(envelope(i % 7 === 0 ? 'bob@example.com;{1}' : 'bob@example.com', junk))).not.toThrow();
    }
    expect(events.length).toBeGreaterThan(100);
    expect(events.every((e) => e.type === 'p2p-error')).toBe(true);
    // Still working afterwards: a well-formed INVITE for an unknown picture is acked and declined.
    sent.length = 0;
    const slp = encodeSlp(
      { method: 'INVITE' },
      {
        to: 'bob@example.com',
        from: 'alice@example.com',
        branch: '{B}',
        cseq: 0,
        callId: '{C}',
        contentType: CT_SESSION_REQ,
      },
      [
        ['EUF-GUID', EUF_MSN_OBJECT],
        ['SessionID', '99'],
        ['AppID', '1'],
        ['Context', Buffer.from(`${BOB_OBJECT}\0`).toString('base64')],
      ],
    );
    link.receive(
      envelope(
        'bob@example.com',
        encodePacket(header({ identifier: 0x5eed, totalSize: BigInt(slp.length), length: slp.length }), slp, 0),
      ),
    );
    await vi.waitFor(() => expect(sent.length).toBe(2), { timeout: 5000 });
    expect(events.at(-1)).toMatchObject({ type: 'picture-refused', sha1d: 'gMucQw2AwwhGSfZeDKJdq7/7G2I=' });
    expect(sent.map((p) => decodePacket(p.subarray(p.indexOf('\r\n\r\n') + 4)).header.flags)).toEqual([Flags.ack, 0]);
    expect(sent[1]?.toString()).toContain('MSNSLP/1.0 603 Decline');
  });
});
