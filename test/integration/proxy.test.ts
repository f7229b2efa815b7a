// Sign-in, chat and Passport through real proxies on loopback: microsocks (SOCKS5, with and
// without a password), tinyproxy (HTTP CONNECT, with and without Basic auth) and a SOCKS4a
// server; and the proxy's own failures, told apart from the server's.
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessengerClient } from '../../src/main/msnp/client';
import { MsnpError } from '../../src/main/msnp/errors';
import { DEFAULT_FORMAT } from '../../src/main/msnp/format';
import { DaLoginCache, prefetchLoginUrl, passportTicket } from '../../src/main/msnp/passport';
import {
  createTransport,
  parseProxyUrl,
  proxySockets,
  ProxyError,
  type Transport,
} from '../../src/main/msnp/transport';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, failure, signOutAll, splitAddress, waitFor } from './engine-support';
import {
  freePort,
  proxiesMissing,
  startMicrosocks,
  startSocks4a,
  startTinyproxy,
  type RunningProxy,
} from './proxy-support';

const AUTH = { user: 'office', password: 'pr0xy-s3cret' };

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false });
});
afterAll(() => server.close());
afterEach(() => signOutAll());

interface Kind {
  readonly name: string;
  readonly start: () => Promise<RunningProxy>;
  readonly url: (p: RunningProxy) => string;
  readonly password?: string;
}

const KINDS: Kind[] = [
  { name: 'SOCKS5', start: () => startMicrosocks(), url: (p) => `socks5://${p.host}:${p.port}` },
  {
    name: 'SOCKS5 with a password',
    start: () => startMicrosocks(AUTH),
    url: (p) => `socks5://${AUTH.user}@${p.host}:${p.port}`,
    password: AUTH.password,
  },
  { name: 'HTTP CONNECT', start: () => startTinyproxy(), url: (p) => `http://${p.host}:${p.port}` },
  {
    name: 'HTTP CONNECT with Basic auth',
    start: () => startTinyproxy(AUTH),
    url: (p) => `http://${AUTH.user}@${p.host}:${p.port}`,
    password: AUTH.password,
  },
  { name: 'SOCKS4a', start: () => startSocks4a(), url: (p) => `socks4a://${p.host}:${p.port}` },
];

function through(url: string, password?: string): Transport {
  const proxy = parseProxyUrl(url);
  return createTransport({ sockets: proxySockets({ ...proxy, ...(password === undefined ? {} : { password }) }) });
}

async function proxyFailure(promise: Promise<unknown>): Promise<ProxyError> {
  const err = await failure(promise);
  if (!(err instanceof ProxyError)) throw new Error(`expected a ProxyError, got ${err.kind}: ${err.message}`);
  return err;
}

async function chat(alice: MessengerClient, bob: MessengerClient, text: string): Promise<void> {
  const received = new Promise<string>((resolve) =>
    bob.conversations.on('message', (m) => {
      if (m.text === text) resolve(m.text);
    }),
  );
  const delivered = new Promise<string>((resolve) => alice.conversations.on('delivery', (d) => resolve(d.state)));
  alice.conversations.send(alice.conversations.open('bob@example.com'), text, DEFAULT_FORMAT);
  expect(await received).toBe(text);
  expect(await delivered).toBe('delivered');
}

describe.skipIf(proxiesMissing !== undefined).each(KINDS)('through $name', (kind) => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await kind.start();
  });
  afterAll(() => proxy.stop());

  it('signs in (Passport included), chats, and loses the session when the proxy goes away', async () => {
    const transport = through(kind.url(proxy), kind.password);
    const alice = clientFor(server, 'alice@example.com', { transport, protocols: [12] });
    const bob = clientFor(server, 'bob@example.com', { transport, protocols: [12] });
    await alice.signIn();
    await bob.signIn();
    await chat(alice, bob, `hello through ${kind.name}`);
    if (proxy.accepted) expect(proxy.accepted()).toBeGreaterThanOrEqual(4);

    // Everything went through the proxy: without it the session ends and Passport is unreachable.
    const ended = waitFor(alice, 'session-ended');
    await proxy.stop();
    expect((await ended).reason).toBe('connection-lost');
    const ca = await readFile(server.ca, 'utf8');
    const down = await proxyFailure(
      passportTicket({
        nexusUrl: server.nexus,
        email: 'alice@example.com',
        password: 'x',
        params: 'lc=1033,id=507,tw=40,ct=1,kpp=1,kv=5,ver=2.1.0173.1',
        ca,
        cache: new DaLoginCache(),
        transport,
      }),
    );
    expect(down.failure).toBe('unreachable');
    proxy = await kind.start();
  });

  it('tells a proxy that is down apart from a server that is down', async () => {
    const port = await freePort();
    const url = kind.url({ host: '127.0.0.1', port, stop: async () => {} });
    const alice = clientFor(server, 'alice@example.com', { transport: through(url, kind.password) });
    const err = await proxyFailure(alice.signIn());
    expect(err.failure).toBe('unreachable');
    expect(err.source).toBe('proxy');
    expect(err.message).toMatch(/^Proxy .*127\.0\.0\.1:\d+: cannot be reached/);
  });

  it('reports a server the proxy cannot reach as such', async () => {
    const closed = await freePort();
    const alice = clientFor(server, 'alice@example.com', {
      transport: through(kind.url(proxy), kind.password),
      address: `127.0.0.1:${closed}`,
    });
    const err = await proxyFailure(alice.signIn());
    expect(err.failure).toBe(kind.name === 'SOCKS4a' ? 'refused' : 'target-unreachable');
  });
});

