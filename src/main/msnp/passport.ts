// Passport 1.4 ("Tweener") ticket for USR TWN (MSNP8–12): nexus → DALogin → login with the
// Authorization header → ticket from Authentication-Info. See the protocol notes, LOGIN.md §6.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { MsnpError } from './errors';
import type { Transport } from './transport';

/** Login URLs learnt from a nexus, by nexus URL, so later sign-ins skip the nexus. */
export class DaLoginCache {
  private readonly entries = new Map<string, string>();
  /** Nexus lookups started ahead of need (`prefetchLoginUrl`); undefined when one failed. */
  private readonly lookups = new Map<string, Promise<string | undefined>>();

  get(nexusUrl: string): string | undefined {
    return this.entries.get(nexusUrl);
  }

  /** The cached login URL, or the one a lookup in flight finds. */
  async settled(nexusUrl: string): Promise<string | undefined> {
    return this.entries.get(nexusUrl) ?? (await this.lookups.get(nexusUrl));
  }

  /** Records a lookup in flight until it ends. */
  track(nexusUrl: string, lookup: Promise<string | undefined>): void {
    this.lookups.set(nexusUrl, lookup);
    void lookup.finally(() => {
      if (this.lookups.get(nexusUrl) === lookup) this.lookups.delete(nexusUrl);
    });
  }

  looking(nexusUrl: string): boolean {
    return this.lookups.has(nexusUrl);
  }

  set(nexusUrl: string, loginUrl: string): void {
    this.entries.set(nexusUrl, loginUrl);
  }

  delete(nexusUrl: string): void {
    this.entries.delete(nexusUrl);
  }
}

/** Shared by every client in the process unless one is given its own. */
export const sharedDaLoginCache = new DaLoginCache();

export interface PassportOptions {
  readonly nexusUrl: string;
  readonly email: string;
  readonly password: string;
  /** The opaque parameter string from `USR <trid> TWN S <params>`. */
  readonly params: string;
  /** Extra CA certificates (PEM) trusted in addition to the system ones. */
  readonly ca?: string | Buffer;
  /** Permits plain HTTP; otherwise any `http:` URL is refused before anything is sent. */
  readonly allowInsecure?: boolean;
  /** Per HTTP request. Default 15 s. */
  readonly timeoutMs?: number;
  /** Default 5. */
  readonly maxRedirects?: number;
  readonly cache?: DaLoginCache;
  readonly signal?: AbortSignal;
  /** The proxy the requests go through and the wire trace; default direct, untraced. */
  readonly transport?: Transport;
}

interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
}

/** What a nexus lookup needs: no credentials, nothing from the notification server. */
export type NexusOptions = Pick<
  PassportOptions,
  'nexusUrl' | 'ca' | 'allowInsecure' | 'timeoutMs' | 'cache' | 'signal' | 'transport'
>;

/**
 * Starts looking up the login URL when it is not cached yet. It depends on nothing the
 * notification server says, so it can overlap the sign-in's first round trips there; a failure
 * is left for `passportTicket`, which asks the nexus again and reports it.
 */
export function prefetchLoginUrl(options: NexusOptions): void {
  const cache = options.cache ?? sharedDaLoginCache;
  if (cache.get(options.nexusUrl) !== undefined || cache.looking(options.nexusUrl)) return;
  cache.track(
    options.nexusUrl,
    discoverLoginUrl(options).then(
      (loginUrl) => {
        cache.set(options.nexusUrl, loginUrl);
        return loginUrl;
      },
      () => undefined,
    ),
  );
}

/** Resolves with the ticket to send in `USR TWN S`; rejects with an `auth`, `passport` or `timeout` MsnpError. */
export async function passportTicket(options: PassportOptions): Promise<string> {
  const cache = options.cache ?? sharedDaLoginCache;
  const cached = await cache.settled(options.nexusUrl);
  if (cached !== undefined) {
    try {
      return await login(cached, options);
    } catch (err) {
      // A stale cached login URL must not lock the account out: ask the nexus again once.
      if (err instanceof MsnpError && (err.kind === 'auth' || err.kind === 'state')) throw err;
      cache.delete(options.nexusUrl);
    }
  }
  const loginUrl = await discoverLoginUrl(options);
  cache.set(options.nexusUrl, loginUrl);
  return login(loginUrl, options);
}

async function discoverLoginUrl(options: NexusOptions): Promise<string> {
  const answer = await get(options.nexusUrl, {}, options);
  if (answer.status !== 200) throw new MsnpError('passport', `Passport nexus answered HTTP ${answer.status}`);
  const loginUrl = daLoginFrom(headerValue(answer.headers, 'passporturls'));
  if (loginUrl === undefined) throw new MsnpError('passport', 'Passport nexus gave no DALogin address');
  return loginUrl;
}

