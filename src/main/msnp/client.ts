// MessengerClient: one account's notification-server session. Signs in, downloads the contact
// list, tracks presence, performs list operations, keeps the connection alive and reconnects
// after an unexpected loss. Electron-free; the app layer and the CLI drive it through its
// methods and typed events.
import { readFile } from 'node:fs/promises';
import {
  SettableStatus,
  type Contact,
  type Group,
  type ListName,
  type Privacy,
  type Profile,
  type ServerConfig,
  type SessionPhase,
  type SignOutReason,
} from '../../shared/schemas';
import { challengeResponse, productKeyFor } from './challenge';
import { decodeName, encodeName, type Frame } from './codec';
import {
  addToGroupCommand,
  addToListCommand,
  createGroupCommand,
  deleteGroupCommand,
  displayNameCommand,
  removeFromGroupCommand,
  removeFromListCommand,
  renameGroupCommand,
  statusCommand,
  type Command,
} from './commands';
import type { MsnpConnection, RequestOptions } from './connection';
import { ConversationManager } from './conversation';
import { ContactList, isPendingAddition } from './contact-list';
import { TypedEmitter } from './emitter';
import { MsnpError, isErrorCode, serverError } from './errors';
import { KeepAlive, type KeepAliveOptions } from './keepalive';
import {
  parseAdgReply,
  parseListChange,
  parsePersonalMessage,
  parsePresence,
  parsePrivacyValue,
  parseProperty,
  personalMessagePayload,
} from './lists';
import { DEFAULT_DIALECTS, SUPPORTED_DIALECTS, login, parseHostPort, type LoginResult } from './login';
import type { DaLoginCache } from './passport';
import { isProxyError, type Transport } from './transport';
import { Backoff, type BackoffOptions } from './reconnect';
import { ListDownload, synParams } from './syn';

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

export interface MessengerClientOptions {
  readonly server: ServerConfig;
  readonly email: string;
  readonly password: string;
  /** Dialect numbers to offer, e.g. `[12, 11]`; by default MSNP12…MSNP8 (…MSNP2 with `legacyProtocols`). */
  readonly protocols?: readonly number[];
  readonly legacyProtocols?: boolean;
  /** Status to appear with. Default `NLN`. */
  readonly status?: SettableStatus;
  /** Personal message to set at sign-in (MSNP11+). Without it the server's stays untouched. */
  readonly personalMessage?: string;
  /** MSNP8+ capability bits sent with `CHG`. Default 0 (plain text). */
  readonly clientId?: number;
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
}

const ADDRESS = /^[^\s@]+@[^\s@]+$/;
const MAX_DISPLAY_NAME_BYTES = 387;
const MAX_PERSONAL_MESSAGE = 129;
const MAX_GROUP_NAME = 61;

interface ActiveDownload {
  readonly list: ListDownload;
  readonly trid: number;
  readonly arm: () => void;
  readonly settle: (error?: MsnpError) => void;
}

