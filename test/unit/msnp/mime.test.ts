// The offline-message MIME decoder: the protocol notes' example (MSNP13-18.md §10.4), encoded
// words in both forms, folded headers, wrapped and quoted-printable bodies, charsets, and
// garbage, which must be a typed error rather than a guess.
import { describe, expect, it } from 'vitest';
import { MimeError, decodeEncodedWords, decodeOfflineMessage, parseMimeText } from '../../../src/main/msnp/mime';
import { seeded, randomInt } from './random';

/** The GetMessageResult of the notes, §10.4, with CRLF line ends. */
const NOTES_EXAMPLE = [
  'X-Message-Info: cwRBnLifKNE8dVZlNj6AiX8142B67OTjG9BFMLMyzuui1H4Xx7m3NQ==',
  'Received: from OIM-SSI02.phx.gbl ([65.54.237.206]) by oim1-f1.hotmail.com with Microsoft SMTPSVC(6.0.3790.211);',
  '\t Mon, 30 Nov 2026 23:33:25 -0800',
  'Received: from mail pickup service by OIM-SSI02.phx.gbl with Microsoft SMTPSVC;',
  '\t Mon, 30 Nov 2026 23:33:25 -0800',
  'From: =?utf-8?B?RGF2ZQ==?= <dave@example.com>',
  'To: erin@example.com',
  'Subject: ',
  'X-OIM-originatingSource: 127.0.0.1',
  'X-OIMProxy: MSNMSGR',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: base64',
  'X-OIM-Message-Type: OfflineMessage',
  'X-OIM-Run-Id: {DE96B563-7691-48EF-BC00-A4913E5E8785}',
  'X-OIM-Sequence-Num: 1',
  'Message-ID: <OIM-SSI02zDv60gxapz00061a8b@OIM-SSI02.phx.gbl>',
  'X-OriginalArrivalTime: 01 Dec 2026 07:33:25.0000 (UTC) FILETIME=[3FEB1080:01DD8166]',
  'Date: 30 Nov 2026 23:33:25 -0800',
  'Return-Path: ndr@oim.messenger.msn.com',
  '',
  'SGVsbG8gRXJpbiDigJQgb2ZmbGluZSDimLogMQ==',
].join('\r\n');

const message = (headers: string[], body: string, eol = '\r\n'): string => [...headers, '', body].join(eol);

