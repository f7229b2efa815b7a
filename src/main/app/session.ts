// The signed-in session: signs in with the engine's MessengerClient, turns its events into the
// contract's events, and keeps what a newly opened window asks for. Accounts and saved passwords
// are handled here too, because what is remembered depends on how the sign-in went.
import type { CommandInput, Emit, Place, SessionSnapshot } from '../../shared/ipc';
import { CommandError } from '../../shared/ipc';
import type { Contact, Profile, SessionPhase, SettableStatus, SignOutReason } from '../../shared/schemas';
import { MessengerClient, signInFailureReason, type MessengerClientOptions } from '../msnp/client';
import { MsnpError } from '../msnp/errors';
import { P2P_CLIENT_ID, P2PManager } from '../msnp/p2p/manager';
import { isOnline } from '../../shared/status';
import type { ContactsService } from './contacts';
import type { ConversationsService } from './conversations';
import type { MediaService } from './media';
import type { OfflineInbox } from './offline-inbox';
import { toCommandError } from './conversations';
import type { CredentialStore } from './credentials';
import { transportFor, type NetworkDeps } from './network';
import type { SettingsStore } from './settings';

/** Engine settings the app leaves at their defaults; tests and the demo may tune them. */
export type EngineOptions = Partial<
  Pick<MessengerClientOptions, 'connectTimeoutMs' | 'requestTimeoutMs' | 'keepAlive' | 'reconnect' | 'protocols'>
>;

export interface SessionDeps {
  readonly emit: Emit;
  readonly settings: SettingsStore;
  readonly credentials: CredentialStore;
  readonly contacts: ContactsService;
  readonly conversations: ConversationsService;
  /** The session ended without the user asking: bring the sign-in screen to the front. */
  readonly signedOutUnexpectedly: () => void;
  readonly media: MediaService;
  /** Where offline messages waiting on the server go once they are announced (MSNP13+). */
  readonly offlineInbox?: OfflineInbox;
  /** A new P2P layer for a session (file transfers follow it), or undefined when it ends. */
  readonly p2pChanged: (p2p: P2PManager | undefined) => void;
  /** Whether contacts' pictures are fetched as soon as they are online (pictures shown in the list). */
  readonly picturesInList: () => boolean;
  readonly engine?: EngineOptions;
  /** The wire trace and the system proxy lookup, for every sign-in's transport. */
  readonly network?: Omit<NetworkDeps, 'settings' | 'credentials'>;
  /** This installation's `{GUID}`, the same at every sign-in (MSNP16+ tells places apart by it). */
  readonly machineGuid?: () => string;
}

type SignInInput = CommandInput<'account:sign-in'>;

export class SessionService {
  private client: MessengerClient | undefined;
  private p2pLayer: P2PManager | undefined;
  private phaseNow: SessionPhase = 'signed-out';
  private protocol: string | undefined;
  private profileNow: Profile | undefined;
  /** The account's other places, once the server listed them (MSNP16+). */
  private placesNow: Place[] | undefined;
  private detachClient: (() => void)[] = [];
  /** A missing keychain is reported once per run, not at every sign-in. */
  private keychainReported = false;

  constructor(private readonly deps: SessionDeps) {}

  get phase(): SessionPhase {
    return this.phaseNow;
  }

  get profile(): Profile | undefined {
    return this.profileNow;
  }

  /**
   * Signs in and resolves once online. A failure rejects with the reason worded for people and
   * also ends in `session:signed-out`, which is what brings back the sign-in screen.
   */
  async signIn(input: SignInInput): Promise<void> {
    if (this.client) throw new CommandError('You are already signed in or signing in');
    const email = input.email;
    const password = input.password ?? (await this.deps.credentials.get(email));
    if (password === undefined) {
      this.reportKeychainOnce();
      throw new CommandError('There is no saved password for this account: type your password');
    }

    const picture = await this.deps.media.ownPicture(email);
    let client: MessengerClient;
    try {
      const transport = await transportFor(
        input.server,
        { ...this.deps.network, settings: this.deps.settings, credentials: this.deps.credentials },
        (reason) =>
          this.deps.emit('session:phase', {
            phase: this.phaseNow === 'signed-out' ? 'connecting' : this.phaseNow,
            detail: `Could not connect directly (${reason}). Trying the HTTP gateway…`,
          }),
      );
      client = new MessengerClient({
        ...this.deps.engine,
        transport,
        server: input.server,
        email,
        password,
        status: input.status,
        // Pictures, emoticons and files over MSNP2P are what this client implements, and says so.
        clientId: P2P_CLIENT_ID,
        ...(picture ? { msnObject: picture.object.xml } : {}),
        ...(this.deps.machineGuid === undefined ? {} : { machineGuid: this.deps.machineGuid() }),
      });
    } catch (err) {
      const reason = err instanceof MsnpError ? signInFailureReason(err) : 'protocol-error';
      const error = toCommandError(err);
      this.deps.emit('session:signed-out', { reason, message: error.message });
      throw error;
    }
    this.client = client;
    this.listen(client);
    try {
      await client.signIn();
    } catch (err) {
      const error = toCommandError(err);
      // The client reports the end itself (`signed-out`); this only covers a failure it did not report.
      this.ended(client, err instanceof MsnpError ? signInFailureReason(err) : 'protocol-error', error.message);
      throw error;
    }
    try {
      await this.remember(input, password);
    } catch (err) {
      // Signed in all the same: say what could not be remembered rather than fail the sign-in.
      this.deps.emit('session:error', {
        message: `Your sign-in details could not be saved: ${toCommandError(err).message}`,
      });
    }
  }

