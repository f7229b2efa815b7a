// MSNP15+ sign-in against the reference server: RST.srf by hand-written SOAP, USR SSO with the
// MBI_KEY_OLD answer computed from the issued BinarySecret, tokens with expiry.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SOAP_PATHS, type RunningServer } from './index';
import { mbiAnswer } from './mbi';
import { parseMime } from './codec';
import {
  abCall,
  httpsPost,
  passportTicket,
  passwordOf,
  requestTokens,
  rstRequest,
  signInSso,
  startTestServer,
  Wire,
} from './wire';
import { descendants, textAt } from './xml';

let server: RunningServer;
const open: Wire[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const w of open.splice(0)) w.close();
  await server.close();
});

type Tokens = Awaited<ReturnType<typeof requestTokens>>;
type Usr = (t: Tokens, nonce: string) => string;

const findAll = '<abId>00000000-0000-0000-0000-000000000000</abId><abView>Full</abView><deltasOnly>false</deltasOnly>';

async function challenged(email: string, dialect: number): Promise<{ w: Wire; nonce: string; lines: string[] }> {
  const w = await Wire.connect(server.notification);
  open.push(w);
  w.send(`VER 1 MSNP${dialect} CVR0`);
  await w.until(`VER 1 MSNP${dialect}`);
  w.send(`CVR 2 0x0409 winnt 6.1.0 i386 MSNMSGR 14.0.8117.0416 msmsgs ${email}`);
  await w.until(/^CVR 2 /);
  w.send(`USR 3 SSO I ${email}`);
  const gcf = await w.next();
  const usr = await w.next();
  return { w, nonce: usr.params[4] ?? '', lines: [gcf.text, usr.text] };
}

describe('RST.srf', () => {
  it('issues one token per requested service, the BinarySecret only for messengerclear', async () => {
    const res = await httpsPost(
      `${server.soapBase}${SOAP_PATHS.rst}`,
      server.ca,
      rstRequest('alice@example.com', 'alice-pass-1'),
    );
    expect(res.status).toBe(200);
    const responses = descendants(res.xml, 'RequestSecurityTokenResponse');
    expect(responses.map((r) => descendants(r, 'Address')[0]?.text)).toEqual([
      'http://Passport.NET/tb',
      'messengerclear.live.com',
      'messenger.msn.com',
      'contacts.msn.com',
      'messengersecure.live.com',
      'storage.msn.com',
    ]);
    expect(textAt(responses[0], 'TokenType')).toBe('urn:passport:legacy');
    const secrets = responses.map((r) => descendants(r, 'BinarySecret')[0]?.text);
    expect(secrets.filter(Boolean)).toHaveLength(1);
    expect(Buffer.from(secrets[1] ?? '', 'base64')).toHaveLength(24);
    const tickets = responses.slice(1).map((r) => descendants(r, 'BinarySecurityToken')[0]?.text ?? '');
    for (const t of tickets) expect(t).toMatch(/^t=[\w-]+&p=[\w-]*$/);
    expect(new Set(tickets).size).toBe(tickets.length);
    const life = descendants(responses[1], 'LifeTime')[0];
    const span = Date.parse(textAt(life, 'Expires') ?? '') - Date.parse(textAt(life, 'Created') ?? '');
    expect(span).toBe(24 * 3600_000);
  });

  it.each([
    ['a wrong password', 'alice@example.com', 'wrong'],
    ['an unknown account', 'nobody@example.com', 'x'],
  ])('answers %s with FailedAuthentication', async (_what, email, password) => {
    const res = await httpsPost(`${server.soapBase}${SOAP_PATHS.rst}`, server.ca, rstRequest(email, password));
    expect(res.status).toBe(200);
    const fault = descendants(res.xml, 'Fault')[0];
    expect(textAt(fault, 'faultcode')).toBe('wsse:FailedAuthentication');
    expect(descendants(res.xml, 'reqstatus')[0]?.text).toBe('0x80048823');
    expect(descendants(res.xml, 'BinarySecurityToken')).toEqual([]);
  });

  it('escapes and unescapes credentials with XML special characters', async () => {
    const tokens = await requestTokens(server, 'carol@example.com', passwordOf('carol@example.com'));
    expect(tokens.get('contacts.msn.com')?.ticket).toMatch(/^t=/);
  });
});

