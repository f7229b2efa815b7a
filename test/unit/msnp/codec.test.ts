import { describe, expect, it } from 'vitest';
import {
  FrameDecoder,
  WireError,
  buildMime,
  clientToServerPayload,
  decodeName,
  encodeCommand,
  encodeName,
  mediaType,
  parseMime,
  serverToClientPayload,
  type Frame,
} from '../../../src/main/msnp/codec';
import { chunk, pick, randomInt, seeded } from './random';

const clientDecoder = (): FrameDecoder => new FrameDecoder({ payloadRule: serverToClientPayload });

function decodeAll(decoder: FrameDecoder, pieces: readonly Buffer[]): { frames: Frame[]; error?: WireError } {
  const frames: Frame[] = [];
  for (const piece of pieces) {
    const result = decoder.push(piece);
    frames.push(...result.frames);
    if (result.error) return { frames, error: result.error };
  }
  return { frames };
}

const TEXTS = [
  '',
  'hello',
  'Olá André ☺',
  'line one\r\nline two\r\n',
  '日本語のテキスト',
  '🎉 emoji 👍',
  '%20 100%',
  'a'.repeat(300),
];

/** A random server → client frame and its wire bytes. */
function randomServerFrame(random: () => number): { frame: Frame; bytes: Buffer } {
  const kind = randomInt(random, 0, 5);
  const text = pick(random, TEXTS) + pick(random, TEXTS);
  switch (kind) {
    case 0: {
      const payload = Buffer.from(`MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n${text}`);
      const params = ['bob@example.com', encodeName(pick(random, TEXTS) || 'Bob')];
      return {
        frame: { name: 'MSG', params: [...params, String(payload.length)], payload },
        bytes: encodeCommand('MSG', params, payload),
      };
    }
    case 1: {
      const payload = Buffer.from(`<Data><PSM>${text}</PSM><CurrentMedia></CurrentMedia></Data>`);
      return {
        frame: { name: 'UBX', params: ['carol@example.com', String(payload.length)], payload },
        bytes: encodeCommand('UBX', ['carol@example.com'], payload),
      };
    }
    case 2: {
      const params = ['NLN', 'dave@example.com', encodeName(text || 'Dave'), '1073741824', encodeName('<msnobj/>')];
      return { frame: { name: 'NLN', params }, bytes: encodeCommand('NLN', params) };
    }
    case 3: {
      const params = ['0', String(randomInt(random, 1e9, 2e9)) + String(randomInt(random, 1e9, 2e9))];
      return { frame: { name: 'CHL', params }, bytes: encodeCommand('CHL', params) };
    }
    case 4: {
      const trid = String(randomInt(random, 1, 99999));
      return {
        frame: { name: 'UUX', params: [trid, '0'], payload: Buffer.alloc(0) },
        bytes: encodeCommand('UUX', [trid], ''),
      };
    }
    default: {
      const name = pick(random, ['911', '215', 'QRY']);
      const params = [String(randomInt(random, 1, 99999))];
      return { frame: { name, params }, bytes: encodeCommand(name, params) };
    }
  }
}

