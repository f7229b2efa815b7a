// The P2P layer of a signed-in session (P2P.md §4–5): serves your own MSN objects, fetches
// contacts' pictures and emoticons, sends and receives files. It rides on the conversations'
// switchboards: the conversation manager hands it every `application/x-msnmsgrp2p` packet, and
// it sends on the switchboard of the conversation with the peer, opening one when needed.
import { randomInt, randomUUID } from 'node:crypto';
import type { ConversationManager } from '../conversation';
import { dialectOf } from '../dialects';
import { TypedEmitter } from '../emitter';
import type { Switchboard } from '../switchboard';
import { decodeFileContext, decodeObjectContext, encodeFileContext, encodeObjectContext } from './context';
import type { EmoticonDeclaration } from './emoticons';
import { P2PError, type P2PErrorKind } from './errors';
import type { FileSink } from './files';
import { Flags, Footer, classify, type P2PHeader } from './header';
import { parseMsnObject, sha1d, type MsnObject } from './msnobj';
import {
  EUF_GUID,
  SlpContentType,
  bodyField,
  encodeRequest,
  encodeResponse,
  newGuid,
  parseSlp,
  type SlpMessage,
} from './slp';
import { readableSource, type FileSource } from './source';
import {
  ChannelScheduler,
  DEFAULT_WINDOW,
  Link,
  bufferSource,
  type AckExpectation,
  type IncomingSession,
  type LinkHandler,
} from './transport';

/** Client id to advertise when this layer runs: "P2P v1 peer, MSNC5", no other feature bits (P2P.md §2.5). */
export const P2P_CLIENT_ID = 0x50000000;

/** Whether a contact's client id says it speaks MSNP2P at all (top nibble ≥ 1). */
export function supportsP2P(clientId: number | undefined): boolean {
  return clientId !== undefined && clientId >>> 28 >= 1;
}

/** Your own objects (display picture, emoticons), served only when published. */
export interface ObjectProvider {
  /** The bytes of a published object by SHA1D; undefined when there is none. */
  get(sha1d: string): Buffer | undefined | Promise<Buffer | undefined>;
}

export interface P2POptions {
  /** Our own account, lower case. */
  readonly email: string;
  /**
   * The negotiated dialect number: P2P needs MSNP9+ (switchboards take ack mode D only from
   * then on), so below it nothing is sent and packets are ignored.
   */
  readonly dialect?: () => number | undefined;
  readonly objects?: ObjectProvider;
  /** Time for the peer's P2P acks and SLP answers. Default 30 s. */
  readonly ackTimeoutMs?: number;
  /** Time a file invitation may wait for the receiver's answer. Default 5 min. */
  readonly answerTimeoutMs?: number;
  /** Time an offer may wait for `accept`/`decline` before it is declined. Default 5 min. */
  readonly offerTimeoutMs?: number;
  /** Time without data before a running transfer counts as stalled. Default 60 s. */
  readonly idleTimeoutMs?: number;
  /** Object downloads running at once. Default 3. */
  readonly maxConcurrentFetches?: number;
  /** Attempts per object download. Default 3. */
  readonly fetchAttempts?: number;
  /** Delay before the first retry, doubled for each further one. Default 2 s. */
  readonly retryDelayMs?: number;
  /** Largest object accepted. Default 4 MB. */
  readonly maxObjectBytes?: number;
  /** Largest file accepted. Default 64 GiB. */
  readonly maxFileBytes?: number;
  /** Data packets per switchboard awaiting the server's ACK. Default 16. */
  readonly window?: number;
}

export type TransferDirection = 'send' | 'receive';

export interface TransferInfo {
  readonly transferId: string;
  readonly conversationId: string;
  readonly direction: TransferDirection;
  /** The other person. */
  readonly peer: string;
  /** For received files: the sanitised name is chosen when saving; this is the name the sender gave. */
  readonly name: string;
  readonly size: number;
}

export interface P2PEvents {
  /** Someone offers a file: answer with `accept` or `decline`. */
  'file-offer': TransferInfo & { readonly preview?: Buffer };
  /** The receiver accepted (sending) or the data started (receiving). */
  'transfer-accepted': TransferInfo;
  /** Bytes sent (ACKed by the server) or received so far; throttled. */
  'transfer-progress': { readonly transferId: string; readonly bytes: number; readonly size: number };
  'transfer-completed': TransferInfo & { readonly file?: string };
  'transfer-failed': TransferInfo & {
    readonly reason: P2PErrorKind;
    readonly by?: 'you' | 'peer';
    readonly message: string;
    readonly bytes: number;
  };
  /** A custom emoticon announced in a conversation arrived (its bytes match its SHA1D). */
  emoticon: {
    readonly conversationId: string;
    readonly from: string;
    readonly shortcut: string;
    readonly object: MsnObject;
    readonly data: Buffer;
  };
  'emoticon-failed': {
    readonly conversationId: string;
    readonly from: string;
    readonly shortcut: string;
    readonly reason: string;
  };
  /** Bad P2P input from a peer (hostile or broken packets, P2P v2): the session it belonged to ended. */
  'p2p-error': { readonly conversationId: string; readonly email: string; readonly error: P2PError };
}

