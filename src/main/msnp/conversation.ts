// Conversations on top of switchboard sessions. A conversation outlives its switchboards: they
// idle out, drop, or empty, and the next outgoing message opens a new one and re-invites the
// people in it. Every outgoing message ends as delivered or failed, with a reason.
import { randomUUID } from 'node:crypto';
import type { DeliveryState, Participant, TextFormat } from '../../shared/schemas';
import type { SwitchboardInvitation, SwitchboardTicket } from './events';
import { TypedEmitter } from './emitter';
import { MsnpError } from './errors';
import { parseMime } from './codec';
import {
  MAX_PAYLOAD_BYTES,
  buildNudgePayload,
  buildTextPayload,
  buildTypingPayload,
  parseMessage,
  splitText,
} from './format';
import { buildEmoticonPayload, parseEmoticonBody, type EmoticonDeclaration } from './p2p/emoticons';
import { Switchboard } from './switchboard';
import type { Transport } from './transport';

/** What conversations need from the notification-server session. */
export interface NotificationLink {
  /** Our own account. */
  readonly email: string;
  /** Sends `XFR SB`; rejects with the typed error (e.g. 913 while appearing offline). */
  requestSwitchboard(): Promise<SwitchboardTicket>;
  /** Subscribes to `RNG` invitations. */
  onInvitation(listener: (invitation: SwitchboardInvitation) => void): void;
  /**
   * Subscribes to the end of the notification session (lost, or signed out); `reason` is worded
   * for people. A session that comes back (reconnection) is used as before.
   */
  onEnded(listener: (reason: string) => void): void;
  /** How switchboards are reached: the notification session's proxy, gateway and trace. */
  readonly transport?: Transport;
}

export interface ConversationManagerOptions {
  /** How long an `A` message may wait for its ACK. Default 60 s. */
  readonly ackTimeoutMs?: number;
  /** How long invitees have to join a switchboard we opened. Default 60 s. */
  readonly joinTimeoutMs?: number;
  /** How long to wait for switchboard replies (USR, ANS, CAL). Default 30 s. */
  readonly requestTimeoutMs?: number;
}

/** Typing notifications go out at most this often while the user types. */
export const TYPING_SEND_INTERVAL_MS = 4_000;
/** Someone stops counting as typing this long after their last notification. */
export const TYPING_EXPIRY_MS = 6_000;
/** Times a message is sent again after its switchboard dropped before the ACK. */
const MAX_SEND_ATTEMPTS = 3;

/** Payloads mirror the IPC events so the app layer can pass them straight through. */
export interface ConversationEvents {
  opened: { readonly conversationId: string; readonly participants: Participant[] };
  joined: { readonly conversationId: string; readonly participant: Participant };
  left: { readonly conversationId: string; readonly email: string };
  message: {
    readonly conversationId: string;
    readonly from: Participant;
    readonly text: string;
    readonly format: TextFormat | undefined;
    readonly at: number;
  };
  /** Someone is typing; repeated while they keep typing. */
  typing: { readonly conversationId: string; readonly email: string };
  /** Their typing notifications stopped (expired, they sent the message, or they left). */
  'typing-stopped': { readonly conversationId: string; readonly email: string };
  nudge: { readonly conversationId: string; readonly from: Participant };
  /** Someone sent something this client cannot show. */
  unsupported: { readonly conversationId: string; readonly from: Participant; readonly contentType: string };
  /** The final state of an outgoing message; exactly one per message id. */
  delivery: {
    readonly conversationId: string;
    readonly messageId: string;
    readonly state: Extract<DeliveryState, 'delivered' | 'failed'>;
    readonly reason?: string;
    /** Failed without a refusal: it went out and no ACK came, so it may have arrived. */
    readonly uncertain?: boolean;
  };
  closed: { readonly conversationId: string; readonly reason: string };
  /** An invitation could not be answered (e.g. it expired). */
  'invitation-failed': { readonly email: string; readonly reason: string };
  /** An MSNP2P packet (`application/x-msnmsgrp2p`) for the P2P layer, with the switchboard it came on. */
  p2p: {
    readonly conversationId: string;
    readonly from: Participant;
    readonly payload: Buffer;
    readonly switchboard: Switchboard;
  };
  /** Custom emoticons announced for the next message (`text/x-mms-emoticon`), before it arrives. */
  emoticons: {
    readonly conversationId: string;
    readonly from: Participant;
    readonly emoticons: readonly EmoticonDeclaration[];
    readonly switchboard: Switchboard;
  };
}

