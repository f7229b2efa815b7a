// Offline messages (MSNP13+, MSNP13-18.md §10): the `MSG Hotmail` notices that announce them (the
// Mail-Data at sign-in, each new one while online, deletions), reading them (GetMessage, decoded
// and put in the order to show them), deleting them once shown (DeleteMessages), and sending one
// to someone offline (Store2 with its lock key, run id and sequence numbers). Nothing is deleted
// here unless the caller asks: what was not shown or stored stays on the server.
import { randomUUID } from 'node:crypto';
import { challengeResponse, productKeyFor } from '../challenge';
import type { Frame } from '../codec';
import type { ClientContext, SoapAccess } from '../context';
import type { Dialect } from '../dialects';
import { MsnpError, asMsnpError } from '../errors';
import type { OfflineMessage, OfflineMessageFailure, OfflineMessageNotice } from '../events';
import { decodeOfflineMessage, parseMimeText, type DecodedOfflineMessage } from '../mime';
import { SoapFault } from '../soap/fault';
import { callSoap } from '../soap/http';
import { callWithTicket, ticketRefused } from '../soap/ticketed';
import {
  RSI_ACTION,
  STORE2_ACTION,
  deleteMessagesEnvelope,
  getMessageEnvelope,
  getMetadataEnvelope,
  lockKeyChallenge,
  oimContent,
  parseGetMessage,
  parseGetMetadata,
  parseMailData,
  store2Envelope,
  store2Reason,
  type MailData,
} from '../soap/oim';
import type { XmlElement } from '../soap/parse';
import type { XmlFragment } from '../soap/xml';

/**
 * The longest text sent as one offline message, in UTF-8 bytes: its base64 MIME form stays well
 * inside what the services take. Splitting longer text is the caller's concern.
 */
export const MAX_OFFLINE_TEXT_BYTES = 8 * 1024;
const ADDRESS = /^[^\s@]+@[^\s@]+$/;
const OIM_FOLDER_LIVE = '.!!OIM';
const NOTICE_TYPES = new Set([
  'text/x-msmsgsinitialmdatanotification',
  'text/x-msmsgsoimnotification',
  'text/x-msmsgsactivemailnotification',
]);

/** A fetched message with what orders it. */
type Fetched = OfflineMessage & Pick<DecodedOfflineMessage, 'runId' | 'sequence'>;

