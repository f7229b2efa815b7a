// Security tokens for the SOAP services: issued by RST.srf per service (MSNP15+) or derived from
// the Passport 1.4 ticket a MSNP13/14 client signed in with. Each has its own expiry.
import { randomBytes } from 'node:crypto';

/** The `wsa:Address` values a client asks RST.srf for, and what each token opens here. */
export const SERVICES = {
  /** `USR SSO S`; the only token with a proof key (BinarySecret). */
  messengerClear: 'messengerclear.live.com',
  /** OIM retrieval (rsi.asmx). */
  messenger: 'messenger.msn.com',
  /** Address book and sharing service. */
  contacts: 'contacts.msn.com',
  /** OIM sending (oim.asmx Store2). */
  messengerSecure: 'messengersecure.live.com',
  storage: 'storage.msn.com',
} as const;

export type Service = (typeof SERVICES)[keyof typeof SERVICES] | string;

export interface Token {
  readonly email: string;
  readonly service: Service;
  /** The text after `t=`: what identifies the token however a client quotes it. */
  readonly t: string;
  readonly p: string;
  /** 24 random bytes, for messengerclear.live.com only. */
  readonly secret?: Buffer;
  readonly created: number;
  expires: number;
}

export const DEFAULT_TOKEN_LIFETIME_MS = 24 * 3600_000;

/** `t=…&p=…`, `t=…` or the bare value → the `t` part. */
export function ticketKey(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('t=')) return trimmed;
  const amp = trimmed.indexOf('&p=');
  return trimmed.slice(2, amp < 0 ? undefined : amp);
}

export class TokenBook {
  private readonly tokens = new Map<string, Token>();

  constructor(private readonly lifetimeMs: number) {}

  issue(email: string, service: Service, withSecret = false): Token {
    this.sweep();
    const now = Date.now();
    const token: Token = {
      email: email.toLowerCase(),
      service,
      t: randomBytes(30).toString('base64url'),
      p: randomBytes(12).toString('base64url'),
      ...(withSecret ? { secret: randomBytes(24) } : {}),
      created: now,
      expires: now + this.lifetimeMs,
    };
    this.tokens.set(token.t, token);
    return token;
  }

  /** MSNP13/14: the Passport 1.4 ticket a session signed in with opens every service. */
  adoptTicket(email: string, ticket: string): void {
    const t = ticketKey(ticket);
    const now = Date.now();
    this.tokens.set(t, {
      email: email.toLowerCase(),
      service: '*',
      t,
      p: '',
      created: now,
      expires: now + this.lifetimeMs,
    });
  }

  /** The token, expired or not; undefined when it was never issued. */
  find(text: string): Token | undefined {
    return this.tokens.get(ticketKey(text));
  }

  /** Makes every token of `email` (or of everyone) expire now: tests use it to force a renewal. */
  expire(email?: string): number {
    let n = 0;
    for (const token of this.tokens.values()) {
      if (email === undefined || token.email === email.toLowerCase()) {
        token.expires = Math.min(token.expires, Date.now() - 1);
        n++;
      }
    }
    return n;
  }

  /** Forgets tokens that expired an hour ago or more (kept that long so their use reports "expired"). */
  private sweep(): void {
    const cutoff = Date.now() - 3600_000;
    for (const [k, v] of this.tokens) if (v.expires < cutoff) this.tokens.delete(k);
  }
}

export function compact(token: Token): string {
  return `t=${token.t}&p=${token.p}`;
}
