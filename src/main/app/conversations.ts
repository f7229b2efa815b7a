// Conversations as the windows see them. The engine's conversations live as long as one
// notification session; these outlive reconnections, so a window keeps its id and its history
// when the connection drops and comes back. Each keeps the history a window needs when it opens
// after the first message (`conversation:snapshot`).
import { randomUUID } from 'node:crypto';
import type { ConversationEntry, ConversationSnapshot, Emit } from '../../shared/ipc';
import { CommandError } from '../../shared/ipc';
import {
  DEFAULT_FORMAT,
  type DeliveryState,
  type Participant,
  type TextFormat,
  type Transfer,
} from '../../shared/schemas';
import type { ConversationManager } from '../msnp/conversation';
import { MsnpError } from '../msnp/errors';
import type { OfflineMessage } from '../msnp/events';
import type { EmoticonDeclaration } from '../msnp/p2p/emoticons';
import type { HistoryRecorder, LiveRecord } from './history/service';
import type { Outbox, OutboxEntry } from './outbox';

/** Oldest entries are dropped beyond this, so a long chat cannot grow without bound. */
export const MAX_ENTRIES = 1000;

export type IncomingKind = 'message' | 'nudge';

/** What sending offline messages takes from the signed-in client (MSNP13+). */
export interface OfflineSender {
  readonly supportsOfflineMessages: boolean;
  /** Stores the text on the server for them; rejects with the reason in words. */
  sendOfflineMessage(email: string, text: string): Promise<void>;
}

/** What a message that was handed to the network before the app stopped is shown with. */
export const UNCONFIRMED_AT_RESTART =
  'Messenger closed before the server confirmed this message: it may not have been delivered.';

export interface ConversationsDeps {
  readonly emit: Emit;
  /** Our own account as it appears in conversations. */
  readonly self: () => Participant;
  /** How a contact is named before they join, from the contact list. */
  readonly nameOf: (email: string) => string;
  /** A person's display picture now (hex SHA-1), ours included, for the history. */
  readonly pictureOf: (email: string) => string | undefined;
  /** Whether the contact list shows this person offline (unknown people are not). */
  readonly isOffline: (email: string) => boolean;
  /** Something arrived that may call for the window, a toast or a sound. */
  readonly incoming: (conversationId: string, kind: IncomingKind, from: Participant, text: string) => void;
  readonly reportError: (message: string) => void;
  readonly now: () => number;
  /** The message history, which decides itself whether anything is kept. */
  readonly history?: HistoryRecorder;
  /** Where accepted messages are kept until they are delivered or have failed for good. */
  readonly outbox?: Outbox;
  /** A conversation came back from the outbox after a restart: its window should show. */
  readonly restored?: (conversationId: string) => void;
}

interface AppConversation {
  readonly id: string;
  readonly participants: Map<string, Participant>;
  /** Who to invite again when the engine has lost the conversation. */
  lastPeople: string[];
  readonly entries: ConversationEntry[];
  /** The engine's conversation while attached to a session. */
  engineId: string | undefined;
  closed: boolean;
  /** Custom emoticons each contact declared, for their next message (by lower-case e-mail). */
  readonly declared: Map<string, Declaration>;
}

/** An outgoing message on its way: the engine's parts still unanswered (a long text is several). */
interface Sending {
  readonly conv: AppConversation;
  readonly id: string;
  readonly parts: Set<string>;
}

/** A message accepted while disconnected, waiting for the connection. */
interface Queued {
  readonly conv: AppConversation;
  readonly id: string;
  readonly text: string;
  readonly format: TextFormat;
  /** Our custom emoticons it uses (none for one restored after a restart: they are announced afresh on demand). */
  readonly emoticons: readonly EmoticonDeclaration[];
}

interface Declaration {
  readonly shortcuts: ReadonlySet<string>;
  /** Pictures that arrived, by shortcut, possibly before the message itself. */
  readonly arrived: Map<string, string>;
  /** The message that used them, once it came. */
  message: ConversationEntry | undefined;
}

