// Offline messages against the reference server with hand-written SOAP: Store2 and its lock-key
// challenge, quotas and content checks, the Mail-Data notifications, and the RSI service.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { msnp11Answer } from './challenge';
import { parseMime } from './codec';
import { SOAP_PATHS, type RunningServer } from './index';
import { escapeXml, descendants, parseXml, textAt, type XmlNode } from './xml';
import { httpsPost, signInSso, startTestServer, type SignedIn, type Wire } from './wire';

let server: RunningServer;
const open: Wire[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const w of open.splice(0)) w.close();
  await server.close();
});

const APPID = 'PROD0119GSJUC$18';
const APPKEY = 'ILTXC!4IXB5FB*PX';
const RUN = '{3A4E2C1B-7D6F-4E8A-9B0C-1D2E3F4A5B6C}';

async function signedIn(email: string, dialect = 15, guid?: string): Promise<SignedIn> {
  const s = await signInSso(server, email, dialect, guid);
  open.push(s.w);
  return s;
}

function tokenOf(s: SignedIn, service: string): string {
  return s.tokens?.get(service)?.ticket ?? '';
}

interface Oim {
  from?: string;
  to: string;
  text: string;
  seq?: number;
  messageNumber?: number;
  runId?: string;
  body?: string;
}

function store2(ticket: string, lockkey: string, m: Oim): string {
  const seq = m.seq ?? 1;
  const content =
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n' +
    `X-OIM-Message-Type: OfflineMessage\r\nX-OIM-Run-Id: ${m.runId ?? RUN}\r\nX-OIM-Sequence-Num: ${seq}\r\n\r\n` +
    (m.body ??
      (
        Buffer.from(m.text, 'utf8')
          .toString('base64')
          .match(/.{1,76}/g) ?? []
      ).join('\r\n'));
  return (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>' +
    `<From memberName="${m.from ?? 'dave@example.com'}" friendlyName="=?utf-8?B?RGF2ZQ==?=" xml:lang="en-US" proxy="MSNMSGR" ` +
    'xmlns="http://messenger.msn.com/ws/2004/09/oim/" msnpVer="MSNP15" buildVer="8.5.1288.816"/>' +
    `<To memberName="${m.to}" xmlns="http://messenger.msn.com/ws/2004/09/oim/"/>` +
    `<Ticket passport="${escapeXml(ticket)}" appid="${escapeXml(APPID)}" lockkey="${lockkey}" xmlns="http://messenger.msn.com/ws/2004/09/oim/"/>` +
    '<Sequence xmlns="http://schemas.xmlsoap.org/ws/2003/03/rm"><Identifier xmlns="http://schemas.xmlsoap.org/ws/2002/07/utility">' +
    `http://messenger.msn.com</Identifier><MessageNumber>${m.messageNumber ?? seq}</MessageNumber></Sequence></soap:Header>` +
    '<soap:Body><MessageType xmlns="http://messenger.msn.com/ws/2004/09/oim/">text</MessageType>' +
    `<Content xmlns="http://messenger.msn.com/ws/2004/09/oim/">${escapeXml(content)}</Content></soap:Body></soap:Envelope>`
  );
}

const post = (path: string, body: string, action: string) =>
  httpsPost(`${server.soapBase}${path}`, server.ca, body, { SOAPAction: `"${action}"` });

const faultOf = (xml: XmlNode | undefined) => textAt(descendants(xml, 'Fault')[0], 'faultcode');

/** Sends one OIM the way a client does: empty lock key, then the answer to the challenge. */
async function sendOim(
  sender: SignedIn,
  m: Oim,
  known?: { key: string },
): Promise<{ status: number; xml?: XmlNode; key: string }> {
  const ticket = tokenOf(sender, 'messengersecure.live.com');
  const action = 'http://messenger.live.com/ws/2006/09/oim/Store2';
  if (known) {
    const again = await post(SOAP_PATHS.oim, store2(ticket, known.key, m), action);
    if (again.status === 200) return { ...again, key: known.key };
  }
  const first = await post(SOAP_PATHS.oim, store2(ticket, '', m), action);
  const challenge = descendants(first.xml, 'LockKeyChallenge')[0]?.text;
  if (!challenge) return { ...first, key: '' };
  const key = msnp11Answer(challenge, APPID, APPKEY);
  const res = await post(SOAP_PATHS.oim, store2(ticket, key, m), action);
  return { ...res, key };
}

