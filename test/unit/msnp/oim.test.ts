// Offline messages' SOAP side without a server: the Mail-Data notices (MSNP13-18.md §10.1), the
// GetMetadata answers in both shapes, the Store2 request (§10.5) and its lock key, the RSI
// envelopes, the wording of faults, and the order messages are shown in.
import { describe, expect, it } from 'vitest';
import { msnp11Response, productKeyFor } from '../../../src/main/msnp/challenge';
import { orderOfflineMessages } from '../../../src/main/msnp/features/offline-messages';
import { decodeOfflineMessage } from '../../../src/main/msnp/mime';
import { SoapFault } from '../../../src/main/msnp/soap/fault';
import {
  deleteMessagesEnvelope,
  getMessageEnvelope,
  getMetadataEnvelope,
  lockKeyChallenge,
  oimContent,
  parseGetMetadata,
  parseMailData,
  splitTicket,
  store2Envelope,
  store2Reason,
} from '../../../src/main/msnp/soap/oim';
import { child, descend, findAll, parseXml, soapBody } from '../../../src/main/msnp/soap/parse';
import { xmlEscape } from '../../../src/main/msnp/lists';
import { seeded } from './random';

const NOW = Date.parse('2026-12-01T08:00:00Z');

/** The sign-in Mail-Data of the notes, §10.1. */
const INITIAL =
  '<MD><E><I>0</I><IU>0</IU><O>0</O><OU>0</OU></E><Q><QTM>409600</QTM><QNM>204800</QNM></Q><M><T>11</T><S>6</S>' +
  '<RT>2026-12-01T07:33:25Z</RT><RS>0</RS><SZ>945</SZ><E>dave@example.com</E><I>8B3241DA-05BD-42D0-A6C5-6EF2B4BF6E17</I>' +
  '<F>00000000-0000-0000-0000-000000000009</F><N>=?utf-8?B?RGF2ZQ==?=</N></M></MD>';

/** A live notice of the notes, with Escargot's stray space in N. */
const LIVE =
  '<MD><M><T>11</T><S>6</S><RS>0</RS><SZ>933</SZ><E>Dave@Example.com</E><I>c1774631-1c2d-4e5f-8a9b-0c1d2e3f4a5b</I>' +
  '<F>.!!OIM</F><N>=?utf-8?B?RMOkdsOp ?=</N></M><SU> </SU></MD>';

describe('Mail-Data', () => {
  it('lists the messages of the sign-in notice', () => {
    expect(parseMailData(INITIAL, NOW)).toEqual({
      tooLarge: false,
      skipped: 0,
      messages: [
        {
          id: '8B3241DA-05BD-42D0-A6C5-6EF2B4BF6E17',
          from: 'dave@example.com',
          fromName: 'Dave',
          receivedAt: Date.parse('2026-12-01T07:33:25Z'),
        },
      ],
    });
  });

  it('reads a live notice: no time (now), the stray space, ids upper case', () => {
    expect(parseMailData(LIVE, NOW)).toEqual({
      tooLarge: false,
      skipped: 0,
      messages: [
        { id: 'C1774631-1C2D-4E5F-8A9B-0C1D2E3F4A5B', from: 'dave@example.com', fromName: 'Dävé', receivedAt: NOW },
      ],
    });
  });

  it('says too-large, skips e-mail and counts entries it cannot use', () => {
    expect(parseMailData(' too-large ')).toEqual({ tooLarge: true });
    const mixed =
      '<MD><M><T>2</T><E>news@example.com</E><I>8B3241DA-05BD-42D0-A6C5-6EF2B4BF6E17</I></M>' +
      '<M><T>11</T><E>dave@example.com</E><I>not-a-guid</I></M><M><T>11</T><I>8B3241DA-05BD-42D0-A6C5-6EF2B4BF6E18</I></M>' +
      '<M><T>11</T><E>erin@example.com</E><I>8B3241DA-05BD-42D0-A6C5-6EF2B4BF6E19</I><N>=?utf-8?B?@@?=</N></M></MD>';
    const data = parseMailData(mixed, NOW);
    expect(data).toMatchObject({ skipped: 2, messages: [{ from: 'erin@example.com', fromName: 'erin@example.com' }] });
  });

  it('refuses what is not an MD document', () => {
    expect(() => parseMailData('<MD><M>')).toThrow(/well-formed/);
    expect(() => parseMailData('<Other/>')).toThrow(/not an MD/);
    expect(() => parseMailData('<!DOCTYPE x><MD/>')).toThrow(/document type/);
  });

  it('reads GetMetadata with the MD as elements or as escaped text (Escargot)', () => {
    const envelope = (inner: string): string =>
      '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      `<GetMetadataResponse xmlns="http://www.hotmail.msn.com/ws/2004/09/oim/rsi">${inner}</GetMetadataResponse></soap:Body></soap:Envelope>`;
    const elements = parseGetMetadata(soapBody(envelope(INITIAL), 'GetMetadata'), NOW);
    const escaped = parseGetMetadata(soapBody(envelope(xmlEscape(INITIAL)), 'GetMetadata'), NOW);
    expect(elements).toEqual(parseMailData(INITIAL, NOW));
    expect(escaped).toEqual(elements);
  });

  it('never throws anything but a typed error on random documents', () => {
    const random = seeded(77);
    const pieces = [
      '<MD>',
      '</MD>',
      '<M>',
      '</M>',
      '<T>11</T>',
      '<E>a@b.c</E>',
      '<I>',
      '</I>',
      '8B3241DA-05BD-42D0-A6C5-6EF2B4BF6E17',
      '&amp;',
      '<',
      '=?utf-8?B?',
      '?=',
    ];
    for (let i = 0; i < 1000; i++) {
      let text = '';
      for (let j = 0; j < 12; j++) text += pieces[Math.floor(random() * pieces.length)];
      try {
        parseMailData(text, NOW);
      } catch (err) {
        expect(err, text).toHaveProperty('kind', 'protocol');
      }
    }
  });
});

