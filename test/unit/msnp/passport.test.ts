import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DaLoginCache,
  authorizationHeader,
  daLoginFrom,
  passportEncode,
  passportTicket,
  type PassportOptions,
} from '../../../src/main/msnp/passport';
import { PassportStub } from './passport-stub';
import { failure } from '../../support/msnp-failure';

const PARAMS = 'lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5';

describe('Passport helpers', () => {
  it('finds DALogin among other keys and adds https:// when it has no scheme', () => {
    expect(daLoginFrom('DARealm=Passport.Net,DALogin=login.passport.com/login2.srf,DAReg=x,ConfigVersion=15')).toBe(
      'https://login.passport.com/login2.srf',
    );
    expect(daLoginFrom('DALogin=https://m1.escargot.log1p.xyz/login')).toBe('https://m1.escargot.log1p.xyz/login');
    expect(daLoginFrom('dalogin=http://127.0.0.1:8080/login')).toBe('http://127.0.0.1:8080/login');
    expect(daLoginFrom('DARealm=Passport.Net')).toBeUndefined();
    expect(daLoginFrom('DALogin=')).toBeUndefined();
    expect(daLoginFrom(undefined)).toBeUndefined();
  });

  it('encodes account and password so commas, equals and quotes survive', () => {
    expect(passportEncode("p@ss,w=0rd%'!")).toBe('p%40ss%2Cw%3D0rd%25%27%21');
    expect(authorizationHeader('alice@example.com', 'p@ss,w0rd', PARAMS)).toBe(
      `Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=alice%40example.com,pwd=p%40ss%2Cw0rd,${PARAMS}`,
    );
  });
});

describe('passportTicket', () => {
  let stub: PassportStub;
  let cache: DaLoginCache;
  const options = (extra: Partial<PassportOptions> = {}): PassportOptions => ({
    nexusUrl: stub.nexusUrl,
    email: 'alice@example.com',
    password: 'secret, really',
    params: PARAMS,
    allowInsecure: true,
    cache,
    ...extra,
  });

  beforeEach(async () => {
    stub = await PassportStub.start();
    cache = new DaLoginCache();
  });
  afterEach(async () => {
    await stub.close();
  });

  it('asks the nexus once, then logs in with the Authorization header and returns the ticket', async () => {
    stub.issue('t=abc&p=def');
    await expect(passportTicket(options())).resolves.toBe('t=abc&p=def');
    await expect(passportTicket(options())).resolves.toBe('t=abc&p=def');
    expect(stub.hits('/rdr/pprdr.asp')).toBe(1);
    expect(stub.hits('/login2.srf')).toBe(2);
    expect(stub.requests.at(-1)?.authorization).toBe(
      authorizationHeader('alice@example.com', 'secret, really', PARAMS),
    );
  });

  it('asks the nexus again when the cached login address stopped working', async () => {
    stub.issue('0f3a9c1e55b2d47a8e01');
    cache.set(stub.nexusUrl, 'http://127.0.0.1:1/login2.srf');
    await expect(passportTicket(options())).resolves.toBe('0f3a9c1e55b2d47a8e01');
    expect(cache.get(stub.nexusUrl)).toBe(`${stub.origin}/login2.srf`);
  });

  it('follows redirects, relative ones included, up to the limit', async () => {
    stub.route('/login2.srf', (_req, res) => res.writeHead(302, { Location: '/elsewhere/login2.srf?lc=1033' }).end());
    stub.route('/elsewhere/login2.srf', (_req, res) =>
      res.writeHead(200, { 'Authentication-Info': "Passport1.4 da-status=success,from-PP='moved'" }).end(),
    );
    await expect(passportTicket(options())).resolves.toBe('moved');
    expect(stub.requests.at(-1)?.authorization).toContain('sign-in=alice%40example.com');

    stub.route('/loop', (_req, res) => res.writeHead(302, { Location: '/loop' }).end());
    stub.route('/login2.srf', (_req, res) => res.writeHead(302, { Location: '/loop' }).end());
    const err = await failure(passportTicket(options({ maxRedirects: 3, cache: new DaLoginCache() })));
    expect(err.kind).toBe('passport');
    expect(stub.hits('/loop')).toBe(3);
  });

  it('reports wrong credentials (401) with the server text, and does not drop the cache for it', async () => {
    stub.route('/login2.srf', (_req, res) =>
      res
        .writeHead(401, {
          'WWW-Authenticate':
            'Passport1.4 da-status=failed,srealm=Passport.NET,cbtxt=Type%20your%20password%20correctly.',
        })
        .end(),
    );
    const err = await failure(passportTicket(options()));
    expect(err).toMatchObject({ kind: 'auth', message: 'Type your password correctly.' });
    expect(cache.get(stub.nexusUrl)).toBeDefined();
    stub.route('/login2.srf', (_req, res) =>
      res.writeHead(401, { 'WWW-Authenticate': 'Passport1.4 da-status=failed' }).end(),
    );
    expect((await failure(passportTicket(options()))).message).toBe('Wrong e-mail address or password');
    expect(stub.hits('/rdr/pprdr.asp')).toBe(1);
  });

  it('reports a broken service as a Passport failure', async () => {
    stub.route('/login2.srf', (_req, res) => res.writeHead(500).end());
    expect((await failure(passportTicket(options()))).kind).toBe('passport');
    stub.route('/login2.srf', (_req, res) => res.writeHead(200, { 'Authentication-Info': 'da-status=success' }).end());
    expect((await failure(passportTicket(options()))).kind).toBe('passport');
    stub.route('/rdr/pprdr.asp', (_req, res) => res.writeHead(200).end());
    expect((await failure(passportTicket(options({ cache: new DaLoginCache() })))).message).toMatch(/DALogin/);
  });

  it('never sends anything over plain HTTP unless allowed', async () => {
    stub.issue('x');
    const err = await failure(passportTicket(options({ allowInsecure: false })));
    expect(err.kind).toBe('passport');
    expect(err.message).toMatch(/plain HTTP/);
    expect(stub.requests).toEqual([]);
  });

  it('times out instead of hanging on a silent server', async () => {
    stub.route('/login2.srf', () => undefined);
    const err = await failure(passportTicket(options({ timeoutMs: 200 })));
    expect(err.kind).toBe('timeout');
  });
});