export class OfflineMessages {
  /** Announced and not yet deleted, by upper-case id. */
  private pending = new Map<string, OfflineMessageNotice>();
  /** Bumped for every session, so that answers for an older one are dropped. */
  private generation = 0;
  /** Whether the session has been announced (signed-in, contact-list) yet. */
  private announced = false;
  /** The sign-in list: not read yet, being read by GetMetadata, read, or already emitted. */
  private initial: 'waiting' | 'listing' | 'ready' | 'emitted' = 'waiting';
  /** Messages our own DeleteMessages calls removed, whose notices are not news. */
  private deletesExpected = 0;
  /** The Store2 lock key, answering the service's last challenge; empty until challenged. */
  private lockKey = '';
  /** Per recipient: this session's run id and the next sequence number. */
  private runs = new Map<string, { readonly id: string; next: number }>();
  /** Store2 calls one at a time, so sequence numbers follow the order of the calls. */
  private sending: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: ClientContext) {
    ctx.handle('MSG', (frame) => this.onMessage(frame));
  }

  /** A new session (sign-in or reconnection) starts with nothing known. */
  reset(): void {
    this.generation++;
    this.pending = new Map();
    this.announced = false;
    this.initial = 'waiting';
    this.deletesExpected = 0;
    this.lockKey = '';
    this.runs = new Map();
  }

  /** After signed-in and contact-list: the messages the sign-in found, once they are known. */
  announce(): void {
    this.announced = true;
    if (this.initial === 'ready') this.emitInitial();
  }

  get supported(): boolean {
    return this.ctx.dialect?.capabilities.offlineMessages ?? false;
  }

  list(): OfflineMessageNotice[] {
    return [...this.pending.values()].sort((a, b) => a.receivedAt - b.receivedAt);
  }

  async fetch(ids?: readonly string[]): Promise<{ messages: OfflineMessage[]; failures: OfflineMessageFailure[] }> {
    this.soapAccess();
    // In the order the server listed them: the last word between messages of the same second.
    const listed = new Map([...this.pending.keys()].map((id, i) => [id, i]));
    const wanted = [...new Set((ids ?? [...this.pending.keys()]).map((id) => id.toUpperCase()))].sort(
      (a, b) => (listed.get(a) ?? -1) - (listed.get(b) ?? -1),
    );
    const fetched: Fetched[] = [];
    const failures: OfflineMessageFailure[] = [];
    for (const id of wanted) {
      const notice = this.pending.get(id);
      if (!notice) {
        failures.push({ id, from: '', reason: 'No such offline message is waiting on the server' });
        continue;
      }
      try {
        const raw = parseGetMessage(await this.rsi('GetMessage', (t) => getMessageEnvelope(t, id)));
        const decoded = decodeOfflineMessage(raw);
        fetched.push({
          ...notice,
          text: decoded.text,
          sentAt: decoded.date ?? notice.receivedAt,
          ...(decoded.runId === undefined ? {} : { runId: decoded.runId }),
          ...(decoded.sequence === undefined ? {} : { sequence: decoded.sequence }),
        });
      } catch (err) {
        failures.push({
          id,
          from: notice.from,
          reason: `The offline message from ${notice.from} could not be read: ${asMsnpError(err).message}`,
        });
      }
    }
    return {
      messages: orderOfflineMessages(fetched).map(({ id, from, fromName, receivedAt, text, sentAt }) => ({
        id,
        from,
        fromName,
        receivedAt,
        text,
        sentAt,
      })),
      failures,
    };
  }

  async delete(ids: readonly string[]): Promise<void> {
    this.soapAccess();
    const unique = [...new Set(ids.map((id) => id.toUpperCase()))];
    if (unique.length === 0) return;
    const generation = this.generation;
    this.deletesExpected += unique.length;
    try {
      await this.rsi('DeleteMessages', (t) => deleteMessagesEnvelope(t, unique));
    } catch (err) {
      if (generation === this.generation) this.deletesExpected = Math.max(0, this.deletesExpected - unique.length);
      throw err;
    }
    if (generation === this.generation) for (const id of unique) this.pending.delete(id);
  }

  send(email: string, text: string): Promise<void> {
    try {
      this.soapAccess();
    } catch (err) {
      return Promise.reject(err);
    }
    const to = email.trim().toLowerCase();
    if (!ADDRESS.test(to)) return Promise.reject(new MsnpError('invalid', `Not an e-mail address: ${email}`));
    if (to === this.ctx.email) return Promise.reject(new MsnpError('invalid', 'You cannot leave yourself a message'));
    if (text.trim() === '') return Promise.reject(new MsnpError('invalid', 'An offline message needs some text'));
    if (Buffer.byteLength(text, 'utf8') > MAX_OFFLINE_TEXT_BYTES) {
      return Promise.reject(
        new MsnpError('invalid', `An offline message is at most ${MAX_OFFLINE_TEXT_BYTES} bytes of text`),
      );
    }
    const stored = this.sending.then(() => this.store(to, text));
    this.sending = stored.catch(() => undefined);
    return stored;
  }

  /** Store2 for one message: the lock-key challenge answered once, a refused ticket renewed once. */
  private async store(to: string, text: string): Promise<void> {
    const { soap, dialect } = this.soapAccess();
    const generation = this.generation;
    const run = this.runs.get(to) ?? { id: `{${randomUUID().toUpperCase()}}`, next: 1 };
    const sequence = run.next;
    const product = productKeyFor(dialect);
    const content = oimContent(run.id, sequence, text);
    let renew = false;
    let answered = false;
    for (;;) {
      const ticket = await soap.ticket('secure', renew);
      try {
        await callSoap({
          ...soap.call,
          service: 'Store2',
          url: soap.url('oim'),
          action: STORE2_ACTION,
          envelope: store2Envelope({
            from: this.ctx.model.profile.email,
            friendlyName: this.ctx.model.profile.displayName,
            to,
            ticket,
            appId: product.id,
            lockKey: this.lockKey,
            protocol: dialect.name,
            build: dialect.clientVersion ?? '',
            sequence,
            content,
          }),
        });
        break;
      } catch (err) {
        if (!(err instanceof SoapFault)) throw err;
        const challenge = lockKeyChallenge(err);
        if (err.faultName === 'AuthenticationFailed' && challenge !== undefined && !answered) {
          // Kept for the session; a later challenge is answered again, once per message.
          this.lockKey = challengeResponse(challenge, product);
          answered = true;
          continue;
        }
        if ((challenge === undefined && err.faultName === 'AuthenticationFailed') || ticketRefused(err)) {
          if (!renew) {
            renew = true;
            continue;
          }
        }
        throw new MsnpError('server', store2Reason(err, to), { command: 'Store2', cause: err });
      }
    }
    if (generation === this.generation) this.runs.set(to, { id: run.id, next: sequence + 1 });
  }

  /** The SOAP access of an online session whose dialect has offline messages. */
  private soapAccess(): { soap: SoapAccess; dialect: Dialect } {
    if (this.ctx.phase !== 'online') throw new MsnpError('state', 'Not signed in');
    const dialect = this.ctx.dialect;
    if (!dialect?.capabilities.offlineMessages) {
      throw new MsnpError(
        'state',
        `Offline messages need MSNP13 or later; this session speaks ${dialect?.name ?? 'none'}`,
      );
    }
    const soap = this.ctx.soap;
    if (!soap) throw new MsnpError('state', 'This session has no ticket for the offline-message service');
    return { soap, dialect };
  }

  /** One RSI call with the web ticket, renewed once when the service says it expired. */
  private rsi(
    action: 'GetMetadata' | 'GetMessage' | 'DeleteMessages',
    envelope: (ticket: string) => XmlFragment,
  ): Promise<XmlElement> {
    const soap = this.ctx.soap;
    if (!soap) return Promise.reject(new MsnpError('state', 'Not signed in'));
    return callWithTicket(soap, {
      ticket: 'web',
      endpoint: 'rsi',
      service: action,
      action: RSI_ACTION(action),
      envelope,
    });
  }

  /** `MSG Hotmail Hotmail`: the mailbox notices; the other content types (profile…) are not ours. */
  private onMessage(frame: Frame): void {
    if (frame.params[0] !== 'Hotmail' || !frame.payload || !this.supported) return;
    const text = frame.payload.toString('utf8');
    // The profile and the e-mail notices share the command; only these three are ours.
    const type = /^Content-Type:[ \t]*([^;\r\n]+)/im.exec(text)?.[1]?.trim().toLowerCase() ?? '';
    if (!NOTICE_TYPES.has(type)) return;
    let fields: ReadonlyMap<string, string>;
    try {
      fields = parseMimeText(parseMimeText(text).body).headers;
    } catch (err) {
      this.report(err);
      return;
    }
    switch (type) {
      case 'text/x-msmsgsinitialmdatanotification':
        this.onMailData(fields.get('mail-data'), true);
        break;
      case 'text/x-msmsgsoimnotification':
        this.onMailData(fields.get('mail-data'), false);
        break;
      case 'text/x-msmsgsactivemailnotification':
        if (fields.get('src-folder')?.trim() === OIM_FOLDER_LIVE) this.onDeleted(Number(fields.get('message-delta')));
        break;
    }
  }

  private onMailData(value: string | undefined, atSignIn: boolean): void {
    if (value === undefined) {
      // A sign-in notice in the older form (mailbox counts only): no offline message waits.
      if (atSignIn) this.initialRead([]);
      return;
    }
    let data: MailData;
    try {
      data = parseMailData(value);
    } catch (err) {
      this.report(err);
      if (atSignIn) this.initialRead([]);
      return;
    }
    if (data.tooLarge) {
      if (atSignIn) this.listAll();
      else this.refresh();
      return;
    }
    if (data.skipped > 0)
      this.report(new MsnpError('protocol', `${data.skipped} offline message notices had no id or sender`));
    if (atSignIn) this.initialRead(data.messages);
    else this.arrived(data.messages);
  }

  /** `too-large` at sign-in: GetMetadata lists them (more than 25). */
  private listAll(): void {
    const generation = this.generation;
    this.initial = 'listing';
    this.metadata().then(
      (messages) => {
        if (generation === this.generation) this.initialRead(messages);
      },
      (err: unknown) => {
        if (generation !== this.generation) return;
        this.report(err, 'The offline messages could not be listed');
        this.initialRead([]);
      },
    );
  }

  private async metadata(): Promise<OfflineMessageNotice[]> {
    const data = parseGetMetadata(await this.rsi('GetMetadata', getMetadataEnvelope));
    if (data.tooLarge) throw new MsnpError('protocol', 'GetMetadata answered too-large');
    return data.messages;
  }

  private initialRead(messages: readonly OfflineMessageNotice[]): void {
    if (this.initial === 'emitted') {
      this.arrived(messages);
      return;
    }
    for (const m of messages) this.pending.set(m.id, m);
    this.initial = 'ready';
    if (this.announced) this.emitInitial();
  }

  private emitInitial(): void {
    this.initial = 'emitted';
    if (this.pending.size > 0) this.ctx.emit('offline-messages', { messages: this.list(), atSignIn: true });
  }

  /** New messages while online; before the session is announced they join the sign-in list. */
  private arrived(messages: readonly OfflineMessageNotice[]): void {
    const fresh = messages.filter((m) => !this.pending.has(m.id));
    for (const m of fresh) this.pending.set(m.id, m);
    if (!this.announced || this.initial === 'listing') return;
    // A server that sent no sign-in list: the first notice opens the session's list.
    if (this.initial !== 'emitted') this.initial = 'emitted';
    if (fresh.length > 0) this.ctx.emit('offline-messages', { messages: fresh, atSignIn: false });
  }

  /** Messages left the OIM folder: ours, or deleted at another place (then the list is read again). */
  private onDeleted(count: number): void {
    const n = Number.isInteger(count) && count > 0 ? count : 0;
    if (n > 0 && this.deletesExpected >= n) {
      this.deletesExpected -= n;
      return;
    }
    this.deletesExpected = 0;
    if (this.announced) this.refresh();
  }

  /** Reads the list again: gone ones leave it, new ones are announced. */
  private refresh(): void {
    const generation = this.generation;
    this.metadata().then(
      (messages) => {
        if (generation !== this.generation) return;
        const now = new Set(messages.map((m) => m.id));
        for (const id of [...this.pending.keys()]) if (!now.has(id)) this.pending.delete(id);
        this.arrived(messages);
      },
      (err: unknown) => {
        if (generation === this.generation) this.report(err, 'The offline messages could not be listed');
      },
    );
  }

  private report(err: unknown, context = 'An offline-message notice could not be read'): void {
    const error = asMsnpError(err);
    this.ctx.emit('error', new MsnpError(error.kind, `${context}: ${error.message}`, { cause: err }));
  }
}