describe('Store2', () => {
  it('answers the notes’ lock-key challenge', () => {
    const pair = productKeyFor(15);
    expect(pair.id).toBe('PROD0119GSJUC$18');
    expect(msnp11Response('1850937852', pair.id, pair.key)).toBe('844559b18ac25f3affb9281fd729203c');
  });

  it('builds the request of the notes, the content in base64 lines of at most 76 characters', () => {
    const text = 'Hello Erin — offline ☺ '.repeat(10);
    const content = oimContent('{3A4E2C1B-7D6F-4E8A-9B0C-1D2E3F4A5B6C}', 2, text);
    const envelope = store2Envelope({
      from: 'dave@example.com',
      friendlyName: 'Dave & <co>',
      to: 'erin@example.com',
      ticket: 't=tok&p=pp',
      appId: 'PROD0119GSJUC$18',
      lockKey: '844559b18ac25f3affb9281fd729203c',
      protocol: 'MSNP15',
      build: '8.5.1288.816',
      sequence: 2,
      content,
    }).text;
    const root = parseXml(envelope);
    const header = child(root, 'Header');
    expect(child(header, 'From')?.attributes).toMatchObject({
      memberName: 'dave@example.com',
      friendlyName: `=?utf-8?B?${Buffer.from('Dave & <co>').toString('base64')}?=`,
      proxy: 'MSNMSGR',
      msnpVer: 'MSNP15',
      buildVer: '8.5.1288.816',
    });
    expect(child(header, 'To')?.attributes['memberName']).toBe('erin@example.com');
    expect(child(header, 'Ticket')?.attributes).toMatchObject({
      passport: 't=tok&p=pp',
      appid: 'PROD0119GSJUC$18',
      lockkey: '844559b18ac25f3affb9281fd729203c',
    });
    expect(descend(header, 'Sequence', 'MessageNumber')?.text).toBe('2');
    expect(descend(root, 'Body', 'MessageType')?.text).toBe('text');
    // XML parsers turn CRLF into LF; the service takes either.
    const sent = descend(root, 'Body', 'Content')?.text ?? '';
    expect(sent).toBe(content.replace(/\r\n/g, '\n'));
    const [head = '', body = ''] = content.split('\r\n\r\n');
    expect(head.split('\r\n')).toEqual([
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      'X-OIM-Message-Type: OfflineMessage',
      'X-OIM-Run-Id: {3A4E2C1B-7D6F-4E8A-9B0C-1D2E3F4A5B6C}',
      'X-OIM-Sequence-Num: 2',
    ]);
    const lines = body.split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => l.length <= 76)).toBe(true);
    // What it sends, the decoder reads back.
    expect(decodeOfflineMessage(sent)).toMatchObject({ text, sequence: 2 });
  });

  it('finds the lock-key challenge in a fault and words the refusals', () => {
    const challenge = new SoapFault(
      'Store2',
      'q0:AuthenticationFailed',
      'Exception',
      'ct=1 1850937852',
      new Map([
        ['TweenerChallenge', 'ct=1,rver=5.5'],
        ['LockKeyChallenge', '1850937852'],
      ]),
    );
    expect(lockKeyChallenge(challenge)).toBe('1850937852');
    expect(lockKeyChallenge(new SoapFault('Store2', 'q0:AuthenticationFailed', 'Ticket', 'ct=1'))).toBeUndefined();
    const reason = (code: string): string =>
      store2Reason(new SoapFault('Store2', `q0:${code}`, 'text'), 'erin@example.com');
    expect(reason('SystemUnavailable')).toMatch(/^erin@example.com cannot get offline messages/);
    expect(reason('QuotaExceeded')).toBe('erin@example.com has too many offline messages waiting');
    expect(reason('MessageTooLarge')).toMatch(/too long/);
    expect(reason('SenderThrottleLimitExceeded')).toMatch(/try again later/);
    expect(reason('InvalidContent')).toMatch(/malformed \(text\)/);
    expect(reason('Whatever')).toMatch(/refused the message: text/);
  });
});