interface Channel {
  readonly switchboard: Switchboard;
  readonly scheduler: ChannelScheduler;
  readonly links: Map<string, LinkState>;
  readonly detach: Array<() => void>;
}

interface LinkState {
  readonly link: Link;
  readonly channel: Channel;
  readonly conversationId: string;
  readonly bySid: Map<number, Session>;
  readonly byCall: Map<string, Session>;
  v2Reported: boolean;
}

const BYE_LINGER_MS = 60_000;
/** Sessions one peer may have open with us on one switchboard; more invitations are declined. */
const MAX_SESSIONS_PER_LINK = 32;
/** Received file data waiting for the disk, at most. */
const MAX_UNWRITTEN_BYTES = 16 * 1024 * 1024;
const PROGRESS_STEP = 64 * 1024;

/** One SLP session; subclasses are the four roles. */
abstract class Session implements IncomingSession {
  ended = false;
  protected timer: NodeJS.Timeout | undefined;
  maxMessageBytes = 16;
  streaming = false;

  constructor(
    readonly manager: P2PManager,
    readonly state: LinkState,
    readonly sid: number,
    readonly callId: string,
  ) {
    state.bySid.set(sid, this);
    state.byCall.set(callId, this);
  }

  get link(): Link {
    return this.state.link;
  }

  get peer(): string {
    return this.state.link.peer;
  }

  /** Runs `fn` after `ms` unless re-armed or ended. */
  protected arm(ms: number, fn: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.ended) fn();
    }, ms);
  }

  abstract slp(message: SlpMessage): void;
  abstract complete(header: P2PHeader, data: Buffer | undefined): void;

  aborted(): void {
    this.fail(new P2PError('cancelled', `${this.peer} cancelled`, { by: 'peer' }), false);
  }

  /** Ends the session for `error`; `tellPeer` sends a BYE so the peer stops too. */
  fail(error: P2PError, tellPeer: boolean): void {
    if (this.ended) return;
    if (tellPeer) this.manager.sendBye(this);
    this.end();
    this.failed(error);
  }

  protected abstract failed(error: P2PError): void;

  /** Drops the session's state; late packets of it are ignored from now on. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.state.bySid.delete(this.sid);
    this.state.byCall.delete(this.callId);
    this.link.forget(this.sid);
  }

  /** After success: keep answering the peer's BYE for a while, then forget. */
  protected linger(): void {
    this.arm(BYE_LINGER_MS, () => this.end());
  }
}

/** We own the object; the peer fetches it (P2P.md §5.1 from Bob's side). */
class ObjectServe extends Session {
  constructor(manager: P2PManager, state: LinkState, sid: number, invite: SlpMessage, data: Buffer) {
    super(manager, state, sid, invite.callId);
    void this.run(invite, data);
  }

  private async run(invite: SlpMessage, data: Buffer): Promise<void> {
    const m = this.manager;
    try {
      await m.respond(this, invite, 200, 'OK', [['SessionID', String(this.sid)]]);
      const prep = this.link.sendMessage(
        { sessionId: this.sid, flags: Flags.NONE, footer: Footer.OBJECT },
        Buffer.alloc(4),
      );
      await this.link.expectAck(prep, m.ackTimeoutMs).acked;
      if (this.ended) return;
      const stream = this.link.stream(
        { sessionId: this.sid, flags: Flags.DATA, footer: Footer.OBJECT, total: data.length },
        bufferSource(data),
      );
      const ack = this.link.expectAck(stream.identifier);
      await stream.sent;
      ack.arm(m.ackTimeoutMs);
      await ack.acked;
      // The requester sends the BYE; forget the session if it never does.
      this.linger();
    } catch (err) {
      this.fail(asP2PError(err), !(err instanceof P2PError && err.kind === 'closed'));
    }
  }

  slp(message: SlpMessage): void {
    if (message.method === 'BYE') this.end();
  }

  complete(): void {}

  // The requester sees its own failure; an owner has no one to tell.
  protected failed(): void {}
}

/** We fetch a contact's object. */
class ObjectFetch extends Session {
  private resolve: ((data: Buffer) => void) | undefined;
  private reject: ((error: P2PError) => void) | undefined;
  readonly result: Promise<Buffer>;

  constructor(
    manager: P2PManager,
    state: LinkState,
    readonly object: MsnObject,
  ) {
    super(manager, state, randomSessionId(), newGuid());
    // At least the 4-byte data preparation message.
    this.maxMessageBytes = Math.max(4, object.size);
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.result.catch(() => {});
    void this.start();
  }

  private async start(): Promise<void> {
    const m = this.manager;
    try {
      this.arm(m.ackTimeoutMs * 2, () =>
        this.fail(new P2PError('timeout', `${this.peer} did not send the object in time`), true),
      );
      await m.invite(this, EUF_GUID.MSN_OBJECT, 1, encodeObjectContext(this.object.xml));
    } catch (err) {
      this.fail(asP2PError(err), false);
    }
  }