describe.skipIf(proxiesMissing !== undefined).each(KINDS.filter((k) => k.password !== undefined))('$name', (kind) => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await kind.start();
  });
  afterAll(() => proxy.stop());

  it('refuses a wrong password as a proxy failure, not a wrong account password', async () => {
    const alice = clientFor(server, 'alice@example.com', { transport: through(kind.url(proxy), 'wrong') });
    const signedOut = waitFor(alice, 'signed-out');
    const err = await proxyFailure(alice.signIn());
    expect(err.failure).toBe('auth');
    expect(err.kind).toBe('network');
    expect((await signedOut).reason).toBe('proxy-error');
  });

  it('says so when the proxy wants credentials and none are set', async () => {
    const url = kind.url(proxy).replace(`${AUTH.user}@`, '');
    const alice = clientFor(server, 'alice@example.com', { transport: through(url) });
    expect((await proxyFailure(alice.signIn())).failure).toBe('auth');
  });

  it('sends the Passport request through the proxy with its credentials', async () => {
    const cache = new DaLoginCache();
    const transport = through(kind.url(proxy), kind.password);
    prefetchLoginUrl({ nexusUrl: server.nexus, ca: await readFile(server.ca, 'utf8'), cache, transport });
    expect(await cache.settled(server.nexus)).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    const wrong = new DaLoginCache();
    prefetchLoginUrl({
      nexusUrl: server.nexus,
      ca: await readFile(server.ca, 'utf8'),
      cache: wrong,
      transport: through(kind.url(proxy), 'wrong'),
    });
    expect(await wrong.settled(server.nexus)).toBeUndefined();
  });
});

describe('MSNP18 through a proxy', () => {
  it('sends the login service and address-book requests through it too', async () => {
    const proxy = await startSocks4a();
    try {
      const transport = through(`socks4a://${proxy.host}:${proxy.port}`);
      const alice = clientFor(server, 'alice@example.com', { transport, protocols: [18] });
      await alice.signIn();
      expect(alice.getContact('bob@example.com')?.lists).toContain('FL');
      // Dispatch, notification server, RST, FindMembership and ABFindAll.
      expect(proxy.accepted?.()).toBeGreaterThanOrEqual(5);
      const before = proxy.accepted?.() ?? 0;
      await alice.blockContact('carol@example.com');
      await alice.unblockContact('carol@example.com');
      // Four sharing-service calls, each on its own connection through the proxy.
      expect((proxy.accepted?.() ?? 0) - before).toBeGreaterThanOrEqual(4);
    } finally {
      await signOutAll();
      await proxy.stop();
    }
  });
});

describe('proxy URLs', () => {
  it('reads the three schemes and refuses a password in the URL', () => {
    expect(parseProxyUrl('socks5://me@127.0.0.1:1080')).toEqual({
      scheme: 'socks5',
      host: '127.0.0.1',
      port: 1080,
      username: 'me',
    });
    expect(parseProxyUrl('socks4a://[::1]:9050')).toEqual({ scheme: 'socks4a', host: '::1', port: 9050 });
    expect(parseProxyUrl('http://proxy.example:3128')).toEqual({ scheme: 'http', host: 'proxy.example', port: 3128 });
    expect(() => parseProxyUrl('socks5://me:pw@127.0.0.1:1080')).toThrow(MsnpError);
    expect(() => parseProxyUrl('ftp://127.0.0.1:21')).toThrow(/Unsupported proxy scheme/);
    expect(splitAddress('127.0.0.1:1')).toEqual({ host: '127.0.0.1', port: 1 });
  });
});