/**
 * A signed-in MSN Messenger account on one server.
 *
 * Lifecycle: `signIn()` resolves once online (phases `connecting` → `authenticating` →
 * `syncing` → `online`) and emits `signed-in`, `contact-list`, then `presence` for each contact
 * already online. After an unexpected loss it emits `session-ended` and reconnects (phase
 * `reconnecting`), restoring status and personal message; `OUT OTH` (signed in elsewhere) and
 * refused credentials end it with `signed-out` instead. `signOut()` ends it on purpose.
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
  private readonly options: MessengerClientOptions;
  private readonly dialects: readonly number[];
  private readonly backoff: Backoff | undefined;
  private phase: SessionPhase = 'signed-out';
  private connection: MsnpConnection | undefined;
  private detach: Array<() => void> = [];
  private negotiated: number | undefined;
  private model: ContactList;
  private keepAlive: KeepAlive | undefined;
  private download: ActiveDownload | undefined;
  /** Presence is reported only once the list has been announced. */
  private announced = false;
  private desiredStatus: SettableStatus;
  /** The personal message to restore; undefined until one is set. */
  private desiredPersonalMessage: string | undefined;
  private abort: AbortController | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** This account's conversations (switchboard sessions); they all end whenever the session does. */
  readonly conversations: ConversationManager;

  constructor(options: MessengerClientOptions) {
    super();
    if (!ADDRESS.test(options.email.trim())) throw new MsnpError('invalid', `Not an account name: ${options.email}`);
    if (options.password === '') throw new MsnpError('invalid', 'The password is empty');
    const dialects = [
      ...new Set(options.protocols ?? (options.legacyProtocols ? SUPPORTED_DIALECTS : DEFAULT_DIALECTS)),
    ];
    const unknown = dialects.filter((d) => !SUPPORTED_DIALECTS.includes(d));
    if (dialects.length === 0 || unknown.length > 0) {
      throw new MsnpError(
        'invalid',
        `Unsupported protocol versions: ${unknown.map((d) => `MSNP${d}`).join(', ') || 'none'}`,
      );
    }
    if (options.status !== undefined && !SettableStatus.options.includes(options.status)) {
      throw new MsnpError('invalid', `Not a status: ${String(options.status)}`);
    }
    this.options = { ...options, email: options.email.trim().toLowerCase() };
    this.dialects = dialects.sort((a, b) => b - a);
    this.backoff = options.reconnect === false ? undefined : new Backoff(options.reconnect);
    this.model = new ContactList(this.options.email);
    this.desiredStatus = options.status ?? 'NLN';
    this.desiredPersonalMessage = options.personalMessage;
    this.conversations = new ConversationManager({
      email: this.options.email,
      transport: options.transport,
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
    return this.phase;
  }

  /** The account, as the server spells it once signed in. */
  get email(): string {
    return this.model.profile.email;
  }

  get displayName(): string {
    return this.model.profile.displayName;
  }

  /** The negotiated dialect number (e.g. 12), once the server has chosen one. */
  get dialect(): number | undefined {
    return this.negotiated;
  }

  /** The negotiated dialect as named on the wire, e.g. `MSNP12`. */
  get protocol(): string | undefined {
    return this.negotiated === undefined ? undefined : `MSNP${this.negotiated}`;
  }

  get profile(): Profile {
    return this.model.profile;
  }

  get privacy(): Privacy {
    return this.model.privacy;
  }

  get contacts(): Contact[] {
    return this.model.contacts();
  }

  get groups(): Group[] {
    return this.model.groups();
  }

  getContact(email: string): Contact | undefined {
    return this.model.get(email);
  }

  /** Signs in; resolves once online. Rejects with an `MsnpError` (`auth` for refused credentials). */
  async signIn(): Promise<void> {
    if (this.phase !== 'signed-out') throw new MsnpError('state', 'Already signed in or signing in');
    const abort = new AbortController();
    this.abort = abort;
    try {
      await this.establish(abort.signal, false);
    } catch (err) {
      const error = asMsnpError(err);
      this.teardown();
      if (!abort.signal.aborted) {
        this.emit('error', error);
        this.finish(signInFailureReason(error), error.message);
      }
      throw error;
    }
  }

  /** Signs out (`OUT`), also cancelling a sign-in or reconnection in progress. */
  async signOut(): Promise<void> {
    if (this.phase === 'signed-out') return;
    this.abort?.abort();
    clearTimeout(this.reconnectTimer);
    const connection = this.release(new MsnpError('state', 'Signed out'));
    if (connection?.isOpen) {
      const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
      connection.sendWithoutTrid('OUT');
      connection.end();
      const timer = setTimeout(() => connection.destroy(), 2000);
      await closed;
      clearTimeout(timer);
    }
    this.finish('user', 'Signed out');
  }

  setStatus(status: SettableStatus): Promise<void> {
    if (!SettableStatus.options.includes(status))
      return Promise.reject(new MsnpError('invalid', `Not a status: ${String(status)}`));
    return this.run(async ({ dialect }) => {
      await this.call(statusCommand(dialect, status, this.clientId), {
        map: () => this.applyProfile({ status }),
      });
      this.desiredStatus = status;
    });
  }

  /** Changes your display name (`REA` up to MSNP9, `PRP MFN` from MSNP10). */
  setDisplayName(displayName: string): Promise<void> {
    const name = displayName.trim();
    return this.run(async ({ dialect }) => {
      if (name === '' || encodeName(name).length > MAX_DISPLAY_NAME_BYTES) {
        throw new MsnpError('invalid', 'A display name must be 1 to 129 characters');
      }
      await this.call(displayNameCommand(dialect, this.email, name), {
        map: () => this.applyProfile({ displayName: name }),
      });
    });
  }

  /** Sets your personal message (`UUX`, MSNP11+); an empty text clears it. */
  setPersonalMessage(text: string): Promise<void> {
    return this.run(async ({ dialect }) => {
      if (dialect < 11) throw new MsnpError('unsupported', 'Personal messages need MSNP11 or later');
      if (text.length > MAX_PERSONAL_MESSAGE) {
        throw new MsnpError('invalid', `A personal message is at most ${MAX_PERSONAL_MESSAGE} characters`);
      }
      await this.sendPersonalMessage(text);
    });
  }

  /**
   * Adds a contact to your list (FL, and AL unless you already allowed or blocked them),
   * optionally into a group (MSNP7+). Resolves with the contact as now listed.
   */
  addContact(email: string, options: { groupId?: string } = {}): Promise<Contact> {
    return this.run(async ({ dialect }) => {
      const address = checkAddress(email);
      const { groupId } = options;
      if (groupId !== undefined && dialect < 7) throw new MsnpError('unsupported', 'Groups need MSNP7 or later');
      if (!this.model.get(address)?.lists.includes('FL')) await this.addToList('FL', address, groupId);
      const listed = this.model.get(address);
      if (groupId !== undefined && listed && !listed.groupIds.includes(groupId)) {
        await this.addToGroup(listed, groupId);
      }
      if (!onAny(this.model.get(address), 'AL', 'BL')) await this.addToList('AL', address);
      return this.requireContact(address);
    });
  }

  /** Removes a contact from your list (FL); allow/block state is kept. */
  removeContact(email: string): Promise<void> {
    return this.run(async () => {
      const contact = this.requireContact(checkAddress(email));
      if (contact.lists.includes('FL')) await this.removeFromList('FL', contact);
    });
  }

  /** Blocks someone (BL, leaving AL). */
  blockContact(email: string): Promise<void> {
    return this.run(async () => {
      const address = checkAddress(email);
      const contact = this.model.get(address);
      if (contact?.lists.includes('AL')) await this.removeFromList('AL', contact);
      if (!contact?.lists.includes('BL')) await this.addToList('BL', address);
    });
  }

  /** Unblocks someone (AL, leaving BL). */
  unblockContact(email: string): Promise<void> {
    return this.run(async () => {
      const address = checkAddress(email);
      const contact = this.model.get(address);
      if (contact?.lists.includes('BL')) await this.removeFromList('BL', contact);
      if (!contact?.lists.includes('AL')) await this.addToList('AL', address);
    });
  }

  /** Answers "X added you": allow (AL) or block (BL) them, and optionally add them to your list. */
  respondToAddition(email: string, answer: { allow: boolean; addToContacts: boolean }): Promise<void> {
    return this.run(async () => {
      const address = checkAddress(email);
      const [target, opposite]: [ListName, ListName] = answer.allow ? ['AL', 'BL'] : ['BL', 'AL'];
      const contact = this.model.get(address);
      if (contact?.lists.includes(opposite)) await this.removeFromList(opposite, contact);
      if (!contact?.lists.includes(target)) await this.addToList(target, address);
      if (this.model.get(address)?.lists.includes('PL')) {
        this.model.resolvePending(address);
        this.emitContact(address);
      }
      if (answer.addToContacts) await this.addContact(address);
    });
  }

  /** Moves a listed contact into `toGroupId`, out of `fromGroupId` when given (MSNP7+). */
  moveContact(email: string, fromGroupId: string | undefined, toGroupId: string): Promise<void> {
    return this.run(async ({ dialect }) => {
      if (dialect < 7) throw new MsnpError('unsupported', 'Groups need MSNP7 or later');
      const contact = this.requireContact(checkAddress(email));
      if (!contact.lists.includes('FL')) throw new MsnpError('invalid', `${contact.email} is not in your contacts`);
      if (!contact.groupIds.includes(toGroupId)) await this.addToGroup(contact, toGroupId);
      if (fromGroupId !== undefined && fromGroupId !== toGroupId && contact.groupIds.includes(fromGroupId)) {
        await this.call(removeFromGroupCommand(dialect, contact, fromGroupId), {
          map: () => {
            this.model.removeFromList(contact.email, 'FL', fromGroupId);
            this.emitContact(contact.email);
          },
        });
      }
    });
  }

  createGroup(name: string): Promise<Group> {
    return this.run(async ({ dialect }) => {
      if (dialect < 7) throw new MsnpError('unsupported', 'Groups need MSNP7 or later');
      const clean = checkGroupName(name);
      return this.call(createGroupCommand(dialect, clean), {
        map: (reply) => {
          const line = parseAdgReply(dialect, reply.params, clean);
          const group = line && this.model.upsertGroup(line.id, clean);
          if (!group)
            throw new MsnpError('protocol', 'The server did not say which id the new group got', { command: 'ADG' });
          this.emit('groups-changed', this.model.groups());
          return group;
        },
      });
    });
  }

  renameGroup(id: string, name: string): Promise<void> {
    return this.run(async ({ dialect }) => {
      const clean = checkGroupName(name);
      if (!this.model.group(id)) throw new MsnpError('invalid', `No group ${id}`);
      await this.call(renameGroupCommand(dialect, id, clean), {
        map: () => {
          this.model.upsertGroup(id, clean);
          this.emit('groups-changed', this.model.groups());
        },
      });
    });
  }

  deleteGroup(id: string): Promise<void> {
    return this.run(async () => {
      if (!this.model.group(id)) throw new MsnpError('invalid', `No group ${id}`);
      const members = this.model.contacts().filter((c) => c.groupIds.includes(id));
      await this.call(deleteGroupCommand(id), {
        map: () => {
          this.model.removeGroup(id);
          this.emit('groups-changed', this.model.groups());
          for (const member of members) this.emitContact(member.email);
        },
      });
    });
  }

  /** Changes who may contact you (`BLP`) and whether to be asked when added (`GTC`). */
  setPrivacy(change: Partial<Privacy>): Promise<void> {
    return this.run(async () => {
      const current = this.model.privacy;
      if (change.blp !== undefined && change.blp !== current.blp) {
        const blp = change.blp;
        await this.call({ name: 'BLP', params: [blp] }, { map: () => this.applyPrivacy({ blp }) });
      }
      if (change.gtc !== undefined && change.gtc !== current.gtc) {
        const gtc = change.gtc;
        await this.call({ name: 'GTC', params: [gtc] }, { map: () => this.applyPrivacy({ gtc }) });
      }
    });
  }

  /** Asks for a new switchboard (`XFR <trid> SB`). */
  requestSwitchboard(): Promise<SwitchboardTicket> {
    return this.run(() =>
      this.call(
        { name: 'XFR', params: ['SB'] },
        {
          map: (reply): SwitchboardTicket => {
            const [, kind, address, scheme, cookie] = reply.params;
            const target = parseHostPort(address);
            if (kind !== 'SB' || !target || scheme !== 'CKI' || cookie === undefined) {
              throw new MsnpError('protocol', 'The server sent an unusable switchboard address', { command: 'XFR' });
            }
            return { host: target.host, port: target.port, cookie };
          },
        },
      ),
    );
  }

  // --- sign-in -------------------------------------------------------------------------------

  private get clientId(): number {
    return this.options.clientId ?? 0;
  }

  private get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? 30_000;
  }

  private async establish(signal: AbortSignal, reconnecting: boolean): Promise<void> {
    const progress = (phase: SessionPhase): void => {
      if (!reconnecting) this.setPhase(phase);
    };
    progress('connecting');
    const { server } = this.options;
    const ca = await readCa(server.caFile);
    if (signal.aborted) throw new MsnpError('state', 'Sign-in cancelled');
    await login({
      host: server.host,
      port: server.port,
      email: this.options.email,
      password: this.options.password,
      dialects: this.dialects,
      nexusUrl: server.nexus ?? `https://${server.host.includes(':') ? `[${server.host}]` : server.host}/rdr/pprdr.asp`,
      ...(ca === undefined ? {} : { ca }),
      ...(server.allowInsecurePassport === undefined ? {} : { allowInsecurePassport: server.allowInsecurePassport }),
      ...(this.options.daLoginCache === undefined ? {} : { daLoginCache: this.options.daLoginCache }),
      ...(this.options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: this.options.connectTimeoutMs }),
      requestTimeoutMs: this.requestTimeoutMs,
      ...(this.options.pipelining === undefined ? {} : { pipelining: this.options.pipelining }),
      signal,
      transport: this.options.transport,
      onStep: (step) => {
        if (step === 'ver') progress('authenticating');
      },
      onAuthenticated: (session) => this.attach(session),
    });
    progress('syncing');
    if (this.options.pipelining === false) {
      await this.downloadLists();
      await this.goOnline(false);
    } else {
      // The server answers SYN before it reads CHG, so the initial presence still follows the list.
      await Promise.all([this.downloadLists(), this.goOnline(true)]);
    }
    if (signal.aborted) throw new MsnpError('state', 'Sign-in cancelled');
    this.setPhase('online');
    this.announce(reconnecting);
  }

  /** Takes over the connection the moment `USR OK` arrives. */
  private attach(session: LoginResult): void {
    const { connection } = session;
    this.connection = connection;
    this.negotiated = session.dialect;
    this.model = new ContactList(session.email, session.displayName ?? session.email);
    this.model.updateProfile({ personalMessage: this.desiredPersonalMessage ?? '' });
    this.announced = false;
    this.detach = [
      connection.on('frame', (frame) => this.onFrame(frame)),
      connection.on('close', ({ error }) => this.onClosed(connection, error)),
    ];
    this.keepAlive = new KeepAlive(
      this.options.keepAlive ?? {},
      () => {
        if (connection.isOpen) connection.sendWithoutTrid('PNG');
      },
      () => connection.destroy(new MsnpError('timeout', 'The server stopped answering')),
    );
  }

  private downloadLists(): Promise<void> {
    const { connection, dialect } = this.session();
    const timeoutMs = this.requestTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (error?: MsnpError): void => {
        clearTimeout(timer);
        if (this.download === active) this.download = undefined;
        if (error) reject(error);
        else resolve();
      };
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            settle(
              new MsnpError('timeout', `The contact list did not arrive within ${timeoutMs} ms`, { command: 'SYN' }),
            ),
          timeoutMs,
        );
      };
      let trid: number;
      try {
        trid = connection.send('SYN', synParams(dialect));
      } catch (err) {
        reject(asMsnpError(err));
        return;
      }
      const active: ActiveDownload = { list: new ListDownload(dialect, this.model, trid), trid, arm, settle };
      this.download = active;
      arm();
    });
  }

  /** CHG, the personal message (MSNP11+), then a ping; sent together when `pipelined`. */
  private async goOnline(pipelined: boolean): Promise<void> {
    const { dialect } = this.session();
    const status = this.desiredStatus;
    const personalMessage = this.desiredPersonalMessage;
    const keepAlive = this.keepAlive;
    const steps: Array<() => Promise<unknown>> = [
      () =>
        this.call(statusCommand(dialect, status, this.clientId), { map: () => this.model.updateProfile({ status }) }),
    ];
    if (dialect >= 11 && personalMessage !== undefined) steps.push(() => this.sendPersonalMessage(personalMessage));
    // The initial presence follows the CHG reply and the server answers in order, so once a
    // ping is answered the burst is complete.
    steps.push(async () => {
      if (!keepAlive || !(await keepAlive.ping())) throw new MsnpError('timeout', 'The server stopped answering');
    });
    if (pipelined) {
      await Promise.all(steps.map((step) => step()));
      return;
    }
    for (const step of steps) await step();
  }

  private announce(reconnected: boolean): void {
    const dialect = this.negotiated ?? 0;
    this.emit('signed-in', { protocol: `MSNP${dialect}`, dialect, profile: this.model.profile, reconnected });
    this.emit('contact-list', {
      contacts: this.model.contacts(),
      groups: this.model.groups(),
      privacy: this.model.privacy,
    });
    this.announced = true;
    for (const contact of this.model.contacts()) if (contact.status !== 'FLN') this.emit('presence', contact);
    // People who added us while we were offline are asked about once per sign-in, as the classic
    // client did; a reconnection would only ask again about the same people.
    if (!reconnected) {
      for (const contact of this.model.contacts()) {
        if (isPendingAddition(contact))
          this.emit('added-you', { email: contact.email, displayName: contact.displayName });
      }
    }
  }

  // --- incoming ------------------------------------------------------------------------------

  private onFrame(frame: Frame): void {
    const download = this.download;
    if (download) {
      if (isErrorCode(frame.name) && frame.params[0] === String(download.trid)) {
        download.settle(serverError(Number(frame.name), 'SYN'));
        return;
      }
      if (download.list.feed(frame)) {
        if (download.list.complete) download.settle();
        else download.arm();
        return;
      }
    }
    if (isErrorCode(frame.name)) {
      this.onServerError(Number(frame.name));
      return;
    }
    this.handlers[frame.name]?.(frame);
  }

  /** Async commands (and late list lines), by name; anything else is ignored, as servers add commands. */
  private readonly handlers: Readonly<Record<string, (frame: Frame) => void>> = {
    ILN: (frame) => this.onPresence('ILN', frame.params),
    NLN: (frame) => this.onPresence('NLN', frame.params),
    FLN: (frame) => {
      const email = frame.params[0];
      if (email !== undefined) this.updatePresence(email, () => this.model.setPresence(email, { status: 'FLN' }));
    },
    UBX: (frame) => {
      const email = frame.params[0];
      const text = parsePersonalMessage(frame.payload);
      if (email !== undefined) this.updatePresence(email, () => this.model.setPersonalMessage(email, text));
    },
    ADD: (frame) => this.onListNotice(frame),
    ADC: (frame) => this.onListNotice(frame),
    REM: (frame) => this.onListNotice(frame),
    BPR: (frame) => {
      const prop = parseProperty(frame.params);
      const contact = prop && this.model.setPhone(prop.email, prop.key, prop.value);
      if (contact && this.announced) this.emit('list-changed', { email: contact.email, contact });
    },
    // MSNP2–7 servers may send privacy after the lists; those lines end up here.
    GTC: (frame) => {
      const value = parsePrivacyValue(frame.params);
      if (value === 'A' || value === 'N') this.applyPrivacy({ gtc: value });
    },
    BLP: (frame) => {
      const value = parsePrivacyValue(frame.params);
      if (value === 'AL' || value === 'BL') this.applyPrivacy({ blp: value });
    },
    PRP: (frame) => {
      const prop = parseProperty(frame.params);
      if (prop?.key === 'MFN' && prop.value !== '') this.applyProfile({ displayName: prop.value });
    },
    CHL: (frame) => this.onChallenge(frame.params[1]),
    QNG: (frame) => {
      const seconds = frame.params[0];
      this.keepAlive?.pong(seconds !== undefined && /^\d{1,6}$/.test(seconds) ? Number(seconds) : undefined);
    },
    RNG: (frame) => this.onRing(frame.params),
    OUT: (frame) => this.onOut(frame.params),
  };

  private onPresence(name: 'ILN' | 'NLN', params: readonly string[]): void {
    const line = parsePresence(name, params);
    if (!line) return;
    this.updatePresence(line.email, () =>
      this.model.setPresence(line.email, {
        status: line.status,
        displayName: line.displayName,
        ...(line.clientId === undefined ? {} : { clientId: line.clientId }),
        ...(line.msnObject === undefined ? {} : { msnObject: line.msnObject }),
      }),
    );
  }

  /** Applies a presence change and reports it when something visible changed (servers repeat themselves). */
  private updatePresence(email: string, apply: () => Contact | undefined): void {
    const before = this.model.get(email);
    const after = apply();
    if (!after || !this.announced || (before && samePresence(before, after))) return;
    this.emit('presence', after);
  }

  /** `ADD`/`ADC`/`REM` that are not replies to our requests: mostly RL changes (someone added or removed you). */
  private onListNotice(frame: Frame): void {
    const dialect = this.negotiated ?? 0;
    const change = parseListChange(dialect, frame.name, frame.params);
    if (!change) return;
    const email = change.email ?? (change.guid === undefined ? undefined : this.model.byGuid(change.guid)?.email);
    if (email === undefined) return;
    if (frame.name === 'REM') {
      this.model.removeFromList(email, change.list, change.groupId);
      this.emitContact(email);
      return;
    }
    const contact = this.model.addToList(email, change.list, {
      ...(change.displayName === undefined ? {} : { displayName: change.displayName }),
      ...(change.guid === undefined ? {} : { guid: change.guid }),
      ...(change.groupId === undefined ? {} : { groupIds: [change.groupId] }),
    });
    if (!contact) return;
    this.emitContact(contact.email);
    if ((change.list === 'RL' || change.list === 'PL') && !onAny(contact, 'AL', 'BL')) {
      this.emit('added-you', { email: contact.email, displayName: contact.displayName });
    }
  }

  private onChallenge(challenge: string | undefined): void {
    const connection = this.connection;
    if (challenge === undefined || !connection || this.negotiated === undefined) return;
    const pair = productKeyFor(this.negotiated);
    connection.request('QRY', [pair.id], { payload: challengeResponse(challenge, pair) }).catch((err: unknown) => {
      // Some servers (Escargot) read QRY and never answer; only a refusal is worth reporting,
      // and the server disconnects after one anyway.
      if (err instanceof MsnpError && err.code !== undefined) this.emit('error', err);
    });
  }

  private onRing(params: readonly string[]): void {
    const [sessionId, address, scheme, cookie, callerEmail, callerFriendly] = params;
    const target = parseHostPort(address);
    if (sessionId === undefined || !target || scheme !== 'CKI' || cookie === undefined || callerEmail === undefined)
      return;
    this.emit('invitation', {
      sessionId,
      host: target.host,
      port: target.port,
      cookie,
      callerEmail,
      callerDisplayName: decodeName(callerFriendly ?? callerEmail),
    });
  }

  private onOut(params: readonly string[]): void {
    const [code, minutes] = params;
    const out = outcomeOf(code, minutes);
    if (this.phase !== 'online') {
      this.connection?.destroy(new MsnpError('server', out.message, { command: 'OUT' }));
      return;
    }
    this.loseSession(out.reason, out.message, out.reconnect, out.delayMs);
  }

  private onServerError(code: number): void {
    const error = serverError(code);
    this.emit('error', error);
    if (!error.fatal || this.phase !== 'online') return;
    if (error.kind === 'auth') this.loseSession('wrong-credentials', error.message, false);
    else this.loseSession('server-error', error.message, true);
  }

  private onClosed(connection: MsnpConnection, error: MsnpError | undefined): void {
    if (connection !== this.connection) return;
    const failure = error ?? new MsnpError('network', 'The server closed the connection');
    this.download?.settle(failure);
    this.teardown();
    // During sign-in the pending steps fail with this close and report it themselves.
    if (this.phase !== 'online') return;
    if (failure.kind === 'protocol') {
      this.emit('error', failure);
      this.loseSession('protocol-error', failure.message, false);
      return;
    }
    this.loseSession('connection-lost', failure.message, true);
  }

  // --- session end and reconnection ----------------------------------------------------------

  private loseSession(reason: SignOutReason, message: string, reconnect: boolean, delayMs = 0): void {
    this.teardown();
    const reconnecting = reconnect && this.backoff !== undefined;
    this.emit('session-ended', { reason, message, reconnecting });
    if (!reconnecting) {
      this.finish(reason, message);
      return;
    }
    this.setPhase('reconnecting');
    this.abort = new AbortController();
    this.scheduleReconnect(this.abort.signal, 0, { reason, message }, delayMs);
  }

  private scheduleReconnect(
    signal: AbortSignal,
    attempt: number,
    lost: { reason: SignOutReason; message: string },
    minimumMs = 0,
  ): void {
    const delay = this.backoff?.delayFor(attempt, minimumMs);
    if (delay === undefined) {
      this.finish(lost.reason, `${lost.message} (reconnecting failed)`);
      return;
    }
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.establish(signal, true).catch((err: unknown) => {
        this.teardown();
        if (signal.aborted) return;
        const error = asMsnpError(err);
        if (error.kind === 'auth') {
          this.emit('error', error);
          this.finish('wrong-credentials', error.message);
          return;
        }
        this.scheduleReconnect(signal, attempt + 1, lost);
      });
    }, delay);
  }

  private finish(reason: SignOutReason, message: string): void {
    if (this.phase === 'signed-out') return;
    clearTimeout(this.reconnectTimer);
    this.teardown();
    this.setPhase('signed-out');
    this.emit('signed-out', { reason, message });
  }

  /** Detaches from the current connection and returns it, still open. */
  private release(reason: MsnpError): MsnpConnection | undefined {
    for (const off of this.detach.splice(0)) off();
    this.keepAlive?.stop();
    this.keepAlive = undefined;
    this.download?.settle(reason);
    this.announced = false;
    const connection = this.connection;
    this.connection = undefined;
    return connection;
  }

  private teardown(): void {
    this.release(new MsnpError('network', 'Disconnected'))?.destroy();
  }

  private setPhase(phase: SessionPhase): void {
    if (this.phase === phase) return;
    this.phase = phase;
    this.emit('state', phase);
  }

  // --- helpers for operations ----------------------------------------------------------------

  private session(): { connection: MsnpConnection; dialect: number } {
    if (!this.connection || this.negotiated === undefined) throw new MsnpError('state', 'Not signed in');
    return { connection: this.connection, dialect: this.negotiated };
  }

  /** Runs an operation that needs an online session; errors come back as rejections. */
  private async run<T>(
    operation: (session: { connection: MsnpConnection; dialect: number }) => Promise<T>,
  ): Promise<T> {
    if (this.phase !== 'online') throw new MsnpError('state', 'Not signed in');
    return operation(this.session());
  }

  private call<T = Frame>(command: Command, options: RequestOptions<T> = {}): Promise<T> {
    return this.session().connection.request<T>(command.name, command.params, options);
  }

  private sendPersonalMessage(text: string): Promise<void> {
    return this.call(
      { name: 'UUX', params: [] },
      {
        payload: personalMessagePayload(text),
        map: () => {
          this.desiredPersonalMessage = text;
          this.applyProfile({ personalMessage: text });
        },
      },
    );
  }

  private addToList(list: ListName, email: string, groupId?: string): Promise<void> {
    const dialect = this.negotiated ?? 0;
    return this.call(addToListCommand(dialect, list, email, groupId), {
      map: (reply) => {
        // The group comes from the reply: MSNP10+ adds to FL and to a group in two steps.
        const change = parseListChange(dialect, reply.name, reply.params);
        this.model.addToList(email, list, {
          ...(change?.displayName === undefined ? {} : { displayName: change.displayName }),
          ...(change?.guid === undefined ? {} : { guid: change.guid }),
          ...(change?.groupId === undefined ? {} : { groupIds: [change.groupId] }),
        });
        this.emitContact(email);
      },
    });
  }

  private addToGroup(contact: Contact, groupId: string): Promise<void> {
    return this.call(addToGroupCommand(this.negotiated ?? 0, contact, groupId), {
      map: () => {
        this.model.addToGroup(contact.email, groupId);
        this.emitContact(contact.email);
      },
    });
  }

  private removeFromList(list: ListName, contact: Contact): Promise<void> {
    return this.call(removeFromListCommand(this.negotiated ?? 0, list, contact), {
      map: () => {
        this.model.removeFromList(contact.email, list);
        this.emitContact(contact.email);
      },
    });
  }

  private requireContact(email: string): Contact {
    const contact = this.model.get(email);
    if (!contact) throw new MsnpError('invalid', `${email} is not on any of your lists`);
    return contact;
  }

  private emitContact(email: string): void {
    if (!this.announced) return;
    const key = email.toLowerCase();
    this.emit('list-changed', { email: key, contact: this.model.get(key) });
  }

  private applyProfile(change: Partial<Omit<Profile, 'email'>>): void {
    const profile = this.model.updateProfile(change);
    if (this.announced) this.emit('profile-changed', profile);
  }

  private applyPrivacy(change: Partial<Privacy>): void {
    const privacy = this.model.setPrivacy(change);
    if (this.announced) this.emit('privacy-changed', privacy);
  }
}