  slp(message: SlpMessage): void {
    if (message.status === 200) {
      this.arm(this.manager.idleTimeoutMs, () =>
        this.fail(new P2PError('timeout', `${this.peer} stopped sending`), true),
      );
      return;
    }
    if (message.status !== undefined) {
      this.fail(
        new P2PError('declined', `${this.peer} refused to send the object (${message.status} ${message.reason ?? ''})`),
        false,
      );
      return;
    }
    if (message.method === 'BYE')
      this.fail(new P2PError('cancelled', `${this.peer} ended the session`, { by: 'peer' }), false);
  }

  complete(header: P2PHeader, data: Buffer | undefined): void {
    if (classify(header.flags) !== 'data' || !data) return; // the data preparation message
    this.end();
    this.manager.sendBye(this);
    if (data.length !== this.object.size || sha1d(data) !== this.object.sha1d) {
      this.reject?.(new P2PError('integrity', `The object from ${this.peer} does not match its SHA1D or size`));
      return;
    }
    this.resolve?.(data);
  }

  protected failed(error: P2PError): void {
    this.reject?.(error);
  }
}

abstract class Transfer extends Session {
  bytes = 0;
  private reported = 0;

  abstract readonly info: TransferInfo;

  constructor(
    manager: P2PManager,
    state: LinkState,
    sid: number,
    callId: string,
    readonly transferId: string,
  ) {
    super(manager, state, sid, callId);
  }

  progress(bytes: number): void {
    this.bytes = bytes;
    const size = this.info.size;
    if (bytes < size && bytes - this.reported < Math.max(PROGRESS_STEP, size / 200)) return;
    this.reported = bytes;
    this.manager.report('transfer-progress', { transferId: this.transferId, bytes, size });
  }

  override end(): void {
    super.end();
    this.manager.transferEnded(this);
  }

  protected failed(error: P2PError): void {
    this.manager.report('transfer-failed', {
      ...this.info,
      reason: error.kind,
      ...(error.by ? { by: error.by } : {}),
      message: error.message,
      bytes: this.bytes,
    });
  }

  /** The user cancels. */
  cancel(): void {
    this.fail(new P2PError('cancelled', 'You cancelled the transfer', { by: 'you' }), true);
  }
}

class FileSend extends Transfer {
  readonly info: TransferInfo;
  private phase: 'inviting' | 'sending' | 'sent' = 'inviting';
  private cancelStream: ((error: P2PError) => void) | undefined;
  private dataAck: AckExpectation | undefined;

  constructor(
    manager: P2PManager,
    state: LinkState,
    private readonly source: FileSource,
    transferId: string,
  ) {
    super(manager, state, randomSessionId(), newGuid(), transferId);
    this.info = {
      transferId: this.transferId,
      conversationId: state.conversationId,
      direction: 'send',
      peer: state.link.peer,
      name: source.name,
      size: source.size,
    };
  }

  async start(): Promise<void> {
    const m = this.manager;
    try {
      const context = encodeFileContext({
        name: this.source.name,
        size: this.source.size,
        ...(this.source.preview ? { preview: this.source.preview } : {}),
      });
      this.arm(m.answerTimeoutMs, () =>
        this.fail(new P2PError('timeout', `${this.peer} did not answer the invitation`), true),
      );
      await m.invite(this, EUF_GUID.FILE, 2, context);
    } catch (err) {
      this.fail(asP2PError(err), false);
    }
  }

  slp(message: SlpMessage): void {
    if (message.method === 'INVITE' && message.contentType === SlpContentType.TRANSPORT_REQUEST) {
      void this.manager.respondNoDirect(this, message);
      return;
    }
    if (message.method === 'BYE') {
      // The receiver's ack of the data may have been read just before this BYE, with the
      // bookkeeping of its arrival still pending: that is a completed transfer.
      if (this.phase === 'sending' && this.dataAck?.received) this.completed();
      if (this.phase === 'sent') this.end();
      else this.fail(new P2PError('cancelled', `${this.peer} cancelled the transfer`, { by: 'peer' }), false);
      return;
    }
    if (message.status === undefined || this.phase !== 'inviting') return;
    if (message.status !== 200) {
      this.fail(new P2PError('declined', `${this.peer} declined the file`), false);
      return;
    }
    this.phase = 'sending';
    clearTimeout(this.timer);
    this.manager.report('transfer-accepted', this.info);
    void this.send();
  }

