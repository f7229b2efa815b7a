// MessengerClient: one account's notification-server session, composed of small modules (like
// xmpp.js composes its client): the sign-in sequence picks the auth mechanism and the list sync
// the dialect table names; the feature modules (roster, profile, privacy, presence, switchboard
// requests) each own their operations and the server commands that concern them; the lifecycle
// owns the phase, the connection, keep-alive, challenges and reconnection. The client checks its
// options, wires the modules together and keeps the public API and events. Electron-free; the
// app layer and the CLI drive it through its methods and typed events.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  SettableStatus,
  BRACED_GUID,
  MAX_PLACE_NAME,
  type Contact,
  type Group,
  type Privacy as PrivacySettings,
  type Profile as ProfileState,
  type ServerConfig,
  type SessionPhase,
} from '../../shared/schemas';
import { ClientContext, type Emit } from './context';
import { ConversationManager } from './conversation';
import { TypedEmitter } from './emitter';
import { MsnpError } from './errors';
import type {
  MessengerEvents,
  OfflineMessage,
  OfflineMessageFailure,
  OfflineMessageNotice,
  Place,
  SwitchboardTicket,
} from './events';
import { OfflineMessages } from './features/offline-messages';
import { Places } from './features/places';
import { Presence } from './features/presence';
import { Privacy } from './features/privacy';
import { Profile } from './features/profile';
import { Roster } from './features/roster';
import { SwitchboardRequests } from './features/switchboard-requests';
import type { KeepAliveOptions } from './keepalive';
import { Lifecycle } from './lifecycle';
import { DEFAULT_DIALECTS, LEGACY_DIALECTS, SUPPORTED_DIALECTS } from './modules';
import type { DaLoginCache } from './passport';
import type { BackoffOptions } from './reconnect';
import type { Transport } from './transport';

export type {
  MessengerEvents,
  OfflineMessage,
  OfflineMessageFailure,
  OfflineMessageNotice,
  Place,
  SwitchboardInvitation,
  SwitchboardTicket,
} from './events';
export { outcomeOf, signInFailureReason } from './lifecycle';

export interface MessengerClientOptions {
  readonly server: ServerConfig;
  readonly email: string;
  readonly password: string;
  /**
   * Dialect numbers to offer, e.g. `[12, 11]`; by default MSNP18…MSNP8 (…MSNP2 with
   * `legacyProtocols`).
   */
  readonly protocols?: readonly number[];
  readonly legacyProtocols?: boolean;
  /** Status to appear with. Default `NLN`. */
  readonly status?: SettableStatus;
  /** Personal message to set at sign-in (MSNP11+). Without it the server's stays untouched. */
  readonly personalMessage?: string;
  /** MSNP8+ capability bits sent with `CHG`. Default 0 (plain text); `P2P_CLIENT_ID` with the P2P layer. */
  readonly clientId?: number;
  /** Your display picture's msnobj XML, advertised with `CHG` (MSNP9+); see `setMsnObject`. */
  readonly msnObject?: string;
  readonly connectTimeoutMs?: number;
  /** Time allowed for each reply (and for the contact list download). Default 30 s. */
  readonly requestTimeoutMs?: number;
  readonly keepAlive?: KeepAliveOptions;
  /** Reconnection after an unexpected loss; `false` turns it off. */
  readonly reconnect?: BackoffOptions | false;
  /** Where learnt Passport login URLs are kept; defaults to one cache shared by the process. */
  readonly daLoginCache?: DaLoginCache;
  /**
   * Sends sign-in commands that do not wait on each other's replies together (VER, CVR and USR I;
   * SYN, CHG and PNG), relying on the server answering in order as MSNP servers do. Default true;
   * turn it off for a server that mishandles it.
   */
  readonly pipelining?: boolean;
  /** Proxy, HTTP gateway and wire trace for every connection and HTTPS request. Default: direct. */
  readonly transport?: Transport;
  /**
   * `{GUID}` of this installation, sent at SSO sign-in where the dialect has multiple places
   * (MSNP16+); keep it stable across runs, the server tells places apart by it. Default: one
   * made for this client.
   */
  readonly machineGuid?: string;
  /**
   * What this place is called in the account's other places' "signed in at" list (MSNP16+).
   * Default: the computer's host name.
   */
  readonly placeName?: string;
}