export class ConversationsService {
  private readonly conversations = new Map<string, AppConversation>();
  private readonly byEngine = new Map<string, AppConversation>();
  private manager: ConversationManager | undefined;
  /**
   * Ids of received entries only need to be unique in this process; a counter costs a few bytes
   * where a UUID string costs hundreds in V8, times every message kept in history.
   */
  private received = 0;
  private detachManager: (() => void)[] = [];
  /** Set while we call the engine's `open`, whose `opened` event we then ignore. */
  private openingOurs = false;
  /** Offline messages, when the session's dialect has them. */
  private oim: OfflineSender | undefined;
  /** The account whose outbox is open. */
  private account: string | undefined;
  /** What the outbox kept from before, taken up when the session is first online. */
  private unrestored: readonly OutboxEntry[] = [];
  /** Whether the session is online, so messages can go out now rather than wait. */
  private online = false;
  /** Engine message id → the app message it is a part of. */
  private readonly sending = new Map<string, Sending>();
  private queued: Queued[] = [];
  /** Offline messages to each recipient, one after another so they arrive in order. */
  private readonly oimChains = new Map<string, Promise<void>>();

  constructor(private readonly deps: ConversationsDeps) {}

  /**
   * A new notification session of `account`: conversations from now on go through this manager,
   * and messages into that account's outbox.
   */
  attach(manager: ConversationManager, oim?: OfflineSender, account?: string): void {
    this.detach();
    this.manager = manager;
    this.oim = oim;
    const key = account?.toLowerCase();
    if (key !== undefined && key !== this.account) {
      this.account = key;
      this.unrestored = this.deps.outbox?.open(key) ?? [];
    }
    this.detachManager = [
      manager.on('opened', ({ conversationId, participants }) => {
        if (!this.openingOurs) this.adoptIncoming(conversationId, participants);
      }),
      manager.on('joined', ({ conversationId, participant }) => {
        const conv = this.byEngine.get(conversationId);
        if (!conv) return;
        // Someone new in the conversation is worth a line in the history; the contact it was
        // opened with (re)joining the switchboard is not.
        const newcomer = !conv.lastPeople.includes(participant.email);
        conv.participants.set(participant.email, participant);
        conv.lastPeople = [...conv.participants.keys()];
        if (newcomer) this.log(conv, { kind: 'join', who: participant, at: this.deps.now() });
        this.deps.emit('conversation:joined', { conversationId: conv.id, participant });
      }),
      manager.on('left', ({ conversationId, email }) => {
        const conv = this.byEngine.get(conversationId);
        if (!conv) return;
        const who = conv.participants.get(email);
        // Only leaving a group is history: one-to-one, the switchboard closing is no event.
        if (conv.participants.size > 1) {
          this.log(conv, { kind: 'leave', who: who ?? { email, displayName: email }, at: this.deps.now() });
        }
        conv.participants.delete(email);
        this.record(conv, {
          kind: 'system',
          text: `${who?.displayName ?? email} has left the conversation.`,
          at: this.deps.now(),
        });
        this.deps.emit('conversation:left', { conversationId: conv.id, email });
      }),
      manager.on('message', ({ conversationId, from, text, format, at }) => {
        const conv = this.byEngine.get(conversationId);
        if (!conv) return;
        // One participant object per person, shared by every entry of theirs.
        const sender = conv.participants.get(from.email) ?? from;
        const id = `received-${++this.received}`;
        const declaration = this.declarationFor(conv, from.email, text);
        const emoticons = declaration
          ? Object.fromEntries(
              [...declaration.shortcuts]
                .filter((shortcut) => text.includes(shortcut))
                .map((shortcut) => [shortcut, declaration.arrived.get(shortcut) ?? null]),
            )
          : undefined;
        const entry: ConversationEntry = {
          kind: 'message',
          id,
          from: sender,
          outgoing: false,
          text,
          ...(format === undefined ? {} : { format }),
          at,
          ...(emoticons ? { emoticons } : {}),
        };
        this.record(conv, entry);
        if (declaration) declaration.message = entry;
        const picture = this.deps.pictureOf(from.email);
        this.log(conv, {
          kind: 'message',
          from: sender,
          outgoing: false,
          text,
          ...(format === undefined ? {} : { format }),
          at,
          ...(picture === undefined ? {} : { picture }),
        });
        this.deps.emit('conversation:message', {
          conversationId: conv.id,
          id,
          from,
          text,
          ...(format === undefined ? {} : { format }),
          at,
          ...(emoticons ? { emoticons: { ...emoticons } } : {}),
        });
        this.deps.incoming(conv.id, 'message', from, text);
      }),
      manager.on('emoticons', ({ conversationId, from, emoticons }) =>
        this.declareEmoticons(
          conversationId,
          from.email,
          emoticons.map((e) => e.shortcut),
        ),
      ),
      manager.on('typing', ({ conversationId, email }) => {
        const conv = this.byEngine.get(conversationId);
        if (conv) this.deps.emit('conversation:typing', { conversationId: conv.id, email });
      }),
      manager.on('nudge', ({ conversationId, from }) => {
        const conv = this.byEngine.get(conversationId);
        if (!conv) return;
        const at = this.deps.now();
        this.record(conv, { kind: 'nudge', from, outgoing: false, at });
        this.log(conv, { kind: 'nudge', from, outgoing: false, at });
        this.deps.emit('conversation:nudge', { conversationId: conv.id, from });
        this.deps.incoming(conv.id, 'nudge', from, '');
      }),
      manager.on('unsupported', ({ conversationId, from, contentType }) => {
        const conv = this.byEngine.get(conversationId);
        if (!conv) return;
        const notice = {
          kind: 'system',
          text: `${from.displayName} sent something this version cannot show (${contentType}).`,
          at: this.deps.now(),
        } as const;
        this.record(conv, notice);
        this.log(conv, notice);
        this.deps.emit('conversation:unsupported', { conversationId: conv.id, from, contentType });
      }),
      manager.on('delivery', ({ messageId, state, reason, uncertain }) => {
        const message = this.sending.get(messageId);
        if (!message) return;
        this.sending.delete(messageId);
        message.parts.delete(messageId);
        if (state === 'failed') {
          // One part lost is the message lost; the other parts' reports change nothing.
          for (const part of message.parts) this.sending.delete(part);
          this.settle(message.conv, message.id, 'failed', reason, uncertain);
        } else if (message.parts.size === 0) {
          this.settle(message.conv, message.id, 'delivered');
        }
      }),
      // The engine's conversation is over (closed by us, or its session ended); ours lives on.
      manager.on('closed', ({ conversationId }) => {
        const conv = this.byEngine.get(conversationId);
        this.byEngine.delete(conversationId);
        if (conv) conv.engineId = undefined;
      }),
      manager.on('invitation-failed', ({ email, reason }) =>
        this.deps.reportError(`Could not join a conversation with ${email}: ${reason}`),
      ),
    ];
  }