/** Options of `send`. */
export interface SendOptions {
  /** Custom emoticons the text uses: announced just before it, as MSN Messenger does. */
  readonly emoticons?: readonly EmoticonDeclaration[];
}

/** One outgoing message as sent: a text longer than one MSG becomes several. */
export interface SentPart {
  readonly messageId: string;
  readonly text: string;
}

type Outcome =
  | { readonly ok: true }
  /** `uncertain`: it went out and no answer came, so it may have reached them all the same. */
  | { readonly ok: false; readonly reason: string; readonly uncertain?: boolean };

interface Outgoing {
  readonly payload: Buffer;
  readonly ack: 'A' | 'N';
  attempts: number;
  /** The switchboard it awaits an ACK on; cleared when it is queued again. */
  sentOn: Switchboard | undefined;
  readonly settle: (outcome: Outcome) => void;
}

class Conversation {
  readonly id = randomUUID();
  /** The people in the conversation as the user sees them. */
  readonly participants = new Map<string, Participant>();
  /** Who to invite when the last participant has left (a 1:1 chat stays with its contact). */
  lastParticipants: string[];
  /** Switchboards that are open and joined; messages go out on the first with someone in it. */
  readonly switchboards = new Set<Switchboard>();
  queue: Outgoing[] = [];
  /** Sent, awaiting their ACK, in sending order; a set so each ACK removes its message at once. */
  readonly inflight = new Set<Outgoing>();
  opening: Promise<Switchboard> | undefined;
  lastTypingSent = Number.NEGATIVE_INFINITY;
  readonly typing = new Map<string, NodeJS.Timeout>();
  closed = false;

  constructor(participants: readonly Participant[], invitees: readonly string[]) {
    for (const p of participants) this.participants.set(p.email, p);
    this.lastParticipants = [...invitees];
  }

  invitees(): string[] {
    return this.participants.size > 0 ? [...this.participants.keys()] : this.lastParticipants;
  }

  usable(): Switchboard | undefined {
    for (const sb of this.switchboards) if (sb.state === 'open' && sb.participants.length > 0) return sb;
    return undefined;
  }
}

/**
 * Owns every conversation of one signed-in session.
 *
 * - Conversations are identified by a random UUID. `open(email)` reuses the conversation with that
 *   contact alone, so the app gets one window per contact; an invitation whose switchboard holds
 *   just that contact joins the same conversation.
 * - `send` splits long text (see `splitText`) and returns one message id per part, each of which
 *   ends with exactly one `delivery` event (`delivered` on ACK; `failed` with a reason on NAK, an
 *   ACK timeout, a failure to reach anyone, or the session ending).
 * - Messages are queued while a switchboard opens and sent once the invitees have joined. A
 *   switchboard that closes or empties is left; the next message opens a new one and re-invites.
 *   A message whose switchboard dropped before its ACK is sent again on the next one (at most
 *   three times), so delivery is at-least-once and order is kept.
 * - Nothing is sent on a switchboard with nobody else in it (servers ACK those and drop them).
 */
export class ConversationManager extends TypedEmitter<ConversationEvents> {
  private readonly conversations = new Map<string, Conversation>();
  /** Bumped whenever the notification session ends: invitations from before it are void. */
  private generation = 0;

