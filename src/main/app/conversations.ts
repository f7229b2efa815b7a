// Conversations as the windows see them. The engine's conversations live as long as one
// notification session; these outlive reconnections, so a window keeps its id and its history
// when the connection drops and comes back. Each keeps the history a window needs when it opens
// after the first message (`conversation:snapshot`).
import { randomUUID } from 'node:crypto';
import type { ConversationEntry, ConversationSnapshot, Emit } from '../../shared/ipc';
import { CommandError } from '../../shared/ipc';
import type { Participant, TextFormat, Transfer } from '../../shared/schemas';
import type { ConversationManager } from '../msnp/conversation';
import type { EmoticonDeclaration } from '../msnp/p2p/emoticons';
import type { HistoryRecorder, LiveRecord } from './history/service';

/** Oldest entries are dropped beyond this, so a long chat cannot grow without bound. */
export const MAX_ENTRIES = 1000;

export type IncomingKind = 'message' | 'nudge';

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

  constructor(private readonly deps: ConversationsDeps) {}

  /** A new notification session: conversations from now on go through this manager. */
  attach(manager: ConversationManager): void {
    this.detach();
    this.manager = manager;
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
      manager.on('delivery', ({ conversationId, messageId, state, reason }) => {
        const conv = this.byEngine.get(conversationId);
        if (!conv) return;
        const entry = conv.entries.find((e) => e.kind === 'message' && e.id === messageId);
        if (entry?.kind === 'message') {
          entry.delivery = state;
          if (reason !== undefined) entry.failureReason = reason;
        }
        this.deps.history?.delivery(conv.id, messageId, state, reason);
        this.deps.emit('conversation:delivery', {
          conversationId: conv.id,
          messageId,
          state,
          ...(reason === undefined ? {} : { reason }),
        });
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
    this.byEngine.clear();
    for (const conv of this.conversations.values()) conv.engineId = undefined;
  }

  /** Signed out for good: every conversation ends, its history stays readable until its window closes. */
  endAll(reason: string): void {
    this.detach();
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
    const conv: AppConversation = {
      id: randomUUID(),
      participants: new Map([[key, { email: key, displayName: this.deps.nameOf(key) }]]),
      lastPeople: [key],
      entries: [],
      engineId: undefined,
      closed: false,
      declared: new Map(),
    };
    this.conversations.set(conv.id, conv);
    this.bind(conv, this.engineOpen(manager, key));
    this.deps.emit('conversation:opened', { conversationId: conv.id, participants: [...conv.participants.values()] });
    return conv.id;
  }

  snapshot(conversationId: string): ConversationSnapshot {
    const conv = this.require(conversationId);
    return {
      conversationId: conv.id,
      participants: [...conv.participants.values()],
      entries: conv.entries.map((e) => ({ ...e })),
    };
  }

  /** Sends text; `emoticons` are our own custom emoticons it uses, announced just before it. */
  send(
    conversationId: string,
    text: string,
    format: TextFormat,
    emoticons: readonly EmoticonDeclaration[] = [],
  ): string[] {
    const conv = this.requireOpen(conversationId);
    this.refuseIfOffline(conv);
    const engineId = this.ensureEngine(conv);
    const parts = this.engine(() => this.requireManager().send(engineId, text, format, { emoticons }));
    const self = this.deps.self();
    const ownPicture = this.deps.pictureOf(self.email);
    for (const part of parts) {
      const at = this.deps.now();
      this.record(conv, {
        kind: 'message',
        id: part.messageId,
        from: self,
        outgoing: true,
        text: part.text,
        format,
        at,
        delivery: 'sending',
      });
      this.log(conv, {
        kind: 'message',
        messageId: part.messageId,
        from: self,
        outgoing: true,
        text: part.text,
        format,
        at,
        delivery: 'sending',
        ...(ownPicture === undefined ? {} : { picture: ownPicture }),
      });
    }
    return parts.map((p) => p.messageId);
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
   * These dialects have no offline messages: a message to someone offline cannot arrive, so it is
   * refused before any switchboard is asked for. Someone who appears offline but is still in the
   * conversation's switchboard can be written to.
   */
  private refuseIfOffline(conv: AppConversation): void {
    const people = peopleOf(conv);
    const [only, ...others] = people;
    if (only === undefined || others.length > 0 || !this.deps.isOffline(only)) return;
    const joined = conv.engineId === undefined ? [] : (this.manager?.participants(conv.engineId) ?? []);
    if (joined.some((p) => p.email === only)) return;
    throw new CommandError(
      `${this.deps.nameOf(only)} is offline. Your text is still in the box: send it once they sign in.`,
    );
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
    const waiting =
      people.length === 1 && people[0] !== undefined ? this.findOneToOne(people[0]) : this.findByPeople(people);
    const conv: AppConversation = waiting ?? {
      id: randomUUID(),
      participants: new Map(),
      lastPeople: people,
      entries: [],
      engineId: undefined,
      closed: false,
      declared: new Map(),
    };
    for (const p of participants) conv.participants.set(p.email, p);
    this.conversations.set(conv.id, conv);
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

  private log(conv: AppConversation, record: LiveRecord): void {
    const owner = this.owner(conv);
    if (owner && this.deps.history) this.deps.history.record(conv.id, owner, record);
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