const ADDRESS = /^[^\s@]+@[^\s@]+$/;

/**
 * A signed-in MSN Messenger account on one server.
 *
 * Lifecycle: `signIn()` resolves once online (phases `connecting` → `authenticating` →
 * `syncing` → `online`) and emits `signed-in`, `contact-list`, then `presence` for each contact
 * already online. After an unexpected loss it emits `session-ended` and reconnects (phase
 * `reconnecting`), restoring status and personal message; `OUT OTH` (signed in elsewhere),
 * another place of the account signing this one out (MSNP16+) and refused credentials end it
 * with `signed-out` instead. `signOut()` ends it on purpose.
 *
 * Every operation resolves once the server confirms it and rejects with an `MsnpError`
 * (`kind` `server` with the numeric `code`, `timeout`, `state` when not signed in, …).
 *
 * For switchboards (conversations):
 * - `requestSwitchboard()` sends `XFR <trid> SB` and resolves `{ host, port, cookie }`, or rejects
 *   with the typed error (e.g. code 913 while appearing offline);
 * - the `invitation` event carries each `RNG` as `{ sessionId, host, port, cookie, callerEmail, callerDisplayName }`;
 * - `email`, `displayName`, `dialect` (negotiated number, e.g. 12) and `state` are the accessors to use;
 * - `session-ended` fires whenever the notification session ends, reconnecting or not: end
 *   every conversation then.
 */
export class MessengerClient extends TypedEmitter<MessengerEvents> {
  private readonly ctx: ClientContext;
  private readonly lifecycle: Lifecycle;
  private readonly profileOps: Profile;
  private readonly privacyOps: Privacy;
  private readonly roster: Roster;
  private readonly switchboards: SwitchboardRequests;
  private readonly offline: OfflineMessages;
  private readonly placeList: Places;
  /** This account's conversations (switchboard sessions); they all end whenever the session does. */
  readonly conversations: ConversationManager;

  constructor(options: MessengerClientOptions) {
    super();
    if (!ADDRESS.test(options.email.trim())) throw new MsnpError('invalid', `Not an account name: ${options.email}`);
    if (options.password === '') throw new MsnpError('invalid', 'The password is empty');
    const dialects = [...new Set(options.protocols ?? (options.legacyProtocols ? LEGACY_DIALECTS : DEFAULT_DIALECTS))];
    const unknown = dialects.filter((d) => !SUPPORTED_DIALECTS.includes(d));
    if (dialects.length === 0 || unknown.length > 0) {
      throw new MsnpError(
        'invalid',
        `Unsupported protocol versions: ${unknown.map((d) => `MSNP${d}`).join(', ') || 'none'}`,
      );
    }
    if (options.machineGuid !== undefined && !BRACED_GUID.test(options.machineGuid)) {
      throw new MsnpError('invalid', `Not a machine GUID: ${options.machineGuid}`);
    }
    // The host name is whatever the system says: cut to fit rather than refused.
    const placeName = (options.placeName ?? (hostname().trim().slice(0, MAX_PLACE_NAME) || 'Computer')).trim();
    // Control characters would not survive the XML, and the other places show the name as text.
    // eslint-disable-next-line no-control-regex
    if (placeName === '' || placeName.length > MAX_PLACE_NAME || /[\u0000-\u001f\u007f]/.test(placeName)) {
      throw new MsnpError('invalid', `A place name must be 1 to ${MAX_PLACE_NAME} printable characters`);
    }
    if (options.status !== undefined && !SettableStatus.options.includes(options.status)) {
      throw new MsnpError('invalid', `Not a status: ${String(options.status)}`);
    }
    const email = options.email.trim().toLowerCase();
    const emit: Emit = (event, payload) => this.emit(event, payload);
    this.ctx = new ClientContext(email, emit);
    const machineGuid = options.machineGuid ?? `{${randomUUID().toUpperCase()}}`;
    this.placeList = new Places(this.ctx, machineGuid, (from) => {
      const where = from?.name ? ` at ${from.name}` : '';
      void this.lifecycle.signOut('signed-in-elsewhere', `You were signed out from your other place${where}`);
    });
    this.profileOps = new Profile(this.ctx, {
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(options.personalMessage === undefined ? {} : { personalMessage: options.personalMessage }),
      clientId: options.clientId ?? 0,
      ...(options.msnObject === undefined ? {} : { msnObject: options.msnObject }),
      place: { machineGuid, name: placeName },
    });
    this.privacyOps = new Privacy(this.ctx);
    this.roster = new Roster(this.ctx);
    this.switchboards = new SwitchboardRequests(this.ctx);
    const presence = new Presence(this.ctx, this.placeList, this.profileOps);
    this.offline = new OfflineMessages(this.ctx);
    this.lifecycle = new Lifecycle(
      this.ctx,
      {
        server: options.server,
        email,
        password: options.password,
        dialects: dialects.sort((a, b) => b - a),
        requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
        ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
        ...(options.keepAlive === undefined ? {} : { keepAlive: options.keepAlive }),
        ...(options.reconnect === undefined ? {} : { reconnect: options.reconnect }),
        ...(options.daLoginCache === undefined ? {} : { daLoginCache: options.daLoginCache }),
        ...(options.pipelining === undefined ? {} : { pipelining: options.pipelining }),
        ...(options.transport === undefined ? {} : { transport: options.transport }),
        machineGuid,
      },
      { profile: this.profileOps, presence, offlineMessages: this.offline, places: this.placeList },
    );
    this.conversations = new ConversationManager({
      email,
      ...(options.transport === undefined ? {} : { transport: options.transport }),
      requestSwitchboard: () => this.requestSwitchboard(),
      onInvitation: (listener) => this.on('invitation', listener),
      onEnded: (listener) => {
        this.on('session-ended', ({ message }) => listener(message));
        this.on('signed-out', ({ message }) => listener(message));
      },
    });
  }