describe('USR SSO', () => {
  it('pushes GCF 0, then the MBI_KEY_OLD nonce', async () => {
    const { lines, nonce } = await challenged('alice@example.com', 15);
    expect(lines[0]).toMatch(/^GCF 0 \d+$/);
    expect(lines[1]).toMatch(/^USR 3 SSO S MBI_KEY_OLD \S+$/);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{64}$/);
  });

  it.each([15, 16, 17, 18])('signs in at MSNP%i with the ticket and the MBI answer', async (dialect) => {
    const tokens = await requestTokens(server, 'alice@example.com');
    const clear = tokens.get('messengerclear.live.com');
    const { w, nonce } = await challenged('alice@example.com', dialect);
    const answer = mbiAnswer(Buffer.from(clear?.secret ?? '', 'base64'), nonce, randomBytes(8));
    const guid = dialect >= 16 ? ' {7C3A1F21-4B1E-4C58-9D4D-2A5A8E3C0B11}' : '';
    w.send(`USR 4 SSO S ${clear?.ticket ?? ''} ${answer}${guid}`);
    expect(await w.line()).toBe('USR 4 OK alice@example.com 1 0');
    expect(await w.line()).toBe('SBS 0 null');
    const profile = await w.next();
    expect(profile.text).toMatch(/^MSG Hotmail Hotmail \d+$/);
    expect(parseMime(profile.payload ?? Buffer.alloc(0)).headers.get('mpopenabled')).toBe(dialect >= 16 ? '1' : '0');
    if (dialect === 18) expect(await w.line()).toBe('UBX 1:alice@example.com 0');
    else if (dialect >= 16) expect(await w.line()).toBe('UBX alice@example.com 1 0');
    else await w.quiet();
    // The contacts.msn.com token now opens the address book.
    const ab = await abCall(server, 'addressBook', 'ABFindAll', findAll, tokens.get('contacts.msn.com')?.ticket ?? '');
    expect(ab.status).toBe(200);
  });

  it('refuses the address book before USR OK', async () => {
    const tokens = await requestTokens(server, 'alice@example.com');
    const ab = await abCall(server, 'addressBook', 'ABFindAll', findAll, tokens.get('contacts.msn.com')?.ticket ?? '');
    expect(ab.status).toBe(403);
  });

  async function refused(dialect: number, usr: Usr) {
    const tokens = await requestTokens(server, 'alice@example.com');
    const { w, nonce } = await challenged('alice@example.com', dialect);
    w.send(usr(tokens, nonce));
    return (await w.closed()).map((f) => f.text);
  }
  const secretOf = (t: Tokens) => Buffer.from(t.get('messengerclear.live.com')?.secret ?? '', 'base64');
  const clearOf = (t: Tokens) => t.get('messengerclear.live.com')?.ticket ?? '';
  const wrong: Array<[string, number, Usr]> = [
    ['a wrong secret', 15, (t, n) => `USR 4 SSO S ${clearOf(t)} ${mbiAnswer(randomBytes(24), n, randomBytes(8))}`],
    [
      'the nonce of another connection',
      15,
      (t) => `USR 4 SSO S ${clearOf(t)} ${mbiAnswer(secretOf(t), 'x'.repeat(64), randomBytes(8))}`,
    ],
    ['no MBI answer', 15, (t) => `USR 4 SSO S ${clearOf(t)}`],
    [
      'a contacts token',
      15,
      (t, n) => `USR 4 SSO S ${t.get('contacts.msn.com')?.ticket ?? ''} ${mbiAnswer(secretOf(t), n, randomBytes(8))}`,
    ],
    ['a bogus ticket', 15, (t, n) => `USR 4 SSO S t=bogus&p= ${mbiAnswer(secretOf(t), n, randomBytes(8))}`],
    [
      'no machine GUID at MSNP16',
      16,
      (t, n) => `USR 4 SSO S ${clearOf(t)} ${mbiAnswer(secretOf(t), n, randomBytes(8))}`,
    ],
    [
      'a malformed GUID',
      18,
      (t, n) => `USR 4 SSO S ${clearOf(t)} ${mbiAnswer(secretOf(t), n, randomBytes(8))} {not-a-guid}`,
    ],
  ];

  it.each(wrong)('answers %s with 911 and hangs up', async (_what, dialect, usr) => {
    expect(await refused(dialect, usr)).toEqual(['911 4']);
  });

  it('refuses the ticket of another account', async () => {
    const bobs = await requestTokens(server, 'bob@example.com');
    const { w, nonce } = await challenged('alice@example.com', 15);
    w.send(`USR 4 SSO S ${clearOf(bobs)} ${mbiAnswer(secretOf(bobs), nonce, randomBytes(8))}`);
    expect((await w.closed()).map((f) => f.text)).toEqual(['911 4']);
  });

  it('refuses an expired ticket', async () => {
    const tokens = await requestTokens(server, 'alice@example.com');
    server.expireTokens('alice@example.com');
    const { w, nonce } = await challenged('alice@example.com', 15);
    w.send(`USR 4 SSO S ${clearOf(tokens)} ${mbiAnswer(secretOf(tokens), nonce, randomBytes(8))}`);
    expect((await w.closed()).map((f) => f.text)).toEqual(['911 4']);
  });

  it('refers USR SSO I from the dispatch server to the notification server', async () => {
    const w = await Wire.connect(server.dispatch);
    open.push(w);
    w.send('VER 1 MSNP18 CVR0');
    await w.until('VER 1 MSNP18');
    w.send('CVR 2 0x0409 winnt 6.1.0 i386 MSNMSGR 14.0.8117.0416 msmsgs alice@example.com');
    await w.until(/^CVR 2 /);
    w.send('USR 3 SSO I alice@example.com');
    expect((await w.closed()).map((f) => f.text)).toEqual([`XFR 3 NS ${server.notification} 0 ${server.dispatch}`]);
  });

  it('closes on the wrong method for the dialect', async () => {
    const w = await Wire.connect(server.notification);
    open.push(w);
    w.send('VER 1 MSNP15 CVR0');
    await w.until('VER 1 MSNP15');
    w.send('USR 2 TWN I alice@example.com');
    expect(await w.closed()).toEqual([]);
    const old = await Wire.connect(server.notification);
    open.push(old);
    old.send('VER 1 MSNP14 CVR0');
    await old.until('VER 1 MSNP14');
    old.send('USR 2 SSO I alice@example.com');
    expect(await old.closed()).toEqual([]);
  });

  it('renews expired SOAP tokens with a new RST without signing out', async () => {
    const { w, ticket } = await signInSso(server, 'alice@example.com', 18);
    open.push(w);
    server.expireTokens('alice@example.com');
    const stale = await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket);
    expect(stale.status).toBe(500);
    expect(descendants(stale.xml, 'errorcode')[0]?.text).toBe('TokenExpired');
    const fresh = await requestTokens(server, 'alice@example.com');
    const ab = await abCall(server, 'addressBook', 'ABFindAll', findAll, fresh.get('contacts.msn.com')?.ticket ?? '');
    expect(ab.status).toBe(200);
    expect(w.isClosed).toBe(false);
  });

  it('honours a configured token lifetime', async () => {
    await server.close();
    server = await startTestServer({ tokenLifetimeMs: 60_000 });
    const tokens = await requestTokens(server, 'alice@example.com');
    const clear = tokens.get('messengerclear.live.com');
    const left = Date.parse(clear?.expires ?? '') - Date.now();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(60_000);
  });
});

describe('MSNP13/14 tickets', () => {
  it('are still Passport 1.4 tickets, single use at USR but good for SOAP for the session', async () => {
    const w = await Wire.connect(server.notification);
    open.push(w);
    w.send('VER 1 MSNP14 CVR0');
    await w.until('VER 1 MSNP14');
    w.send('CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 8.1.0178 msmsgs alice@example.com');
    await w.until(/^CVR 2 /);
    w.send('USR 3 TWN I alice@example.com');
    expect((await w.next()).text).toMatch(/^GCF 0 \d+$/);
    const params = (await w.until(/^USR 3 TWN S /)).params[3] ?? '';
    const ticket = await passportTicket(server, 'alice@example.com', passwordOf('alice@example.com'), params);
    w.send(`USR 4 TWN S ${ticket}`);
    await w.until('USR 4 OK alice@example.com 1 0');
    expect((await abCall(server, 'sharing', 'FindMembership', '', ticket)).status).toBe(200);
  });
});
