// The P2P codecs against the worked examples of the protocol notes (P2P.md §2–5).
import { describe, expect, it } from 'vitest';
import { statusCommand } from '../../../../src/main/msnp/commands';
import {
  decodeFileContext,
  decodeObjectContext,
  encodeFileContext,
  encodeObjectContext,
} from '../../../../src/main/msnp/p2p/context';
import { buildEmoticonPayload, parseEmoticonBody } from '../../../../src/main/msnp/p2p/emoticons';
import {
  Flags,
  ackFor,
  classify,
  decodePacket,
  encodePacket,
  looksLikeV2,
  needsAck,
  type P2PHeader,
} from '../../../../src/main/msnp/p2p/header';
import {
  buildMsnObject,
  checksumMatches,
  friendlyName,
  friendlyValue,
  parseMsnObject,
  percentEncode,
  sha1c,
} from '../../../../src/main/msnp/p2p/msnobj';
import { encodeRequest, encodeResponse, parseSlp, SlpContentType } from '../../../../src/main/msnp/p2p/slp';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** The example picture: the 256 byte values 00…ff repeated 64 times. */
const PICTURE = Buffer.concat(Array.from({ length: 64 }, () => Buffer.from(Array.from({ length: 256 }, (_, i) => i))));
const PICTURE_XML =
  '<msnobj Creator="bob@example.com" Size="16384" Type="3" Location="0" Friendly="AAA=" ' +
  'SHA1D="gMucQw2AwwhGSfZeDKJdq7/7G2I=" SHA1C="F1UgVEhfU8iX+guItx4QCqZocF0="/>';

const header = (h: Partial<P2PHeader>): P2PHeader => ({
  sessionId: 0,
  identifier: 0,
  offset: 0,
  totalSize: 0,
  length: 0,
  flags: 0,
  ackIdentifier: 0,
  ackUniqueId: 0,
  ackDataSize: 0,
  ...h,
});

describe('msnobj', () => {
  it('builds the example picture object byte for byte, SHA1D and SHA1C included', () => {
    const object = buildMsnObject({ creator: 'bob@example.com', data: PICTURE, type: 3 });
    expect(object.sha1d).toBe('gMucQw2AwwhGSfZeDKJdq7/7G2I=');
    expect(object.sha1c).toBe('F1UgVEhfU8iX+guItx4QCqZocF0=');
    expect(object.xml).toBe(PICTURE_XML);
    expect(checksumMatches(object.xml)).toBe(true);
  });

  it('computes SHA1C over the attributes as written, in the fixed order', () => {
    expect(
      sha1c({
        Creator: 'alice@example.com',
        Size: '2048',
        Type: '2',
        Location: 'TFR3.dat',
        Friendly: 'aABpAAAA',
        SHA1D: '8QzP3mDBfbJufYXTVmXHZh276yw=',
      }),
    ).toBe('uilI3XF0DtqDpp/7tYH9aNbxA7Q=');
  });

  it('encodes Friendly as UTF-16LE with a terminating NUL', () => {
    expect(friendlyValue('')).toBe('AAA=');
    expect(friendlyValue('hi')).toBe('aABpAAAA');
    expect(friendlyName('aABpAAAA')).toBe('hi');
  });

  it('percent-encodes the msnobj in CHG as the notes show', () => {
    expect(statusCommand(12, 'NLN', 1342177280, PICTURE_XML)).toEqual({
      name: 'CHG',
      params: [
        'NLN',
        1342177280,
        '%3Cmsnobj%20Creator%3D%22bob%40example.com%22%20Size%3D%2216384%22%20Type%3D%223%22%20Location%3D%220%22%20Friendly%3D%22AAA%3D%22%20SHA1D%3D%22gMucQw2AwwhGSfZeDKJdq7%2F7G2I%3D%22%20SHA1C%3D%22F1UgVEhfU8iX%2BguItx4QCqZocF0%3D%22%2F%3E',
      ],
    });
    // MSNP8 has neither the msnobj nor P2P (no ack mode D): the MSNC bits are not advertised.
    expect(statusCommand(8, 'NLN', 0x50000004, PICTURE_XML).params).toEqual(['NLN', 4]);
    expect(percentEncode("a!'()*~")).toBe('a%21%27%28%29%2A~');
  });

  it('parses objects in either form and treats <msnobj/> or a bad SHA1D as no object', () => {
    const parsed = parseMsnObject(percentEncode(PICTURE_XML));
    expect(parsed).toMatchObject({
      creator: 'bob@example.com',
      size: 16384,
      type: 3,
      sha1d: 'gMucQw2AwwhGSfZeDKJdq7/7G2I=',
    });
    expect(parsed?.xml).toBe(PICTURE_XML);
    expect(parseMsnObject('<msnobj/>')).toBeUndefined();
    expect(parseMsnObject('%3Cmsnobj%2F%3E')).toBeUndefined();
    expect(parseMsnObject(PICTURE_XML.replace('gMucQw2AwwhGSfZeDKJdq7/7G2I=', 'short='))).toBeUndefined();
    expect(parseMsnObject(PICTURE_XML.replace('16384', '-1'))).toBeUndefined();
    expect(parseMsnObject('<html/>')).toBeUndefined();
  });
});

