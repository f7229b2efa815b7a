// What the dispatch, notification and switchboard servers share inside one process.
import { AL, BL, type AccountStore } from './accounts';
import type { NsSession } from './notification';
import type { TicketBook } from './passport';
import type { OimStore } from './oim';
import type { TokenBook } from './tokens';

export interface Settings {
  readonly latencyMs: number;
  readonly challenges: boolean;
  readonly challengeIntervalMs: number;
  readonly sbIdleTimeoutMs: number;
  readonly loginTimeoutMs: number;
  /** The newest dialect VER accepts. */
  readonly maxDialect: number;
  /** Relay switchboard messages but never acknowledge them. */
  readonly holdAcks: boolean;
  readonly log: (line: string) => void;
}

export interface Addresses {
  dispatch: string;
  notification: string;
  switchboard: string;
  /** 'host:port' of the HTTPS server (Passport, SOAP services). */
  https: string;
}

export interface Hub {
  readonly store: AccountStore;
  readonly tickets: TicketBook;
  /** SOAP tokens (RST.srf, and the MSNP13/14 sign-in tickets). */
  readonly tokens: TokenBook;
  /** Offline messages (MSNP13+). */
  readonly oims: OimStore;
  /**
   * The place that represents each signed-in account to others (its status and capabilities):
   * the one that last changed status. With MPOP (MSNP16+) an account may have more places.
   */
  readonly online: Map<string, NsSession>;
  /** Signed-in places by e-mail; kept by the sessions themselves. */
  readonly places: Map<string, Set<NsSession>>;
  /** Every signed-in place of `email` (one below MSNP16). */
  sessionsOf(email: string): NsSession[];
  /** Every signed-in place of every account. */
  allSessions(): NsSession[];
  isSignedIn(email: string): boolean;
  readonly addresses: Addresses;
  readonly settings: Settings;
  /** Switchboard cookie for `XFR SB`, valid for one `USR` by `email` (at the place with `guid`). */
  issueSwitchboardCookie(email: string, dialect: number, guid?: string): string;
}

/** Whether `owner`'s privacy settings let `other` see them online and invite them to chats. */
export function allows(hub: Hub, owner: string, other: string): boolean {
  const account = hub.store.get(owner);
  if (!account) return false;
  const lists = account.contacts.get(other.toLowerCase())?.lists ?? 0;
  if (lists & BL) return false;
  return account.blp === 'AL' || (lists & AL) !== 0;
}

/** Whether `email` is signed in with a status that `viewer` may see (not hidden, not blocked). */
export function visibleTo(hub: Hub, email: string, viewer: string): NsSession | null {
  const user = hub.online.get(email.toLowerCase());
  if (!user || user.status === null || user.status === 'HDN') return null;
  return allows(hub, user.email, viewer) ? user : null;
}