function rsi(s: SignedIn, action: string, inner: string) {
  const [t = '', p = ''] = tokenOf(s, 'messenger.msn.com').replace(/^t=/, '').split('&p=');
  const body =
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>' +
    `<PassportCookie xmlns="http://www.hotmail.msn.com/ws/2004/09/oim/rsi"><t>${escapeXml(t)}</t><p>${escapeXml(p)}</p></PassportCookie>` +
    `</soap:Header><soap:Body><${action} xmlns="http://www.hotmail.msn.com/ws/2004/09/oim/rsi">${inner}</${action}></soap:Body></soap:Envelope>`;
  return post(SOAP_PATHS.rsi, body, `http://www.hotmail.msn.com/ws/2004/09/oim/rsi/${action}`);
}

function mailData(payload: Buffer | undefined): XmlNode | 'too-large' {
  const text = parseMime(payload ?? Buffer.alloc(0)).body.toString('utf8');
  const md = /^Mail-Data: (.*?)\r\n/s.exec(text)?.[1] ?? '';
  return md === 'too-large' ? md : parseXml(md);
}

describe('Store2', () => {
  it('challenges an empty lock key, accepts the right answer and keeps it for the session', async () => {
    const dave = await signedIn('dave@example.com');
    const ticket = tokenOf(dave, 'messengersecure.live.com');
    const first = await post(SOAP_PATHS.oim, store2(ticket, '', { to: 'erin@example.com', text: 'hi' }), 'Store2');
    expect(first.status).toBe(500);
    expect(faultOf(first.xml)).toBe('q0:AuthenticationFailed');
    const challenge = descendants(first.xml, 'LockKeyChallenge')[0]?.text ?? '';
    expect(challenge).toMatch(/^\d+$/);
    const wrong = await post(
      SOAP_PATHS.oim,
      store2(ticket, '0'.repeat(32), { to: 'erin@example.com', text: 'hi' }),
      'Store2',
    );
    expect(descendants(wrong.xml, 'LockKeyChallenge')).toHaveLength(1);
    const next = descendants(wrong.xml, 'LockKeyChallenge')[0]?.text ?? '';
    const key = msnp11Answer(next, APPID, APPKEY);
    const ok = await post(SOAP_PATHS.oim, store2(ticket, key, { to: 'erin@example.com', text: 'hi' }), 'Store2');
    expect(ok.status).toBe(200);
    const range = descendants(ok.xml, 'AcknowledgmentRange')[0];
    expect(range?.attrs).toEqual({ Upper: '1', Lower: '1' });
    expect(descendants(ok.xml, 'StoreResponse')).toHaveLength(1);
    const second = await post(
      SOAP_PATHS.oim,
      store2(ticket, key, { to: 'erin@example.com', text: 'again', seq: 2 }),
      'Store2',
    );
    expect(second.status).toBe(200);
    // A renewed lock key: the old answer is challenged again, with a new number.
    server.renewLockKeys();
    const renewed = await post(
      SOAP_PATHS.oim,
      store2(ticket, key, { to: 'erin@example.com', text: 'third', seq: 3 }),
      'Store2',
    );
    expect(faultOf(renewed.xml)).toBe('q0:AuthenticationFailed');
    expect(descendants(renewed.xml, 'LockKeyChallenge')[0]?.text).toMatch(/^\d+$/);
  });

  it('refuses a bad ticket without a lock-key challenge', async () => {
    const bad = await post(
      SOAP_PATHS.oim,
      store2('t=nothing&p=', '', { to: 'erin@example.com', text: 'hi' }),
      'Store2',
    );
    expect(faultOf(bad.xml)).toBe('q0:AuthenticationFailed');
    expect(descendants(bad.xml, 'LockKeyChallenge')).toEqual([]);
    const dave = await signedIn('dave@example.com');
    server.expireTokens('dave@example.com');
    const expired = await sendOim(dave, { to: 'erin@example.com', text: 'hi' });
    expect(faultOf(expired.xml)).toBe('q0:AuthenticationFailed');
    expect(descendants(expired.xml, 'LockKeyChallenge')).toEqual([]);
  });

  it.each<[string, Partial<Oim>, string]>([
    ['an unknown recipient', { to: 'nobody@example.com' }, 'q0:SystemUnavailable'],
    ['a From that is not the sender', { from: 'alice@example.com' }, 'q0:SystemUnavailable'],
    ['a sequence number that is not the message number', { seq: 2, messageNumber: 3 }, 'q0:InvalidContent'],
    ['a run id that is not a GUID', { runId: 'run-1' }, 'q0:InvalidContent'],
    ['a body that is not base64', { body: 'not base64 !' }, 'q0:InvalidContent'],
    ['a base64 line over 77 characters', { body: 'QUFB'.repeat(20) }, 'q0:InvalidContent'],
    ['a message over the size limit', { body: 'QUFB'.repeat(19).concat('\r\n').repeat(300) }, 'q0:MessageTooLarge'],
  ])('refuses %s', async (_what, change, code) => {
    const dave = await signedIn('dave@example.com');
    const res = await sendOim(dave, { to: 'erin@example.com', text: 'hi', ...change });
    expect(res.status).toBe(500);
    expect(faultOf(res.xml)).toBe(code);
  });

  it('refuses senders the recipient blocks', async () => {
    await server.close();
    server = await startTestServer();
    const alice = await signedIn('alice@example.com');
    alice.w.sendPayload('RML 5', '<ml><d n="example.com"><c n="dave" l="2" t="1" /></d></ml>');
    await alice.w.until('RML 5 OK');
    alice.w.sendPayload('ADL 6', '<ml><d n="example.com"><c n="dave" l="4" t="1" /></d></ml>');
    await alice.w.until('ADL 6 OK');
    const dave = await signedIn('dave@example.com');
    expect(faultOf((await sendOim(dave, { to: 'alice@example.com', text: 'hi' })).xml)).toBe('q0:SystemUnavailable');
  });

  it('answers QuotaExceeded when the mailbox is full', async () => {
    await server.close();
    server = await startTestServer({ oimQuota: 2 });
    const dave = await signedIn('dave@example.com');
    let known = { key: '' };
    for (const seq of [1, 2]) {
      const r = await sendOim(dave, { to: 'erin@example.com', text: `m${seq}`, seq }, known);
      expect(r.status).toBe(200);
      known = { key: r.key };
    }
    const full = await sendOim(dave, { to: 'erin@example.com', text: 'm3', seq: 3 }, known);
    expect(faultOf(full.xml)).toBe('q0:QuotaExceeded');
  });
});