describe('P2P v1 packets', () => {
  const INVITE_HEADER = hex(`
    00 00 00 00 40 42 0f 00 00 00 00 00 00 00 00 00
    7c 02 00 00 00 00 00 00 7c 02 00 00 00 00 00 00
    c3 b2 a1 00 00 00 00 00 00 00 00 00 00 00 00 00`);
  const INVITE_ACK = hex(`
    00 00 00 00 80 84 1e 00 00 00 00 00 00 00 00 00
    7c 02 00 00 00 00 00 00 00 00 00 00 02 00 00 00
    40 42 0f 00 c3 b2 a1 00 7c 02 00 00 00 00 00 00
    00 00 00 00`);

  it('writes the INVITE header and its ack as in §3.5', () => {
    const invite = header({ identifier: 0x000f4240, totalSize: 636, length: 636, ackIdentifier: 0x00a1b2c3 });
    const packet = encodePacket(invite, Buffer.alloc(636, 0x41), 0);
    expect(packet.subarray(0, 48)).toEqual(INVITE_HEADER);
    expect(packet.subarray(-4)).toEqual(hex('00000000'));
    expect(ackFor(invite, 0x001e8480)).toEqual(INVITE_ACK);
    const decoded = decodePacket(INVITE_ACK);
    expect(decoded.ok && decoded.packet.header).toMatchObject({
      ackIdentifier: 0x000f4240,
      ackUniqueId: 0x00a1b2c3,
      flags: 2,
    });
  });

  it('writes the data preparation, data chunks and data ack of §5.1', () => {
    const prep = encodePacket(
      header({ sessionId: 53170, identifier: 0x1e8482, totalSize: 4, length: 4, ackIdentifier: 0x00d4e5f6 }),
      Buffer.alloc(4),
      1,
    );
    expect(prep).toEqual(
      hex(`b2 cf 00 00 82 84 1e 00 00 00 00 00 00 00 00 00
           04 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00
           f6 e5 d4 00 00 00 00 00 00 00 00 00 00 00 00 00
           00 00 00 00 00 00 00 01`),
    );
    const data = header({
      sessionId: 53170,
      identifier: 0x1e8483,
      totalSize: 16384,
      flags: 0x20,
      ackIdentifier: 0x778899,
    });
    const first = encodePacket({ ...data, length: 1202 }, PICTURE.subarray(0, 1202), 1);
    expect(first.subarray(0, 48)).toEqual(
      hex(`b2 cf 00 00 83 84 1e 00 00 00 00 00 00 00 00 00
           00 40 00 00 00 00 00 00 b2 04 00 00 20 00 00 00
           99 88 77 00 00 00 00 00 00 00 00 00 00 00 00 00`),
    );
    expect(first.subarray(-4)).toEqual(hex('00000001'));
    const last = encodePacket({ ...data, offset: 15626, length: 758 }, PICTURE.subarray(15626), 1);
    expect(last.subarray(0, 32)).toEqual(
      hex(`b2 cf 00 00 83 84 1e 00 0a 3d 00 00 00 00 00 00
           00 40 00 00 00 00 00 00 f6 02 00 00 20 00 00 00`),
    );
    expect(ackFor({ ...data, length: 758 }, 0x0f4243)).toEqual(
      hex(`b2 cf 00 00 43 42 0f 00 00 00 00 00 00 00 00 00
           00 40 00 00 00 00 00 00 00 00 00 00 02 00 00 00
           83 84 1e 00 99 88 77 00 00 40 00 00 00 00 00 00
           00 00 00 00`),
    );
  });

  it('writes file data chunk #101 of §5.2 with 64-bit offsets', () => {
    const chunk = encodePacket(
      header({
        sessionId: 77777,
        identifier: 0x000f4240,
        offset: 120200,
        totalSize: 3145728,
        length: 1202,
        flags: 0x01000030,
        ackIdentifier: 0x0badf00d,
      }),
      Buffer.alloc(1202),
      2,
    );
    expect(chunk.subarray(0, 48)).toEqual(
      hex(`d1 2f 01 00 40 42 0f 00 88 d5 01 00 00 00 00 00
           00 00 30 00 00 00 00 00 b2 04 00 00 30 00 00 01
           0d f0 ad 0b 00 00 00 00 00 00 00 00 00 00 00 00`),
    );
    expect(chunk.subarray(-4)).toEqual(hex('00000002'));
    const big = encodePacket(header({ offset: 5 * 2 ** 32, totalSize: 5 * 2 ** 32 + 10, length: 0 }));
    const decoded = decodePacket(big);
    expect(decoded.ok && decoded.packet.header.offset).toBe(5 * 2 ** 32);
    expect(() => encodePacket(header({ totalSize: 2 ** 64 }))).toThrow(RangeError);
    const largest = decodePacket(encodePacket(header({ totalSize: Number.MAX_SAFE_INTEGER })));
    expect(largest.ok && largest.packet.header.totalSize).toBe(Number.MAX_SAFE_INTEGER);
    const beyondSafe = encodePacket(header({}));
    beyondSafe.writeBigUInt64LE(2n ** 53n, 16);
    expect(decodePacket(beyondSafe)).toEqual({ ok: false, error: 'number-too-large' });
  });

  it('refuses packets whose lengths disagree, whose chunk lies beyond the total, or whose sizes overflow', () => {
    const ok = encodePacket(header({ totalSize: 10, length: 4 }), Buffer.alloc(4));
    expect(decodePacket(ok).ok).toBe(true);
    expect(decodePacket(ok.subarray(0, 30))).toEqual({ ok: false, error: 'too-short' });
    expect(decodePacket(Buffer.concat([ok, Buffer.alloc(1)]))).toEqual({ ok: false, error: 'length-mismatch' });
    const beyond = Buffer.from(ok);
    beyond.writeBigUInt64LE(8n, 8);
    expect(decodePacket(beyond)).toEqual({ ok: false, error: 'offset-beyond-total' });
    const huge = Buffer.from(ok);
    huge.writeBigUInt64LE(2n ** 63n, 16);
    expect(decodePacket(huge)).toEqual({ ok: false, error: 'number-too-large' });
  });

  it('classifies flags as §3.3 says', () => {
    expect(classify(Flags.ACK)).toBe('ack');
    expect(needsAck(Flags.ACK)).toBe(false);
    for (const f of [0, 0x01000000, 0x20, 0x01000020, 0x01000030]) expect(needsAck(f)).toBe(true);
    for (const f of [0x40, 0x80, 0x8]) expect(classify(f)).toBe('abort');
    expect(classify(0x1)).toBe('other');
  });

  it('recognises a P2P v2 header', () => {
    const v2 = Buffer.alloc(8 + 8 + 4);
    v2[0] = 8; // header length
    v2[1] = 0x02; // RAK
    v2.writeUInt16BE(8, 2); // data header + payload
    v2[8] = 8;
    expect(looksLikeV2(v2)).toBe(true);
    expect(decodePacket(v2).ok).toBe(false);
  });
});

