// An auth mechanism answers the server's `USR … S` challenge: MD5 (MSNP2–7), TWN / Passport 1.4
// (MSNP8–14), SSO (MSNP15+). The sign-in sequence (login.ts) picks the one the dialect table
// names and runs everything around it: VER, INF or CVR, USR I, referrals and the final USR.
import type { Transport } from '../transport';
import type { AuthMechanismName, Dialect } from '../dialects';
import { MsnpError } from '../errors';
import type { DaLoginCache } from '../passport';
import type { ServiceName, TokenStore } from '../soap/rst';

export type LoginStep = 'connect' | 'ver' | 'inf' | 'cvr' | 'usr-initial' | 'passport' | 'usr-subsequent';

/** What a mechanism may use: the account, and how to reach the server's HTTPS services. */
export interface AuthSettings {
  readonly email: string;
  readonly password: string;
  readonly nexusUrl: string;
  /** Extra CA (PEM) for the server's HTTPS services. */
  readonly ca?: string | Buffer;
  readonly allowInsecurePassport?: boolean;
  readonly daLoginCache?: DaLoginCache;
  readonly requestTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: LoginStep) => void;
  /** For SSO: the login service and the tokens kept across sign-ins. */
  readonly sso?: SsoSettings;
  /** Proxy, gateway and trace for the HTTPS requests. Default: direct. */
  readonly transport?: Transport;
}

export interface SsoSettings {
  /** The login service (RST) URL. */
  readonly rstUrl: string;
  readonly tokens: TokenStore;
  /** `{GUID}` of this installation, sent where the dialect has multiple places. */
  readonly machineGuid?: string;
}

export interface AuthMechanism {
  /** As named in `USR <trid> <name> I|S`. */
  readonly name: AuthMechanismName;
  /**
   * Starts work that needs nothing from the server (TWN: learning Passport's login URL) while
   * VER, CVR and USR I travel; called when those go out together.
   */
  prepare?(settings: AuthSettings): void;
  /** From the challenge of `USR <trid> <name> S <challenge…>`, the params after `<name> S` of the answer. */
  respond(challenge: readonly string[], settings: AuthSettings, dialect: Dialect): Promise<readonly string[]>;
  /**
   * The `TicketToken` (`t=…&p=…`) that opens a SOAP service for this session, given the answer
   * the sign-in was accepted with; `renew` asks for a new one after the service said it expired.
   * Absent for mechanisms whose dialects have no SOAP services.
   */
  ticketFor?(service: ServiceName, settings: AuthSettings, answer: readonly string[], renew: boolean): Promise<string>;
}

export const cancelled = (): MsnpError => new MsnpError('state', 'Sign-in cancelled');

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}
