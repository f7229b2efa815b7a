// The session over time against the reference server: challenges, being signed in elsewhere,
// losing the connection and coming back, a server that stops answering, shutdown.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, Proxy, clientFor, failure, presenceOf, signOutAll, splitAddress, waitFor } from './engine-support';

let server: RunningServer | undefined;
let proxy: Proxy | undefined;

afterEach(async () => {
  await signOutAll();
  await proxy?.close();
  await server?.close();
  proxy = undefined;
  server = undefined;
});

describe('challenges', () => {
  it.each([7, 10, 11, 12])('MSNP%i answers every CHL and stays signed in', async (dialect) => {
    const log: string[] = [];
    server = await startServer({ accounts: ACCOUNTS, challengeIntervalMs: 100, log: (line) => log.push(line) });
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    const errors: string[] = [];
    alice.on('error', (e) => errors.push(e.message));
    await alice.signIn();
    const accepted = (): number => log.filter((l) => /> QRY \d+$/.test(l)).length;
    // The server drops a client that leaves a challenge unanswered until the next one.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (accepted() >= 3) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    expect(alice.state).toBe('online');
    expect(errors).toEqual([]);
  });
});

describe('signed in elsewhere', () => {
  it('ends the first session with OUT OTH and does not reconnect', async () => {
    server = await startServer({ accounts: ACCOUNTS, challenges: false });
    const first = clientFor(server, 'alice@example.com', { protocols: [12], reconnect: { initialDelayMs: 10 } });
    await first.signIn();
    const ended = waitFor(first, 'session-ended');
    const signedOut = waitFor(first, 'signed-out');
    const second = clientFor(server, 'alice@example.com', { protocols: [9] });
    await second.signIn();
    expect(await ended).toMatchObject({ reason: 'signed-in-elsewhere', reconnecting: false });
    expect(await signedOut).toMatchObject({ reason: 'signed-in-elsewhere' });
    expect(first.state).toBe('signed-out');
    expect(second.state).toBe('online');
  });
});

describe('connection loss', () => {
  it.each([7, 12])('MSNP%i reconnects and restores status and personal message', async (dialect) => {
    server = await startServer({ accounts: ACCOUNTS, challenges: false });
    proxy = await Proxy.start(server.notification);
    const alice = clientFor(server, 'alice@example.com', {
      address: proxy.address,
      protocols: [dialect],
      reconnect: { initialDelayMs: 20, jitter: 0 },
    });
    const bob = clientFor(server, 'bob@example.com', { protocols: [12] });
    await alice.signIn();
    await bob.signIn();
    await alice.setStatus('BSY');
    if (dialect >= 11) await alice.setPersonalMessage('back in five');
    await presenceOf(bob, 'alice@example.com', (c) => c.status === 'BSY');

    const ended = waitFor(alice, 'session-ended');
    const reconnected = waitFor(alice, 'signed-in');
    const gone = presenceOf(bob, 'alice@example.com', (c) => c.status === 'FLN');
    proxy.cut();
    expect(await ended).toMatchObject({ reason: 'connection-lost', reconnecting: true });
    await gone;
    expect(await reconnected).toMatchObject({ reconnected: true, profile: { status: 'BSY' } });
    const restored = await presenceOf(bob, 'alice@example.com', (c) => c.status === 'BSY');
    if (dialect >= 11) {
      const withPsm = await presenceOf(bob, 'alice@example.com', (c) => c.personalMessage === 'back in five');
      expect(withPsm.status).toBe('BSY');
    }
    expect(restored.email).toBe('alice@example.com');
    expect(alice.state).toBe('online');
    expect(alice.contacts.map((c) => c.email)).toEqual(['bob@example.com', 'carol@example.com']);
  });

  it('gives up after the last attempt and reports the loss', async () => {
    server = await startServer({ accounts: ACCOUNTS, challenges: false });
    proxy = await Proxy.start(server.notification);
    const alice = clientFor(server, 'alice@example.com', {
      address: proxy.address,
      protocols: [12],
      reconnect: { initialDelayMs: 10, maxAttempts: 2, jitter: 0 },
    });
    await alice.signIn();
    const signedOut = waitFor(alice, 'signed-out');
    await proxy.close();
    proxy = undefined;
    expect(await signedOut).toMatchObject({ reason: 'connection-lost' });
  });

  it('reconnects after the server shuts down (OUT SSD) and comes back', async () => {
    server = await startServer({ accounts: ACCOUNTS, challenges: false });
    proxy = await Proxy.start(server.notification);
    // MD5 sign-in: the replacement server has a new Passport address and certificate.
    const alice = clientFor(server, 'alice@example.com', {
      server: splitAddress(proxy.address),
      protocols: [7],
      reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0, maxAttempts: Infinity },
    });
    await alice.signIn();
    const ended = waitFor(alice, 'session-ended');
    const reconnected = waitFor(alice, 'signed-in');
    const old = server;
    server = undefined;
    await old.close();
    expect(await ended).toMatchObject({ reason: 'server-shutdown', reconnecting: true });
    expect(alice.state).toBe('reconnecting');
    server = await startServer({ accounts: ACCOUNTS, challenges: false });
    proxy.retarget(server.notification);
    expect(await reconnected).toMatchObject({ reconnected: true });
    expect(alice.state).toBe('online');
  });
});

describe('unresponsive servers', () => {
  let silent: Server | undefined;
  const sockets = new Set<Socket>();

  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
    silent = undefined;
  });

  it('times out a sign-in on a server that accepts and never answers', async () => {
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    server = await startServer({ accounts: ACCOUNTS, challenges: false });
    const alice = clientFor(server, 'alice@example.com', {
      address: `127.0.0.1:${address.port}`,
      requestTimeoutMs: 300,
    });
    const signedOut = waitFor(alice, 'signed-out');
    expect(await failure(alice.signIn())).toMatchObject({ kind: 'timeout', command: 'VER' });
    expect(await signedOut).toMatchObject({ reason: 'unreachable' });
  });

  it('notices a connection that stopped answering pings', async () => {
    server = await startServer({ accounts: ACCOUNTS, challenges: false });
    proxy = await Proxy.start(server.notification);
    const alice = clientFor(server, 'alice@example.com', {
      address: proxy.address,
      protocols: [12],
      keepAlive: { intervalMs: 100, timeoutMs: 200 },
    });
    await alice.signIn();
    const signedOut = waitFor(alice, 'signed-out');
    proxy.freeze();
    expect(await signedOut).toEqual({ reason: 'connection-lost', message: 'The server stopped answering' });
  });
});
