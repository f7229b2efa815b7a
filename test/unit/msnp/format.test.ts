import { describe, expect, it } from 'vitest';
import { parseMime } from '../../../src/main/msnp/codec';
import {
  DEFAULT_FORMAT,
  MAX_PAYLOAD_BYTES,
  bgrToCss,
  buildImFormat,
  buildNudgePayload,
  buildTextPayload,
  buildTypingPayload,
  cssToBgr,
  parseImFormat,
  parseMessage,
  splitText,
} from '../../../src/main/msnp/format';
import type { TextFormat } from '../../../src/shared/schemas';

const fmt = (over: Partial<TextFormat> = {}): TextFormat => ({ ...DEFAULT_FORMAT, ...over });
const noEffects = { bold: false, italic: false, underline: false, strikethrough: false };

describe('colour', () => {
  it.each([
    ['0', '#000000'],
    ['ff', '#ff0000'],
    ['ff00', '#00ff00'],
    ['ff0000', '#0000ff'],
    ['8080', '#808000'],
    ['FF8000', '#0080ff'],
    ['00000ff', '#ff0000'],
  ])('reads wire %s as %s', (wire, css) => {
    expect(bgrToCss(wire)).toBe(css);
  });

  it.each([
    ['#000000', '0'],
    ['#ff0000', 'ff'],
    ['#00ff00', 'ff00'],
    ['#0000ff', 'ff0000'],
    ['#808000', '8080'],
    ['#123456', '563412'],
  ])('writes %s as wire %s', (css, wire) => {
    expect(cssToBgr(css)).toBe(wire);
  });

  it('round-trips every channel value', () => {
    for (let v = 0; v < 256; v += 17) {
      const h = v.toString(16).padStart(2, '0');
      for (const css of [`#${h}0000`, `#00${h}00`, `#0000${h}`, `#${h}${h}${h}`])
        expect(bgrToCss(cssToBgr(css))).toBe(css);
    }
  });

  it('falls back to black for garbage and rejects a non-CSS colour', () => {
    expect(bgrToCss('zz')).toBe('#000000');
    expect(bgrToCss('')).toBe('#000000');
    expect(() => cssToBgr('red')).toThrow(RangeError);
  });
});

describe('X-MMS-IM-Format', () => {
  it('parses the documented example', () => {
    expect(parseImFormat('FN=MS%20Sans%20Serif; EF=B; CO=ff0000; CS=0; PF=22')).toEqual({
      font: 'MS Sans Serif',
      effects: { ...noEffects, bold: true },
      color: '#0000ff',
      charset: '0',
      pitchFamily: '22',
      rightToLeft: false,
    });
  });

  it('accepts any key order and case, no spaces, and ignores unknown keys', () => {
    expect(parseImFormat('pf=31;cs=86;XX=1;ef=SUIB;co=8080;fn=SimSun;RL=1')).toEqual({
      font: 'SimSun',
      effects: { bold: true, italic: true, underline: true, strikethrough: true },
      color: '#808000',
      charset: '86',
      pitchFamily: '31',
      rightToLeft: true,
    });
  });

  it('decodes each effect on its own', () => {
    expect(parseImFormat('EF=I').effects).toEqual({ ...noEffects, italic: true });
    expect(parseImFormat('EF=U').effects).toEqual({ ...noEffects, underline: true });
    expect(parseImFormat('EF=S').effects).toEqual({ ...noEffects, strikethrough: true });
    expect(parseImFormat('EF=').effects).toEqual(noEffects);
  });

  it('uses defaults for missing or malformed fields', () => {
    expect(parseImFormat('')).toEqual(DEFAULT_FORMAT);
    expect(parseImFormat('FN=; CO=xyz; CS=hello; PF=12345; garbage')).toEqual(DEFAULT_FORMAT);
  });

  it('decodes URL-encoded and raw UTF-8 font names and keeps them within 64 characters', () => {
    expect(parseImFormat('FN=%E5%BE%AE%E8%BD%AF%E9%9B%85%E9%BB%91').font).toBe('微软雅黑');
    expect(parseImFormat('FN=Comic Sans MS').font).toBe('Comic Sans MS');
    expect(parseImFormat('FN=a%3Bb%3Dc').font).toBe('a;b=c');
    expect(parseImFormat(`FN=${'x'.repeat(63)}😀`).font).toBe('x'.repeat(63));
  });

  it('writes FN first in the official order', () => {
    expect(buildImFormat(fmt({ font: 'MS Sans Serif', effects: { ...noEffects, bold: true }, color: '#0000ff' }))).toBe(
      'FN=MS%20Sans%20Serif; EF=B; CO=ff0000; CS=0; PF=22',
    );
    expect(
      buildImFormat(
        fmt({
          font: 'Arial',
          effects: { bold: true, italic: true, underline: true, strikethrough: true },
          charset: '86',
          pitchFamily: '31',
          rightToLeft: true,
        }),
      ),
    ).toBe('FN=Arial; EF=BIUS; CO=0; CS=86; PF=31; RL=1');
  });

  it('encodes separators in font names so the header stays parseable', () => {
    const format = fmt({ font: 'Odd; Font=1 ☺' });
    expect(buildImFormat(format)).toMatch(/^FN=Odd%3B%20Font%3D1%20%E2%98%BA; /);
    expect(parseImFormat(buildImFormat(format))).toEqual(format);
  });

  it('round-trips every combination of effects with charset and pitch', () => {
    for (let bits = 0; bits < 16; bits++) {
      const format = fmt({
        effects: { bold: !!(bits & 1), italic: !!(bits & 2), underline: !!(bits & 4), strikethrough: !!(bits & 8) },
        color: '#a1b2c3',
        charset: bits % 2 ? 'CC' : '1',
        pitchFamily: bits % 3 ? '0' : '12',
        rightToLeft: bits > 7,
      });
      expect(parseImFormat(buildImFormat(format))).toEqual(format);
    }
  });
});

