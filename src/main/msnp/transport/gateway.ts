// MSNP over the HTTP gateway (`/gateway/gateway.dll`), for networks where only web traffic gets
// out. Each MSNP connection becomes a gateway session: `Action=open&Server=NS|SB&IP=<server>`
// opens it, the `X-MSN-Messenger` answer header names it (`SessionID=…; GW-IP=…`), commands are
// POSTed with `SessionID=…`, and `Action=poll` fetches what the server has queued meanwhile. One
// request is in flight at a time; the session ends when the server says `Session=close` or
// stops knowing it. The stream looks like a socket to the connection code above it.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Duplex } from 'node:stream';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { MsnpError } from '../errors';
import { FactoryHttpAgent, FactoryHttpsAgent } from './agent';
import { ProxyError } from './errors';
import { describeEndpoint, type Endpoint, type SocketFactory } from './socket';
import type { WireTrace } from './trace';

export interface GatewayOptions {
  /** The gateway's address, e.g. `https://messenger.example/gateway/gateway.dll`. */
  readonly url: string;
  /** Extra CA certificate (PEM) to trust for an https gateway. */
  readonly ca?: string | Buffer;
  /**
   * Longest pause between polls, reached after a quiet while. Right after traffic the client
   * polls sooner (from 100 ms, doubling), so an answer in a lively conversation is not a whole
   * interval late. Default 1 s.
   */
  readonly pollIntervalMs?: number;
  /** Per HTTP request. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Permits an http:// gateway; MSNP itself is unencrypted, but sign-in tickets are not sent in clear unless allowed. */
  readonly allowInsecure?: boolean;
}

interface StreamOptions extends GatewayOptions {
  readonly sockets: SocketFactory;
  readonly trace?: WireTrace;
}