  constructor(
    private readonly link: NotificationLink,
    private readonly options: ConversationManagerOptions = {},
  ) {
    super();
    link.onInvitation((invitation) => void this.accept(invitation));
    link.onEnded((reason) => this.closeAll(reason));
  }

  /** The conversation with this contact alone, created if needed. Connects only when something is sent. */
  open(email: string): string {
    const key = email.toLowerCase();
    if (key === this.link.email.toLowerCase())
      throw new MsnpError('state', 'You cannot start a conversation with yourself');
    // The contact becomes a participant when they join, with the display name the server gives.
    return (this.findOneToOne(key) ?? this.create([], [key])).id;
  }

  /** The people in a conversation, as the user sees them. */
  participants(conversationId: string): Participant[] {
    return [...this.get(conversationId).participants.values()];
  }

  /** Sends text; returns the parts it was split into, each with its message id. */
  send(conversationId: string, text: string, format: TextFormat, options: SendOptions = {}): SentPart[] {
    const conv = this.get(conversationId);
    const parts = splitText(text, format);
    if (parts.length === 0) throw new MsnpError('state', 'There is nothing to send');
    if (options.emoticons && options.emoticons.length > 0) {
      let payload: Buffer;
      try {
        payload = buildEmoticonPayload(options.emoticons);
      } catch (err) {
        throw new MsnpError('invalid', err instanceof Error ? err.message : String(err));
      }
      if (payload.length > MAX_PAYLOAD_BYTES) {
        throw new MsnpError('invalid', 'Too many custom emoticons in one message');
      }
      conv.queue.push({
        payload,
        ack: 'N',
        attempts: 0,
        sentOn: undefined,
        settle: () => {},
      });
    }
    const sent = parts.map((part) => {
      const messageId = randomUUID();
      conv.queue.push({
        payload: buildTextPayload(part, format),
        ack: 'A',
        attempts: 0,
        sentOn: undefined,
        settle: (outcome) =>
          this.emit('delivery', {
            conversationId: conv.id,
            messageId,
            ...(outcome.ok
              ? { state: 'delivered' as const }
              : {
                  state: 'failed' as const,
                  reason: outcome.reason,
                  ...(outcome.uncertain ? { uncertain: true } : {}),
                }),
          }),
      });
      return { messageId, text: part };
    });
    this.pump(conv);
    return sent;
  }

  /** Sends a nudge, opening a switchboard if needed; rejects with the reason it could not be sent. */
  nudge(conversationId: string): Promise<void> {
    const conv = this.get(conversationId);
    return new Promise((resolve, reject) => {
      conv.queue.push({
        payload: buildNudgePayload(),
        ack: 'N',
        attempts: 0,
        sentOn: undefined,
        settle: (outcome) => (outcome.ok ? resolve() : reject(new MsnpError('state', outcome.reason))),
      });
      this.pump(conv);
    });
  }

  /**
   * Call on every keystroke: a typing notification goes out at most every 4 s, and only on a
   * switchboard that is already open (typing alone never rings anyone).
   */
  typing(conversationId: string): void {
    const conv = this.get(conversationId);
    const sb = conv.usable();
    const now = Date.now();
    if (!sb || now - conv.lastTypingSent < TYPING_SEND_INTERVAL_MS) return;
    conv.lastTypingSent = now;
    sb.sendUnacked(buildTypingPayload(this.link.email), 'U');
  }

  /** Invites someone else into the conversation; resolves once the server is ringing them. */
  async invite(conversationId: string, email: string): Promise<void> {
    const conv = this.get(conversationId);
    const key = email.toLowerCase();
    if (conv.participants.has(key)) return;
    const sb = conv.usable() ?? (await this.ensureOpen(conv));
    await sb.invite(key);
  }