describe('FrameDecoder', () => {
  it('decodes any stream the same way however TCP splits it', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = seeded(seed);
      const items = Array.from({ length: randomInt(random, 1, 40) }, () => randomServerFrame(random));
      const stream = Buffer.concat(items.map((i) => i.bytes));
      const expected = items.map((i) => i.frame);
      for (const maxChunk of [1, 3, 17, stream.length]) {
        const { frames, error } = decodeAll(clientDecoder(), chunk(random, stream, maxChunk));
        expect(error).toBeUndefined();
        expect(frames).toEqual(expected);
      }
    }
  });

  it('returns several commands that arrive in one chunk, payload boundaries included', () => {
    const stream = Buffer.from(
      'ILN 9 NLN bob@example.com Bob 1073741824 %3Cmsnobj%2F%3E\r\n' +
        'UBX bob@example.com 53\r\n<Data><PSM></PSM><CurrentMedia></CurrentMedia></Data>' +
        'MSG Hotmail Hotmail 5\r\nhello' +
        'CHL 0 15570131571988941333\r\n',
    );
    const { frames } = clientDecoder().push(stream);
    expect(frames.map((f) => f.name)).toEqual(['ILN', 'UBX', 'MSG', 'CHL']);
    expect(frames[1]?.payload?.toString()).toBe('<Data><PSM></PSM><CurrentMedia></CurrentMedia></Data>');
    expect(frames[2]?.payload?.toString()).toBe('hello');
    expect(frames[3]?.payload).toBeUndefined();
  });

  it('counts payload lengths in UTF-8 bytes, not string length', () => {
    const body = 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nOlá André ☺';
    const bytes = encodeCommand('MSG', ['5', 'A'], body);
    expect(bytes.toString().split('\r\n')[0]).toBe('MSG 5 A 77');
    expect(body.length).toBe(73);
    const decoder = new FrameDecoder({ payloadRule: clientToServerPayload });
    const { frames } = decodeAll(decoder, chunk(seeded(7), bytes, 2));
    expect(frames[0]?.payload?.toString('utf8')).toBe(body);
  });

  it('waits for a payload split across many chunks, then continues with the next command', () => {
    const decoder = clientDecoder();
    expect(decoder.push(Buffer.from('UBX bob@example.com 10\r\nOlá')).frames).toEqual([]);
    expect(decoder.pendingBytes).toBeGreaterThan(0);
    expect(decoder.push(Buffer.from(' ☺!')).frames).toEqual([]);
    const last = decoder.push(Buffer.from('!FLN bob@example.com\r\n'));
    expect(last.frames.map((f) => [f.name, f.payload?.toString()])).toEqual([
      ['UBX', 'Olá ☺!!'],
      ['FLN', undefined],
    ]);
  });

  it('accepts LF-only line ends and drops empty tokens from trailing spaces', () => {
    const { frames } = clientDecoder().push(Buffer.from('LST N=a@b.c F=A C=x 11 \nQNG 60\r\n'));
    expect(frames).toEqual([
      { name: 'LST', params: ['N=a@b.c', 'F=A', 'C=x', '11'] },
      { name: 'QNG', params: ['60'] },
    ]);
  });

  it('reads the server QRY reply and CHL as plain lines and the UUX reply as an empty payload', () => {
    const { frames } = clientDecoder().push(
      Buffer.from('QRY 10\r\nCHL 0 22210219642164014968\r\nUUX 8 0\r\nOUT OTH\r\n'),
    );
    expect(frames).toEqual([
      { name: 'QRY', params: ['10'] },
      { name: 'CHL', params: ['0', '22210219642164014968'] },
      { name: 'UUX', params: ['8', '0'], payload: Buffer.alloc(0) },
      { name: 'OUT', params: ['OTH'] },
    ]);
  });

  it('fails for a malformed command name and stays failed', () => {
    const decoder = clientDecoder();
    const first = decoder.push(Buffer.from('QNG 60\r\nhello world\r\n'));
    expect(first.frames).toEqual([{ name: 'QNG', params: ['60'] }]);
    expect(first.error?.kind).toBe('bad-command');
    const later = decoder.push(Buffer.from('QNG 60\r\n'));
    expect(later.frames).toEqual([]);
    expect(later.error).toBe(first.error);
  });

  it('fails for an overlong line, with or without its line end', () => {
    const small = (): FrameDecoder => new FrameDecoder({ payloadRule: serverToClientPayload, maxLineBytes: 32 });
    expect(small().push(Buffer.from(`NLN ${'x'.repeat(40)}\r\n`)).error?.kind).toBe('line-too-long');
    expect(small().push(Buffer.from(`NLN ${'x'.repeat(40)}`)).error?.kind).toBe('line-too-long');
  });

  it('fails for a payload larger than allowed and for a non-numeric length the rule insists on', () => {
    const limited = new FrameDecoder({ payloadRule: serverToClientPayload, maxPayloadBytes: 100 });
    expect(limited.push(Buffer.from('MSG Hotmail Hotmail 101\r\n')).error?.kind).toBe('payload-too-large');
    const server = new FrameDecoder({ payloadRule: clientToServerPayload });
    expect(server.push(Buffer.from('MSG 1 A lots\r\n')).error?.kind).toBe('bad-length');
  });

  it('never throws on random bytes: it yields frames or ends in a WireError', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seeded(seed);
      const alphabet = Buffer.from('MSGUBXNLN 0123456789\r\n%@.');
      const bytes = Buffer.from(
        Array.from({ length: randomInt(random, 0, 600) }, () =>
          random() < 0.5 ? randomInt(random, 0, 255) : (alphabet[randomInt(random, 0, alphabet.length - 1)] as number),
        ),
      );
      const decoder = clientDecoder();
      let failed: WireError | undefined;
      for (const piece of chunk(random, bytes, 40)) {
        const result = decoder.push(piece);
        for (const frame of result.frames) expect(frame.name).toMatch(/^(?:[A-Z]{3}|\d{3})$/);
        if (failed) expect(result.error).toBe(failed);
        failed = result.error ?? failed;
      }
      if (failed) expect(failed).toBeInstanceOf(WireError);
    }
  });

  it('never throws on corrupted valid streams either', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seeded(seed);
      const stream = Buffer.concat(Array.from({ length: 10 }, () => randomServerFrame(random).bytes));
      for (let i = 0; i < 5; i++) stream[randomInt(random, 0, stream.length - 1)] = randomInt(random, 0, 255);
      const decoder = clientDecoder();
      expect(() => decodeAll(decoder, chunk(random, stream, 64))).not.toThrow();
    }
  });
});