describe('RSI requests', () => {
  it('split the ticket into PassportCookie t (first) and p', () => {
    expect(splitTicket('t=abc&p=def')).toEqual({ t: 'abc', p: 'def' });
    expect(splitTicket('t=abc&p=')).toEqual({ t: 'abc', p: '' });
    const root = parseXml(getMessageEnvelope('t=a<b&p=', '8B3241DA-05BD-42D0-A6C5-6EF2B4BF6E17').text);
    const cookie = descend(root, 'Header', 'PassportCookie');
    expect(cookie?.children.map((c) => [c.name, c.text])).toEqual([
      ['t', 'a<b'],
      ['p', ''],
    ]);
    expect(descend(root, 'Body', 'GetMessage', 'alsoMarkAsRead')?.text).toBe('false');
  });

  it('never send an empty action element, and delete every id in one call', () => {
    const metadata = parseXml(getMetadataEnvelope('t=a&p=').text);
    expect(descend(metadata, 'Body', 'GetMetadata')?.children.length).toBeGreaterThan(0);
    const del = parseXml(deleteMessagesEnvelope('t=a&p=', ['A', 'B']).text);
    expect(findAll(del, 'messageId').map((m) => m.text)).toEqual(['A', 'B']);
  });
});

describe('the order offline messages are shown in', () => {
  const m = (id: string, from: string, sentAt: number, runId?: string, sequence?: number) => ({
    id,
    from,
    fromName: from,
    receivedAt: sentAt,
    sentAt,
    text: id,
    ...(runId === undefined ? {} : { runId }),
    ...(sequence === undefined ? {} : { sequence }),
  });

  it('keeps each run in sequence, runs by time, senders interleaved by time', () => {
    const messages = [
      m('a3', 'a', 100, 'R1', 3),
      m('b1', 'b', 150),
      m('a1', 'a', 100, 'R1', 1),
      m('a2', 'a', 100, 'R1', 2),
      m('a4', 'a', 50, 'R0', 1),
      m('b2', 'b', 300),
      m('a5', 'a', 200),
    ];
    expect(orderOfflineMessages(messages).map((x) => x.id)).toEqual(['a4', 'a1', 'a2', 'a3', 'b1', 'a5', 'b2']);
  });

  it('keeps the given (server) order for runs of the same second', () => {
    // Two sessions, each a run of one message, sent within a second.
    const messages = [m('z-first', 'a', 100, 'R9', 1), m('a-second', 'a', 100, 'R1', 1)];
    expect(orderOfflineMessages(messages).map((x) => x.id)).toEqual(['z-first', 'a-second']);
  });

  it('orders by date without run ids (UUM-sent messages)', () => {
    expect(orderOfflineMessages([m('x2', 'x', 20), m('x1', 'x', 10)]).map((x) => x.id)).toEqual(['x1', 'x2']);
  });
});