  async signOut(): Promise<void> {
    await this.client?.signOut();
  }

  /** Signs in the account marked "sign me in automatically", if its password is in the keychain. */
  async signInAutomatically(): Promise<void> {
    const account = this.deps.settings.accounts().find((a) => a.signInAutomatically);
    if (!account || this.client) return;
    const password = await this.deps.credentials.get(account.email);
    if (password === undefined) {
      this.reportKeychainOnce();
      this.deps.emit('session:signed-out', {
        reason: 'wrong-credentials',
        message: `${account.email} could not be signed in automatically: its saved password is missing`,
      });
      this.deps.signedOutUnexpectedly();
      return;
    }
    await this.signIn({
      email: account.email,
      password,
      status: account.status,
      server: account.server,
      rememberMe: true,
      rememberPassword: true,
      signInAutomatically: true,
    }).catch(() => undefined);
  }

  snapshot(): SessionSnapshot {
    const { contacts, groups, privacy } = this.deps.contacts.snapshot();
    return {
      phase: this.phaseNow,
      ...(this.protocol === undefined ? {} : { protocol: this.protocol }),
      ...(this.profileNow === undefined ? {} : { profile: this.profileNow }),
      ...(this.placesNow === undefined ? {} : { places: this.placesNow }),
      contacts,
      groups,
      ...(privacy === undefined ? {} : { privacy }),
      ...(this.client?.supportsOfflineMessages ? { offlineMessages: true } : {}),
    };
  }

  /** Runs an operation on the signed-in client; engine errors come back worded for people. */
  async withClient<T>(operation: (client: MessengerClient) => Promise<T>): Promise<T> {
    const client = this.client;
    if (!client || client.state !== 'online') throw new CommandError('You are not signed in');
    try {
      return await operation(client);
    } catch (err) {
      throw toCommandError(err);
    }
  }

  setStatus(status: SettableStatus): Promise<void> {
    return this.withClient((c) => c.setStatus(status));
  }

  /** Signs the account out at its other places; resolves with how many were asked to leave. */
  async signOutElsewhere(): Promise<{ places: number }> {
    return { places: await this.withClient((c) => c.signOutElsewhere()) };
  }

  /** The session's P2P layer, while signed in. */
  get p2p(): P2PManager | undefined {
    return this.p2pLayer;
  }

  /** A new display picture (PNG bytes) or none: kept, advertised and shown in our windows. */
  async setDisplayPicture(image: Buffer | undefined): Promise<void> {
    const profile = this.profileNow;
    if (!profile) throw new CommandError('You are not signed in');
    const own = await this.deps.media.setOwnPicture(profile.email, image);
    await this.withClient((c) => c.setMsnObject(own?.object.xml));
    this.setProfile(this.withPicture({ ...profile }));
  }

  /** The contact's picture is in the cache: it shows from now on. */
  pictureReady(email: string, pictureId: string): void {
    const contact = this.deps.contacts.get(email);
    if (contact) this.deps.contacts.update({ ...contact, pictureId });
  }

  /** Fetches a contact's picture for a window that shows it (a conversation with them). */
  wantPicture(email: string): void {
    const contact = this.deps.contacts.get(email);
    const p2p = this.p2pLayer;
    if (contact && p2p && isOnline(contact.status)) this.deps.media.want(contact, (object) => p2p.fetchObject(object));
  }

  private withPicture(profile: Profile): Profile {
    const { pictureId: _old, ...rest } = profile;
    const pictureId = this.deps.settings.ownPicture(profile.email);
    return pictureId === undefined ? rest : { ...rest, pictureId };
  }

  private setProfile(profile: Profile): void {
    this.profileNow = profile;
    this.deps.emit('profile:changed', profile);
  }

  /** A contact as the windows see it: with their picture once it is in the cache. */
  private decorate(contact: Contact): Contact {
    const { pictureId: _none, ...rest } = contact;
    const pictureId = this.deps.media.knownPicture(contact);
    if (pictureId === undefined && (this.deps.picturesInList() || this.deps.conversations.isTalkingWith(contact.email)))
      this.wantPicture(contact.email);
    return pictureId === undefined ? rest : { ...rest, pictureId };
  }