  private async send(): Promise<void> {
    const m = this.manager;
    try {
      const stream = this.link.stream(
        { sessionId: this.sid, flags: Flags.FILE_DATA, footer: Footer.FILE, total: this.source.size },
        readableSource(this.source.open()),
      );
      stream.onProgress = (bytes) => this.progress(bytes);
      const ack = this.link.expectAck(stream.identifier);
      this.dataAck = ack;
      this.cancelStream = (error) => stream.fail(error);
      await stream.sent;
      if (this.ended) return;
      ack.arm(m.ackTimeoutMs);
      await ack.acked;
      if (this.ended || this.phase === 'sent') return;
      this.completed();
      this.linger();
    } catch (err) {
      // Anything but the transport's own errors comes from opening the file.
      const error =
        err instanceof P2PError
          ? err
          : new P2PError('io', `Could not read ${this.source.name}: ${describe(err)}`, { cause: err });
      this.fail(error, error.kind !== 'closed');
    }
  }

  private completed(): void {
    this.phase = 'sent';
    this.bytes = this.info.size;
    this.manager.report('transfer-completed', this.info);
  }

  override end(): void {
    this.cancelStream?.(new P2PError('cancelled', 'The transfer ended'));
    if (this.phase !== 'sent') this.dataAck?.cancel();
    super.end();
  }

  complete(): void {}
}

class FileReceive extends Transfer {
  readonly info: TransferInfo;
  private phase: 'offered' | 'receiving' | 'done' = 'offered';
  private sink: FileSink | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Chunks received and not yet written; the first is being written. */
  private readonly queued: Buffer[] = [];
  private queuedBytes = 0;
  private received = 0;

  constructor(
    manager: P2PManager,
    state: LinkState,
    sid: number,
    private readonly invite: SlpMessage,
    name: string,
    size: number,
  ) {
    super(manager, state, sid, invite.callId, randomUUID());
    this.streaming = true;
    this.maxMessageBytes = size;
    this.info = {
      transferId: this.transferId,
      conversationId: state.conversationId,
      direction: 'receive',
      peer: state.link.peer,
      name,
      size,
    };
    this.arm(manager.offerTimeoutMs, () => {
      void manager.respond(this, this.invite, 603, 'Decline', [['SessionID', String(this.sid)]]).catch(() => {});
      this.fail(new P2PError('timeout', 'The invitation expired without an answer'), false);
    });
  }

  async accept(sink: FileSink): Promise<void> {
    if (this.phase !== 'offered' || this.ended) {
      await sink.abort();
      throw new P2PError('cancelled', 'That invitation is no longer open');
    }
    this.phase = 'receiving';
    this.sink = sink;
    this.arm(this.manager.idleTimeoutMs, () => this.stalled());
    this.manager.report('transfer-accepted', this.info);
    try {
      await this.manager.respond(this, this.invite, 200, 'OK', [['SessionID', String(this.sid)]]);
    } catch (err) {
      this.fail(asP2PError(err), false);
    }
  }

  decline(): void {
    if (this.phase !== 'offered' || this.ended) return;
    void this.manager.respond(this, this.invite, 603, 'Decline', [['SessionID', String(this.sid)]]).catch(() => {});
    this.fail(new P2PError('declined', 'You declined the file', { by: 'you' }), false);
  }

  private stalled(): void {
    this.fail(new P2PError('timeout', `${this.peer} stopped sending`), true);
  }

  slp(message: SlpMessage): void {
    if (message.method === 'INVITE' && message.contentType === SlpContentType.TRANSPORT_REQUEST) {
      void this.manager.respondNoDirect(this, message);
      return;
    }
    if (message.method === 'BYE' || (message.status !== undefined && message.status !== 200)) {
      this.fail(
        new P2PError(
          'cancelled',
          `${this.peer} ${this.phase === 'offered' ? 'withdrew the file' : 'cancelled the transfer'}`,
          {
            by: 'peer',
          },
        ),
        false,
      );
    }
  }

  chunk(header: P2PHeader, payload: Buffer): void {
    if (this.phase !== 'receiving' || !this.sink) {
      this.fail(new P2PError('malformed', `${this.peer} sent file data before it was accepted`), true);
      return;
    }
    if (header.totalSize !== this.info.size) {
      this.fail(
        new P2PError('malformed', `${this.peer} sent ${header.totalSize} bytes for a ${this.info.size}-byte file`),
        true,
      );
      return;
    }
    this.timer?.refresh();
    // The sender is paced by the server, not by us: if the disk falls this far behind, give up
    // rather than hold the file in memory.
    if (this.queuedBytes + payload.length > MAX_UNWRITTEN_BYTES) {
      this.fail(new P2PError('io', 'The file could not be written as fast as it arrived'), true);
      return;
    }
    // The payload is a view of its own MSG's bytes (the frame decoder copies each one out).
    this.queued.push(payload);
    this.queuedBytes += payload.length;
    if (this.queued.length === 1) this.writing = this.drainQueue(this.sink);
  }

  /** Writes what arrived, in order, one write at a time. */
  private async drainQueue(sink: FileSink): Promise<void> {
    try {
      while (this.queued.length > 0 && !this.ended) {
        const chunk = this.queued[0] as Buffer;
        await sink.write(chunk);
        this.queued.shift();
        this.queuedBytes -= chunk.length;
        this.received += chunk.length;
        this.progress(this.received);
      }
    } catch (err) {
      this.queued.length = 0;
      this.fail(new P2PError('io', `Could not save the file: ${describe(err)}`, { cause: err }), true);
    }
  }