  /** The session phase: `signed-out`, `connecting`, `authenticating`, `syncing`, `online` or `reconnecting`. */
  get state(): SessionPhase {
    return this.ctx.phase;
  }

  /** The account, as the server spells it once signed in. */
  get email(): string {
    return this.ctx.model.profile.email;
  }

  get displayName(): string {
    return this.ctx.model.profile.displayName;
  }

  /** The negotiated dialect number (e.g. 12), once the server has chosen one. */
  get dialect(): number | undefined {
    return this.ctx.dialect?.version;
  }

  /** The negotiated dialect as named on the wire, e.g. `MSNP12`. */
  get protocol(): string | undefined {
    return this.ctx.dialect?.name;
  }

  get profile(): ProfileState {
    return this.ctx.model.profile;
  }

  get privacy(): PrivacySettings {
    return this.ctx.model.privacy;
  }

  get contacts(): Contact[] {
    return this.ctx.model.contacts();
  }

  get groups(): Group[] {
    return this.ctx.model.groups();
  }

  getContact(email: string): Contact | undefined {
    return this.ctx.model.get(email);
  }

  /**
   * The other places where this account is signed in right now (MSNP16+), as the server last
   * listed them; the `places` event reports changes. Empty in older dialects.
   */
  get places(): Place[] {
    return [...this.placeList.others];
  }

  /**
   * Signs the account out everywhere else (MSNP16+): asks each other place to sign out
   * (`UUN <email>;{guid} 4` with `goawyplzthxbye`) and resolves with how many were asked once
   * the server has taken every request. The places leave on their own, and `places` follows.
   */
  signOutElsewhere(): Promise<number> {
    return this.placeList.signOutOthers();
  }

  /** Signs in; resolves once online. Rejects with an `MsnpError` (`auth` for refused credentials). */
  signIn(): Promise<void> {
    return this.lifecycle.signIn();
  }

  /** Signs out (`OUT`), also cancelling a sign-in or reconnection in progress. */
  signOut(): Promise<void> {
    return this.lifecycle.signOut();
  }

  setStatus(status: SettableStatus): Promise<void> {
    return this.profileOps.setStatus(status);
  }

  /**
   * Advertises a new display picture (its msnobj XML, exactly as built), or none with
   * `undefined`: a `CHG` with the current status, kept for reconnections.
   */
  setMsnObject(msnObject: string | undefined): Promise<void> {
    return this.profileOps.setMsnObject(msnObject);
  }