  /** The session is gone (for now): conversations wait for the next one. */
  detach(): void {
    for (const off of this.detachManager.splice(0)) off();
    this.manager = undefined;
    this.oim = undefined;
    this.online = false;
    this.byEngine.clear();
    for (const conv of this.conversations.values()) conv.engineId = undefined;
  }

  /** Signed out for good: every conversation ends, its history stays readable until its window closes. */
  endAll(reason: string): void {
    this.detach();
    // Waiting messages stay in the outbox file: they go out at this account's next sign-in, in
    // this run or the next, rather than be lost with their window.
    this.queued = [];
    this.unrestored = [];
    this.deps.outbox?.close();
    this.account = undefined;
    for (const conv of this.conversations.values()) {
      if (conv.closed) continue;
      conv.closed = true;
      this.record(conv, { kind: 'system', text: reason, at: this.deps.now() });
      this.deps.emit('conversation:closed', { conversationId: conv.id, reason });
    }
  }

  /** The conversation with this contact alone, reused while it is open. */
  open(email: string): string {
    const key = email.toLowerCase();
    const existing = this.findOneToOne(key);
    if (existing) return existing.id;
    const manager = this.requireManager();
    if (key === this.deps.self().email.toLowerCase())
      throw new CommandError('You cannot start a conversation with yourself');
    const conv = this.create([key]);
    this.bind(conv, this.engineOpen(manager, key));
    this.deps.emit('conversation:opened', { conversationId: conv.id, participants: [...conv.participants.values()] });
    return conv.id;
  }

