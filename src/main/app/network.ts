// How a sign-in reaches its server: the proxy (the server entry's, else the global one, else
// the system's), its password from the keychain, the HTTP gateway (forced by the server entry,
// else the fallback unless turned off) and the wire trace. Electron-free: the system proxy is
// asked through a function the glue gives (Electron's session proxy resolution).
import { readFile } from 'node:fs/promises';
import type { ProxySetting, ServerConfig } from '../../shared/schemas';
import { MsnpError } from '../msnp/errors';
import {
  createTransport,
  defaultGatewayUrl,
  proxySockets,
  type ProxyConfig,
  type Transport,
  type WireTrace,
} from '../msnp/transport';
import type { CredentialStore } from './credentials';
import type { SettingsStore } from './settings';

export interface NetworkDeps {
  readonly settings: SettingsStore;
  readonly credentials: CredentialStore;
  readonly trace?: WireTrace;
  /**
   * The system's proxy for a URL in PAC form (`PROXY host:port; SOCKS5 host:port; DIRECT`), as
   * Electron's `session.resolveProxy` answers. Without it `system` means no proxy.
   */
  readonly resolveSystemProxy?: (url: string) => Promise<string>;
}

/** The keychain entry of a proxy's password: one per proxy and user name. */
export function proxyPasswordKey(proxy: { type: string; host: string; port: number; username?: string }): string {
  return `proxy:${proxy.type}://${proxy.username ?? ''}@${proxy.host.toLowerCase()}:${proxy.port}`;
}

/** The first usable entry of a PAC answer; undefined for `DIRECT` (or nothing usable). */
export function proxyFromPac(pac: string): ProxyConfig | undefined {
  for (const entry of pac.split(';')) {
    const m = /^\s*(PROXY|HTTPS|SOCKS5|SOCKS4|SOCKS)\s+(\[[^\]]+\]|[^\s:]+):(\d{1,5})\s*$/i.exec(entry);
    if (!m) {
      if (/^\s*DIRECT\s*$/i.test(entry)) return undefined;
      continue;
    }
    const kind = (m[1] ?? '').toUpperCase();
    // An HTTPS proxy needs TLS to the proxy itself, which the CONNECT client does not speak.
    if (kind === 'HTTPS') continue;
    const host = (m[2] ?? '').replace(/^\[|\]$/g, '');
    const port = Number(m[3]);
    const scheme = kind === 'PROXY' ? 'http' : kind === 'SOCKS5' || kind === 'SOCKS' ? 'socks5' : 'socks4a';
    return { scheme, host, port };
  }
  return undefined;
}

async function proxyFor(
  setting: ProxySetting,
  server: ServerConfig,
  deps: NetworkDeps,
): Promise<ProxyConfig | undefined> {
  if (setting.type === 'none') return undefined;
  if (setting.type === 'system') {
    if (!deps.resolveSystemProxy) return undefined;
    const host = server.host.includes(':') ? `[${server.host}]` : server.host;
    return proxyFromPac(await deps.resolveSystemProxy(`https://${host}:${server.port}/`));
  }
  const password = setting.username === undefined ? undefined : await deps.credentials.get(proxyPasswordKey(setting));
  return {
    scheme: setting.type,
    host: setting.host,
    port: setting.port,
    ...(setting.username === undefined ? {} : { username: setting.username }),
    ...(password === undefined ? {} : { password }),
  };
}

/** The transport for one sign-in to `server`. `onFallback` hears why the gateway is being tried. */
export async function transportFor(
  server: ServerConfig,
  deps: NetworkDeps,
  onFallback: (reason: string) => void,
): Promise<Transport> {
  const network = deps.settings.preferences().network;
  const proxy = await proxyFor(server.proxy ?? network?.proxy ?? { type: 'none' }, server, deps);
  let ca: Buffer | undefined;
  if (server.caFile !== undefined) {
    try {
      ca = await readFile(server.caFile);
    } catch (err) {
      throw new MsnpError(
        'invalid',
        `The server's CA file cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  return createTransport({
    ...(proxy === undefined ? {} : { sockets: proxySockets(proxy) }),
    ...(deps.trace === undefined ? {} : { trace: deps.trace }),
    gateway: {
      mode: server.useGateway ? 'always' : network?.gatewayFallback === false ? 'off' : 'fallback',
      url: server.gateway ?? defaultGatewayUrl(server),
      ...(ca === undefined ? {} : { ca }),
      ...(server.allowInsecurePassport ? { allowInsecure: true } : {}),
    },
    onFallback,
  });
}
