// The events a MessengerClient emits, and the switchboard addresses it hands out. Types only, so
// the feature modules and the conversations can name them without importing the client.
import type { Contact, Group, Privacy, Profile, SessionPhase, SignOutReason, Status } from '../../shared/schemas';
import type { MsnpError } from './errors';

/** Where to connect for a new conversation: the answer to `XFR <trid> SB`. */
export interface SwitchboardTicket {
  readonly host: string;
  readonly port: number;
  readonly cookie: string;
}

/** `RNG <sessionId> <host:port> CKI <cookie> <callerEmail> <callerFriendly>`: someone invites you to a conversation. */
export interface SwitchboardInvitation extends SwitchboardTicket {
  readonly sessionId: string;
  readonly callerEmail: string;
  readonly callerDisplayName: string;
}

/** An offline message waiting on the server (MSNP13+), as the notification server announces it. */
export interface OfflineMessageNotice {
  /** The server's message id (a GUID), what `fetchOfflineMessages` and `deleteOfflineMessages` take. */
  readonly id: string;
  readonly from: string;
  /** The sender's display name as the notice gives it (decoded), or their e-mail. */
  readonly fromName: string;
  /** When the server received it (ms since the epoch). */
  readonly receivedAt: number;
}

/** An offline message fetched and decoded. */
export interface OfflineMessage extends OfflineMessageNotice {
  readonly text: string;
  /** When it was sent (its `Date`, else the server's receive time), ms since the epoch. */
  readonly sentAt: number;
}

/** An offline message that could not be fetched or read; it stays on the server. */
export interface OfflineMessageFailure {
  readonly id: string;
  readonly from: string;
  readonly reason: string;
}

/** Another place where this account is signed in at the same time (MSNP16+, "multiple places"). */
export interface Place {
  /** Its machine GUID, `{…}`, as the server spells it. */
  readonly id: string;
  /** The name it gave itself (its computer's name, usually); empty when it gave none. */
  readonly name: string;
  /** Its own status. */
  readonly state: Status;
}

export interface MessengerEvents {
  /** The session phase changed (see `state`). */
  state: SessionPhase;
  /** Sign-in (or a reconnection) completed; the contact list follows at once. */
  'signed-in': { protocol: string; dialect: number; profile: Profile; reconnected: boolean };
  /** The whole contact list, with the presence known at sign-in. */
  'contact-list': { contacts: Contact[]; groups: Group[]; privacy: Privacy };
  /** A contact's status, display name, client id, MSN object or personal message changed. */
  presence: Contact;
  /** A contact's lists, groups or phone numbers changed; `contact` is undefined once it is on no list. */
  'list-changed': { email: string; contact: Contact | undefined };
  /**
   * Someone added you to their list and you have neither allowed nor blocked them: answer with
   * `respondToAddition` (or, when `privacy.gtc` is `N`, the user asked not to be prompted).
   * Also sent after sign-in for each such person who added you while you were offline.
   */
  'added-you': { email: string; displayName: string };
  'groups-changed': Group[];
  'profile-changed': Profile;
  'privacy-changed': Privacy;
  /**
   * The other places where this account is signed in (MSNP16+): once at sign-in, then whenever
   * the list changes. Empty when there are none.
   */
  places: Place[];
  /**
   * Offline messages are waiting (MSNP13+): at sign-in, the whole list; while online, each new one.
   * Fetch them with `fetchOfflineMessages` and delete them with `deleteOfflineMessages` once shown.
   */
  'offline-messages': { messages: OfflineMessageNotice[]; atSignIn: boolean };
  /** A switchboard invitation (`RNG`). */
  invitation: SwitchboardInvitation;
  /**
   * The notification-server session ended: every switchboard tied to it is void. Followed by
   * reconnection attempts when `reconnecting`, otherwise by `signed-out`.
   */
  'session-ended': { reason: SignOutReason; message: string; reconnecting: boolean };
  /** The client is signed out for good (until `signIn` is called again). */
  'signed-out': { reason: SignOutReason; message: string };
  /** Something failed without ending the session, or just before ending it. */
  error: MsnpError;
}