  /** A conversation of ours with these people, not yet tied to any engine conversation. */
  private create(people: readonly string[], nameOf = this.deps.nameOf): AppConversation {
    const conv: AppConversation = {
      id: randomUUID(),
      participants: new Map(people.map((email) => [email, { email, displayName: nameOf(email) }])),
      lastPeople: [...people],
      entries: [],
      engineId: undefined,
      closed: false,
      declared: new Map(),
    };
    this.conversations.set(conv.id, conv);
    return conv;
  }

  /** The open conversation with exactly these people, or a new one the windows are told of. */
  private findOrCreate(
    people: readonly string[],
    nameOf = this.deps.nameOf,
  ): { conv: AppConversation; created: boolean } {
    const existing = this.findByPeople(people);
    if (existing) return { conv: existing, created: false };
    const conv = this.create(people, nameOf);
    this.deps.emit('conversation:opened', { conversationId: conv.id, participants: [...conv.participants.values()] });
    return { conv, created: true };
  }

  snapshot(conversationId: string): ConversationSnapshot {
    const conv = this.require(conversationId);
    return {
      conversationId: conv.id,
      participants: [...conv.participants.values()],
      entries: conv.entries.map((e) => ({ ...e })),
    };
  }

  /**
   * Sends text; `emoticons` are our own custom emoticons it uses, announced just before it.
   * The message is in the outbox before it goes anywhere. Connected, it goes out now, as an
   * offline message if they are offline and the dialect has them; disconnected (reconnecting),
   * it waits and goes out, in order, once the session is back. Returns the message's id, which
   * its `conversation:delivery` events name.
   */
  send(
    conversationId: string,
    text: string,
    format: TextFormat,
    emoticons: readonly EmoticonDeclaration[] = [],
  ): string[] {
    const conv = this.requireOpen(conversationId);
    const now = this.online && this.manager !== undefined;
    // Whether they are offline is known only while connected; waiting messages are routed when they leave.
    const route = now ? this.route(conv) : undefined;
    const id = randomUUID();
    const at = this.deps.now();
    const self = this.deps.self();
    const entry: ConversationEntry = {
      kind: 'message',
      id,
      from: self,
      outgoing: true,
      text,
      format,
      at,
      delivery: now ? 'sending' : 'queued',
    };
    this.deps.outbox?.add({ id, to: peopleOf(conv), text, format, at, attempted: now });
    this.record(conv, entry);
    if (now) {
      try {
        this.handOver(conv, id, text, format, emoticons, route);
      } catch (err) {
        // Refused before anything went out: the text goes back to the box, nothing is owed.
        conv.entries.splice(conv.entries.indexOf(entry), 1);
        this.deps.outbox?.remove(id);
        throw toCommandError(err);
      }
    } else {
      this.queued.push({ conv, id, text, format, emoticons });
    }
    const ownPicture = this.deps.pictureOf(self.email);
    const recordId = this.log(conv, {
      kind: 'message',
      messageId: id,
      from: self,
      outgoing: true,
      text,
      format,
      at,
      delivery: entry.delivery,
      ...(ownPicture === undefined ? {} : { picture: ownPicture }),
    });
    if (recordId !== undefined) this.deps.outbox?.recorded(id, recordId);
    if (!now) this.deps.emit('conversation:delivery', { conversationId: conv.id, messageId: id, state: 'queued' });
    return [id];
  }

  /** The text and format of a message that failed: what "Send again" sends. */
  failedMessage(conversationId: string, messageId: string): { readonly text: string; readonly format: TextFormat } {
    const conv = this.requireOpen(conversationId);
    const entry = conv.entries.find((e) => e.kind === 'message' && e.id === messageId);
    if (entry?.kind !== 'message' || !entry.outgoing)
      throw new CommandError('That message is no longer in this window');
    if (entry.delivery !== 'failed') throw new CommandError('That message has not failed');
    return { text: entry.text, format: entry.format ?? DEFAULT_FORMAT };
  }

  /** "Send again": the text of a message that failed, sent as a new message (with the emoticons it uses). */
  resend(conversationId: string, messageId: string, emoticons: readonly EmoticonDeclaration[] = []): string[] {
    const { text, format } = this.failedMessage(conversationId, messageId);
    return this.send(conversationId, text, format, emoticons);
  }