/** The DALogin URL from a `PassportURLs` header value, with `https://` added when it has no scheme. */
export function daLoginFrom(passportUrls: string | undefined): string | undefined {
  for (const pair of (passportUrls ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== 'dalogin') continue;
    const value = pair.slice(eq + 1).trim();
    if (value === '') return undefined;
    return /^https?:\/\//i.test(value) ? value : `https://${value}`;
  }
  return undefined;
}

/** Percent-encodes everything but unreserved characters, so `,` `=` `'` in a password survive. */
export function passportEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function authorizationHeader(email: string, password: string, params: string): string {
  return (
    'Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,' +
    `sign-in=${passportEncode(email)},pwd=${passportEncode(password)},${params}`
  );
}

async function login(startUrl: string, options: PassportOptions): Promise<string> {
  const headers = {
    Authorization: authorizationHeader(options.email, options.password, options.params),
    'User-Agent': 'MSMSGS',
    'Cache-Control': 'no-cache',
  };
  const maxRedirects = options.maxRedirects ?? 5;
  let url = startUrl;
  for (let hop = 0; ; hop++) {
    const answer = await get(url, headers, options);
    if (answer.status === 200) {
      const ticket = /from-PP='([^']*)'/.exec(headerValue(answer.headers, 'authentication-info') ?? '')?.[1];
      if (!ticket) throw new MsnpError('passport', 'Passport accepted the sign-in but sent no ticket');
      return ticket;
    }
    if (answer.status === 401) throw new MsnpError('auth', failureText(answer.headers));
    const location = headerValue(answer.headers, 'location');
    if (answer.status >= 300 && answer.status < 400 && location) {
      if (hop >= maxRedirects) throw new MsnpError('passport', `Passport redirected more than ${maxRedirects} times`);
      url = new URL(location, url).toString();
      continue;
    }
    throw new MsnpError('passport', `Passport login answered HTTP ${answer.status}`);
  }
}

/** The human text of a 401 (`cbtxt`), or a generic one. */
function failureText(headers: IncomingHttpHeaders): string {
  const fallback = 'Wrong e-mail address or password';
  const cbtxt = /(?:^|,)\s*cbtxt=([^,]*)/.exec(headerValue(headers, 'www-authenticate') ?? '')?.[1];
  if (!cbtxt) return fallback;
  try {
    return decodeURIComponent(cbtxt) || fallback;
  } catch {
    return fallback;
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** TLS settings trusting the system roots plus one extra CA, by that CA's PEM text. */
const secureContexts = new Map<string, SecureContext>();

/**
 * Building these parses every root certificate, about 10 ms of CPU: once per extra CA, not once
 * per Passport request (two of which are on the sign-in's critical path).
 */
export function secureContextWith(ca: string | Buffer): SecureContext {
  const key = typeof ca === 'string' ? ca : ca.toString('latin1');
  let context = secureContexts.get(key);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, ca] });
    secureContexts.set(key, context);
  }
  return context;
}

function get(target: string, headers: Record<string, string>, options: NexusOptions): Promise<HttpAnswer> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.reject(new MsnpError('passport', `Invalid Passport address ${JSON.stringify(target)}`));
  }
  const insecure = url.protocol === 'http:';
  if (!insecure && url.protocol !== 'https:') {
    return Promise.reject(new MsnpError('passport', `Unsupported Passport address ${url.origin}`));
  }
  if (insecure && !options.allowInsecure) {
    return Promise.reject(
      new MsnpError(
        'passport',
        `Refusing to use Passport over plain HTTP (${url.host}); the server entry does not allow it`,
      ),
    );
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  const trace = options.transport?.trace;
  const traceId = trace?.active ? trace.open('http') : undefined;
  if (traceId !== undefined) trace?.http(traceId, 'out', `GET ${target}`, headers);
  return new Promise((resolve, reject) => {
    const common = {
      method: 'GET',
      headers,
      agent: options.transport?.httpAgent(!insecure) ?? (false as const),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const req = insecure
      ? httpRequest(url, common)
      : httpsRequest(url, { ...common, ...(options.ca ? { secureContext: secureContextWith(options.ca) } : {}) });
    req.setTimeout(timeoutMs, () => {
      req.destroy(new MsnpError('timeout', `Passport (${url.host}) did not answer within ${timeoutMs} ms`));
    });
    req.on('error', (err) => {
      if (err instanceof MsnpError) reject(err);
      else if (options.signal?.aborted) reject(new MsnpError('state', 'Sign-in cancelled'));
      else reject(new MsnpError('passport', `Passport unavailable (${url.host}): ${err.message}`, { cause: err }));
    });
    req.on('response', (res) => {
      res.resume();
      if (traceId !== undefined)
        trace?.http(traceId, 'in', `HTTP ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trim(), res.headers);
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.end();
  });
}