describe('MSNSLP', () => {
  const CONTEXT =
    'PG1zbm9iaiBDcmVhdG9yPSJib2JAZXhhbXBsZS5jb20iIFNpemU9IjE2Mzg0IiBUeXBlPSIzIiBMb2NhdGlvbj0iMCIgRnJpZW5kbHk9IkFBQT0iIFNIQTFEPSJnTXVjUXcyQXd3aEdTZlplREtKZHE3LzdHMkk9IiBTSEExQz0iRjFVZ1ZFaGZVOGlYK2d1SXR4NFFDcVpvY0YwPSIvPgA=';

  it('builds the §4.1 INVITE: 636 bytes, Content-Length 308 counting the NUL', () => {
    expect(encodeObjectContext(PICTURE_XML)).toBe(CONTEXT);
    const invite = encodeRequest({
      method: 'INVITE',
      to: 'bob@example.com',
      from: 'alice@example.com',
      branch: '{3C16C5E0-5D25-4E0B-9D22-2A7E9C0B1F01}',
      callId: '{6E31A9F2-0A8C-4C3B-B1D5-7F2E8D4C9A10}',
      contentType: SlpContentType.SESSION_REQUEST,
      body: [
        ['EUF-GUID', '{A4268EEC-FEC5-49E5-95C3-F126696BDBF6}'],
        ['SessionID', '53170'],
        ['AppID', '1'],
        ['Context', CONTEXT],
      ],
    });
    expect(invite.length).toBe(636);
    const text = invite.toString('utf8');
    expect(text.startsWith('INVITE MSNMSGR:bob@example.com MSNSLP/1.0\r\nTo: <msnmsgr:bob@example.com>\r\n')).toBe(
      true,
    );
    expect(text).toContain('\r\nCSeq: 0 \r\n');
    expect(text).toContain('\r\nContent-Length: 308\r\n\r\nEUF-GUID: {A4268EEC-FEC5-49E5-95C3-F126696BDBF6}\r\n');
    expect(invite[invite.length - 1]).toBe(0);
    const parsed = parseSlp(invite);
    expect(parsed).toMatchObject({
      method: 'INVITE',
      to: 'bob@example.com',
      from: 'alice@example.com',
      branch: '{3C16C5E0-5D25-4E0B-9D22-2A7E9C0B1F01}',
      callId: '{6E31A9F2-0A8C-4C3B-B1D5-7F2E8D4C9A10}',
      cseq: 0,
      contentType: 'application/x-msnmsgr-sessionreqbody',
    });
    expect(parsed?.body.get('sessionid')).toBe('53170');
    expect(decodeObjectContext(parsed?.body.get('context') ?? '')).toBe(PICTURE_XML);
  });

  it('counts Content-Length of 200 OK (21), 603 with a 9-digit id (25) and BYE (3)', () => {
    const base = { to: 'alice@example.com', from: 'bob@example.com', branch: '{B}', callId: '{C}' };
    const ok = encodeResponse({
      ...base,
      status: 200,
      reason: 'OK',
      contentType: SlpContentType.SESSION_REQUEST,
      body: [['SessionID', '53170']],
    });
    expect(ok.toString()).toContain('MSNSLP/1.0 200 OK\r\n');
    expect(ok.toString()).toContain('CSeq: 1 \r\n');
    expect(ok.toString()).toContain('Content-Length: 21\r\n\r\nSessionID: 53170\r\n\r\n\0');
    const decline = encodeResponse({
      ...base,
      status: 603,
      reason: 'Decline',
      contentType: SlpContentType.SESSION_REQUEST,
      body: [['SessionID', '123456789']],
    });
    expect(decline.toString()).toContain('Content-Length: 25\r\n');
    expect(parseSlp(decline)).toMatchObject({ status: 603, reason: 'Decline', callId: '{C}' });
    const bye = encodeRequest({ ...base, method: 'BYE', contentType: SlpContentType.SESSION_CLOSE, body: [] });
    expect(bye.toString()).toMatch(/Content-Length: 3\r\n\r\n\r\n\0$/);
  });

  it('reads leniently: any header case, brackets missing, Content-Length off by one', () => {
    const text =
      'MSNSLP/1.0 200 OK\r\nto: msnmsgr:Alice@Example.com\r\nFROM: <msnmsgr:bob@example.com>\r\n' +
      'via: MSNSLP/1.0/TLP ;branch={b}\r\ncseq: 1\r\ncall-id: {c}\r\ncontent-type: application/x-msnmsgr-sessionreqbody\r\n' +
      'content-length: 30\r\n\r\nSessionID: 5\r\n\r\n\0';
    expect(parseSlp(Buffer.from(text))).toMatchObject({ status: 200, to: 'alice@example.com', callId: '{c}', cseq: 1 });
    expect(parseSlp(Buffer.from('garbage'))).toBeUndefined();
    expect(parseSlp(Buffer.from('HELLO there\r\n\r\n'))).toBeUndefined();
  });
});