  /**
   * The session is online (again): the first time, what the outbox kept from before is taken
   * up (now that the contact list names people); then every waiting message goes out, in order.
   */
  connected(): void {
    if (!this.manager) return;
    this.online = true;
    const kept = this.unrestored;
    this.unrestored = [];
    this.restore(kept);
    // A waiting message whose window was closed meanwhile still goes: it was accepted.
    for (const { conv, id, text, format, emoticons } of this.queued.splice(0)) {
      this.deps.outbox?.attempted(id);
      this.setState(conv, id, 'sending');
      try {
        this.handOver(conv, id, text, format, emoticons, this.route(conv, true));
      } catch (err) {
        this.settle(conv, id, 'failed', toCommandError(err).message);
      }
    }
  }

  /** The session went away (reconnecting): messages accepted from now on wait for it. */
  disconnected(): void {
    this.online = false;
  }

  /**
   * Offline messages fetched from the server, in order: each shows in its sender's conversation
   * (opened if need be, like any incoming message) with the time it was sent, and goes to the
   * history marked as offline. Returns the ids of those shown, the ones that may be deleted.
   */
  receiveOffline(messages: readonly OfflineMessage[]): string[] {
    const shown: string[] = [];
    const latest = new Map<string, { from: Participant; text: string }>();
    for (const message of messages) {
      const email = message.from.toLowerCase();
      if (email === this.deps.self().email.toLowerCase()) continue;
      // Someone not in the contact list goes by the name the server's notice gave.
      const nameOf = (who: string): string => {
        const known = this.deps.nameOf(who);
        return known === who && message.fromName.trim() !== '' ? message.fromName : known;
      };
      const { conv } = this.findOrCreate([email], nameOf);
      const from: Participant = conv.participants.get(email) ?? { email, displayName: nameOf(email) };
      const id = `received-${++this.received}`;
      this.record(conv, {
        kind: 'message',
        id,
        from,
        outgoing: false,
        text: message.text,
        at: message.sentAt,
        offline: true,
      });
      this.log(conv, { kind: 'message', from, outgoing: false, offline: true, text: message.text, at: message.sentAt });
      this.deps.emit('conversation:message', {
        conversationId: conv.id,
        id,
        from,
        text: message.text,
        at: message.sentAt,
        offline: true,
      });
      latest.set(conv.id, { from, text: message.text });
      shown.push(message.id);
    }
    // One alert per conversation, not one per message kept since the last sign-in.
    for (const [conversationId, { from, text }] of latest) this.deps.incoming(conversationId, 'message', from, text);
    return shown;
  }

  typing(conversationId: string): void {
    const { engineId } = this.requireOpen(conversationId);
    const manager = this.manager;
    // Typing alone never opens a session with anyone.
    if (engineId !== undefined && manager) this.engine(() => manager.typing(engineId));
  }

  async nudge(conversationId: string): Promise<void> {
    const conv = this.requireOpen(conversationId);
    const engineId = this.ensureEngine(conv);
    await this.engineAsync(() => this.requireManager().nudge(engineId));
    const nudge = { kind: 'nudge', from: this.deps.self(), outgoing: true, at: this.deps.now() } as const;
    this.record(conv, nudge);
    this.log(conv, nudge);
  }

  async invite(conversationId: string, email: string): Promise<void> {
    const conv = this.requireOpen(conversationId);
    const engineId = this.ensureEngine(conv);
    await this.engineAsync(() => this.requireManager().invite(engineId, email));
  }

  /** The window closed: leave the conversation and forget its history. */
  close(conversationId: string): void {
    const conv = this.conversations.get(conversationId);
    if (!conv) return;
    this.conversations.delete(conversationId);
    this.deps.history?.ended(conversationId);
    if (conv.engineId !== undefined) {
      this.byEngine.delete(conv.engineId);
      this.manager?.close(conv.engineId);
    }
    if (!conv.closed) this.deps.emit('conversation:closed', { conversationId, reason: 'The conversation was closed' });
  }

  /**
   * A contact declared custom emoticons (`text/x-mms-emoticon`): they belong to the next message
   * from them in that conversation, and to no other.
   */
  declareEmoticons(engineId: string, email: string, shortcuts: readonly string[]): void {
    const conv = this.byEngine.get(engineId);
    if (!conv) return;
    conv.declared.set(email.toLowerCase(), { shortcuts: new Set(shortcuts), arrived: new Map(), message: undefined });
  }