  /**
   * The switchboard the conversation uses now, opened (and its people invited) if there is none:
   * what the P2P layer sends on. Rejects like sending a message would.
   */
  switchboard(conversationId: string): Promise<Switchboard> {
    const conv = this.get(conversationId);
    const sb = conv.usable();
    return sb ? Promise.resolve(sb) : this.ensureOpen(conv);
  }

  /** Leaves the conversation; anything still unsent fails. */
  close(conversationId: string): void {
    const conv = this.conversations.get(conversationId);
    if (!conv) return;
    this.finish(conv, 'The conversation was closed');
  }

  /** Ends every conversation, e.g. because the notification session is gone. */
  closeAll(reason: string): void {
    this.generation++;
    for (const conv of [...this.conversations.values()]) this.finish(conv, reason);
  }

  private get(conversationId: string): Conversation {
    const conv = this.conversations.get(conversationId);
    if (!conv) throw new MsnpError('state', 'That conversation is closed');
    return conv;
  }

  private create(participants: readonly Participant[], invitees: readonly string[]): Conversation {
    const conv = new Conversation(participants, invitees);
    this.conversations.set(conv.id, conv);
    this.emit('opened', { conversationId: conv.id, participants: [...participants] });
    return conv;
  }

  private findOneToOne(email: string): Conversation | undefined {
    for (const conv of this.conversations.values()) {
      const people = conv.invitees();
      if (people.length === 1 && people[0] === email) return conv;
    }
    return undefined;
  }

  private finish(conv: Conversation, reason: string): void {
    if (conv.closed) return;
    conv.closed = true;
    this.conversations.delete(conv.id);
    for (const timer of conv.typing.values()) clearTimeout(timer);
    conv.typing.clear();
    const unsent = [...conv.inflight, ...conv.queue];
    conv.inflight.clear();
    conv.queue = [];
    for (const sb of conv.switchboards) sb.leave();
    conv.switchboards.clear();
    for (const item of unsent) {
      item.sentOn = undefined;
      // One that went out may have reached them before its ACK was lost with the switchboard.
      item.settle(
        item.attempts > 0
          ? { ok: false, reason: `${reason}: the message may not have been delivered`, uncertain: true }
          : { ok: false, reason },
      );
    }
    this.emit('closed', { conversationId: conv.id, reason });
  }

  /** Sends what is queued, opening a switchboard first when none is usable. */
  private pump(conv: Conversation): void {
    if (conv.closed || conv.queue.length === 0) return;
    if (conv.usable()) {
      this.flush(conv);
      return;
    }
    this.ensureOpen(conv).then(
      () => this.flush(conv),
      (err: unknown) => {
        const reason = describe(err);
        for (const item of conv.queue.splice(0)) item.settle({ ok: false, reason });
      },
    );
  }

  private flush(conv: Conversation): void {
    for (let sb = conv.usable(); sb && !conv.closed; sb = conv.usable()) {
      const item = conv.queue.shift();
      if (!item) return;
      this.transmit(conv, sb, item);
    }
    this.pump(conv);
  }

  private transmit(conv: Conversation, sb: Switchboard, item: Outgoing): void {
    item.attempts++;
    if (item.ack === 'N') {
      sb.sendUnacked(item.payload, 'N');
      item.settle({ ok: true });
      return;
    }
    item.sentOn = sb;
    conv.inflight.add(item);
    const done = (outcome: Outcome): void => {
      // Not ours any more: it was queued again (or failed) when its switchboard went away.
      if (item.sentOn !== sb) return;
      item.sentOn = undefined;
      conv.inflight.delete(item);
      item.settle(outcome);
    };
    const answered = (acked: boolean): void =>
      done(acked ? { ok: true } : { ok: false, reason: 'The message could not be delivered to everyone' });
    sb.sendAcked(item.payload, answered).catch((err: unknown) =>
      done(
        err instanceof MsnpError && err.kind === 'timeout'
          ? {
              ok: false,
              reason: 'No confirmation from the server: the message may not have been delivered',
              uncertain: true,
            }
          : { ok: false, reason: describe(err) },
      ),
    );
  }

