import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseMime } from './codec';
import type { RunningServer } from './index';
import { profileMessage } from './notification';
import { authorization, httpsGet, md5Hex, passportTicket, signInTwn, startTestServer, Wire } from './wire';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(() => vi.useRealTimers());

const twnParams = (usrS: string) => usrS.split(' ')[4] ?? '';

describe('dispatch server', () => {
  it.each([
    [2, 'MD5', false],
    [6, 'MD5', false],
    [7, 'MD5', true],
    [8, 'TWN', true],
    [9, 'TWN', true],
    [11, 'TWN', true],
    [12, 'TWN', true],
  ])('refers MSNP%i USR %s I to the notification server', async (dialect, method, withSelf) => {
    const w = await Wire.connect(server.dispatch);
    w.send(`VER 1 MSNP${dialect} CVR0`);
    expect(await w.line()).toBe(`VER 1 MSNP${dialect}`);
    if (method === 'MD5') {
      w.send('INF 2');
      expect(await w.line()).toBe('INF 2 MD5');
    } else {
      w.send('CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS alice@example.com');
      expect(await w.line()).toBe('CVR 2 6.0.0602 6.0.0602 6.0.0602 http://127.0.0.1/download http://127.0.0.1/');
    }
    w.send(`USR 3 ${method} I alice@example.com`);
    const expected = `XFR 3 NS ${server.notification} 0${withSelf ? ` ${server.dispatch}` : ''}`;
    expect(await w.closed()).toEqual([expect.objectContaining({ text: expected })]);
  });

  it('hangs up on the wrong authentication method for the dialect', async () => {
    const w = await Wire.connect(server.dispatch);
    w.send('VER 1 MSNP8 CVR0');
    await w.line();
    w.send('USR 2 MD5 I alice@example.com');
    expect(await w.closed()).toEqual([]);
  });
});

describe('version negotiation', () => {
  it('picks the highest common dialect', async () => {
    const w = await Wire.connect(server.notification);
    w.send('VER 1 MSNP19 MSNP12 MSNP11 MSNP10 MSNP9 MSNP8 CVR0');
    expect(await w.line()).toBe('VER 1 MSNP12');
    w.close();
    const old = await Wire.connect(server.notification);
    old.send('VER 7 MSNP21 MSNP5 MSNP3 CVR0');
    expect(await old.line()).toBe('VER 7 MSNP5');
    const modern = await Wire.connect(server.notification);
    modern.send('VER 2 MSNP18 MSNP17 MSNP16 MSNP15 CVR0');
    expect(await modern.line()).toBe('VER 2 MSNP18');
    modern.close();
    old.close();
  });

  it('answers VER trid 0 and hangs up when there is no common dialect', async () => {
    const w = await Wire.connect(server.notification);
    w.send('VER 1 MSNP99 MSNP1 CVR0');
    expect((await w.closed()).map((f) => f.text)).toEqual(['VER 1 0']);
  });

  it('rejects a second VER with 715', async () => {
    const w = await Wire.connect(server.notification);
    w.send('VER 1 MSNP8 CVR0');
    await w.line();
    w.send('VER 2 MSNP8 CVR0');
    expect((await w.closed()).map((f) => f.text)).toEqual(['715 2']);
  });

  it('hangs up on a VER without TrID and on commands before VER', async () => {
    const a = await Wire.connect(server.notification);
    a.send('VER MSNP8 CVR0');
    expect(await a.closed()).toEqual([]);
    const b = await Wire.connect(server.notification);
    b.send('USR 1 TWN I alice@example.com');
    expect(await b.closed()).toEqual([]);
  });

  it('closes the connection on INF in MSNP8+', async () => {
    const w = await Wire.connect(server.notification);
    w.send('VER 1 MSNP8 CVR0');
    await w.line();
    w.send('INF 2');
    expect(await w.closed()).toEqual([]);
  });
});