  /** A declared emoticon's picture is in the cache: show it in the message that declared it. */
  emoticonArrived(engineId: string, email: string, shortcut: string, pictureId: string): void {
    const conv = this.byEngine.get(engineId);
    const declaration = conv?.declared.get(email.toLowerCase());
    if (!conv || !declaration?.shortcuts.has(shortcut)) return;
    declaration.arrived.set(shortcut, pictureId);
    const entry = declaration.message;
    if (entry?.kind !== 'message' || entry.emoticons?.[shortcut] !== null) return;
    entry.emoticons = { ...entry.emoticons, [shortcut]: pictureId };
    this.deps.emit('conversation:emoticon', { conversationId: conv.id, messageId: entry.id, shortcut, pictureId });
  }

  /** Whether a conversation window with this person is open (their picture shows there). */
  isTalkingWith(email: string): boolean {
    const key = email.toLowerCase();
    for (const conv of this.conversations.values())
      if (!conv.closed && (conv.participants.has(key) || conv.lastPeople.includes(key))) return true;
    return false;
  }

  /** The app conversation an engine conversation belongs to. */
  appIdOf(engineId: string): string | undefined {
    return this.byEngine.get(engineId)?.id;
  }

  /** A conversation with one person: its engine conversation (opened again if need be) and that person. */
  oneToOne(conversationId: string): { readonly engineId: string; readonly peer: Participant } {
    const conv = this.requireOpen(conversationId);
    const people = conv.participants.size > 0 ? [...conv.participants.values()] : undefined;
    const [peer, ...others] =
      people ?? conv.lastPeople.map((email) => ({ email, displayName: this.deps.nameOf(email) }));
    if (peer === undefined || others.length > 0)
      throw new CommandError('Files can be sent only in a conversation with one person');
    return { engineId: this.ensureEngine(conv), peer };
  }

  /** A transfer's entry in the log, updated in place as it goes. */
  recordTransfer(conversationId: string, transfer: Transfer): void {
    const conv = this.conversations.get(conversationId);
    if (!conv) return;
    const entry = conv.entries.find((e) => e.kind === 'transfer' && e.transfer.id === transfer.id);
    if (entry?.kind === 'transfer') entry.transfer = transfer;
    else this.record(conv, { kind: 'transfer', transfer, at: this.deps.now() });
  }

  /**
   * How a message to this conversation goes: to the one person in it as an offline message when
   * they are offline (or appear so) and not in its switchboard; else over the switchboard.
   * Without offline messages (before MSNP13) a message to someone offline cannot arrive, so it is
   * refused before any switchboard is asked for.
   */
  private route(conv: AppConversation, waited = false): { readonly offlineTo: string } | undefined {
    const people = peopleOf(conv);
    const [only, ...others] = people;
    if (only === undefined || others.length > 0 || !this.deps.isOffline(only)) return undefined;
    const joined = conv.engineId === undefined ? [] : (this.manager?.participants(conv.engineId) ?? []);
    if (joined.some((p) => p.email === only)) return undefined;
    if (this.oim?.supportsOfflineMessages) return { offlineTo: only };
    const name = this.deps.nameOf(only);
    // A message that waited for the connection is no longer in the box: it fails, with Send again.
    throw new CommandError(
      waited
        ? `Not sent: ${name} is offline, and this server keeps no messages for them. Send it again once they sign in.`
        : `${name} is offline. Your text is still in the box: send it once they sign in.`,
    );
  }

  /** Gives a message to the network: the switchboard, or the offline-message service. */
  private handOver(
    conv: AppConversation,
    id: string,
    text: string,
    format: TextFormat,
    emoticons: readonly EmoticonDeclaration[],
    route: { readonly offlineTo: string } | undefined,
  ): void {
    if (route) {
      this.sendOffline(conv, id, route.offlineTo, text);
      return;
    }
    const engineId = this.ensureEngine(conv);
    const parts = this.engine(() => this.requireManager().send(engineId, text, format, { emoticons }));
    const sending: Sending = { conv, id, parts: new Set(parts.map((p) => p.messageId)) };
    for (const part of parts) this.sending.set(part.messageId, sending);
  }