  /** Takes a switchboard out of use, queueing again what still awaited an ACK on it. */
  private retire(conv: Conversation, sb: Switchboard): void {
    conv.switchboards.delete(sb);
    const requeued: Outgoing[] = [];
    for (const item of conv.inflight) {
      if (item.sentOn !== sb) continue;
      conv.inflight.delete(item);
      item.sentOn = undefined;
      if (item.attempts >= MAX_SEND_ATTEMPTS) {
        item.settle({
          ok: false,
          reason: 'The conversation kept disconnecting: the message may not have been delivered',
          uncertain: true,
        });
      } else {
        requeued.push(item);
      }
    }
    conv.queue = [...requeued, ...conv.queue];
    sb.leave();
    this.pump(conv);
  }

  /** The opening in progress, or a new one. */
  private ensureOpen(conv: Conversation): Promise<Switchboard> {
    conv.opening ??= this.openSwitchboard(conv).finally(() => {
      conv.opening = undefined;
    });
    return conv.opening;
  }

  /** XFR SB → USR → CAL each invitee → wait until they have all joined (or the join timeout). */
  private async openSwitchboard(conv: Conversation): Promise<Switchboard> {
    const invitees = conv.invitees();
    const ticket = await this.link.requestSwitchboard().catch((err: unknown) => {
      throw new MsnpError('state', `Could not start the conversation: ${describe(err)}`, { cause: err });
    });
    const sb = await Switchboard.connect({ ...ticket, ...this.sbOptions() });
    try {
      // Listen from the start: whoever joins may speak before everyone else has.
      this.attach(conv, sb);
      if (conv.closed) throw new MsnpError('state', 'The conversation was closed');
      await sb.login();
      const failures: string[] = [];
      for (const email of invitees) {
        if (conv.closed) break;
        try {
          await sb.invite(email);
        } catch (err) {
          if (!(err instanceof MsnpError && err.kind === 'server')) throw err;
          failures.push(`Could not reach ${email}: ${err.message}`);
        }
      }
      if (failures.length < invitees.length) await this.joins(sb, invitees);
      if (conv.closed) throw new MsnpError('state', 'The conversation was closed');
      if (sb.participants.length === 0) {
        throw new MsnpError('state', failures.join('; ') || `${invitees.join(', ')} did not answer`);
      }
    } catch (err) {
      sb.leave();
      throw err;
    }
    conv.switchboards.add(sb);
    return sb;
  }

