// The offline-message feature against a scripted SOAP service on 127.0.0.1 and hand-made
// notices: buffering the sign-in list until the session is announced, too-large, unreadable
// messages kept, deletions elsewhere, and Store2's lock key, run ids, sequence numbers and
// ticket renewal.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { msnp11Response, productKeyFor } from '../../../src/main/msnp/challenge';
import { ClientContext } from '../../../src/main/msnp/context';
import { dialectOf } from '../../../src/main/msnp/dialects';
import type { MessengerEvents } from '../../../src/main/msnp/events';
import { OfflineMessages } from '../../../src/main/msnp/features/offline-messages';
import { xmlEscape } from '../../../src/main/msnp/lists';
import { child, descend, findAll, parseXml } from '../../../src/main/msnp/soap/parse';
import { failure } from '../../support/msnp-failure';

interface Request {
  readonly action: string;
  readonly body: string;
}

let server: Server;
let base: string;
const requests: Request[] = [];
let answer: (request: Request) => { status: number; body: string };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        action: String(req.headers['soapaction'] ?? '').replace(/"/g, ''),
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(request);
      const { status, body } = answer(request);
      res.writeHead(status, { 'Content-Type': 'text/xml' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());
beforeEach(() => {
  requests.length = 0;
  answer = () => ({ status: 500, body: 'unexpected' });
});

const envelope = (inner: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${inner}</soap:Body></soap:Envelope>`;
const ok = (inner: string) => ({ status: 200, body: envelope(inner) });
const fault = (code: string, detail = '') => ({
  status: 500,
  body: envelope(
    `<soap:Fault><faultcode>q0:${code}</faultcode><faultstring>${code}</faultstring><detail>${detail}</detail></soap:Fault>`,
  ),
});

const ID = (n: number): string => `8B3241DA-05BD-42D0-A6C5-6EF2B4BF6E1${n}`;
const entry = (n: number, from = 'dave@example.com', rt = `2026-12-01T07:3${n}:00Z`): string =>
  `<M><T>11</T><S>6</S><RT>${rt}</RT><RS>0</RS><SZ>9</SZ><E>${from}</E><I>${ID(n)}</I><F>00000000-0000-0000-0000-000000000009</F><N>=?utf-8?B?RGF2ZQ==?=</N></M>`;
const md = (...entries: string[]): string =>
  `<MD><E><I>${entries.length}</I><IU>0</IU><O>0</O><OU>0</OU></E>${entries.join('')}</MD>`;

function notice(type: string, body: string): { name: string; params: string[]; payload: Buffer } {
  const payload = Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${type}; charset=UTF-8\r\n\r\n${body}`);
  return { name: 'MSG', params: ['Hotmail', 'Hotmail', String(payload.length)], payload };
}
const initial = (value: string) => notice('text/x-msmsgsinitialmdatanotification', `Mail-Data: ${value}\r\n\r\n`);
const live = (value: string) => notice('text/x-msmsgsoimnotification', `Mail-Data: ${value}\r\n\r\n`);
const deleted = (n: number) =>
  notice(
    'text/x-msmsgsactivemailnotification',
    `Src-Folder: .!!OIM\r\nDest-Folder: .!!trAsH\r\nMessage-Delta: ${n}\r\n\r\n`,
  );

function message(text: string, extra: string[] = [], encoding = 'base64'): string {
  const body = encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text;
  return [
    'From: =?utf-8?B?RGF2ZQ==?= <dave@example.com>',
    'Content-Type: text/plain; charset=UTF-8',
    `Content-Transfer-Encoding: ${encoding}`,
    'Date: Tue, 01 Dec 2026 07:33:25 GMT',
    ...extra,
    '',
    body,
  ].join('\r\n');
}

function setup(dialect = 15) {
  const events: Array<[string, unknown]> = [];
  const ctx = new ClientContext('erin@example.com', (event, payload) => events.push([event, payload]));
  const offline = new OfflineMessages(ctx);
  offline.reset();
  ctx.dialect = dialectOf(dialect);
  ctx.phase = 'online';
  const renewals: string[] = [];
  ctx.soap = {
    url: (service) => `${base}/${service}`,
    ticket: (service, renew) => {
      if (renew) renewals.push(service);
      return Promise.resolve(`t=${service}${renewals.length}&p=`);
    },
    call: { allowInsecure: true, timeoutMs: 2000 },
  };
  const offlineEvents = () =>
    events.filter(([e]) => e === 'offline-messages').map(([, p]) => p as MessengerEvents['offline-messages']);
  const errors = () => events.filter(([e]) => e === 'error').map(([, p]) => (p as Error).message);
  return { ctx, offline, events, offlineEvents, errors, renewals };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('notices', () => {
  it('holds the sign-in list until the session is announced, then reports each new message once', () => {
    const { ctx, offline, offlineEvents, errors } = setup();
    ctx.route(notice('text/x-msmsgsprofile', 'MSPAuth: x\r\n\r\n'));
    ctx.route(initial(md(entry(2), entry(1))));
    expect(offlineEvents()).toEqual([]);
    expect(offline.list().map((m) => m.id)).toEqual([ID(1), ID(2)]);
    offline.announce();
    expect(offlineEvents()).toEqual([{ atSignIn: true, messages: offline.list() }]);
    ctx.route(live(`<MD>${entry(3, 'fay@example.com', '')}<SU> </SU></MD>`));
    ctx.route(live(`<MD>${entry(3, 'fay@example.com', '')}<SU> </SU></MD>`));
    expect(offlineEvents().slice(1)).toMatchObject([
      { atSignIn: false, messages: [{ id: ID(3), from: 'fay@example.com' }] },
    ]);
    expect(errors()).toEqual([]);
  });

  it('says nothing at sign-in when nothing waits, and reports unreadable notices', () => {
    const { ctx, offline, offlineEvents, errors } = setup();
    ctx.route(initial(md()));
    offline.announce();
    ctx.route(live('<MD><M>'));
    expect(offlineEvents()).toEqual([]);
    expect(errors()).toEqual([expect.stringMatching(/^An offline-message notice could not be read: .*well-formed/)]);
  });

  it('lists the mailbox with GetMetadata when the notice says too-large', async () => {
    const { ctx, offline, offlineEvents } = setup();
    answer = () => ok(`<GetMetadataResponse>${xmlEscape(md(entry(1), entry(2)))}</GetMetadataResponse>`);
    ctx.route(initial('too-large'));
    offline.announce();
    expect(offlineEvents()).toEqual([]);
    await settle();
    expect(requests.map((r) => r.action)).toEqual(['http://www.hotmail.msn.com/ws/2004/09/oim/rsi/GetMetadata']);
    expect(descend(parseXml(requests[0]?.body ?? ''), 'Body', 'GetMetadata')?.children.length).toBeGreaterThan(0);
    expect(offlineEvents()).toMatchObject([{ atSignIn: true, messages: [{ id: ID(1) }, { id: ID(2) }] }]);
  });

  it('follows deletions made at another place, not its own', async () => {
    const { ctx, offline } = setup();
    ctx.route(initial(md(entry(1), entry(2))));
    offline.announce();
    answer = () => ok('<DeleteMessagesResponse/>');
    await offline.delete([ID(1).toLowerCase()]);
    ctx.route(deleted(1));
    await settle();
    expect(requests.map((r) => r.action.split('/').pop())).toEqual(['DeleteMessages']);
    expect(offline.list().map((m) => m.id)).toEqual([ID(2)]);
    answer = () => ok(`<GetMetadataResponse>${md()}</GetMetadataResponse>`);
    ctx.route(deleted(1));
    await settle();
    expect(requests.map((r) => r.action.split('/').pop())).toEqual(['DeleteMessages', 'GetMetadata']);
    expect(offline.list()).toEqual([]);
  });
});

describe('fetching', () => {
  it('reads the readable ones in order and leaves the rest, reasons given', async () => {
    const { ctx, offline } = setup();
    ctx.route(initial(md(entry(1), entry(2), entry(3), entry(4))));
    offline.announce();
    const run = 'X-OIM-Run-Id: {DE96B563-7691-48EF-BC00-A4913E5E8785}';
    const bodies: Record<string, { status: number; body: string }> = {
      [ID(1)]: ok(
        `<GetMessageResponse><GetMessageResult>${xmlEscape(message('second', [run, 'X-OIM-Sequence-Num: 2']))}</GetMessageResult></GetMessageResponse>`,
      ),
      [ID(2)]: ok(
        `<GetMessageResponse><GetMessageResult>${xmlEscape(message('first', [run, 'X-OIM-Sequence-Num: 1']))}</GetMessageResult></GetMessageResponse>`,
      ),
      [ID(3)]: ok(
        `<GetMessageResponse><GetMessageResult>${xmlEscape(message('x').replace(/\r\n\r\n.*$/s, '\r\n\r\n%%% not base64'))}</GetMessageResult></GetMessageResponse>`,
      ),
      [ID(4)]: { status: 500, body: '<html>Internal Server Error</html>' },
    };
    answer = (r) => bodies[findAll(parseXml(r.body), 'messageId')[0]?.text ?? ''] ?? { status: 500, body: '' };
    const { messages, failures } = await offline.fetch();
    expect(messages).toEqual([
      {
        id: ID(2),
        from: 'dave@example.com',
        fromName: 'Dave',
        receivedAt: Date.parse('2026-12-01T07:32:00Z'),
        text: 'first',
        sentAt: Date.parse('2026-12-01T07:33:25Z'),
      },
      {
        id: ID(1),
        from: 'dave@example.com',
        fromName: 'Dave',
        receivedAt: Date.parse('2026-12-01T07:31:00Z'),
        text: 'second',
        sentAt: Date.parse('2026-12-01T07:33:25Z'),
      },
    ]);
    expect(failures).toEqual([
      {
        id: ID(3),
        from: 'dave@example.com',
        reason: 'The offline message from dave@example.com could not be read: The text is not valid base64',
      },
      {
        id: ID(4),
        from: 'dave@example.com',
        reason:
          'The offline message from dave@example.com could not be read: GetMessage answered HTTP 500 without a SOAP response',
      },
    ]);
    // Fetching deletes nothing.
    expect(offline.list()).toHaveLength(4);
    expect(requests.every((r) => r.action.endsWith('/GetMessage'))).toBe(true);
    const unknown = await offline.fetch(['nope']);
    expect(unknown.failures).toMatchObject([
      { id: 'NOPE', reason: 'No such offline message is waiting on the server' },
    ]);
  });

  it('renews the web ticket once when the service says it expired', async () => {
    const { ctx, offline, renewals } = setup();
    ctx.route(initial(md(entry(1))));
    offline.announce();
    answer = (r) =>
      r.body.includes('<t>web0</t>')
        ? fault('FailedAuthentication', '<errorcode>TokenExpired</errorcode>')
        : ok(
            `<GetMessageResponse><GetMessageResult>${xmlEscape(message('hi'))}</GetMessageResult></GetMessageResponse>`,
          );
    expect((await offline.fetch()).messages.map((m) => m.text)).toEqual(['hi']);
    expect(renewals).toEqual(['web']);
  });
});

describe('Store2', () => {
  const storeOk = () => ok('<StoreResponse xmlns="http://messenger.msn.com/ws/2004/09/oim/"/>');
  const challenge = () =>
    fault(
      'AuthenticationFailed',
      '<TweenerChallenge xmlns="http://messenger.msn.com/ws/2004/09/oim/">ct=1,rver=5.5</TweenerChallenge><LockKeyChallenge xmlns="http://messenger.msn.com/ws/2004/09/oim/">1850937852</LockKeyChallenge>',
    );
  const sent = (r: Request | undefined) => {
    const root = parseXml(r?.body ?? '');
    const header = child(root, 'Header');
    const content = descend(root, 'Body', 'Content')?.text ?? '';
    return {
      lockkey: child(header, 'Ticket')?.attributes['lockkey'],
      to: child(header, 'To')?.attributes['memberName'],
      number: descend(header, 'Sequence', 'MessageNumber')?.text,
      run: /X-OIM-Run-Id: (\S+)/.exec(content)?.[1],
      sequence: /X-OIM-Sequence-Num: (\d+)/.exec(content)?.[1],
    };
  };

  it('answers the lock-key challenge, keeps the key, and numbers each recipient’s run from 1', async () => {
    const { offline } = setup();
    let challenged = false;
    answer = () => (challenged ? storeOk() : ((challenged = true), challenge()));
    await offline.send('Fay@Example.com', 'one');
    await offline.send('fay@example.com', 'two');
    await offline.send('gil@example.com', 'three');
    const key = msnp11Response('1850937852', productKeyFor(15).id, productKeyFor(15).key);
    const [first, second, third, fourth] = requests.map(sent);
    expect(first).toMatchObject({ lockkey: '', to: 'fay@example.com', number: '1', sequence: '1' });
    expect(second).toMatchObject({ lockkey: key, number: '1', sequence: '1', run: first?.run });
    expect(third).toMatchObject({ lockkey: key, number: '2', sequence: '2', run: first?.run });
    expect(fourth).toMatchObject({ lockkey: key, to: 'gil@example.com', number: '1', sequence: '1' });
    expect(fourth?.run).not.toBe(first?.run);
    expect(requests).toHaveLength(4);
  });

  it('sends concurrent messages one after the other, in order', async () => {
    const { offline } = setup();
    answer = () => storeOk();
    await Promise.all(['a', 'b', 'c'].map((t) => offline.send('fay@example.com', t)));
    expect(requests.map((r) => sent(r).sequence)).toEqual(['1', '2', '3']);
  });

  it('renews a refused ticket once, then gives the reason', async () => {
    const { offline, renewals } = setup();
    answer = () => fault('AuthenticationFailed', '<TweenerChallenge>ct=1</TweenerChallenge>');
    const error = await failure(offline.send('fay@example.com', 'hi'));
    expect(error.message).toBe('The offline-message service did not accept this session’s ticket');
    expect(renewals).toEqual(['secure']);
    expect(requests).toHaveLength(2);
    answer = () => fault('SystemUnavailable');
    expect((await failure(offline.send('fay@example.com', 'hi'))).message).toMatch(/^fay@example.com cannot get/);
  });

  it('refuses what it cannot send, and everything below MSNP13', async () => {
    const { offline } = setup();
    expect((await failure(offline.send('not an address', 'hi'))).kind).toBe('invalid');
    expect((await failure(offline.send('fay@example.com', ' \r\n'))).kind).toBe('invalid');
    expect((await failure(offline.send('erin@example.com', 'me'))).kind).toBe('invalid');
    expect((await failure(offline.send('fay@example.com', 'é'.repeat(5000)))).message).toMatch(/at most 8192 bytes/);
    const old = setup(12);
    expect(old.offline.supported).toBe(false);
    for (const attempt of [old.offline.send('fay@example.com', 'hi'), old.offline.fetch(), old.offline.delete(['x'])]) {
      expect((await failure(attempt)).kind).toBe('state');
    }
    old.ctx.route(initial(md(entry(1))));
    expect(old.offline.list()).toEqual([]);
    expect(requests).toEqual([]);
  });
});