describe('payloads', () => {
  it('builds the documented 133-byte text message', () => {
    const payload = buildTextPayload(
      'Hello! How are you?',
      fmt({ font: 'Arial', effects: { ...noEffects, italic: true } }),
    );
    expect(payload.toString('utf8')).toBe(
      'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n' +
        'X-MMS-IM-Format: FN=Arial; EF=I; CO=0; CS=0; PF=22\r\n\r\nHello! How are you?',
    );
    expect(payload.length).toBe(133);
  });

  it('sends line breaks as CRLF and reads them back as LF', () => {
    const payload = buildTextPayload('bold blue\nsecond line', fmt({ font: 'MS Sans Serif', color: '#0000ff' }));
    expect(parseMime(payload).body.toString('utf8')).toBe('bold blue\r\nsecond line');
    expect(parseMessage(payload)).toMatchObject({ kind: 'text', text: 'bold blue\nsecond line' });
  });

  it('builds the documented typing notification and nudge', () => {
    const typing = buildTypingPayload('alice@example.com');
    expect(typing.toString('utf8')).toBe(
      'MIME-Version: 1.0\r\nContent-Type: text/x-msmsgscontrol\r\nTypingUser: alice@example.com\r\n\r\n\r\n',
    );
    expect(typing.length).toBe(90);
    const nudge = buildNudgePayload();
    expect(nudge.toString('utf8')).toBe(
      'MIME-Version: 1.0\r\nContent-Type: text/x-msnmsgr-datacast\r\n\r\nID: 1\r\n\r\n',
    );
    expect(nudge.length).toBe(69);
  });

  it('round-trips emoji and non-Latin text with its format', () => {
    const text = 'Olá André ☺ — Привет, 世界! 👩‍👩‍👧 مرحبا';
    const format = fmt({ font: 'Tahoma', color: '#ff8000', effects: { ...noEffects, underline: true } });
    expect(parseMessage(buildTextPayload(text, format))).toEqual({ kind: 'text', text, format });
  });

  it('reads text without a format header, with headers in any order and LF-only line ends', () => {
    const plain = Buffer.from('Content-Type: text/plain; charset=UTF-8\r\nMIME-Version: 1.0\r\n\r\nhi');
    expect(parseMessage(plain)).toEqual({ kind: 'text', text: 'hi', format: undefined });
    const lf = Buffer.from('x-mms-im-format: EF=B\ncontent-type: TEXT/PLAIN\n\nyo');
    expect(parseMessage(lf)).toEqual({
      kind: 'text',
      text: 'yo',
      format: fmt({ effects: { ...noEffects, bold: true } }),
    });
  });

  it('recognises typing, nudges, plumbing and things it cannot show', () => {
    expect(parseMessage(buildTypingPayload('Bob@Example.com'))).toEqual({ kind: 'typing', email: 'bob@example.com' });
    expect(parseMessage(Buffer.from('Content-Type: text/x-msmsgscontrol\r\n\r\n\r\n'))).toEqual({
      kind: 'ignored',
      contentType: 'text/x-msmsgscontrol',
    });
    expect(parseMessage(buildNudgePayload())).toEqual({ kind: 'nudge' });
    expect(parseMessage(Buffer.from('Content-Type: text/x-msnmsgr-datacast\r\n\r\nID: 1\r\n'))).toEqual({
      kind: 'nudge',
    });
    expect(parseMessage(Buffer.from('Content-Type: text/x-msnmsgr-datacast\r\n\r\nID: 2\r\nData: x\r\n\r\n'))).toEqual({
      kind: 'unsupported',
      contentType: 'text/x-msnmsgr-datacast',
    });
    expect(
      parseMessage(Buffer.from('MIME-Version: 1.0\r\nContent-Type: text/x-clientcaps\r\n\r\nClient-Name: X\r\n')),
    ).toEqual({
      kind: 'ignored',
      contentType: 'text/x-clientcaps',
    });
    expect(
      parseMessage(Buffer.from('Content-Type: application/x-msnmsgrp2p\r\nP2P-Dest: a@b.c\r\n\r\n\0\0')),
    ).toMatchObject({
      kind: 'ignored',
    });
    expect(
      parseMessage(
        Buffer.from('Content-Type: text/x-msmsgsinvite; charset=UTF-8\r\n\r\nInvitation-Command: INVITE\r\n'),
      ),
    ).toEqual({
      kind: 'unsupported',
      contentType: 'text/x-msmsgsinvite',
    });
    expect(parseMessage(Buffer.from('garbage without headers'))).toEqual({ kind: 'unsupported', contentType: '' });
  });
});

