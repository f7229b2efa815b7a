// How the app core reaches the server: the gateway fallback told in the sign-in progress, the
// global and per-server proxy with its password from the keychain, the system proxy, and the
// inspector's lines, masked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../src/main/app/core';
import type { CredentialStore } from '../../src/main/app/credentials';
import type { WindowHost } from '../../src/main/app/host';
import { proxyFromPac } from '../../src/main/app/network';
import { createSettingsStore, type SettingsStore } from '../../src/main/app/settings';
import type { EventName, IpcResult, TraceEntry } from '../../src/shared/ipc';
import type { ProxySetting, ServerConfig } from '../../src/shared/schemas';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, passwordOf } from './engine-support';
import { freePort, proxiesMissing, startMicrosocks, type RunningProxy } from './proxy-support';
import { RecordingFiles } from '../support/files';

const PROXY_AUTH = { user: 'office', password: 'pr0xy-s3cret' };

let server: RunningServer;
let proxy: RunningProxy;
let open: RunningProxy;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false });
  if (proxiesMissing !== undefined) return;
  proxy = await startMicrosocks(PROXY_AUTH);
  open = await startMicrosocks();
});
afterAll(async () => {
  if (proxiesMissing === undefined) await Promise.all([proxy.stop(), open.stop()]);
  await server.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

class MemoryCredentials implements CredentialStore {
  readonly saved = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.saved.get(key);
  }
  async save(key: string, password: string): Promise<{ saved: true }> {
    this.saved.set(key, password);
    return { saved: true };
  }
  async delete(key: string): Promise<void> {
    this.saved.delete(key);
  }
  unavailableReason(): undefined {
    return undefined;
  }
}

const windows: WindowHost = {
  showContactList: () => {},
  openConversation: () => {},
  conversationWindowState: () => 'none',
  flashConversation: () => {},
  openExternal: async () => false,
};

interface Harness {
  readonly core: AppCore;
  readonly settings: SettingsStore;
  readonly credentials: MemoryCredentials;
  readonly events: { name: EventName; payload: unknown }[];
  call<T = unknown>(channel: string, payload: unknown): Promise<IpcResult<T>>;
}

function harness(extra: { resolveSystemProxy?: (url: string) => Promise<string> } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'core-net-'));
  const settings = createSettingsStore(new Conf({ cwd: dir, configName: 'settings' }));
  const credentials = new MemoryCredentials();
  const core = createAppCore({
    settings,
    credentials,
    windows,
    dataDir: dir,
    files: new RecordingFiles(dir),
    engine: { reconnect: false },
    ...extra,
  });
  cleanups.push(async () => {
    await core.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  const events: Harness['events'] = [];
  core.onEvent((name, payload) => events.push({ name, payload }));
  return {
    core,
    settings,
    credentials,
    events,
    call: (channel, payload) => core.dispatch(channel, payload, { senderId: 'inspector' }) as never,
  };
}

function serverConfig(extra: Partial<ServerConfig> = {}): ServerConfig {
  const [host = '', port = ''] = server.dispatch.split(':');
  return { host, port: Number(port), nexus: server.nexus, caFile: server.ca, ...extra };
}

function signIn(h: Harness, server: ServerConfig, email = 'alice@example.com'): Promise<IpcResult<unknown>> {
  return h.call('account:sign-in', {
    email,
    password: passwordOf(email),
    status: 'NLN',
    server,
    rememberMe: false,
    rememberPassword: false,
    signInAutomatically: false,
  });
}

function useProxy(h: Harness, setting: ProxySetting, gatewayFallback = true): void {
  h.settings.setPreferences({ ...h.settings.preferences(), network: { proxy: setting, gatewayFallback } });
}

const socks = (p: RunningProxy, username?: string): ProxySetting => ({
  type: 'socks5',
  host: p.host,
  port: p.port,
  ...(username === undefined ? {} : { username }),
});

describe.skipIf(proxiesMissing !== undefined)('the app core', () => {
  it('falls back to the HTTP gateway when the MSNP port is closed, and says so in the progress', async () => {
    const h = harness();
    const closed = await freePort();
    expect(await signIn(h, serverConfig({ host: '127.0.0.1', port: closed }))).toEqual({ ok: true, value: undefined });
    const details = h.events
      .filter((e) => e.name === 'session:phase')
      .map((e) => (e.payload as { detail?: string }).detail)
      .filter((d) => d !== undefined);
    expect(details).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Could not connect directly \\(Could not connect to 127\\.0\\.0\\.1:${closed}: .*\\)\\. Trying the HTTP gateway…$`,
        ),
      ),
    ]);
  });

  it('does not fall back when the setting is off', async () => {
    const h = harness();
    useProxy(h, { type: 'none' }, false);
    const result = await signIn(h, serverConfig({ host: '127.0.0.1', port: await freePort() }));
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Could not connect/) } });
  });

  it('uses the global proxy with its password from the keychain, and tells a wrong one apart', async () => {
    const h = harness();
    useProxy(h, socks(proxy, PROXY_AUTH.user));
    const wrong = await h.call('network:save-proxy-password', {
      proxy: socks(proxy, PROXY_AUTH.user),
      password: 'wrong',
    });
    expect(wrong).toEqual({ ok: true, value: { saved: true } });
    expect([...h.credentials.saved.values()]).toEqual(['wrong']);
    const refused = await signIn(h, serverConfig());
    expect(refused).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^Proxy socks5 .*refused the user name or password/) },
    });
    await h.call('network:save-proxy-password', {
      proxy: socks(proxy, PROXY_AUTH.user),
      password: PROXY_AUTH.password,
    });
    expect(await signIn(h, serverConfig())).toEqual({ ok: true, value: undefined });
    // The password lives in the keychain only.
    expect(JSON.stringify(h.settings.preferences())).not.toContain(PROXY_AUTH.password);
  });

  it("lets a server entry's proxy setting override the global one", async () => {
    const h = harness();
    useProxy(h, { type: 'socks5', host: '127.0.0.1', port: await freePort() });
    const down = await signIn(h, serverConfig());
    expect(down).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Proxy .*cannot be reached/) } });
    expect(await signIn(h, serverConfig({ proxy: { type: 'none' } }))).toEqual({ ok: true, value: undefined });
  });

  it("follows the system's proxy setting", async () => {
    const asked: string[] = [];
    const h = harness({
      resolveSystemProxy: async (url) => {
        asked.push(url);
        return `SOCKS5 127.0.0.1:${open.port}; DIRECT`;
      },
    });
    useProxy(h, { type: 'system' });
    expect(await signIn(h, serverConfig())).toEqual({ ok: true, value: undefined });
    expect(asked[0]).toBe(`https://${server.dispatch}/`);
  });

  it('sends the inspector masked lines while it watches, and none after', async () => {
    const h = harness();
    const watch = await h.call<{ entries: TraceEntry[] }>('inspector:watch', {});
    expect(watch).toEqual({ ok: true, value: { entries: [] } });
    await signIn(h, serverConfig());
    await new Promise((r) => setTimeout(r, 250));
    const entries = h.events
      .filter((e) => e.name === 'inspector:entries')
      .flatMap((e) => (e.payload as { entries: TraceEntry[] }).entries);
    // The default offer signs in with SSO: the nonce, the token, the MBI answer and the machine GUID are masked.
    expect(entries.map((e) => e.line)).toContainEqual(expect.stringMatching(/^USR \d+ SSO S \*\*\* \*\*\*$/));
    expect(entries.map((e) => e.line)).toContainEqual(expect.stringMatching(/^USR \d+ SSO S \*\*\* \*\*\* \*\*\*$/));
    expect(JSON.stringify(entries)).not.toContain(passwordOf('alice@example.com'));
    await h.call('inspector:unwatch', {});
    const before = h.events.length;
    await h.call('account:sign-out', {});
    await new Promise((r) => setTimeout(r, 250));
    expect(h.events.slice(before).some((e) => e.name === 'inspector:entries')).toBe(false);
    expect(await h.call('inspector:open', {})).toMatchObject({ ok: false });
  });
});

describe('proxyFromPac', () => {
  it('takes the first usable entry', () => {
    expect(proxyFromPac('PROXY proxy.example:3128; DIRECT')).toEqual({
      scheme: 'http',
      host: 'proxy.example',
      port: 3128,
    });
    expect(proxyFromPac('HTTPS secure.example:443;SOCKS5 [::1]:1080')).toEqual({
      scheme: 'socks5',
      host: '::1',
      port: 1080,
    });
    expect(proxyFromPac('SOCKS4 10.0.0.1:1080')).toEqual({ scheme: 'socks4a', host: '10.0.0.1', port: 1080 });
    expect(proxyFromPac('DIRECT')).toBeUndefined();
    expect(proxyFromPac('')).toBeUndefined();
  });
});