  async shutdown(): Promise<void> {
    await this.client?.signOut().catch(() => undefined);
  }

  private listen(client: MessengerClient): void {
    const { emit, contacts, conversations } = this.deps;
    // The client's conversations outlive reconnections, like the client itself.
    conversations.attach(client.conversations, client, client.email);
    const p2p = new P2PManager(client.conversations, {
      email: client.email,
      dialect: () => client.dialect,
      objects: this.deps.media.provider(client.email),
    });
    this.p2pLayer = p2p;
    this.deps.p2pChanged(p2p);
    this.detachClient = [
      () => {
        p2p.dispose();
        this.p2pLayer = undefined;
        this.deps.p2pChanged(undefined);
        this.deps.media.reset();
      },
      p2p.on('emoticon', ({ conversationId, from, shortcut, object, data }) => {
        this.deps.media.keep(data, object.sha1d).then(
          (pictureId) => conversations.emoticonArrived(conversationId, from, shortcut, pictureId),
          () => undefined,
        );
      }),
      client.on('state', (phase) => {
        this.phaseNow = phase;
        emit('session:phase', { phase });
        // The contact list and presence are in by now: waiting messages know whom they go to.
        if (phase === 'online') conversations.connected();
        else conversations.disconnected();
      }),
      client.on('signed-in', ({ protocol, profile }) => {
        this.protocol = protocol;
        this.profileNow = this.withPicture(profile);
        emit('session:signed-in', {
          protocol,
          profile: this.profileNow,
          offlineMessages: client.supportsOfflineMessages,
        });
      }),
      client.on('contact-list', ({ contacts: list, groups, privacy }) => {
        contacts.load(
          list.map((c) => this.decorate(c)),
          groups,
          privacy,
        );
        emit('privacy:changed', privacy);
      }),
      client.on('presence', (contact: Contact) => contacts.update(this.decorate(contact))),
      client.on('list-changed', ({ email, contact }) =>
        contacts.listChanged(email, contact ? this.decorate(contact) : undefined),
      ),
      client.on('added-you', (who) => emit('contacts:added-you', who)),
      client.on('offline-messages', ({ messages }) => void this.deps.offlineInbox?.arrived(client, messages)),
      client.on('groups-changed', (groups) => {
        contacts.setGroups(groups);
        emit('groups:changed', { groups });
      }),
      client.on('profile-changed', (profile) => this.setProfile(this.withPicture(profile))),
      client.on('places', (places) => {
        this.placesNow = places;
        emit('session:places', { places });
      }),
      client.on('privacy-changed', (privacy) => {
        contacts.setPrivacy(privacy);
        emit('privacy:changed', privacy);
      }),
      client.on('session-ended', () => contacts.flush()),
      client.on('error', (error) => {
        // Failures of the sign-in itself are told by `session:signed-out`.
        if (this.phaseNow === 'online' || this.phaseNow === 'reconnecting') {
          emit('session:error', { ...(error.code === undefined ? {} : { code: error.code }), message: error.message });
        }
      }),
      client.on('signed-out', ({ reason, message }) => this.ended(client, reason, message)),
    ];
  }

  private ended(client: MessengerClient, reason: SignOutReason, message: string): void {
    if (this.client !== client) return;
    for (const off of this.detachClient.splice(0)) off();
    this.client = undefined;
    this.protocol = undefined;
    this.profileNow = undefined;
    this.placesNow = undefined;
    this.phaseNow = 'signed-out';
    this.deps.conversations.endAll(reason === 'user' ? 'You signed out' : message);
    this.deps.contacts.clear();
    this.deps.emit('session:signed-out', { reason, message });
    if (reason !== 'user') this.deps.signedOutUnexpectedly();
  }

  /** After a successful sign-in: remember the account and the password as the user asked. */
  private async remember(input: SignInInput, password: string): Promise<void> {
    const { settings, credentials } = this.deps;
    if (!input.rememberMe) {
      settings.forgetAccount(input.email);
      await credentials.delete(input.email).catch(() => undefined);
      return;
    }
    let passwordSaved = false;
    if (input.rememberPassword) {
      const result = await credentials.save(input.email, password);
      passwordSaved = result.saved;
      if (!result.saved) this.reportKeychainOnce(result.reason);
    } else {
      await credentials.delete(input.email).catch(() => undefined);
    }
    settings.rememberAccount({
      email: input.email,
      server: input.server,
      // Without a saved password there is nothing to sign in with at the next launch.
      signInAutomatically: input.signInAutomatically && passwordSaved,
      status: input.status,
    });
  }

  private reportKeychainOnce(reason = this.deps.credentials.unavailableReason()): void {
    if (reason === undefined || this.keychainReported) return;
    this.keychainReported = true;
    this.deps.emit('session:error', { message: reason });
  }
}
