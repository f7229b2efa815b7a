// The sign-in state machine against scripted servers playing the transcripts of the protocol
// notes (LOGIN.md §8): a dispatch hop, MD5 and Passport authentication, and the failure paths.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, type LoginOptions, type LoginResult, type LoginStep } from '../../../src/main/msnp/login';
import { DaLoginCache } from '../../../src/main/msnp/passport';
import { TokenStore } from '../../../src/main/msnp/soap/rst';
import { ScriptedServer } from './scripted-peer';
import { PassportStub } from './passport-stub';
import { failure } from '../../support/msnp-failure';

describe('login', () => {
  let dispatch: ScriptedServer;
  let ns: ScriptedServer;
  let passport: PassportStub;
  let steps: LoginStep[];
  let session: LoginResult | undefined;

  const options = (extra: Partial<LoginOptions> = {}): LoginOptions => ({
    host: '127.0.0.1',
    port: dispatch.port,
    email: 'alice@example.com',
    password: 'password',
    dialects: [7, 6, 5, 4],
    nexusUrl: passport.nexusUrl,
    allowInsecurePassport: true,
    daLoginCache: new DaLoginCache(),
    requestTimeoutMs: 2000,
    onStep: (step) => steps.push(step),
    ...extra,
  });

  beforeEach(async () => {
    [dispatch, ns, passport] = await Promise.all([
      ScriptedServer.start(),
      ScriptedServer.start(),
      PassportStub.start(),
    ]);
    steps = [];
    session = undefined;
  });
  afterEach(async () => {
    session?.connection.destroy();
    await Promise.all([dispatch.close(), ns.close(), passport.close()]);
  });

  it('MSNP7: follows XFR NS from the dispatch server and signs in with MD5', async () => {
    const result = login(options());
    const ds = await dispatch.accept();
    const ver = await ds.answer('VER', 'MSNP7');
    expect(ver.params.slice(1)).toEqual(['MSNP7', 'MSNP6', 'MSNP5', 'MSNP4', 'CVR0']);
    await ds.answer('INF', 'MD5');
    const usrI = await ds.expect('USR');
    expect(usrI.params.slice(1)).toEqual(['MD5', 'I', 'alice@example.com']);
    ds.send(`XFR ${usrI.params[0]} NS ${ns.address} 0 ${dispatch.address}\r\n`);
    await ds.closed();

    const peer = await ns.accept();
    await peer.answer('VER', 'MSNP7');
    await peer.answer('INF', 'MD5');
    await peer.answer('USR', 'MD5 S 1013928519.693957190');
    const usrS = await peer.expect('USR');
    expect(usrS.params.slice(1)).toEqual(['MD5', 'S', '7f919fab309532df353c901430df36fa']);
    peer.send(`USR ${usrS.params[0]} OK alice@example.com Alice%20Smith 1\r\n`);
    session = await result;
    expect(session).toMatchObject({ dialect: 7, email: 'alice@example.com', displayName: 'Alice Smith' });
    expect(session.connection.isOpen).toBe(true);
    expect(steps).toEqual([
      'connect',
      'ver',
      'inf',
      'usr-initial',
      'connect',
      'ver',
      'inf',
      'usr-initial',
      'usr-subsequent',
    ]);
  });

  it('MSNP8: CVR, USR TWN and the Passport ticket, through a dispatch hop', async () => {
    passport.issue('t=53*1hAu8ADuD3&p=5eKBBC!yBH6ex5');
    const result = login(options({ dialects: [8] }));
    const ds = await dispatch.accept();
    await ds.answer('VER', 'MSNP8');
    const cvr = await ds.answer('CVR', '5.0.0540 5.0.0540 1.0.0863 http://x http://y');
    expect(cvr.params.slice(1)).toEqual([
      '0x0409',
      'winnt',
      '5.1',
      'i386',
      'MSNMSGR',
      '5.0.0540',
      'MSMSGS',
      'alice@example.com',
    ]);
    const usrI = await ds.expect('USR');
    ds.send(`XFR ${usrI.params[0]} NS ${ns.address} 0 ${dispatch.address}\r\n`);

    const peer = await ns.accept();
    await peer.answer('VER', 'MSNP8');
    await peer.answer('CVR', '5.0.0540 5.0.0540 1.0.0863 http://x http://y');
    const twnI = await peer.answer('USR', 'TWN S lc=1033,id=507,tw=40,fs=1,ct=1062764229,kpp=1,kv=5');
    expect(twnI.params.slice(1)).toEqual(['TWN', 'I', 'alice@example.com']);
    const twnS = await peer.expect('USR');
    expect(twnS.params.slice(1)).toEqual(['TWN', 'S', 't=53*1hAu8ADuD3&p=5eKBBC!yBH6ex5']);
    expect(passport.requests.at(-1)?.authorization).toBe(
      'Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=alice%40example.com,pwd=password,lc=1033,id=507,tw=40,fs=1,ct=1062764229,kpp=1,kv=5',
    );
    peer.send(`USR ${twnS.params[0]} OK alice@example.com Alice%20Smith 1 0\r\n`);
    session = await result;
    expect(session).toMatchObject({ dialect: 8, displayName: 'Alice Smith' });
    expect(steps.slice(-4)).toEqual(['cvr', 'usr-initial', 'passport', 'usr-subsequent']);
  });

  it('MSNP11 against an Escargot-style server: no referral, no display name in USR OK', async () => {
    passport.issue('0f3a9c1e55b2d47a8e01');
    const authenticated: LoginResult[] = [];
    const result = login(options({ port: ns.port, dialects: [12, 11], onAuthenticated: (s) => authenticated.push(s) }));
    const peer = await ns.accept();
    const ver = await peer.answer('VER', 'MSNP11');
    expect(ver.params.slice(1)).toEqual(['MSNP12', 'MSNP11', 'CVR0']);
    const cvr = await peer.answer('CVR', '7.5.0324 7.5.0324 7.5.0324 https://e https://e');
    // Sent before the server chose: the version of the highest dialect offered, like the
    // official client that always reported its own version.
    expect(cvr.params[6]).toBe('7.5.0324');
    await peer.answer('USR', 'TWN S ct=1,rver=1,wp=FS_40SEC_0_COMPACT,lc=1,id=1');
    const twnS = await peer.expect('USR');
    expect(twnS.params[3]).toBe('0f3a9c1e55b2d47a8e01');
    // What follows USR OK arrives in the same chunk and must not be lost.
    peer.send(`USR ${twnS.params[0]} OK alice@example.com 1 0\r\nSBS 0 null\r\nMSG Hotmail Hotmail 4\r\nabcd`);
    session = await result;
    expect(session.dialect).toBe(11);
    expect(session.displayName).toBeUndefined();
    expect(authenticated).toHaveLength(1);
  });

  it('MSNP8+: sends VER, CVR and USR I together and asks the nexus while they travel', async () => {
    passport.issue('0f3a9c1e55b2d47a8e01');
    const nexusAsked = new Promise<void>((resolve) =>
      passport.route('/rdr/pprdr.asp', (_req, res) => {
        resolve();
        res.writeHead(200, { PassportURLs: `DALogin=${passport.origin}/login2.srf` }).end();
      }),
    );
    const result = login(options({ port: ns.port, dialects: [12, 11] }));
    const peer = await ns.accept();
    const sent = [await peer.read(), await peer.read(), await peer.read()];
    expect(sent.map((f) => f.name)).toEqual(['VER', 'CVR', 'USR']);
    await nexusAsked;
    const [ver, cvr, usr] = sent.map((f) => f.params[0] ?? '');
    peer.send(
      `VER ${ver} MSNP12\r\nCVR ${cvr} 7.5.0324 7.5.0324 7.5.0324 https://e https://e\r\n` +
        `USR ${usr} TWN S ct=1,rver=1,wp=FS_40SEC_0_COMPACT,lc=1,id=1\r\n`,
    );
    const twnS = await peer.expect('USR');
    expect(twnS.params.slice(1)).toEqual(['TWN', 'S', '0f3a9c1e55b2d47a8e01']);
    peer.send(`USR ${twnS.params[0]} OK alice@example.com 1 0\r\n`);
    session = await result;
    expect(session.dialect).toBe(12);
    expect(passport.hits('/rdr/pprdr.asp')).toBe(1);
    expect(steps).toEqual(['connect', 'ver', 'cvr', 'usr-initial', 'passport', 'usr-subsequent']);
  });

  it('offering SSO and TWN dialects: VER alone, then CVR and USR I for the dialect picked; a wasted RST is harmless', async () => {
    passport.issue('0f3a9c1e55b2d47a8e01');
    const asked = (path: string, status: number): Promise<void> =>
      new Promise((resolve) =>
        passport.route(path, (_req, res) => {
          resolve();
          if (status === 200) res.writeHead(200, { PassportURLs: `DALogin=${passport.origin}/login2.srf` }).end();
          else res.writeHead(status).end();
        }),
      );
    // Both preparations start before any reply: the nexus for TWN, the login service for SSO
    // (which fails here, and is not needed once the server picks MSNP12).
    const nexusAsked = asked('/rdr/pprdr.asp', 200);
    const rstAsked = asked('/RST.srf', 500);
    const tokens = new TokenStore();
    const result = login(
      options({
        port: ns.port,
        dialects: [18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8],
        sso: { rstUrl: `${passport.origin}/RST.srf`, tokens, machineGuid: '{7C3A1F21-4B1E-4C58-9D4D-2A5A8E3C0B11}' },
      }),
    );
    const peer = await ns.accept();
    const ver = await peer.expect('VER');
    expect(ver.params.slice(1)).toEqual([...[18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8].map((d) => `MSNP${d}`), 'CVR0']);
    await Promise.all([nexusAsked, rstAsked]);
    // By now the client would have written anything pipelined with VER.
    expect(peer.unread).toBe(0);
    peer.send(`VER ${ver.params[0] ?? ''} MSNP12\r\n`);
    const cvr = await peer.expect('CVR');
    const usr = await peer.expect('USR');
    expect(cvr.params[6]).toBe('7.5.0324');
    expect(usr.params.slice(1)).toEqual(['TWN', 'I', 'alice@example.com']);
    peer.send(
      `CVR ${cvr.params[0] ?? ''} 7.5.0324 7.5.0324 7.5.0324 https://e https://e\r\n` +
        `USR ${usr.params[0] ?? ''} TWN S ct=1,rver=1,wp=FS_40SEC_0_COMPACT,lc=1,id=1\r\n`,
    );
    const twnS = await peer.expect('USR');
    expect(twnS.params.slice(1)).toEqual(['TWN', 'S', '0f3a9c1e55b2d47a8e01']);
    peer.send(`USR ${twnS.params[0]} OK alice@example.com 1 0\r\n`);
    session = await result;
    expect(session.dialect).toBe(12);
    expect(passport.hits('/rdr/pprdr.asp')).toBe(1);
    expect(passport.hits('/RST.srf')).toBe(1);
    expect(tokens.get('messenger')).toBeUndefined();
    expect(steps).toEqual(['connect', 'ver', 'cvr', 'usr-initial', 'passport', 'usr-subsequent']);
  });

  it('offering SSO and TWN dialects: USR SSO I once the server picks MSNP18', async () => {
    const result = login(
      options({
        port: ns.port,
        dialects: [18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8],
        sso: { rstUrl: `${passport.origin}/RST.srf`, tokens: new TokenStore() },
      }),
    );
    const failed = failure(result);
    const peer = await ns.accept();
    await peer.answer('VER', 'MSNP18');
    const cvr = await peer.expect('CVR');
    expect(cvr.params[6]).toBe('14.0.8117.0416');
    expect((await peer.expect('USR')).params.slice(1)).toEqual(['SSO', 'I', 'alice@example.com']);
    peer.hangUp();
    expect((await failed).kind).toBe('network');
  });

  it('asks the nexus again when the early lookup failed', async () => {
    passport.issue('0f3a9c1e55b2d47a8e01');
    let nexusHits = 0;
    passport.route('/rdr/pprdr.asp', (_req, res) => {
      nexusHits++;
      if (nexusHits === 1) res.writeHead(503).end();
      else res.writeHead(200, { PassportURLs: `DALogin=${passport.origin}/login2.srf` }).end();
    });
    const result = login(options({ port: ns.port, dialects: [12] }));
    const peer = await ns.accept();
    await peer.answer('VER', 'MSNP12');
    await peer.answer('CVR', '7.5.0324 7.5.0324 7.5.0324 https://e https://e');
    await peer.answer('USR', 'TWN S ct=1,rver=1,wp=FS_40SEC_0_COMPACT,lc=1,id=1');
    const twnS = await peer.expect('USR');
    peer.send(`USR ${twnS.params[0]} OK alice@example.com 1 0\r\n`);
    session = await result;
    expect(nexusHits).toBe(2);
  });

  it('without pipelining waits for each reply, and CVR names the version of the dialect chosen', async () => {
    passport.issue('0f3a9c1e55b2d47a8e01');
    const result = login(options({ port: ns.port, dialects: [12, 11], pipelining: false }));
    const peer = await ns.accept();
    await peer.answer('VER', 'MSNP11');
    const cvr = await peer.answer('CVR', '7.0.0816 7.0.0816 7.0.0816 https://e https://e');
    expect(cvr.params[6]).toBe('7.0.0816');
    await peer.answer('USR', 'TWN S ct=1,rver=1,wp=FS_40SEC_0_COMPACT,lc=1,id=1');
    const twnS = await peer.expect('USR');
    peer.send(`USR ${twnS.params[0]} OK alice@example.com 1 0\r\n`);
    session = await result;
    expect(session.dialect).toBe(11);
  });

  it('takes the first offered dialect when an old server echoes several', async () => {
    const result = login(options({ port: ns.port, dialects: [6, 5] }));
    const peer = await ns.accept();
    await peer.answer('VER', 'MSNP5 MSNP6 CVR0');
    const inf = await peer.expect('INF');
    peer.send(`INF ${inf.params[0]} MD5\r\n`);
    const usr = await peer.answer('USR', 'MD5 S salt');
    expect(usr.params[1]).toBe('MD5');
    const usrS = await peer.expect('USR');
    peer.send(`USR ${usrS.params[0]} OK alice@example.com Alice 1\r\n`);
    session = await result;
    expect(session.dialect).toBe(5);
  });

  it('fails when the server supports none of the offered dialects (VER 0)', async () => {
    const result = login(options({ port: ns.port, dialects: [12] }));
    const peer = await ns.accept();
    await peer.answer('VER', '0');
    peer.hangUp();
    const err = await failure(result);
    expect(err).toMatchObject({ kind: 'protocol', command: 'VER' });
  });

  it('reports a refused MD5 password as an authentication error (911)', async () => {
    const result = login(options({ port: ns.port }));
    const peer = await ns.accept();
    await peer.answer('VER', 'MSNP7');
    await peer.answer('INF', 'MD5');
    await peer.answer('USR', 'MD5 S 1013928519.693957190');
    const usrS = await peer.expect('USR');
    peer.send(`911 ${usrS.params[0]}\r\n`);
    peer.hangUp();
    expect(await failure(result)).toMatchObject({ kind: 'auth', code: 911, fatal: true });
    await peer.closed();
  });

  it('stops after too many referrals', async () => {
    const result = login(options({ maxReferrals: 1 }));
    for (let hop = 0; hop < 2; hop++) {
      const ds = await dispatch.accept();
      await ds.answer('VER', 'MSNP7');
      await ds.answer('INF', 'MD5');
      const usr = await ds.expect('USR');
      ds.send(`XFR ${usr.params[0]} NS ${dispatch.address} 0\r\n`);
    }
    expect((await failure(result)).message).toMatch(/referred/);
  });

  it('rejects replies it cannot use', async () => {
    const result = login(options({ port: ns.port }));
    const peer = await ns.accept();
    await peer.answer('VER', 'MSNP7');
    await peer.answer('INF', 'MD5');
    await peer.answer('USR', 'TWN S nonsense');
    expect((await failure(result)).kind).toBe('protocol');
    await peer.closed();
  });

  it('times out instead of hanging when the server never answers', async () => {
    const result = login(options({ port: ns.port, requestTimeoutMs: 200 }));
    const peer = await ns.accept();
    await peer.expect('VER');
    expect(await failure(result)).toMatchObject({ kind: 'timeout', command: 'VER' });
    await peer.closed();
  });

  it('can be cancelled', async () => {
    const abort = new AbortController();
    const result = login(options({ port: ns.port, signal: abort.signal }));
    const peer = await ns.accept();
    await peer.expect('VER');
    abort.abort();
    expect((await failure(result)).kind).toBe('state');
    await peer.closed();
  });
});