describe('delivery', () => {
  it('notifies at sign-in, serves the messages in order and deletes them', async () => {
    const dave = await signedIn('dave@example.com');
    let known = { key: '' };
    for (const [seq, text] of [
      [1, 'Hello Erin — offline ☺ 1'],
      [2, 'second'],
    ] as const) {
      const r = await sendOim(dave, { to: 'erin@example.com', text, seq }, known);
      expect(r.status).toBe(200);
      known = { key: r.key };
    }
    const erin = await signedIn('erin@example.com', 18, '{11111111-2222-3333-4444-555555555555}');
    erin.w.send('CHG 5 NLN 0:0');
    const initial = await erin.w.until((f) => f.name === 'MSG' && !!f.payload?.includes('initialmdatanotification'));
    const md = mailData(initial.payload);
    if (md === 'too-large') throw new Error('too large');
    expect(textAt(md, 'E', 'I')).toBe('2');
    const entries = descendants(md, 'M');
    expect(entries.map((m) => textAt(m, 'E'))).toEqual(['dave@example.com', 'dave@example.com']);
    expect(entries.map((m) => textAt(m, 'F'))).toEqual([
      '00000000-0000-0000-0000-000000000009',
      '00000000-0000-0000-0000-000000000009',
    ]);
    expect(textAt(entries[0], 'N')).toBe('=?utf-8?B?RGF2ZQ==?=');
    const ids = entries.map((m) => textAt(m, 'I') ?? '');

    const meta = await rsi(erin, 'GetMetadata', '');
    expect(descendants(meta.xml, 'M').map((m) => textAt(m, 'I'))).toEqual(ids);
    const first = await rsi(
      erin,
      'GetMessage',
      `<messageId>${ids[0] ?? ''}</messageId><alsoMarkAsRead>false</alsoMarkAsRead>`,
    );
    expect(first.status).toBe(200);
    const raw = descendants(first.xml, 'GetMessageResult')[0]?.text ?? '';
    const mime = parseMime(Buffer.from(raw));
    expect(mime.headers.get('from')).toBe('=?utf-8?B?RGF2ZQ==?= <dave@example.com>');
    expect(mime.headers.get('to')).toBe('erin@example.com');
    expect(mime.headers.get('x-oim-run-id')).toBe(RUN);
    expect(mime.headers.get('x-oim-sequence-num')).toBe('1');
    expect(Date.parse(mime.headers.get('date') ?? '')).not.toBeNaN();
    expect(Buffer.from(mime.body.toString(), 'base64').toString('utf8')).toBe('Hello Erin — offline ☺ 1');

    const unknown = await rsi(erin, 'GetMessage', '<messageId>8B3241DA-05BD-42D0-A6C5-6EF2B4BF6E17</messageId>');
    expect(unknown.status).toBe(500);
    const partly = await rsi(
      erin,
      'DeleteMessages',
      `<messageIds><messageId>${ids[0] ?? ''}</messageId><messageId>8B3241DA-05BD-42D0-A6C5-6EF2B4BF6E17</messageId></messageIds>`,
    );
    expect(partly.status).toBe(500);
    expect(descendants((await rsi(erin, 'GetMetadata', '')).xml, 'M')).toHaveLength(2);

    const del = await rsi(
      erin,
      'DeleteMessages',
      `<messageIds>${ids.map((i) => `<messageId>${i}</messageId>`).join('')}</messageIds>`,
    );
    expect(del.status).toBe(200);
    const active = await erin.w.until((f) => f.name === 'MSG' && !!f.payload?.includes('activemailnotification'));
    expect(parseMime(active.payload ?? Buffer.alloc(0)).body.toString()).toBe(
      'Src-Folder: .!!OIM\r\nDest-Folder: .!!trAsH\r\nMessage-Delta: 2\r\n\r\n',
    );
    expect(descendants((await rsi(erin, 'GetMetadata', '')).xml, 'M')).toEqual([]);
  });

  it('notifies a recipient who is online, also when appearing offline', async () => {
    const erin = await signedIn('erin@example.com', 16, '{11111111-2222-3333-4444-555555555555}');
    erin.w.send('CHG 5 HDN 0:0');
    await erin.w.until((f) => f.name === 'MSG' && !!f.payload?.includes('initialmdatanotification'));
    const dave = await signedIn('dave@example.com');
    expect((await sendOim(dave, { to: 'erin@example.com', text: 'while you hide' })).status).toBe(200);
    const live = await erin.w.until((f) => f.name === 'MSG' && !!f.payload?.includes('oimnotification'));
    const md = mailData(live.payload);
    if (md === 'too-large') throw new Error('too large');
    expect(textAt(md, 'M', 'E')).toBe('dave@example.com');
    expect(textAt(md, 'M', 'F')).toBe('.!!OIM');
    expect(descendants(md, 'SU')).toHaveLength(1);
  });

  it('says too-large in the Mail-Data above 25 messages', async () => {
    const dave = await signedIn('dave@example.com');
    let known = { key: '' };
    for (let seq = 1; seq <= 26; seq++) {
      const r = await sendOim(dave, { to: 'erin@example.com', text: `m${seq}`, seq }, known);
      expect(r.status).toBe(200);
      known = { key: r.key };
    }
    const erin = await signedIn('erin@example.com', 15);
    erin.w.send('CHG 5 NLN 0');
    const initial = await erin.w.until((f) => f.name === 'MSG' && !!f.payload?.includes('initialmdatanotification'));
    expect(mailData(initial.payload)).toBe('too-large');
    expect(descendants((await rsi(erin, 'GetMetadata', '')).xml, 'M')).toHaveLength(26);
  });

  it('keeps offline messages across a restart with a state directory', async () => {
    await server.close();
    const dir = mkdtempSync(join(tmpdir(), 'oim-state-'));
    try {
      server = await startTestServer({ stateDir: dir });
      const dave = await signedIn('dave@example.com');
      expect((await sendOim(dave, { to: 'erin@example.com', text: 'kept' })).status).toBe(200);
      for (const w of open.splice(0)) w.close();
      await server.close();
      server = await startTestServer({ stateDir: dir });
      const erin = await signedIn('erin@example.com', 15);
      expect(descendants((await rsi(erin, 'GetMetadata', '')).xml, 'M')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores MSNP18 UUM text as an OIM, without a reply', async () => {
    const dave = await signedIn('dave@example.com', 18, '{11111111-2222-3333-4444-555555555555}');
    await dave.w.until('UBX 1:dave@example.com 0');
    dave.w.sendPayload(
      'UUM 7 erin@example.com 1 1',
      'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nDest-Agent: client\r\n\r\nvia the NS',
    );
    await dave.w.quiet(150);
    const erin = await signedIn('erin@example.com', 15);
    const ids = descendants((await rsi(erin, 'GetMetadata', '')).xml, 'M').map((m) => textAt(m, 'I') ?? '');
    expect(ids).toHaveLength(1);
    const got = await rsi(erin, 'GetMessage', `<messageId>${ids[0] ?? ''}</messageId>`);
    const mime = parseMime(Buffer.from(descendants(got.xml, 'GetMessageResult')[0]?.text ?? ''));
    expect(Buffer.from(mime.body.toString(), 'base64').toString()).toBe('via the NS');
    dave.w.sendPayload('UUM 8 erin@example.com 32 1', 'x');
    expect(await dave.w.closed()).toEqual([]);
  });

  it('opens RSI only for a signed-in session', async () => {
    const erin = await signedIn('erin@example.com', 15);
    erin.w.send('OUT');
    await erin.w.closed();
    await new Promise((r) => setTimeout(r, 50));
    expect((await rsi(erin, 'GetMetadata', '')).status).toBe(403);
  });
});