interface Target extends Endpoint {
  readonly role: 'ns' | 'sb';
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const DEFAULT_POLL_MS = 1000;
const FIRST_POLL_MS = 100;
const MSNP_PORT = 1863;

/** The fields of an `X-MSN-Messenger` header: `SessionID=…; GW-IP=…; Session=close`. */
export function parseGatewayHeader(value: string | undefined): {
  sessionId?: string;
  gatewayIp?: string;
  close: boolean;
} {
  const fields = new Map<string, string>();
  for (const part of (value ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const sessionId = fields.get('sessionid');
  const gatewayIp = fields.get('gw-ip') ?? fields.get('gatewayip');
  return {
    ...(sessionId ? { sessionId } : {}),
    ...(gatewayIp ? { gatewayIp } : {}),
    close: fields.get('session')?.toLowerCase() === 'close',
  };
}

/** Opens a gateway session for `target` and resolves once the gateway has accepted it. */
export async function openGatewayStream(target: Target, options: StreamOptions): Promise<Duplex> {
  const stream = new GatewayStream(target, options);
  await stream.open();
  return stream;
}

class GatewayStream extends Duplex {
  private readonly url: URL;
  private readonly secure: boolean;
  private readonly agent: FactoryHttpAgent | FactoryHttpsAgent;
  private readonly secureContext: SecureContext | undefined;
  private readonly traceId: string | undefined;
  private sessionId: string | undefined;
  private outbox: Buffer[] = [];
  private inFlight: ReturnType<typeof httpRequest> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private finishing: (() => void) | undefined;
  private ended = false;
  /** Empty polls since the last traffic; the pause grows with it. */
  private quietPolls = 0;

  constructor(
    private readonly target: Target,
    private readonly options: StreamOptions,
  ) {
    super({ allowHalfOpen: false });
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new MsnpError('invalid', `Not a gateway address: ${JSON.stringify(options.url)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new MsnpError('invalid', `Unsupported gateway address ${url.origin}`);
    }
    if (url.protocol === 'http:' && !options.allowInsecure) {
      throw new MsnpError(
        'invalid',
        `Refusing the unencrypted gateway ${url.host}; the server entry does not allow it`,
      );
    }
    this.url = url;
    this.secure = url.protocol === 'https:';
    const agentOptions = {
      keepAlive: true,
      maxSockets: 1,
      ...(target.timeoutMs === undefined ? {} : { connectTimeoutMs: target.timeoutMs }),
    };
    this.agent = this.secure
      ? new FactoryHttpsAgent(options.sockets, agentOptions)
      : new FactoryHttpAgent(options.sockets, agentOptions);
    this.secureContext =
      this.secure && options.ca !== undefined
        ? createSecureContext({ ca: [...rootCertificates, options.ca] })
        : undefined;
    this.traceId = options.trace?.open('gw');
  }

  /** The `Action=open` request, with no commands yet: its failure is the connection's failure. */
  async open(): Promise<void> {
    const server = this.target.port === MSNP_PORT ? this.target.host : describeEndpoint(this.target);
    const query = `Action=open&Server=${this.target.role === 'ns' ? 'NS' : 'SB'}&IP=${encodeURIComponent(server)}`;
    const onAbort = (): void => {
      this.destroy(new MsnpError('state', 'Sign-in cancelled'));
    };
    this.target.signal?.addEventListener('abort', onAbort);
    try {
      await this.exchange(query, Buffer.alloc(0), this.target.timeoutMs);
    } catch (err) {
      this.destroy();
      throw err;
    } finally {
      this.target.signal?.removeEventListener('abort', onAbort);
    }
    if (this.traceId !== undefined) {
      this.options.trace?.note(
        this.traceId,
        `gateway session open at ${this.url.host} for ${this.target.role.toUpperCase()} ${server}`,
      );
    }
    this.schedulePoll();
  }

  override _read(): void {
    // Data arrives with each answer; there is nothing to ask for.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.outbox.push(chunk);
    this.quietPolls = 0;
    this.pump();
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Send what is left (the OUT), then end.
    this.finishing = () => {
      this.finishing = undefined;
      this.finish();
      callback();
    };
    if (!this.inFlight && this.outbox.length === 0) this.finishing();
    else this.pump();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.pollTimer);
    this.inFlight?.destroy();
    this.inFlight = undefined;
    this.agent.destroy();
    if (this.traceId !== undefined) this.options.trace?.note(this.traceId, 'gateway session closed');
    callback(error);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.pollTimer);
    this.push(null);
  }

  private pump(): void {
    if (this.inFlight || this.destroyed || this.ended || this.sessionId === undefined) return;
    if (this.outbox.length === 0) {
      if (this.finishing) this.finishing();
      return;
    }
    clearTimeout(this.pollTimer);
    const body = Buffer.concat(this.outbox);
    this.outbox = [];
    this.send(`SessionID=${encodeURIComponent(this.sessionId)}`, body);
  }

  private nextPause(): number {
    const longest = this.options.pollIntervalMs ?? DEFAULT_POLL_MS;
    const pause = Math.min(longest, FIRST_POLL_MS * 2 ** this.quietPolls);
    this.quietPolls = Math.min(this.quietPolls + 1, 16);
    return pause;
  }

  private schedulePoll(delayMs = this.nextPause()): void {
    clearTimeout(this.pollTimer);
    if (this.destroyed || this.ended) return;
    this.pollTimer = setTimeout(() => {
      if (this.inFlight || this.sessionId === undefined) return;
      if (this.outbox.length > 0) return this.pump();
      this.send(`Action=poll&SessionID=${encodeURIComponent(this.sessionId)}`, Buffer.alloc(0));
    }, delayMs);
  }

  private send(query: string, body: Buffer): void {
    this.exchange(query, body).then(
      (gotData) => {
        if (this.destroyed || this.ended) return;
        if (this.outbox.length > 0) this.pump();
        else if (this.finishing) this.finishing();
        // What the server answered may have more behind it: ask again at once.
        else if (gotData) {
          this.quietPolls = 0;
          this.schedulePoll(0);
        } else this.schedulePoll();
      },
      (err: unknown) => {
        this.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  /** One POST; resolves with whether the answer carried data. */
  private exchange(query: string, body: Buffer, timeoutMs = this.options.requestTimeoutMs ?? 30_000): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const path = `${this.url.pathname}?${query}`;
      const common = {
        method: 'POST',
        host: this.url.hostname.replace(/^\[|\]$/g, ''),
        port: this.url.port === '' ? (this.secure ? 443 : 80) : Number(this.url.port),
        path,
        agent: this.agent,
        headers: {
          Accept: '*/*',
          'Content-Type': 'application/x-msn-messenger',
          'Content-Length': String(body.length),
          'User-Agent': 'MSMSGS',
          Pragma: 'no-cache',
        },
      };
      const req = this.secure
        ? httpsRequest({ ...common, ...(this.secureContext ? { secureContext: this.secureContext } : {}) })
        : httpRequest(common);
      this.inFlight = req;
      req.setTimeout(timeoutMs, () => {
        req.destroy(
          new MsnpError('timeout', `The HTTP gateway (${this.url.host}) did not answer within ${timeoutMs} ms`),
        );
      });
      req.on('error', (err) => {
        if (this.inFlight === req) this.inFlight = undefined;
        // Our own timeout, and a proxy's failure, say what happened already.
        if (err instanceof ProxyError || (err instanceof MsnpError && err.kind === 'timeout')) return reject(err);
        reject(new MsnpError('network', `HTTP gateway unavailable (${this.url.host}): ${err.message}`, { cause: err }));
      });
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new MsnpError('network', `HTTP gateway answer cut off: ${err.message}`)));
        res.on('end', () => {
          if (this.inFlight === req) this.inFlight = undefined;
          try {
            resolve(this.received(res.statusCode ?? 0, res.headers, Buffer.concat(chunks)));
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      });
      req.end(body);
    });
  }

  private received(status: number, headers: IncomingHttpHeaders, body: Buffer): boolean {
    if (status !== 200) {
      throw new MsnpError(
        'network',
        this.sessionId === undefined
          ? `The HTTP gateway (${this.url.host}) refused the session: HTTP ${status}`
          : `The HTTP gateway (${this.url.host}) ended the session: HTTP ${status}`,
      );
    }
    const raw = headers['x-msn-messenger'];
    const info = parseGatewayHeader(Array.isArray(raw) ? raw.join(';') : raw);
    // Some gateways name a new session id in every answer; the latest one is the one to use.
    if (info.sessionId !== undefined) this.sessionId = info.sessionId;
    if (this.sessionId === undefined) {
      throw new MsnpError('protocol', `The HTTP gateway (${this.url.host}) named no session`);
    }
    if (body.length > 0 && !this.ended) this.push(body);
    // GW-IP is not followed: Escargot echoes the IP parameter there, and over HTTPS the
    // certificate names the configured host, not an address.
    if (info.close) this.finish();
    return body.length > 0;
  }
}