describe('MD5 sign-in (MSNP2–7)', () => {
  it('signs in through the dispatch server like the MSNP7 transcript', async () => {
    const ds = await Wire.connect(server.dispatch);
    ds.send('VER 1 MSNP7 MSNP6 MSNP5 MSNP4 CVR0');
    ds.send('INF 2');
    ds.send('USR 3 MD5 I alice@example.com');
    const [ver, inf, xfr] = (await ds.closed()).map((f) => f.text);
    expect([ver, inf]).toEqual(['VER 1 MSNP7', 'INF 2 MD5']);
    const nsAddress = xfr?.split(' ')[3] ?? '';
    expect(nsAddress).toBe(server.notification);

    const w = await Wire.connect(nsAddress);
    w.send('VER 4 MSNP7 MSNP6 MSNP5 MSNP4 CVR0');
    expect(await w.line()).toBe('VER 4 MSNP7');
    w.send('INF 5');
    expect(await w.line()).toBe('INF 5 MD5');
    w.send('USR 6 MD5 I alice@example.com');
    const usrS = await w.next();
    expect(usrS.text).toMatch(/^USR 6 MD5 S \S+$/);
    const salt = usrS.params[3] ?? '';
    w.send(`USR 7 MD5 S ${md5Hex(`${salt}alice-pass-1`)}`);
    expect(await w.line()).toBe('USR 7 OK alice@example.com Alice%20Smith 1');
    const profile = await w.next();
    expect(profile.text).toMatch(/^MSG Hotmail Hotmail \d+$/);
    const mime = parseMime(profile.payload ?? Buffer.alloc(0));
    expect(mime.headers.get('content-type')).toBe('text/x-msmsgsprofile; charset=UTF-8');
    expect(mime.headers.get('preferredemail')).toBe('alice@example.com');
    expect(mime.headers.has('clientip')).toBe(false);
    w.close();
  });

  it('uses the MSNP2–5 USR OK form without the verified flag', async () => {
    const w = await Wire.connect(server.notification);
    w.send('VER 1 MSNP5 CVR0');
    await w.line();
    w.send('USR 2 MD5 I bob@example.com');
    const salt = (await w.next()).params[3] ?? '';
    w.send(`USR 3 MD5 S ${md5Hex(`${salt}bob-pass-1`)}`);
    expect(await w.line()).toBe('USR 3 OK bob@example.com Bob');
    w.close();
  });

  it('answers 911 and hangs up on a wrong password', async () => {
    const w = await Wire.connect(server.notification);
    w.send('VER 1 MSNP7 CVR0');
    await w.line();
    w.send('USR 2 MD5 I alice@example.com');
    const salt = (await w.next()).params[3] ?? '';
    w.send(`USR 3 MD5 S ${md5Hex(`${salt}wrong`)}`);
    expect((await w.closed()).map((f) => f.text)).toEqual(['911 3']);
  });

  it('gives unknown accounts a salt too, then 911', async () => {
    const w = await Wire.connect(server.notification);
    w.send('VER 1 MSNP7 CVR0');
    await w.line();
    w.send('USR 2 MD5 I nobody@example.com');
    expect(await w.line()).toMatch(/^USR 2 MD5 S \S+$/);
    w.send(`USR 3 MD5 S ${md5Hex('x')}`);
    expect((await w.closed()).map((f) => f.text)).toEqual(['911 3']);
  });

  it('answers 911 to an address without @', async () => {
    const w = await Wire.connect(server.notification);
    w.send('VER 1 MSNP7 CVR0');
    await w.line();
    w.send('USR 2 MD5 I alice');
    expect((await w.closed()).map((f) => f.text)).toEqual(['911 2']);
  });

  it('builds the profile message byte for byte like the transcripts', () => {
    const base = { email: 'alice@example.com', memberId: 2, loginTime: 1700000000 };
    const msnp7 = profileMessage({
      ...base,
      dialect: 7,
      mspAuth: '2AAAAAAAAAAAAAAAAAAAAAA$$',
      clientIp: '',
      clientPort: 0,
    });
    expect(msnp7.length).toBe(354);
    const t = '53*1hAu8ADuD3TEwdXoOMi08sD*2!cMrntTwVMTjoB3p6stWTqzbkKZPVQzA5NOt19SLI60PY!b8K4YhC!Ooo5ug$$';
    const msnp8 = profileMessage({ ...base, dialect: 8, mspAuth: t, clientIp: '203.0.113.7', clientPort: 50123 });
    expect(msnp8.length).toBe(461);
    expect(msnp8.toString()).toContain('PostalCode: \r\n');
    expect(msnp8.toString().endsWith('ClientPort: 50123\r\n\r\n')).toBe(true);
  });
});