describe('splitText', () => {
  const format = fmt({ font: 'Arial' });
  const headerBytes = buildTextPayload('', format).length;
  const room = MAX_PAYLOAD_BYTES - headerBytes;
  const payloadSize = (part: string): number => buildTextPayload(part, format).length;

  it('keeps text whose payload is exactly 1664 bytes in one message', () => {
    const text = 'a'.repeat(room);
    expect(payloadSize(text)).toBe(1664);
    expect(splitText(text, format)).toEqual([text]);
  });

  it('splits text whose payload would be 1665 bytes', () => {
    const text = 'a'.repeat(room + 1);
    const parts = splitText(text, format);
    expect(parts).toEqual(['a'.repeat(room), 'a']);
    expect(payloadSize(parts[0] ?? '')).toBe(1664);
  });

  it('never breaks a multi-byte character at the boundary', () => {
    // One ASCII byte short of the limit, then a 3-byte character that does not fit.
    const text = 'a'.repeat(room - 1) + '☺' + 'b';
    expect(splitText(text, format)).toEqual(['a'.repeat(room - 1), '☺b']);
    const astral = 'a'.repeat(room - 2) + '😀';
    expect(splitText(astral, format)).toEqual(['a'.repeat(room - 2), '😀']);
  });

  it('counts line breaks as CRLF and never separates CR from LF', () => {
    const text = 'a'.repeat(room - 1) + '\nb';
    expect(splitText(text, format)).toEqual(['a'.repeat(room - 1), '\nb']);
  });

  it('keeps emoji sequences together', () => {
    const family = '👩‍👩‍👧‍👦'; // 25 bytes
    const text = 'a'.repeat(room - 10) + family;
    expect(splitText(text, format)).toEqual(['a'.repeat(room - 10), family]);
  });

  it('prefers to cut after a space in the second half of a part', () => {
    const word = 'abcdef ';
    expect(room % word.length).not.toBe(0); // otherwise a plain cut would land after a space too
    const text = word.repeat(300) + 'tail';
    const parts = splitText(text, format);
    expect(parts[0]).toBe(word.repeat(Math.floor(room / word.length)));
    expect(parts.join('')).toBe(text);
  });

  it('cuts mid-word when the only space is early in the part', () => {
    const text = 'ab ' + 'x'.repeat(room * 2);
    const parts = splitText(text, format);
    expect(parts[0]).toBe(('ab ' + 'x'.repeat(room)).slice(0, room));
    expect(parts.join('')).toBe(text);
  });

  it('splits a single oversized character cluster into code points', () => {
    const combining = 'e' + '\u0301'.repeat(room); // one grapheme of 2 * room + 1 bytes
    const parts = splitText(combining, format);
    expect(parts.join('')).toBe(combining);
    for (const part of parts) expect(payloadSize(part)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
  });

  it('accounts for the header size of the chosen font', () => {
    const long = fmt({ font: '微软雅黑'.repeat(16) });
    const parts = splitText('字'.repeat(2000), long);
    for (const part of parts) expect(buildTextPayload(part, long).length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(buildTextPayload(parts[0] ?? '', long).length).toBeGreaterThan(MAX_PAYLOAD_BYTES - 3);
  });

  it('never breaks a character and never exceeds the limit on random text', () => {
    const alphabet = ['a', ' ', '\n', 'é', '☺', '世', '😀', '👍🏽', '\u0301', 'Я', 'ب'];
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 40; round++) {
      let text = '';
      const length = Math.floor(random() * 3000);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const parts = splitText(text, format);
      expect(parts.join('')).toBe(text);
      for (const part of parts) {
        expect(part.length).toBeGreaterThan(0);
        expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part); // no lone surrogate
        expect(payloadSize(part)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
      }
    }
  });

  it('returns no parts for empty text and refuses a limit with no room for text', () => {
    expect(splitText('', format)).toEqual([]);
    expect(() => splitText('hi', format, headerBytes + 3)).toThrow(RangeError);
  });
});