  private sendOffline(conv: AppConversation, id: string, email: string, text: string): void {
    const oim = this.oim;
    if (!oim) throw new CommandError('You are not connected right now');
    const sent = (this.oimChains.get(email) ?? Promise.resolve()).then(() => oim.sendOfflineMessage(email, text));
    const chain = sent.then(
      () => this.settle(conv, id, 'offline'),
      (err: unknown) =>
        // A request that timed out or lost its connection may have been stored all the same.
        this.settle(conv, id, 'failed', toCommandError(err).message, mayHaveArrived(err)),
    );
    this.oimChains.set(email, chain);
    void chain.finally(() => {
      if (this.oimChains.get(email) === chain) this.oimChains.delete(email);
    });
  }

  /**
   * What the outbox kept from before a restart. A message never handed to the network waits to
   * go out; one that was may have arrived, so it is shown failed with "Send again" rather than
   * sent a second time behind the user's back.
   */
  private restore(entries: readonly OutboxEntry[]): void {
    const self = this.deps.self();
    for (const kept of entries) {
      const { conv, created } = this.findOrCreate(kept.to);
      const entry: ConversationEntry = {
        kind: 'message',
        id: kept.id,
        from: self,
        outgoing: true,
        text: kept.text,
        format: kept.format,
        at: kept.at,
        delivery: kept.attempted ? 'failed' : 'queued',
        ...(kept.attempted ? { failureReason: UNCONFIRMED_AT_RESTART, uncertain: true } : {}),
      };
      this.record(conv, entry);
      if (kept.historyId !== undefined) {
        this.deps.history?.resume(conv.id, kept.id, kept.historyId);
        if (kept.attempted) this.deps.history?.delivery(conv.id, kept.id, 'failed', UNCONFIRMED_AT_RESTART);
      }
      if (kept.attempted) this.deps.outbox?.remove(kept.id);
      else this.queued.push({ conv, id: kept.id, text: kept.text, format: kept.format, emoticons: [] });
      if (created) {
        // Its window opens with the snapshot, this entry in it.
        this.deps.restored?.(conv.id);
        continue;
      }
      // A window already open for them is told of it as of any message, then of its state.
      this.deps.emit('conversation:message', {
        conversationId: conv.id,
        id: kept.id,
        from: self,
        text: kept.text,
        format: kept.format,
        at: kept.at,
      });
      this.deps.emit('conversation:delivery', {
        conversationId: conv.id,
        messageId: kept.id,
        state: entry.delivery ?? 'queued',
        ...(kept.attempted ? { reason: UNCONFIRMED_AT_RESTART, uncertain: true } : {}),
      });
    }
  }

  /** A message's final state: out of the outbox, into the history and the windows. */
  private settle(
    conv: AppConversation,
    id: string,
    state: Exclude<DeliveryState, 'sending' | 'queued'>,
    reason?: string,
    uncertain?: boolean,
  ): void {
    this.deps.outbox?.remove(id);
    this.setState(conv, id, state, reason, uncertain);
  }

  private setState(
    conv: AppConversation,
    id: string,
    state: DeliveryState,
    reason?: string,
    uncertain?: boolean,
  ): void {
    const entry = conv.entries.find((e) => e.kind === 'message' && e.id === id);
    if (entry?.kind === 'message') {
      entry.delivery = state;
      if (reason !== undefined) entry.failureReason = reason;
      if (uncertain) entry.uncertain = true;
    }
    this.deps.history?.delivery(conv.id, id, state, reason);
    this.deps.emit('conversation:delivery', {
      conversationId: conv.id,
      messageId: id,
      state,
      ...(reason === undefined ? {} : { reason }),
      ...(uncertain ? { uncertain } : {}),
    });
  }

  /** The declaration this message from `email` uses: the one before it, if its text uses any of it. */
  private declarationFor(conv: AppConversation, email: string, text: string): Declaration | undefined {
    const declaration = conv.declared.get(email.toLowerCase());
    if (!declaration || declaration.message) return undefined;
    if ([...declaration.shortcuts].some((shortcut) => text.includes(shortcut))) return declaration;
    conv.declared.delete(email.toLowerCase());
    return undefined;
  }