describe('Passport 1.4 (TWN, MSNP8–12)', () => {
  it('serves PassportURLs with a scheme-less DALogin', async () => {
    const res = await httpsGet(server.nexus, server.ca);
    expect(res.status).toBe(200);
    const host = new URL(server.nexus).host;
    expect(res.headers['passporturls']).toContain(`DALogin=${host}/login2.srf`);
    expect(res.headers['passporturls']).toMatch(/^DARealm=Passport\.Net,/);
  });

  it.each([
    [8, 'USR 7 OK alice@example.com Alice%20Smith 1 0'],
    [9, 'USR 7 OK alice@example.com Alice%20Smith 1 0'],
    [11, 'USR 7 OK alice@example.com 1 0'],
    [12, 'USR 7 OK alice@example.com 1 0'],
  ])('signs in with MSNP%i through the dispatch server', async (dialect, ok) => {
    const ds = await Wire.connect(server.dispatch);
    ds.send(`VER 1 MSNP${dialect} CVR0`);
    ds.send('CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.0.0816 msmsgs alice@example.com');
    ds.send('USR 3 TWN I alice@example.com');
    const xfr = (await ds.closed()).at(-1)?.text ?? '';
    expect(xfr).toBe(`XFR 3 NS ${server.notification} 0 ${server.dispatch}`);

    const w = await Wire.connect(server.notification);
    w.send(`VER 4 MSNP${dialect} CVR0`);
    expect(await w.line()).toBe(`VER 4 MSNP${dialect}`);
    w.send('CVR 5 0x0409 winnt 5.1 i386 MSNMSGR 7.0.0816 msmsgs alice@example.com');
    await w.line();
    w.send('USR 6 TWN I alice@example.com');
    const usrS = await w.line();
    expect(usrS).toMatch(/^USR 6 TWN S lc=1033,id=507,\S*ct=\d+,\S*tpf=[0-9a-f]{32}$/);
    const ticket = await passportTicket(server, 'alice@example.com', 'alice-pass-1', twnParams(usrS));
    expect(ticket).toMatch(/^t=[\w-]+&p=[\w-]+$/);
    w.send(`USR 7 TWN S ${ticket}`);
    expect(await w.line()).toBe(ok);
    if (dialect >= 11) expect(await w.line()).toBe('SBS 0 null');
    const profile = await w.next();
    const mime = parseMime(profile.payload ?? Buffer.alloc(0));
    expect(mime.headers.get('clientip')).toBe('127.0.0.1');
    expect(Number(mime.headers.get('clientport'))).toBe(w.socket.localPort);
    expect(mime.headers.get('mspauth')).toBe(/^t=([^&]*)/.exec(ticket)?.[1]);
    expect(mime.headers.get('abchmigrated')).toBe(dialect >= 11 ? '1' : undefined);
    w.close();
  });

  it('answers 401 with da-status=failed to a wrong password or no credentials', async () => {
    const nexus = await httpsGet(server.nexus, server.ca);
    const login = `https://${/DALogin=([^,]+)/.exec(String(nexus.headers['passporturls']))?.[1] ?? ''}`;
    const wrong = await httpsGet(login, server.ca, {
      Authorization: authorization('alice@example.com', 'nope', 'lc=1033'),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Passport1\.4 da-status=failed,/);
    expect(wrong.headers['authentication-info']).toBeUndefined();
    const unknown = await httpsGet(login, server.ca, { Authorization: authorization('zed@example.com', 'x', '') });
    expect(unknown.status).toBe(401);
    expect((await httpsGet(login, server.ca)).status).toBe(401);
  });

  it('decodes passwords containing , = and % the way Escargot does', async () => {
    const good = await passportTicket(server, 'carol@example.com', 'p@ss,w=rd%20!', 'lc=1033');
    expect(good).toMatch(/^t=/);
    const login = server.nexus.replace('/rdr/pprdr.asp', '/login2.srf');
    const raw = 'Passport1.4 OrgVerb=GET,sign-in=carol%40example.com,pwd=p@ss,w=rd%20!,lc=1033';
    expect((await httpsGet(login, server.ca, { Authorization: raw })).status).toBe(401);
  });

  it('accepts a ticket only once, only for its account and only while fresh', async () => {
    const start = async (email: string) => {
      const w = await Wire.connect(server.notification);
      w.send('VER 1 MSNP8 CVR0');
      await w.line();
      w.send(`USR 2 TWN I ${email}`);
      await w.line();
      return w;
    };
    const ticket = await passportTicket(server, 'alice@example.com', 'alice-pass-1', '');
    const first = await start('alice@example.com');
    first.send(`USR 3 TWN S ${ticket}`);
    expect(await first.line()).toMatch(/^USR 3 OK /);
    first.close();
    const again = await start('alice@example.com');
    again.send(`USR 3 TWN S ${ticket}`);
    expect((await again.closed()).map((f) => f.text)).toEqual(['911 3']);

    const bobs = await passportTicket(server, 'bob@example.com', 'bob-pass-1', '');
    const thief = await start('alice@example.com');
    thief.send(`USR 3 TWN S ${bobs}`);
    expect((await thief.closed()).map((f) => f.text)).toEqual(['911 3']);

    const made = await start('alice@example.com');
    made.send('USR 3 TWN S t=madeup&p=madeup');
    expect((await made.closed()).map((f) => f.text)).toEqual(['911 3']);

    const stale = await passportTicket(server, 'alice@example.com', 'alice-pass-1', '');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    const late = await start('alice@example.com');
    late.send(`USR 3 TWN S ${stale}`);
    expect((await late.closed()).map((f) => f.text)).toEqual(['911 3']);
  });

  it('hangs up on USR MD5 in MSNP8+ and on USR TWN in MSNP7', async () => {
    for (const [dialect, method] of [
      [8, 'MD5'],
      [7, 'TWN'],
    ] as const) {
      const w = await Wire.connect(server.notification);
      w.send(`VER 1 MSNP${dialect} CVR0`);
      await w.line();
      w.send(`USR 2 ${method} I alice@example.com`);
      expect(await w.closed()).toEqual([]);
    }
  });
});

describe('Passport redirect mode', () => {
  let redirecting: RunningServer;
  beforeAll(async () => {
    redirecting = await startTestServer({ passportRedirect: true });
  });
  afterAll(() => redirecting.close());

  it('answers 302 with da-status=redir before the second login URL succeeds', async () => {
    const login = redirecting.nexus.replace('/rdr/pprdr.asp', '/login2.srf');
    const auth = { Authorization: authorization('bob@example.com', 'bob-pass-1', 'lc=1033') };
    const first = await httpsGet(login, redirecting.ca, auth);
    expect(first.status).toBe(302);
    expect(first.headers['authentication-info']).toBe('Passport1.4 da-status=redir');
    const location = String(first.headers['location']);
    expect(location).not.toBe(login);
    expect(location.startsWith(`https://${new URL(login).host}/`)).toBe(true);
    const second = await httpsGet(location, redirecting.ca, auth);
    expect(second.status).toBe(200);
    expect(second.headers['authentication-info']).toMatch(/^Passport1\.4 da-status=success,.*from-PP='t=[^']+'/);
    const wrong = await httpsGet(location, redirecting.ca, {
      Authorization: authorization('bob@example.com', 'x', ''),
    });
    expect(wrong.status).toBe(401);
  });

  it('lets a client that follows the redirect sign in', async () => {
    const w = await signInTwn(redirecting, 'bob@example.com', 11);
    w.send('PNG');
    expect(await w.line()).toBe('QNG 60');
    w.close();
  });
});

describe('sessions', () => {
  it('kicks the older session with OUT OTH when the account signs in again', async () => {
    const first = await signInTwn(server, 'erin@example.com', 11);
    const second = await signInTwn(server, 'erin@example.com', 12);
    expect((await first.closed()).map((f) => f.text)).toEqual(['OUT OTH']);
    second.send('PNG');
    expect(await second.line()).toBe('QNG 60');
    second.send('USR 9 TWN I erin@example.com');
    expect(await second.line()).toBe('207 9');
    second.close();
  });

  it('answers 302 to commands that need a signed-in user', async () => {
    const w = await Wire.connect(server.notification);
    w.send('VER 1 MSNP11 CVR0');
    await w.line();
    w.send('SYN 2 0 0');
    expect(await w.line()).toBe('302 2');
    w.send('PNG');
    expect(await w.closed()).toEqual([]);
  });

  it('answers 911 to USR S without USR I', async () => {
    const w = await Wire.connect(server.notification);
    w.send('VER 1 MSNP8 CVR0');
    await w.line();
    w.send('USR 2 TWN S t=x&p=y');
    expect((await w.closed()).map((f) => f.text)).toEqual(['911 2']);
  });

  it('answers OUT with OUT and hangs up, but ignores OUT with a TrID', async () => {
    const w = await signInTwn(server, 'erin@example.com', 9);
    w.send('OUT 5');
    w.send('PNG');
    expect(await w.line()).toBe('QNG 60');
    w.send('OUT');
    expect((await w.closed()).map((f) => f.text)).toEqual(['OUT']);
  });
});