describe('encodeCommand', () => {
  it('joins tokens with single spaces and ends the line with CRLF', () => {
    expect(encodeCommand('VER', [1, 'MSNP12', 'CVR0']).toString()).toBe('VER 1 MSNP12 CVR0\r\n');
    expect(encodeCommand('PNG').toString()).toBe('PNG\r\n');
  });

  it('appends the payload byte length and no CRLF after the payload', () => {
    expect(encodeCommand('QRY', [10, 'msmsgs@msnmsgr.com'], '8f2f5a91b72102cd28355e9fc9000d6e').toString()).toBe(
      'QRY 10 msmsgs@msnmsgr.com 32\r\n8f2f5a91b72102cd28355e9fc9000d6e',
    );
    expect(encodeCommand('UUX', [3], '☕').toString()).toBe('UUX 3 3\r\n☕');
  });

  it('refuses tokens that would break the line', () => {
    expect(() => encodeCommand('REA', [1, 'a@b.c', 'two words'])).toThrow(TypeError);
    expect(() => encodeCommand('ADG', [1, 'x\r\nOUT'])).toThrow(TypeError);
    expect(() => encodeCommand('ADG', [1, ''])).toThrow(TypeError);
  });
});

describe('name encoding', () => {
  it('percent-encodes the UTF-8 bytes, never with +', () => {
    expect(encodeName('Olá André ☺ 100%')).toBe('Ol%C3%A1%20Andr%C3%A9%20%E2%98%BA%20100%25');
  });

  it('round-trips any text', () => {
    const random = seeded(42);
    for (let i = 0; i < 200; i++) {
      const text = Array.from({ length: randomInt(random, 0, 20) }, () =>
        String.fromCodePoint(pick(random, [randomInt(random, 0x20, 0x7e), randomInt(random, 0xa0, 0x2fff), 0x1f600])),
      ).join('');
      expect(decodeName(encodeName(text))).toBe(text);
    }
  });

  it('leaves raw UTF-8 alone (Escargot escapes only % space CR LF) and tolerates bad escapes', () => {
    expect(decodeName('André%20B')).toBe('André B');
    expect(decodeName('100%')).toBe('100%');
    expect(decodeName('%zz')).toBe('%zz');
    expect(decodeName('%C3')).toBe('%C3');
    expect(decodeName('%FF%20x')).toBe('%FF%20x');
    expect(decodeName('😀%20%F0%9F%98%80')).toBe('😀 😀');
    expect(decodeName('plain')).toBe('plain');
  });
});

describe('MIME payloads', () => {
  it('builds CRLF headers and parses them case-insensitively, first occurrence winning', () => {
    const payload = buildMime(
      [
        ['MIME-Version', '1.0'],
        ['Content-Type', 'text/plain; charset=UTF-8'],
        ['content-type', 'text/x-other'],
      ],
      'Hi ☺',
    );
    expect(payload.toString()).toBe(
      'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\ncontent-type: text/x-other\r\n\r\nHi ☺',
    );
    const mime = parseMime(payload);
    expect(mime.headers.get('content-type')).toBe('text/plain; charset=UTF-8');
    expect(mediaType(mime.headers.get('content-type'))).toBe('text/plain');
    expect(mime.body.toString()).toBe('Hi ☺');
  });

  it('accepts LF-only separators and a missing body', () => {
    expect(parseMime(Buffer.from('A: 1\nB: 2\n\nbody')).body.toString()).toBe('body');
    const headOnly = parseMime(Buffer.from('TypingUser: bob@example.com\r\n'));
    expect(headOnly.headers.get('typinguser')).toBe('bob@example.com');
    expect(headOnly.body.length).toBe(0);
  });
});