describe('file-transfer context', () => {
  it('writes version 2, 574 bytes, type 1 for photo.jpg as §4.4 shows', () => {
    const context = encodeFileContext({ name: 'photo.jpg', size: 3 * 1024 * 1024 });
    expect(context).toHaveLength(768);
    const bytes = Buffer.from(context, 'base64');
    expect(bytes).toHaveLength(574);
    expect(bytes.subarray(0, 42)).toEqual(
      hex(`3e 02 00 00 02 00 00 00 00 00 30 00 00 00 00 00
           01 00 00 00 70 00 68 00 6f 00 74 00 6f 00 2e 00
           6a 00 70 00 67 00 00 00 00 00`),
    );
    expect(bytes.subarray(540, 574)).toEqual(Buffer.concat([Buffer.alloc(30), hex('ffffffff')]));
    const invite = encodeRequest({
      method: 'INVITE',
      to: 'bob@example.com',
      from: 'alice@example.com',
      branch: '{3C16C5E0-5D25-4E0B-9D22-2A7E9C0B1F01}',
      callId: '{6E31A9F2-0A8C-4C3B-B1D5-7F2E8D4C9A10}',
      contentType: SlpContentType.SESSION_REQUEST,
      body: [
        ['EUF-GUID', '{5D3E02AB-6190-11D3-BBBB-00C04F795683}'],
        ['SessionID', '77777'],
        ['AppID', '2'],
        ['Context', context],
      ],
    });
    expect(invite.length).toBe(1188);
    expect(invite.toString()).toContain('Content-Length: 860\r\n');
    expect(decodeFileContext(context)).toEqual({ ok: true, file: { name: 'photo.jpg', size: 3145728 } });
  });

  it('carries a preview after the header and reads version 3 contexts', () => {
    const preview = Buffer.from('89504e470d0a1a0a', 'hex');
    const withPreview = decodeFileContext(encodeFileContext({ name: 'ünï 😀.png', size: 5, preview }));
    expect(withPreview).toEqual({ ok: true, file: { name: 'ünï 😀.png', size: 5, preview } });
    const v3 = Buffer.alloc(638);
    v3.writeUInt32LE(638, 0);
    v3.writeUInt32LE(3, 4);
    v3.writeBigUInt64LE(2n ** 40n, 8);
    v3.writeUInt32LE(1, 16);
    v3.write('big.iso', 20, 'utf16le');
    expect(decodeFileContext(v3.toString('base64'))).toEqual({ ok: true, file: { name: 'big.iso', size: 2 ** 40 } });
  });

  it('refuses short, mis-sized and non-base64 contexts', () => {
    expect(decodeFileContext('AAAA').ok).toBe(false);
    expect(decodeFileContext('*not base64*').ok).toBe(false);
    const lying = Buffer.alloc(574);
    lying.writeUInt32LE(9999, 0);
    expect(decodeFileContext(lying.toString('base64')).ok).toBe(false);
    const huge = Buffer.alloc(574);
    huge.writeUInt32LE(574, 0);
    huge.writeBigUInt64LE(2n ** 60n, 8);
    expect(decodeFileContext(huge.toString('base64')).ok).toBe(false);
  });
});