  /** Resolves when every invitee is in, or at the join timeout; rejects if the session closes. */
  private joins(sb: Switchboard, invitees: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const cleanup: (() => void)[] = [];
      const finish = (error?: MsnpError): void => {
        for (const off of cleanup) off();
        if (error) reject(error);
        else resolve();
      };
      const check = (): void => {
        if (invitees.every((email) => sb.has(email))) finish();
      };
      const timer = setTimeout(() => finish(), this.options.joinTimeoutMs ?? 60_000);
      cleanup.push(
        () => clearTimeout(timer),
        sb.on('joined', check),
        sb.on('closed', ({ error }) => finish(error ?? new MsnpError('network', 'The conversation closed'))),
      );
      check();
    });
  }

  private sbOptions(): { email: string; ackTimeoutMs?: number; requestTimeoutMs?: number; transport?: Transport } {
    return {
      email: this.link.email,
      ...(this.link.transport === undefined ? {} : { transport: this.link.transport }),
      ...(this.options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: this.options.ackTimeoutMs }),
      ...(this.options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: this.options.requestTimeoutMs }),
    };
  }

  /** Answers an invitation and files the switchboard under the right conversation. */
  private async accept(invitation: SwitchboardInvitation): Promise<void> {
    let sb: Switchboard | undefined;
    const generation = this.generation;
    try {
      sb = await Switchboard.connect({ ...invitation, ...this.sbOptions() });
      // Until the roster is known so is not the conversation: hold back what arrives meanwhile.
      const early: { from: Participant; payload: Buffer }[] = [];
      const stopHolding = sb.on('message', (m) => early.push(m));
      try {
        await sb.answer(invitation.sessionId);
      } finally {
        stopHolding();
      }
      const roster = sb.participants;
      if (generation !== this.generation || roster.length === 0) {
        sb.leave();
        return;
      }
      const only = roster.length === 1 ? roster[0] : undefined;
      const conv =
        (only && this.findOneToOne(only.email)) ||
        this.create(
          roster,
          roster.map((p) => p.email),
        );
      this.attach(conv, sb);
      for (const p of roster) this.addParticipant(conv, p);
      conv.switchboards.add(sb);
      for (const m of early) this.emitMessage(conv, m.from, m.payload, sb);
      this.pump(conv);
    } catch (err) {
      sb?.leave();
      this.emit('invitation-failed', { email: invitation.callerEmail, reason: describe(err) });
    }
  }

  private attach(conv: Conversation, sb: Switchboard): void {
    sb.on('joined', (p) => this.addParticipant(conv, p));
    sb.on('left', ({ email, idle }) => {
      if (conv.closed) return;
      this.stopTyping(conv, email);
      const elsewhere = [...conv.switchboards].some((other) => other !== sb && other.has(email));
      // An idle timeout is the server's doing, not the person's: they stay in the conversation.
      if (!idle && !elsewhere && conv.participants.delete(email)) {
        if (conv.participants.size === 0) conv.lastParticipants = [email];
        this.emit('left', { conversationId: conv.id, email });
      }
      if (sb.participants.length === 0 && conv.switchboards.has(sb)) this.retire(conv, sb);
    });
    sb.on('message', ({ from, payload }) => {
      if (!conv.closed) this.emitMessage(conv, from, payload, sb);
    });
    sb.on('closed', () => {
      if (!conv.closed && conv.switchboards.has(sb)) this.retire(conv, sb);
    });
  }

  private addParticipant(conv: Conversation, p: Participant): void {
    if (conv.closed) return;
    const known = conv.participants.has(p.email);
    conv.participants.set(p.email, p);
    if (!known) this.emit('joined', { conversationId: conv.id, participant: p });
  }

  private emitMessage(conv: Conversation, from: Participant, payload: Buffer, switchboard: Switchboard): void {
    const content = parseMessage(payload);
    const conversationId = conv.id;
    switch (content.kind) {
      case 'text':
        this.stopTyping(conv, from.email);
        this.emit('message', { conversationId, from, text: content.text, format: content.format, at: Date.now() });
        return;
      case 'typing': {
        clearTimeout(conv.typing.get(from.email));
        conv.typing.set(
          from.email,
          setTimeout(() => this.stopTyping(conv, from.email), TYPING_EXPIRY_MS),
        );
        this.emit('typing', { conversationId, email: from.email });
        return;
      }
      case 'nudge':
        this.emit('nudge', { conversationId, from });
        return;
      case 'unsupported':
        this.emit('unsupported', { conversationId, from, contentType: content.contentType });
        return;
      case 'ignored':
        if (content.contentType === 'application/x-msnmsgrp2p') {
          this.emit('p2p', { conversationId, from, payload, switchboard });
        } else if (content.contentType === 'text/x-mms-emoticon' || content.contentType === 'text/x-mms-animemoticon') {
          const emoticons = parseEmoticonBody(parseMime(payload).body.toString('utf8'));
          if (emoticons.length > 0) this.emit('emoticons', { conversationId, from, emoticons, switchboard });
        }
        return;
    }
  }

  private stopTyping(conv: Conversation, email: string): void {
    const timer = conv.typing.get(email);
    if (timer === undefined) return;
    clearTimeout(timer);
    conv.typing.delete(email);
    this.emit('typing-stopped', { conversationId: conv.id, email });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