describe('offline message decoding', () => {
  it('reads the example of the protocol notes', () => {
    expect(decodeOfflineMessage(NOTES_EXAMPLE)).toEqual({
      from: 'dave@example.com',
      fromName: 'Dave',
      text: 'Hello Erin — offline ☺ 1',
      date: Date.parse('2026-12-01T07:33:25Z'),
      runId: '{DE96B563-7691-48EF-BC00-A4913E5E8785}',
      sequence: 1,
    });
  });

  it('tolerates LF-only line ends', () => {
    expect(decodeOfflineMessage(NOTES_EXAMPLE.replace(/\r\n/g, '\n')).text).toBe('Hello Erin — offline ☺ 1');
  });

  it('unfolds folded headers, keeping the first of repeated ones', () => {
    const { headers } = parseMimeText(
      message(['Received: one;', '\t two', 'Received: three', 'From: =?utf-8?B?RGF2ZQ==?=', ' <dave@example.com>'], ''),
    );
    expect(headers.get('received')).toBe('one;\t two');
    expect(decodeOfflineMessage(message(['From: =?utf-8?Q?Da?=', '  =?utf-8?Q?ve?= <d@example.com>'], 'hi'))).toEqual({
      from: 'd@example.com',
      fromName: 'Dave',
      text: 'hi',
    });
  });

  it('decodes a base64 body wrapped at 76 characters, in the charset named', () => {
    const text = 'Grüße aus Köln! '.repeat(12);
    const wrapped = (
      Buffer.from(text, 'utf8')
        .toString('base64')
        .match(/.{1,76}/g) ?? []
    ).join('\r\n');
    const headers = ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64'];
    expect(decodeOfflineMessage(message(headers, wrapped)).text).toBe(text);
    const latin1 = Buffer.from('Grüße', 'latin1').toString('base64');
    const iso = ['Content-Type: text/plain; charset="ISO-8859-1"', 'Content-Transfer-Encoding: BASE64'];
    expect(decodeOfflineMessage(message(iso, latin1)).text).toBe('Grüße');
  });

  it('decodes a quoted-printable body with soft line breaks', () => {
    const headers = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'];
    expect(decodeOfflineMessage(message(headers, 'Caf=C3=A9 =E2=98=BA and a long=\r\n line')).text).toBe(
      'Café ☺ and a long line',
    );
  });

  it('takes a body without a transfer encoding as it is', () => {
    expect(decodeOfflineMessage(message(['Content-Type: text/plain; charset=UTF-8'], 'plain ☺')).text).toBe('plain ☺');
  });

  it('reports garbage as a typed error', () => {
    const b64 = ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64'];
    const cases = [
      'no headers and no body',
      message(b64, 'not base64 at all!'),
      message(b64, Buffer.from([0xff, 0xfe, 0xc3]).toString('base64')),
      message(['Content-Type: text/plain; charset=x-no-such-set', 'Content-Transfer-Encoding: base64'], 'aGk='),
      message(['Content-Type: image/png'], 'x'),
      message(['Content-Transfer-Encoding: x-uuencode'], 'x'),
      message(['Content-Transfer-Encoding: quoted-printable'], 'bad =ZZ escape'),
      message([' starts folded'], 'x'),
      message(['no colon here'], 'x'),
    ];
    for (const raw of cases) {
      const attempt = (): unknown => decodeOfflineMessage(raw);
      expect(attempt, raw).toThrow(MimeError);
      try {
        attempt();
      } catch (err) {
        expect((err as MimeError).kind).toBe('protocol');
      }
    }
  });

  it('keeps the address when the name cannot be decoded', () => {
    expect(decodeOfflineMessage(message(['From: =?utf-8?B?@@@@?= <d@example.com>'], 'hi'))).toEqual({
      from: 'd@example.com',
      text: 'hi',
    });
  });

  it('never throws anything but a MimeError on random input', () => {
    const random = seeded(1013);
    const alphabet = 'ab=?:\r\n \t_BQ<>@-;\u00e9\u263a';
    const prefix = 'Content-Transfer-Encoding: base64\r\nFrom: =?utf-8?';
    for (let i = 0; i < 2000; i++) {
      let raw = i % 2 === 0 ? prefix : '';
      const length = randomInt(random, 0, 60);
      for (let j = 0; j < length; j++) raw += alphabet[randomInt(random, 0, alphabet.length - 1)];
      try {
        const decoded = decodeOfflineMessage(raw);
        expect(typeof decoded.text).toBe('string');
      } catch (err) {
        expect(err, JSON.stringify(raw)).toBeInstanceOf(MimeError);
      }
    }
  });
});

describe('encoded words (RFC 2047)', () => {
  it('decodes B and Q words, with and without charsets in upper case', () => {
    expect(decodeEncodedWords('=?utf-8?B?RGF2ZQ==?=')).toBe('Dave');
    expect(decodeEncodedWords('=?UTF-8?q?Andr=C3=A9_Fran=C3=A7ois?=')).toBe('André François');
    expect(decodeEncodedWords('=?iso-8859-1?Q?J=FCrgen?=')).toBe('Jürgen');
    expect(decodeEncodedWords('plain name')).toBe('plain name');
  });

  it("strips Escargot's stray space before ?=", () => {
    expect(decodeEncodedWords('=?utf-8?B?RMOkdsOp ?=')).toBe('Dävé');
  });

  it('joins several words, dropping the space between them and keeping the text around them', () => {
    expect(decodeEncodedWords('=?utf-8?B?SGVs?= =?utf-8?B?bG8=?=')).toBe('Hello');
    expect(decodeEncodedWords('Mr =?utf-8?Q?D=C3=A4?=\r\n =?utf-8?Q?ve?= (home)')).toBe('Mr Däve (home)');
    // A character split across two words.
    const bytes = Buffer.from('☺', 'utf8');
    const split = `=?utf-8?B?${bytes.subarray(0, 1).toString('base64')}?= =?utf-8?B?${bytes.subarray(1).toString('base64')}?=`;
    expect(decodeEncodedWords(split)).toBe('☺');
  });

  it('refuses malformed words', () => {
    expect(() => decodeEncodedWords('=?utf-8?B?###?=')).toThrow(MimeError);
    expect(() => decodeEncodedWords('=?utf-8?Q?a=G?=')).toThrow(MimeError);
    expect(() => decodeEncodedWords('=?no-such-charset?B?aGk=?=')).toThrow(MimeError);
  });
});
