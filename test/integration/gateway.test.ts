// MSNP over the HTTP gateway of the reference server: sign-in, the contact list, chat and
// reconnection with the gateway forced; the automatic fallback when the MSNP port is closed;
// the gateway reached through a proxy.
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessengerClient } from '../../src/main/msnp/client';
import { DEFAULT_FORMAT } from '../../src/main/msnp/format';
import {
  WireTrace,
  createTransport,
  parseProxyUrl,
  proxySockets,
  type GatewayMode,
} from '../../src/main/msnp/transport';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, failure, signOutAll, waitFor } from './engine-support';
import { freePort, proxiesMissing, startMicrosocks, startTinyproxy, type RunningProxy } from './proxy-support';

let server: RunningServer;
let ca: string;
beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: true });
  ca = await readFile(server.ca, 'utf8');
});
afterAll(() => server.close());
afterEach(() => signOutAll());

function gateway(
  mode: GatewayMode,
  extra: { onFallback?: (reason: string) => void; proxy?: string; trace?: WireTrace } = {},
) {
  return createTransport({
    gateway: { mode, url: server.gateway, ca, pollIntervalMs: 50 },
    ...(extra.onFallback ? { onFallback: extra.onFallback } : {}),
    ...(extra.proxy ? { sockets: proxySockets(parseProxyUrl(extra.proxy)) } : {}),
    ...(extra.trace ? { trace: extra.trace } : {}),
  });
}

/** `alice` writes to `bob`, whoever they are. */
async function chat(alice: MessengerClient, bob: MessengerClient, text: string): Promise<void> {
  const received = new Promise<string>((resolve) =>
    bob.conversations.on('message', (m) => {
      if (m.text === text) resolve(m.text);
    }),
  );
  const delivered = new Promise<string>((resolve) => alice.conversations.on('delivery', (d) => resolve(d.state)));
  alice.conversations.send(alice.conversations.open(bob.email), text, DEFAULT_FORMAT);
  expect(await received).toBe(text);
  expect(await delivered).toBe('delivered');
}

describe.each([12, 7])('MSNP%i through the gateway', (dialect) => {
  it('signs in, lists contacts, follows presence and chats both ways', async () => {
    const trace = new WireTrace();
    const opened: string[] = [];
    trace.subscribe((e) => {
      if (e.line.startsWith('gateway session open')) opened.push(e.line);
    });
    const bob = clientFor(server, 'bob@example.com', { transport: gateway('always', { trace }), protocols: [dialect] });
    await bob.signIn();
    const alice = clientFor(server, 'alice@example.com', {
      transport: gateway('always', { trace }),
      protocols: [dialect],
    });
    const list = waitFor(alice, 'contact-list');
    await alice.signIn();
    expect((await list).contacts.map((c) => c.email)).toEqual(['bob@example.com', 'carol@example.com']);
    expect(alice.getContact('bob@example.com')?.status).toBe('NLN');
    const away = waitFor(alice, 'presence', (c) => c.email === 'bob@example.com' && c.status === 'AWY');
    await bob.setStatus('AWY');
    await away;
    await chat(alice, bob, 'over HTTP');
    await chat(bob, alice, 'and back');
    // Dispatch and notification server for each, and the switchboards, each its own gateway session.
    expect(opened.filter((l) => l.includes(' for NS '))).toHaveLength(4);
    expect(opened.filter((l) => l.includes(' for SB ')).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the gateway', () => {
  it('carries a reconnection after the server drops the session', async () => {
    const alice = clientFor(server, 'alice@example.com', {
      transport: gateway('always'),
      reconnect: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0 },
    });
    await alice.signIn();
    const ended = waitFor(alice, 'session-ended');
    const back = waitFor(alice, 'signed-in', (e) => e.reconnected);
    server.dropGatewaySessions();
    expect(await ended).toMatchObject({ reconnecting: true });
    await back;
    expect(alice.state).toBe('online');
    await alice.setPersonalMessage('still here');
  });

  it('is the fallback when the MSNP port is closed, with the reason given, for switchboards too', async () => {
    const closed = await freePort();
    const reasons: string[] = [];
    const alice = clientFor(server, 'alice@example.com', {
      address: `127.0.0.1:${closed}`,
      transport: gateway('fallback', { onFallback: (r) => reasons.push(r) }),
    });
    await alice.signIn();
    expect(reasons).toEqual([
      expect.stringMatching(new RegExp(`^Could not connect to 127\\.0\\.0\\.1:${closed}: .*ECONNREFUSED`)),
    ]);
    const bob = clientFor(server, 'bob@example.com', { transport: gateway('off') });
    await bob.signIn();
    await chat(alice, bob, 'fell back');
    await chat(bob, alice, 'noted');
  });

  it('is not tried when the fallback is off, and says both failed when it fails too', async () => {
    const closed = await freePort();
    const off = clientFor(server, 'alice@example.com', { address: `127.0.0.1:${closed}`, transport: gateway('off') });
    expect((await failure(off.signIn())).message).toMatch(
      /^Could not connect to 127\.0\.0\.1:\d+: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
    );
    const nowhere = createTransport({
      gateway: { mode: 'fallback', url: `https://127.0.0.1:${await freePort()}/gateway/gateway.dll`, ca },
    });
    const both = clientFor(server, 'alice@example.com', { address: `127.0.0.1:${closed}`, transport: nowhere });
    const err = await failure(both.signIn());
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+; the HTTP gateway failed too: HTTP gateway unavailable/);
  });

  it.skipIf(proxiesMissing !== undefined)(
    'is the fallback behind an HTTP proxy that only lets HTTPS out, as office proxies do',
    async () => {
      const httpsPort = Number(new URL(server.gateway).port);
      const office = await startTinyproxy(undefined, [httpsPort]);
      try {
        const reasons: string[] = [];
        const alice = clientFor(server, 'alice@example.com', {
          transport: gateway('fallback', {
            proxy: `http://127.0.0.1:${office.port}`,
            onFallback: (r) => reasons.push(r),
          }),
        });
        await alice.signIn();
        expect(reasons).toEqual([
          expect.stringMatching(/^Proxy http 127\.0\.0\.1:\d+: refused the tunnel to 127\.0\.0\.1:\d+ \(HTTP 403/),
        ]);
        const bob = clientFor(server, 'bob@example.com');
        await bob.signIn();
        await chat(bob, alice, 'through the office proxy');
      } finally {
        await office.stop();
      }
    },
  );

  describe.skipIf(proxiesMissing !== undefined)('through a SOCKS5 proxy', () => {
    let proxy: RunningProxy;
    beforeAll(async () => {
      proxy = await startMicrosocks();
    });
    afterAll(() => proxy.stop());

    it('signs in and chats', async () => {
      const url = `socks5://127.0.0.1:${proxy.port}`;
      const alice = clientFor(server, 'alice@example.com', { transport: gateway('always', { proxy: url }) });
      const bob = clientFor(server, 'bob@example.com', { transport: gateway('always', { proxy: url }) });
      await alice.signIn();
      await bob.signIn();
      await chat(alice, bob, 'proxied gateway');
    });
  });
});
