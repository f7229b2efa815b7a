// Passport 1.4 ("Tweener") over HTTPS: the nexus, the login service and the tickets it issues.
// POST requests go to the SOAP services (soap.ts).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccountStore } from './accounts';

export const NEXUS_PATH = '/rdr/pprdr.asp';
export const LOGIN_PATH = '/login2.srf';
/** Where redirect mode sends the client for its second attempt. */
export const REDIRECTED_LOGIN_PATH = '/ppsecure/login2.srf';

const TICKET_LIFETIME_MS = 60_000;

/** Tickets handed out by the login service: single use, short-lived, bound to one account. */
export class TicketBook {
  private readonly tickets = new Map<string, { email: string; expires: number }>();

  issue(email: string): string {
    const now = Date.now();
    for (const [t, v] of this.tickets) if (v.expires <= now) this.tickets.delete(t);
    const ticket = `t=${randomBytes(36).toString('base64url')}&p=${randomBytes(48).toString('base64url')}`;
    this.tickets.set(ticket, { email: email.toLowerCase(), expires: now + TICKET_LIFETIME_MS });
    return ticket;
  }

  /** True when `ticket` was issued for `email` and is still fresh; a ticket works only once. */
  redeem(ticket: string, email: string): boolean {
    const entry = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return entry !== undefined && entry.email === email.toLowerCase() && entry.expires > Date.now();
  }
}

/**
 * Reads `sign-in` and `pwd` the way Escargot does: split on `,`, then on the first `=`,
 * URL-decode both halves. A password containing `,` `=` or `%` therefore has to be encoded.
 */
export function parsePassportAuthorization(header: string | undefined): { email: string; password: string } | null {
  const prefix = 'Passport1.4 ';
  if (!header?.startsWith(prefix)) return null;
  const fields = new Map<string, string>();
  for (const part of header.slice(prefix.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    try {
      fields.set(decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1)));
    } catch {
      return null;
    }
  }
  const email = fields.get('sign-in');
  const password = fields.get('pwd');
  return email === undefined || password === undefined ? null : { email, password };
}

export interface PassportOptions {
  readonly store: AccountStore;
  readonly tickets: TicketBook;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly redirect: boolean;
  readonly latencyMs: number;
  readonly log: (line: string) => void;
  /** SOAP services (MSNP13+), answered on the same HTTPS server. */
  readonly post?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export function createPassportServer(options: PassportOptions): Server {
  const server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    const answer = () => {
      try {
        handle(req, res, options);
      } catch (err) {
        options.log(`passport internal error: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    };
    if (options.latencyMs > 0) setTimeout(answer, options.latencyMs);
    else answer();
  });
  server.on('tlsClientError', (err) => options.log(`passport TLS error: ${err.message}`));
  return server;
}

function handle(req: IncomingMessage, res: ServerResponse, options: PassportOptions): void {
  const host = req.headers.host ?? '';
  const path = (req.url ?? '').split('?')[0];
  options.log(`passport ${req.method ?? ''} ${path ?? ''}`);
  if (req.method === 'POST' && options.post) {
    options.post(req, res).catch((err: unknown) => {
      options.log(`soap internal error: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
    return;
  }
  if (req.method !== 'GET') {
    res.writeHead(405, { Allow: options.post ? 'GET, POST' : 'GET' }).end();
    return;
  }
  if (path === NEXUS_PATH) {
    // Like the real nexus, DALogin carries no scheme: clients prepend https://.
    res
      .writeHead(200, {
        PassportURLs: [
          'DARealm=Passport.Net',
          `DALogin=${host}${LOGIN_PATH}`,
          `DAReg=${host}/reg.srf`,
          `Properties=${host}/properties.srf`,
          `GeneralRedir=${host}/generalredir.srf`,
          `Help=${host}/help.srf`,
          'ConfigVersion=15',
        ].join(','),
        'Content-Length': 0,
      })
      .end();
    return;
  }
  if (path === LOGIN_PATH && options.redirect) {
    res
      .writeHead(302, {
        Location: `https://${host}${REDIRECTED_LOGIN_PATH}?lc=1033`,
        'Authentication-Info': 'Passport1.4 da-status=redir',
        'Content-Length': 0,
      })
      .end();
    return;
  }
  if (path === LOGIN_PATH || (path === REDIRECTED_LOGIN_PATH && options.redirect)) {
    const creds = parsePassportAuthorization(req.headers.authorization);
    const account = creds && options.store.get(creds.email);
    if (!creds || !account || account.password !== creds.password) {
      res
        .writeHead(401, {
          'WWW-Authenticate':
            'Passport1.4 da-status=failed,srealm=Passport.NET,ts=-3,prompt,cbtxt=Type%20your%20e-mail%20address%20and%20password%20correctly.',
          PassportConfig: 'ConfigVersion=11',
          'Content-Length': 0,
        })
        .end();
      return;
    }
    const ticket = options.tickets.issue(account.email);
    res
      .writeHead(200, {
        'Authentication-Info': `Passport1.4 da-status=success,tname=MSPAuth,tname=MSPProf,tname=MSPSec,from-PP='${ticket}'`,
        'Content-Length': 0,
      })
      .end();
    return;
  }
  res.writeHead(404, { 'Content-Length': 0 }).end();
}