  complete(header: P2PHeader): void {
    if (this.phase !== 'receiving' || !this.sink || classify(header.flags) !== 'data') return;
    this.phase = 'done';
    clearTimeout(this.timer);
    const sink = this.sink;
    void this.writing
      .then(() => sink.finish(this.info.size))
      .then(
        (file) => {
          if (this.ended) return;
          this.manager.sendBye(this);
          this.end();
          this.manager.report('transfer-completed', { ...this.info, file });
        },
        (err: unknown) =>
          this.fail(new P2PError('io', `Could not save the file: ${describe(err)}`, { cause: err }), true),
      );
  }

  override end(): void {
    const wasDone = this.phase === 'done' && !this.ended;
    super.end();
    if (!wasDone && this.sink) {
      const sink = this.sink;
      this.sink = undefined;
      void this.writing.finally(() => sink.abort()).catch(() => {});
    }
  }
}

function randomSessionId(): number {
  return randomInt(1, 0xffffffff);
}

function asP2PError(err: unknown): P2PError {
  if (err instanceof P2PError) return err;
  return new P2PError('closed', describe(err), { cause: err });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface QueuedFetch {
  readonly object: MsnObject;
  readonly conversationId: string | undefined;
  readonly resolve: (data: Buffer) => void;
  readonly reject: (error: P2PError) => void;
}

/**
 * MSNP2P for one signed-in session.
 *
 * - Own objects: give `objects` (bytes by SHA1D); advertise the picture's msnobj with the
 *   client's `setMsnObject` and the client id `P2P_CLIENT_ID`. Requests for anything the provider
 *   does not return are declined.
 * - Contacts' objects: `fetchObject(msnobj)` resolves with bytes verified against SHA1D and
 *   Size. One request per object at a time, at most `maxConcurrentFetches` running, retried with
 *   backoff. Custom emoticons announced in a conversation are fetched on their own and reported
 *   with `emoticon` (skip known ones with `isKnownObject`).
 * - Files: `sendFile(email, source)` and the `file-offer` → `accept(id, sink)` / `decline(id)`
 *   flow; `cancel(id)` on either side. Every transfer ends with exactly one
 *   `transfer-completed` or `transfer-failed` (reason, and who cancelled).
 * - Hostile or broken packets end their session with `p2p-error`; nothing throws to the caller.
 */
export class P2PManager extends TypedEmitter<P2PEvents> {
  readonly ackTimeoutMs: number;
  readonly answerTimeoutMs: number;
  readonly offerTimeoutMs: number;
  readonly idleTimeoutMs: number;
  private readonly channels = new Map<Switchboard, Channel>();
  private readonly linkStates = new Map<Link, LinkState>();
  private readonly transfers = new Map<string, Transfer>();
  /** Sends waiting for their switchboard, by transfer id; true once cancelled meanwhile. */
  private readonly starting = new Map<string, boolean>();
  private readonly fetches = new Map<string, Promise<Buffer>>();
  private readonly queue: QueuedFetch[] = [];
  private running = 0;
  private readonly detach: Array<() => void>;
  /** Skips announced emoticons the caller already has. */
  isKnownObject: (sha1d: string) => boolean = () => false;

  constructor(
    private readonly conversations: ConversationManager,
    private readonly options: P2POptions,
  ) {
    super();
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    this.answerTimeoutMs = options.answerTimeoutMs ?? 300_000;
    this.offerTimeoutMs = options.offerTimeoutMs ?? 300_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.detach = [
      conversations.on('p2p', ({ conversationId, from, payload, switchboard }) =>
        this.receive(conversationId, from.email, payload, switchboard),
      ),
      conversations.on('emoticons', ({ conversationId, from, emoticons }) =>
        this.fetchEmoticons(conversationId, from.email, emoticons),
      ),
    ];
  }

  private get self(): string {
    return this.options.email.toLowerCase();
  }

  /** Stops listening; running sessions end with their switchboards. */
  dispose(): void {
    for (const off of this.detach.splice(0)) off();
    for (const channel of [...this.channels.values()]) this.closeChannel(channel, new P2PError('closed', 'Signed out'));
  }

  // --- objects -------------------------------------------------------------------------------

  /**
   * Downloads a contact's object (picture, emoticon) from its Creator; resolves with bytes whose
   * SHA-1 and length match the descriptor. Concurrent calls for one SHA1D share one download.
   */
  fetchObject(msnObject: MsnObject | string, options: { conversationId?: string } = {}): Promise<Buffer> {
    const object = typeof msnObject === 'string' ? parseMsnObject(msnObject) : msnObject;
    if (!object || object.creator === '') {
      return Promise.reject(new P2PError('malformed', 'That is not an MSN object with a creator and SHA1D'));
    }
    if (object.size > (this.options.maxObjectBytes ?? 4 * 1024 * 1024)) {
      return Promise.reject(new P2PError('too-large', `The object is ${object.size} bytes`));
    }
    const existing = this.fetches.get(object.sha1d);
    if (existing) return existing;
    const result = new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ object, conversationId: options.conversationId, resolve, reject });
      this.nextFetch();
    }).finally(() => this.fetches.delete(object.sha1d));
    this.fetches.set(object.sha1d, result);
    return result;
  }

  private nextFetch(): void {
    while (this.running < (this.options.maxConcurrentFetches ?? 3)) {
      const item = this.queue.shift();
      if (!item) return;
      this.running++;
      this.fetchWithRetries(item.object, item.conversationId)
        .then(item.resolve, (err: unknown) => item.reject(asP2PError(err)))
        .finally(() => {
          this.running--;
          this.nextFetch();
        });
    }
  }

  private async fetchWithRetries(object: MsnObject, conversationId: string | undefined): Promise<Buffer> {
    const attempts = Math.max(1, this.options.fetchAttempts ?? 3);
    const baseDelay = this.options.retryDelayMs ?? 2000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetchOnce(object, conversationId);
      } catch (err) {
        const error = asP2PError(err);
        // A refusal is an answer: the object is gone; the caller re-reads the contact's msnobj.
        if (attempt >= attempts || error.kind === 'declined' || error.kind === 'too-large') throw error;
        await new Promise((resolve) => setTimeout(resolve, baseDelay * 2 ** (attempt - 1)));
      }
    }
  }

  private async fetchOnce(object: MsnObject, conversationId: string | undefined): Promise<Buffer> {
    const state = await this.linkTo(object.creator, conversationId);
    return new ObjectFetch(this, state, object).result;
  }

  private fetchEmoticons(conversationId: string, from: string, emoticons: readonly EmoticonDeclaration[]): void {
    for (const { shortcut, msnObject } of emoticons) {
      const object = parseMsnObject(msnObject);
      if (!object || this.isKnownObject(object.sha1d)) continue;
      // The announcement's sender owns the emoticons, whatever Creator says.
      const owned = { ...object, creator: from };
      this.fetchObject(owned, { conversationId }).then(
        (data) => this.emit('emoticon', { conversationId, from, shortcut, object: owned, data }),
        (err: unknown) =>
          this.emit('emoticon-failed', { conversationId, from, shortcut, reason: asP2PError(err).message }),
      );
    }
  }

  // --- files ---------------------------------------------------------------------------------

  /**
   * Offers a file to `email` (in the conversation given, or the one with them alone). Returns
   * the transfer id at once; the outcome comes as `transfer-*` events.
   */
  sendFile(email: string, source: FileSource, options: { conversationId?: string } = {}): string {
    const transferId = randomUUID();
    const peer = email.toLowerCase();
    const fail = (error: P2PError): void =>
      this.emit('transfer-failed', {
        transferId,
        conversationId: options.conversationId ?? '',
        direction: 'send',
        peer,
        name: source.name,
        size: source.size,
        reason: error.kind,
        ...(error.by ? { by: error.by } : {}),
        message: error.message,
        bytes: 0,
      });
    this.starting.set(transferId, false);
    this.linkTo(peer, options.conversationId).then(
      (state) => {
        const cancelled = this.starting.get(transferId);
        this.starting.delete(transferId);
        if (cancelled) {
          fail(new P2PError('cancelled', 'You cancelled the transfer', { by: 'you' }));
          return;
        }
        const transfer = new FileSend(this, state, source, transferId);
        this.transfers.set(transferId, transfer);
        void transfer.start();
      },
      (err: unknown) => {
        this.starting.delete(transferId);
        queueMicrotask(() => fail(asP2PError(err)));
      },
    );
    return transferId;
  }

  /** Accepts an offered file into `sink` (e.g. `createDownload(dir, name)`). */
  async accept(transferId: string, sink: FileSink): Promise<void> {
    const transfer = this.transfers.get(transferId);
    if (!(transfer instanceof FileReceive)) {
      await sink.abort();
      throw new P2PError('cancelled', 'That invitation is no longer open');
    }
    await transfer.accept(sink);
  }

  decline(transferId: string): void {
    const transfer = this.transfers.get(transferId);
    if (transfer instanceof FileReceive) transfer.decline();
  }

  cancel(transferId: string): void {
    if (this.starting.has(transferId)) this.starting.set(transferId, true);
    else this.transfers.get(transferId)?.cancel();
  }

  // --- plumbing used by the sessions ---------------------------------------------------------

  /** @internal */
  report<K extends keyof P2PEvents>(event: K, payload: P2PEvents[K]): void {
    this.emit(event, payload);
  }

  /** @internal */
  transferEnded(transfer: Transfer): void {
    this.transfers.delete(transfer.transferId);
  }

  /** @internal Sends the INVITE that opens `session`; resolves once the peer acked it. */
  async invite(session: Session, guid: string, appId: number, context: string): Promise<void> {
    const bytes = encodeRequest({
      method: 'INVITE',
      to: session.peer,
      from: this.self,
      branch: newGuid(),
      callId: session.callId,
      contentType: SlpContentType.SESSION_REQUEST,
      body: [
        ['EUF-GUID', guid],
        ['SessionID', String(session.sid)],
        ['AppID', String(appId)],
        ['Context', context],
      ],
    });
    await this.sendSlp(session.state, bytes);
  }

  /** @internal Answers an INVITE; resolves once the peer acked the answer. */
  async respond(
    session: { state: LinkState; peer: string },
    invite: SlpMessage,
    status: number,
    reason: string,
    body: ReadonlyArray<readonly [string, string]>,
    contentType: string = SlpContentType.SESSION_REQUEST,
  ): Promise<void> {
    await this.sendSlp(
      session.state,
      encodeResponse({
        status,
        reason,
        to: invite.from || session.peer,
        from: this.self,
        branch: invite.branch,
        callId: invite.callId,
        cseq: invite.cseq + 1,
        contentType,
        body,
      }),
    );
  }

  /** @internal Direct connections are not offered: the data goes through the switchboard. */
  async respondNoDirect(session: Session, invite: SlpMessage): Promise<void> {
    await this.respond(
      session,
      invite,
      200,
      'OK',
      [
        ['Bridge', 'TCPv1'],
        ['Listening', 'false'],
        ['Nonce', '{00000000-0000-0000-0000-000000000000}'],
      ],
      SlpContentType.TRANSPORT_RESPONSE,
    ).catch(() => {});
  }

  /** @internal Closes a session towards the peer (no wait for its ack). */
  sendBye(session: Session): void {
    if (session.state.link.closed) return;
    const bytes = encodeRequest({
      method: 'BYE',
      to: session.peer,
      from: this.self,
      branch: newGuid(),
      callId: session.callId,
      contentType: SlpContentType.SESSION_CLOSE,
      body: [],
    });
    session.state.link.sendMessage({ sessionId: 0, flags: Flags.NONE, footer: Footer.SLP }, bytes);
  }

  private async sendSlp(state: LinkState, bytes: Buffer): Promise<void> {
    const id = state.link.sendMessage({ sessionId: 0, flags: Flags.NONE, footer: Footer.SLP }, bytes);
    await state.link.expectAck(id, this.ackTimeoutMs).acked;
  }

  /** The link to `peer` on the conversation's switchboard, opening one if needed. */
  private async linkTo(peer: string, conversationId: string | undefined): Promise<LinkState> {
    if (this.withoutP2P) {
      throw new P2PError('unavailable', 'Display pictures and file transfers need MSNP9 or later');
    }
    const id = conversationId ?? this.conversations.open(peer);
    let switchboard: Switchboard;
    try {
      switchboard = await this.conversations.switchboard(id);
    } catch (err) {
      throw new P2PError('unavailable', `Could not reach ${peer}: ${describe(err)}`, { cause: err });
    }
    if (!switchboard.has(peer)) throw new P2PError('unavailable', `${peer} is not in the conversation`);
    return this.stateFor(switchboard, peer, id);
  }

  private stateFor(switchboard: Switchboard, peer: string, conversationId: string): LinkState {
    let channel = this.channels.get(switchboard);
    if (!channel) {
      const scheduler = new ChannelScheduler(
        {
          send: (payload) => switchboard.sendP2P(payload),
          get congested() {
            return switchboard.congested;
          },
          onDrain: (listener) => switchboard.on('drain', listener),
        },
        this.options.window ?? DEFAULT_WINDOW,
      );
      const created: Channel = { switchboard, scheduler, links: new Map(), detach: [] };
      created.detach.push(
        switchboard.on('closed', () =>
          this.closeChannel(created, new P2PError('closed', 'The conversation closed before the transfer finished')),
        ),
        switchboard.on('left', ({ email }) => {
          const state = created.links.get(email);
          if (state) this.closeLink(state, new P2PError('closed', `${email} left the conversation`));
        }),
      );
      this.channels.set(switchboard, created);
      channel = created;
    }
    let state = channel.links.get(peer);
    if (!state) {
      const link = new Link(peer, channel.scheduler, this.handler);
      state = { link, channel, conversationId, bySid: new Map(), byCall: new Map(), v2Reported: false };
      channel.links.set(peer, state);
      this.linkStates.set(link, state);
    }
    return state;
  }

  private closeChannel(channel: Channel, error: P2PError): void {
    for (const off of channel.detach.splice(0)) off();
    channel.scheduler.close();
    for (const state of [...channel.links.values()]) this.closeLink(state, error);
    this.channels.delete(channel.switchboard);
  }

  private closeLink(state: LinkState, error: P2PError): void {
    state.channel.links.delete(state.link.peer);
    this.linkStates.delete(state.link);
    state.link.close(error);
    for (const session of [...state.bySid.values()]) session.fail(error, false);
  }

  /** The negotiated dialect has no MSN objects (below MSNP9): P2P cannot work on its switchboards. */
  private get withoutP2P(): boolean {
    const dialect = this.options.dialect?.();
    return dialect !== undefined && !dialectOf(dialect).capabilities.msnObjects;
  }

  /** Every P2P packet from the conversations. Never throws. */
  private receive(conversationId: string, from: string, payload: Buffer, switchboard: Switchboard): void {
    if (this.withoutP2P) return;
    try {
      const sep = payload.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const head = payload.toString('utf8', 0, sep);
      const dest = /^p2p-dest:\s*(.*)$/im.exec(head)?.[1]?.trim().toLowerCase();
      if (dest !== undefined && dest.includes(';{')) {
        const state = this.stateFor(switchboard, from, conversationId);
        this.handler.error(
          state.link,
          new P2PError('v2', `${from} sent a P2P version 2 message, which is not supported`),
        );
        return;
      }
      // Group conversations deliver every packet to everyone (P2P.md §3.1).
      if (dest !== undefined && dest !== this.self) return;
      if (switchboard.state !== 'open') return;
      this.stateFor(switchboard, from, conversationId).link.receive(payload.subarray(sep + 4));
    } catch (err) {
      this.emit('p2p-error', {
        conversationId,
        email: from,
        error: new P2PError('malformed', `Could not handle a P2P packet from ${from}: ${describe(err)}`, {
          cause: err,
        }),
      });
    }
  }

  private readonly handler: LinkHandler = {
    slp: (link, bytes) => {
      const state = this.linkStates.get(link);
      if (state) this.onSlp(state, bytes);
    },
    session: (link, sid) => this.linkStates.get(link)?.bySid.get(sid),
    error: (link, error, sid) => {
      const state = this.linkStates.get(link);
      if (!state) return;
      if (sid !== undefined) state.bySid.get(sid)?.fail(error, error.kind !== 'v2');
      if (error.kind === 'v2') {
        if (state.v2Reported) return;
        state.v2Reported = true;
      }
      this.emit('p2p-error', { conversationId: state.conversationId, email: link.peer, error });
    },
  };

  private onSlp(state: LinkState, bytes: Buffer): void {
    const message = parseSlp(bytes);
    if (!message || message.callId === '') {
      this.handler.error(state.link, new P2PError('malformed', `Unreadable SLP message from ${state.link.peer}`));
      return;
    }
    const session = state.byCall.get(message.callId);
    if (session) {
      session.slp(message);
      return;
    }
    if (message.method === 'INVITE' && message.contentType === SlpContentType.SESSION_REQUEST) {
      void this.onInvite(state, message);
    }
    // Anything else (a BYE or answer for a session that ended) needs nothing: it was acked.
  }

  private async onInvite(state: LinkState, invite: SlpMessage): Promise<void> {
    const sid = Number(bodyField(invite, 'SessionID'));
    const guid = (bodyField(invite, 'EUF-GUID') ?? '').toUpperCase();
    const context = bodyField(invite, 'Context') ?? '';
    const peer = { state, peer: state.link.peer };
    const decline = (): Promise<void> =>
      this.respond(peer, invite, 603, 'Decline', [['SessionID', String(Number.isSafeInteger(sid) ? sid : 0)]]).catch(
        () => {},
      );
    if (state.bySid.size >= MAX_SESSIONS_PER_LINK) {
      await decline();
      return;
    }
    if (!Number.isInteger(sid) || sid <= 0 || sid > 0xffffffff || state.bySid.has(sid)) {
      this.handler.error(
        state.link,
        new P2PError('malformed', `${state.link.peer} sent an invitation without a usable SessionID`),
      );
      await decline();
      return;
    }
    if (guid === EUF_GUID.MSN_OBJECT) {
      const xml = decodeObjectContext(context);
      const object = xml === undefined ? undefined : parseMsnObject(xml);
      const data = object ? await this.options.objects?.get(object.sha1d) : undefined;
      if (!data || !object || sha1d(data) !== object.sha1d || state.link.closed) {
        await decline();
        return;
      }
      new ObjectServe(this, state, sid, invite, data);
      return;
    }
    if (guid === EUF_GUID.FILE) {
      const decoded = decodeFileContext(context);
      if (!decoded.ok || decoded.file.size > (this.options.maxFileBytes ?? 64 * 1024 ** 3)) {
        this.handler.error(
          state.link,
          new P2PError(
            'malformed',
            `${state.link.peer} sent an unusable file invitation: ${decoded.ok ? 'too large' : decoded.error}`,
          ),
        );
        await decline();
        return;
      }
      const transfer = new FileReceive(this, state, sid, invite, decoded.file.name, decoded.file.size);
      this.transfers.set(transfer.transferId, transfer);
      this.emit('file-offer', { ...transfer.info, ...(decoded.file.preview ? { preview: decoded.file.preview } : {}) });
      return;
    }
    await decline();
  }
}