describe('custom emoticon announcements', () => {
  const XML =
    '<msnobj Creator="alice@example.com" Size="2048" Type="2" Location="TFR3.dat" Friendly="aABpAAAA" SHA1D="8QzP3mDBfbJufYXTVmXHZh276yw=" SHA1C="uilI3XF0DtqDpp/7tYH9aNbxA7Q="/>';

  it('writes shortcut TAB msnobj TAB and reads it back, also percent-encoded or without the last TAB', () => {
    const payload = buildEmoticonPayload([{ shortcut: '(hi)', msnObject: XML }]);
    expect(payload.toString()).toBe(`MIME-Version: 1.0\r\nContent-Type: text/x-mms-emoticon\r\n\r\n(hi)\t${XML}\t`);
    expect(parseEmoticonBody(`(hi)\t${XML}\t`)).toEqual([{ shortcut: '(hi)', msnObject: XML }]);
    expect(parseEmoticonBody(`(hi)\t${encodeURIComponent(XML)}\t:x\t${XML}`)).toEqual([
      { shortcut: '(hi)', msnObject: XML },
      { shortcut: ':x', msnObject: XML },
    ]);
    expect(parseEmoticonBody('junk')).toEqual([]);
    expect(() => buildEmoticonPayload([{ shortcut: 'toolong!', msnObject: XML }])).toThrow(RangeError);
  });
});
