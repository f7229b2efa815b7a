// The engine's way out to the network: how MSNP streams are opened (straight, through a SOCKS or
// HTTP proxy, or over the HTTP gateway) and which agent HTTP(S) requests use, plus the wire
// trace. One Transport serves one account's notification session, its switchboards and its
// Passport/SOAP requests, so they all take the same road.
import type { Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import { MsnpError } from '../errors';
import { FactoryHttpAgent, FactoryHttpsAgent } from './agent';
import { ProxyError } from './errors';
import { openGatewayStream, type GatewayOptions } from './gateway';
import { httpConnectSockets } from './http-connect';
import { directSockets, type Endpoint, type SocketFactory } from './socket';
import { socks4aSockets, socks5Sockets } from './socks';
import type { WireTrace } from './trace';

export { ProxyError, isProxyError, type ProxyFailure } from './errors';
export { directSockets, type Endpoint, type SocketFactory } from './socket';
export { WireTrace, type TraceEntry, type TraceListener } from './trace';
export type { GatewayOptions } from './gateway';

/** What opens the stream: a notification server (or dispatch) or a switchboard. */
export type StreamRole = 'ns' | 'sb';

export interface StreamTarget extends Endpoint {
  readonly role: StreamRole;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface Transport {
  /** Opens an MSNP byte stream; rejects with an MsnpError (a ProxyError for the proxy's failures). */
  openStream(target: StreamTarget): Promise<Duplex>;
  /** Plain TCP the same way (direct or through the proxy), e.g. for P2P direct connections. */
  readonly sockets: SocketFactory;
  /** The agent for an HTTP(S) request, or undefined to let Node connect directly. */
  httpAgent(secure: boolean): Agent | undefined;
  readonly trace?: WireTrace;
}

/** `off`: never; `fallback`: after a direct connection to the notification server fails; `always`. */
export type GatewayMode = 'off' | 'fallback' | 'always';

export interface TransportOptions {
  /** Default: direct connections. */
  readonly sockets?: SocketFactory;
  readonly gateway?: GatewayOptions & { readonly mode: GatewayMode };
  readonly trace?: WireTrace;
  /** Told when the transport switches to the gateway, with the reason, for the sign-in progress. */
  readonly onFallback?: (reason: string) => void;
}

export function createTransport(options: TransportOptions = {}): Transport {
  const sockets = options.sockets ?? directSockets;
  const { gateway, trace } = options;
  const proxied = sockets !== directSockets;
  let viaGateway = gateway?.mode === 'always';
  const agents = new Map<boolean, Agent>();
  const agentFor = (secure: boolean): Agent => {
    let agent = agents.get(secure);
    if (!agent) {
      agent = secure ? new FactoryHttpsAgent(sockets) : new FactoryHttpAgent(sockets);
      agents.set(secure, agent);
    }
    return agent;
  };
  const throughGateway = (target: StreamTarget): Promise<Duplex> => {
    if (!gateway) throw new MsnpError('state', 'No HTTP gateway configured');
    return openGatewayStream(target, {
      ...gateway,
      sockets,
      ...(trace === undefined ? {} : { trace }),
    });
  };
  return {
    ...(trace === undefined ? {} : { trace }),
    sockets,
    httpAgent: (secure) => (proxied ? agentFor(secure) : undefined),
    async openStream(target) {
      if (viaGateway) return throughGateway(target);
      try {
        const socket = await sockets.connect(target, {
          ...(target.timeoutMs === undefined ? {} : { timeoutMs: target.timeoutMs }),
          ...(target.signal === undefined ? {} : { signal: target.signal }),
        });
        return socket;
      } catch (err) {
        const fallback =
          gateway?.mode === 'fallback' &&
          target.role === 'ns' &&
          err instanceof MsnpError &&
          (err.kind === 'network' || err.kind === 'timeout') &&
          // A proxy that is down or refuses our credentials fails the gateway the same way; one
          // that only refuses the tunnel to 1863 may well allow the web.
          !(err instanceof ProxyError && (err.failure === 'auth' || err.failure === 'unreachable')) &&
          !target.signal?.aborted;
        if (!fallback) throw err;
        options.onFallback?.(err.message);
        trace?.note('gateway', `falling back to the HTTP gateway: ${err.message}`);
        let stream: Duplex;
        try {
          stream = await throughGateway(target);
        } catch (gatewayErr) {
          if (err instanceof ProxyError || target.signal?.aborted) throw err;
          const why = gatewayErr instanceof Error ? gatewayErr.message : String(gatewayErr);
          throw new MsnpError(err.kind, `${err.message}; the HTTP gateway failed too: ${why}`, { cause: gatewayErr });
        }
        // Switchboards follow the notification server through the gateway.
        viaGateway = true;
        return stream;
      }
    },
  };
}

/**
 * Where a server's HTTP gateway is when its entry does not say: `/gateway/gateway.dll` on the
 * Passport host (Escargot serves both from its web site), else on the server's host over HTTPS.
 */
export function defaultGatewayUrl(server: { host: string; nexus?: string | undefined }): string {
  if (server.nexus !== undefined && URL.canParse(server.nexus)) {
    return new URL('/gateway/gateway.dll', server.nexus).toString();
  }
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `https://${host}/gateway/gateway.dll`;
}

/** Straight TCP, no gateway, no trace: what the engine uses when given nothing. */
export const directTransport: Transport = createTransport();

export type ProxyScheme = 'socks5' | 'socks4a' | 'http';

export interface ProxyConfig extends Endpoint {
  readonly scheme: ProxyScheme;
  readonly username?: string;
  readonly password?: string;
}

/**
 * Reads `socks5://[user@]host:port`, `socks4a://host:port` or `http://[user@]host:port`. A
 * password in the URL is refused: it would sit in shell history and process lists.
 */
export function parseProxyUrl(text: string): ProxyConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MsnpError('invalid', `Not a proxy URL: ${JSON.stringify(text)}`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'socks5' && scheme !== 'socks4a' && scheme !== 'http') {
    throw new MsnpError('invalid', `Unsupported proxy scheme ${JSON.stringify(scheme)} (socks5, socks4a or http)`);
  }
  if (url.password !== '')
    throw new MsnpError('invalid', 'Put the proxy password in MSN_PROXY_PASSWORD, not in the URL');
  if (url.pathname !== '' && url.pathname !== '/') throw new MsnpError('invalid', 'A proxy URL has no path');
  const port = Number(url.port || (scheme === 'http' ? 8080 : 1080));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new MsnpError('invalid', 'The proxy URL names no host');
  return { scheme, host, port, ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }) };
}

/** The socket factory for a proxy setting. */
export function proxySockets(proxy: ProxyConfig): SocketFactory {
  switch (proxy.scheme) {
    case 'socks5':
      return socks5Sockets(proxy);
    case 'socks4a':
      return socks4aSockets({
        host: proxy.host,
        port: proxy.port,
        ...(proxy.username === undefined ? {} : { userId: proxy.username }),
      });
    case 'http':
      return httpConnectSockets(proxy);
  }
}