  private adoptIncoming(engineId: string, participants: readonly Participant[]): void {
    const people = participants.map((p) => p.email);
    const waiting = this.findByPeople(people);
    const conv = waiting ?? this.create(people);
    // The names the switchboard gives replace those of the contact list.
    for (const p of participants) conv.participants.set(p.email, p);
    this.bind(conv, engineId);
    if (!waiting) this.deps.emit('conversation:opened', { conversationId: conv.id, participants: [...participants] });
  }

  private bind(conv: AppConversation, engineId: string): void {
    if (conv.engineId !== undefined) this.byEngine.delete(conv.engineId);
    conv.engineId = engineId;
    this.byEngine.set(engineId, conv);
  }

  private engineOpen(manager: ConversationManager, email: string): string {
    this.openingOurs = true;
    try {
      return this.engine(() => manager.open(email));
    } finally {
      this.openingOurs = false;
    }
  }

  /** The engine conversation behind ours, opened again (with the same people) after a reconnection. */
  private ensureEngine(conv: AppConversation): string {
    if (conv.engineId !== undefined) return conv.engineId;
    const manager = this.requireManager();
    const people = peopleOf(conv);
    const [first, ...others] = people;
    if (first === undefined) throw new CommandError('Nobody is left in this conversation');
    const engineId = this.engineOpen(manager, first);
    this.bind(conv, engineId);
    for (const email of others) {
      manager.invite(engineId, email).catch((err: unknown) => {
        this.deps.reportError(`Could not invite ${email}: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
    return engineId;
  }

  private findOneToOne(email: string): AppConversation | undefined {
    return this.findByPeople([email]);
  }

  private findByPeople(people: readonly string[]): AppConversation | undefined {
    const wanted = [...people].sort().join('\n');
    for (const conv of this.conversations.values()) {
      if (conv.closed) continue;
      const current = peopleOf(conv);
      if ([...current].sort().join('\n') === wanted) return conv;
    }
    return undefined;
  }

  /** Whose log the conversation is kept in: the person it was opened with (or who opened it). */
  contactOf(conversationId: string): Participant | undefined {
    const conv = this.conversations.get(conversationId);
    return conv ? this.owner(conv) : undefined;
  }

  private owner(conv: AppConversation): Participant | undefined {
    const email = conv.lastPeople[0] ?? conv.participants.keys().next().value;
    if (email === undefined) return undefined;
    return conv.participants.get(email) ?? { email, displayName: this.deps.nameOf(email) };
  }

  /** The history record's id, for a message that was kept. */
  private log(conv: AppConversation, record: LiveRecord): number | undefined {
    const owner = this.owner(conv);
    return owner && this.deps.history ? this.deps.history.record(conv.id, owner, record) : undefined;
  }

  private record(conv: AppConversation, entry: ConversationEntry): void {
    conv.entries.push(entry);
    if (conv.entries.length > MAX_ENTRIES) conv.entries.splice(0, conv.entries.length - MAX_ENTRIES);
  }

  private require(conversationId: string): AppConversation {
    const conv = this.conversations.get(conversationId);
    if (!conv) throw new CommandError('That conversation is not open');
    return conv;
  }

  private requireOpen(conversationId: string): AppConversation {
    const conv = this.require(conversationId);
    if (conv.closed) throw new CommandError('This conversation has ended');
    return conv;
  }

  private requireManager(): ConversationManager {
    if (!this.manager) throw new CommandError('You are not connected right now');
    return this.manager;
  }

  /** Engine errors become errors the user can read, with the server's code. */
  private engine<T>(call: () => T): T {
    try {
      return call();
    } catch (err) {
      throw toCommandError(err);
    }
  }

  private async engineAsync<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw toCommandError(err);
    }
  }
}

function mayHaveArrived(err: unknown): boolean {
  return err instanceof MsnpError && (err.kind === 'timeout' || err.kind === 'network');
}

/** Who the conversation is with: those in it now, else those it last had (to invite again). */
function peopleOf(conv: AppConversation): string[] {
  return conv.participants.size > 0 ? [...conv.participants.keys()] : conv.lastPeople;
}

export function toCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return new CommandError(err.message, typeof code === 'number' ? code : undefined);
  }
  return new CommandError(String(err));
}