/**
 * The order to show offline messages in: each sender's by run (`X-OIM-Run-Id`, runs by their
 * earliest time) and sequence number, else by time; the senders interleaved by time, each
 * keeping its own order. Times have whole seconds, so messages of the same second keep the order
 * they are given in (the server's): every session starts a new run, so two messages sent from two
 * sessions within a second differ in nothing else.
 */
export function orderOfflineMessages<T extends OfflineMessage & Pick<DecodedOfflineMessage, 'runId' | 'sequence'>>(
  messages: readonly T[],
): T[] {
  const given = new Map(messages.map((m, i) => [m, i]));
  const byTime = (a: T, b: T): number =>
    a.sentAt - b.sentAt || a.receivedAt - b.receivedAt || (given.get(a) ?? 0) - (given.get(b) ?? 0);
  const queues = new Map<string, T[]>();
  for (const m of messages) {
    const queue = queues.get(m.from) ?? [];
    queue.push(m);
    queues.set(m.from, queue);
  }
  for (const [sender, queue] of queues) {
    const runs = new Map<string, T[]>();
    for (const m of queue) {
      const key = m.runId ?? `\0${m.id}`;
      runs.set(key, [...(runs.get(key) ?? []), m]);
    }
    const ordered = [...runs.values()]
      .map((run) => run.sort((a, b) => (a.sequence ?? Infinity) - (b.sequence ?? Infinity) || byTime(a, b)))
      .sort((a, b) => byTime([...a].sort(byTime)[0] as T, [...b].sort(byTime)[0] as T));
    queues.set(sender, ordered.flat());
  }
  const out: T[] = [];
  for (;;) {
    let next: T[] | undefined;
    for (const queue of queues.values()) {
      const head = queue[0];
      if (head && (!next || byTime(head, next[0] as T) < 0)) next = queue;
    }
    const m = next?.shift();
    if (!m) return out;
    out.push(m);
  }
}