  /** Changes your display name (`REA` or `PRP MFN`, as the dialect has it). */
  setDisplayName(displayName: string): Promise<void> {
    return this.profileOps.setDisplayName(displayName);
  }

  /** Sets your personal message (`UUX`, MSNP11+); an empty text clears it. */
  setPersonalMessage(text: string): Promise<void> {
    return this.profileOps.setPersonalMessage(text);
  }

  /**
   * Adds a contact to your list (FL, and AL unless you already allowed or blocked them),
   * optionally into a group (MSNP7+). Resolves with the contact as now listed.
   */
  addContact(email: string, options: { groupId?: string } = {}): Promise<Contact> {
    return this.roster.addContact(email, options);
  }

  /** Removes a contact from your list (FL); allow/block state is kept. */
  removeContact(email: string): Promise<void> {
    return this.roster.removeContact(email);
  }

  /** Blocks someone (BL, leaving AL). */
  blockContact(email: string): Promise<void> {
    return this.roster.blockContact(email);
  }

  /** Unblocks someone (AL, leaving BL). */
  unblockContact(email: string): Promise<void> {
    return this.roster.unblockContact(email);
  }

  /** Answers "X added you": allow (AL) or block (BL) them, and optionally add them to your list. */
  respondToAddition(email: string, answer: { allow: boolean; addToContacts: boolean }): Promise<void> {
    return this.roster.respondToAddition(email, answer);
  }

  /** Moves a listed contact into `toGroupId`, out of `fromGroupId` when given (MSNP7+). */
  moveContact(email: string, fromGroupId: string | undefined, toGroupId: string): Promise<void> {
    return this.roster.moveContact(email, fromGroupId, toGroupId);
  }

  createGroup(name: string): Promise<Group> {
    return this.roster.createGroup(name);
  }

  renameGroup(id: string, name: string): Promise<void> {
    return this.roster.renameGroup(id, name);
  }

  deleteGroup(id: string): Promise<void> {
    return this.roster.deleteGroup(id);
  }

  /** Changes who may contact you (`BLP`) and whether to be asked when added (`GTC`). */
  setPrivacy(change: Partial<PrivacySettings>): Promise<void> {
    return this.privacyOps.setPrivacy(change);
  }

  /** Asks for a new switchboard (`XFR <trid> SB`). */
  requestSwitchboard(): Promise<SwitchboardTicket> {
    return this.switchboards.requestSwitchboard();
  }

  /** Whether this session's dialect has offline messages (MSNP13+); false before sign-in. */
  get supportsOfflineMessages(): boolean {
    return this.offline.supported;
  }

  /** Offline messages announced by the server and not yet deleted. */
  pendingOfflineMessages(): OfflineMessageNotice[] {
    return this.offline.list();
  }

  /**
   * Fetches (GetMessage) the given pending messages, or all pending when omitted; resolves in the
   * order to show them (per sender by X-OIM-Run-Id/Sequence-Num, else by date; overall by time).
   * Unreadable ones go to failures and stay on the server.
   */
  fetchOfflineMessages(
    ids?: readonly string[],
  ): Promise<{ messages: OfflineMessage[]; failures: OfflineMessageFailure[] }> {
    return this.offline.fetch(ids);
  }

  /** DeleteMessages for these ids (one call); they leave the pending list. */
  deleteOfflineMessages(ids: readonly string[]): Promise<void> {
    return this.offline.delete(ids);
  }

  /**
   * Stores an offline message for `email` (Store2: lock key from the challenge, computed and
   * kept; a Run-Id per recipient per session and Sequence-Num/MessageNumber counting from 1; body
   * base64 in ≤76-char lines). Resolves once stored; rejects with an MsnpError whose message is
   * the reason in words (quota, unknown recipient, not allowed, bad ticket after one renewal…).
   * Text over `MAX_OFFLINE_TEXT_BYTES` (UTF-8) or only white space is refused (`invalid`).
   */
  sendOfflineMessage(email: string, text: string): Promise<void> {
    return this.offline.send(email, text);
  }
}