function samePresence(a: Contact, b: Contact): boolean {
  return (
    a.status === b.status &&
    a.displayName === b.displayName &&
    a.personalMessage === b.personalMessage &&
    a.clientId === b.clientId &&
    a.msnObject === b.msnObject
  );
}

function onAny(contact: Contact | undefined, ...lists: ListName[]): boolean {
  return contact !== undefined && lists.some((list) => contact.lists.includes(list));
}

function checkAddress(email: string): string {
  const address = email.trim().toLowerCase();
  if (!ADDRESS.test(address) || address.length > 129) throw new MsnpError('invalid', `Not an e-mail address: ${email}`);
  return address;
}

function checkGroupName(name: string): string {
  const clean = name.trim();
  if (clean === '' || clean.length > MAX_GROUP_NAME) {
    throw new MsnpError('invalid', `A group name must be 1 to ${MAX_GROUP_NAME} characters`);
  }
  return clean;
}

async function readCa(path: string | undefined): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (err) {
    throw new MsnpError(
      'invalid',
      `Cannot read the CA file ${path}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function asMsnpError(err: unknown): MsnpError {
  if (err instanceof MsnpError) return err;
  return new MsnpError('protocol', err instanceof Error ? err.message : String(err), { cause: err });
}

/** Why a sign-in attempt failed, in the terms the app shows. */
export function signInFailureReason(error: MsnpError): SignOutReason {
  switch (error.kind) {
    case 'auth':
      return 'wrong-credentials';
    case 'timeout':
    case 'network':
      return isProxyError(error) ? 'proxy-error' : 'unreachable';
    case 'server':
    case 'passport':
      return 'server-error';
    case 'state':
      return 'connection-lost';
    default:
      return 'protocol-error';
  }
}

interface OutOutcome {
  readonly reason: SignOutReason;
  readonly message: string;
  readonly reconnect: boolean;
  readonly delayMs?: number;
}

/** What `OUT [<code> [<minutes>]]` from the server means for the session. */
export function outcomeOf(code: string | undefined, minutes?: string): OutOutcome {
  switch (code) {
    case 'OTH':
      // Reconnecting would sign the other place out, and so on in a loop.
      return { reason: 'signed-in-elsewhere', message: 'You signed in at another location', reconnect: false };
    case 'SSD':
      return { reason: 'server-shutdown', message: 'The server is shutting down for maintenance', reconnect: true };
    case 'RCT': {
      const n = minutes !== undefined && /^\d{1,4}$/.test(minutes) ? Number(minutes) : 0;
      return {
        reason: 'server-shutdown',
        message: `The server closed temporarily${n > 0 ? `; it asked to reconnect in ${n} minutes` : ''}`,
        reconnect: true,
        delayMs: n * 60_000,
      };
    }
    case 'TOU':
      return { reason: 'server-error', message: 'The server requires accepting new terms of use', reconnect: false };
    default:
      return { reason: 'connection-lost', message: 'The server ended the session', reconnect: true };
  }
}
