// The P2P transport on one switchboard (P2P.md §3): per-peer links with their identifier
// counter, reassembly of chunked messages, P2P acks; and the switchboard's flow control, a
// bounded window of un-ACKed data packets that also waits for the socket's `drain`. Acks and
// SLP go out at once, outside the window, so they never wait behind megabytes of data.
import { randomInt } from 'node:crypto';
import {
  CHUNK_BYTES,
  ackFor,
  classify,
  decodePacket,
  encodePacket,
  looksLikeV2,
  needsAck,
  v2SessionId,
  type P2PHeader,
  type P2PPacket,
} from './header';
import { P2PError } from './errors';

/** What the transport needs from a switchboard connection. */
export interface P2PChannel {
  /** Sends one MSG with ack `D`; resolves true on the server's ACK, false on NAK. */
  send(payload: Buffer): Promise<boolean>;
  /** Whether the socket's write buffer is full (wait for `onDrain`). */
  readonly congested: boolean;
  onDrain(listener: () => void): () => void;
}

/** Data packets per switchboard that may await the server's ACK at once (P2P.md §3.6). */
export const DEFAULT_WINDOW = 16;
/** Largest SLP message accepted (P2P.md §9.5). */
export const MAX_SLP_BYTES = 64 * 1024;
/** Partial messages kept per link before the oldest is dropped. */
const MAX_PARTIALS = 8;

export function p2pMime(dest: string): Buffer {
  return Buffer.from(
    `MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\nP2P-Dest: ${dest}\r\n\r\n`,
    'utf8',
  );
}

/** A source of bytes for a streamed message: sync reads, with a wake-up when more can be read. */
export interface ChunkSource {
  /** Up to `max` bytes; null when none are ready yet; undefined at the end. */
  read(max: number): Buffer | null | undefined;
  onReadable(listener: () => void): void;
  close(): void;
}

export function bufferSource(data: Buffer): ChunkSource {
  let at = 0;
  return {
    read(max) {
      if (at >= data.length) return undefined;
      const chunk = data.subarray(at, at + max);
      at += chunk.length;
      return chunk;
    },
    onReadable() {},
    close() {},
  };
}

export interface StreamSpec {
  readonly sessionId: number;
  readonly flags: number;
  readonly footer: number;
  readonly total: number;
}

/** One data message being sent chunk by chunk through the window. */
export class OutgoingStream {
  readonly identifier: number;
  private readonly ackIdentifier = randomInt(1, 0xffffffff);
  private offset = 0;
  private started = false;
  private confirmed = 0;
  private outstanding = 0;
  private finished = false;
  private failed: P2PError | undefined;
  private resolveSent: (() => void) | undefined;
  private rejectSent: ((error: P2PError) => void) | undefined;
  /** Resolves once every chunk was handed over and ACKed by the server. */
  readonly sent: Promise<void>;
  /** Called with the bytes the server has ACKed so far. */
  onProgress: (bytes: number) => void = () => {};

  constructor(
    private readonly link: Link,
    readonly spec: StreamSpec,
    private readonly source: ChunkSource,
  ) {
    this.identifier = link.allocateIdentifier();
    this.sent = new Promise((resolve, reject) => {
      this.resolveSent = resolve;
      this.rejectSent = reject;
    });
    this.sent.catch(() => {});
  }

  get done(): boolean {
    return this.finished || this.failed !== undefined;
  }

  /** The next packet and its data bytes; null when the source has nothing ready; undefined when all is out. */
  next(): { readonly packet: Buffer; readonly bytes: number } | null | undefined {
    if (this.done || (this.started && this.offset >= this.spec.total)) return undefined;
    let chunk: Buffer | null | undefined;
    try {
      chunk =
        this.spec.total === 0
          ? Buffer.alloc(0)
          : this.source.read(Math.min(CHUNK_BYTES, this.spec.total - this.offset));
    } catch (err) {
      this.fail(new P2PError('io', `Could not read the file: ${describe(err)}`, { cause: err }));
      return undefined;
    }
    if (chunk === null) return null;
    if (chunk === undefined) {
      this.fail(new P2PError('io', `The file ended after ${this.offset} of ${this.spec.total} bytes`));
      return undefined;
    }
    const packet = encodePacket(
      {
        sessionId: this.spec.sessionId,
        identifier: this.identifier,
        offset: this.offset,
        totalSize: this.spec.total,
        length: chunk.length,
        flags: this.spec.flags,
        ackIdentifier: this.ackIdentifier,
        ackUniqueId: 0,
        ackDataSize: 0,
      },
      chunk,
      this.spec.footer,
      this.link.mime,
    );
    this.started = true;
    this.offset += chunk.length;
    this.outstanding++;
    return { packet, bytes: chunk.length };
  }

  /** The server's answer to one of this stream's packets. */
  settled(bytes: number, delivered: boolean): void {
    this.outstanding--;
    if (this.done) return;
    if (!delivered) {
      this.fail(new P2PError('closed', 'The switchboard did not deliver the data'));
      return;
    }
    this.confirmed += bytes;
    this.onProgress(this.confirmed);
    if (this.started && this.offset >= this.spec.total && this.outstanding === 0) {
      this.finished = true;
      this.source.close();
      this.resolveSent?.();
    }
  }

  onReadable(listener: () => void): void {
    this.source.onReadable(listener);
  }

  fail(error: P2PError): void {
    if (this.done) return;
    this.failed = error;
    this.source.close();
    this.rejectSent?.(error);
  }
}

/** Sends over one channel; data streams share a bounded window, taking turns. */
export class ChannelScheduler {
  private inflight = 0;
  private readonly streams: OutgoingStream[] = [];
  private turn = 0;
  private pumping = false;
  private closed = false;

  constructor(
    private readonly channel: P2PChannel,
    private readonly window = DEFAULT_WINDOW,
  ) {
    channel.onDrain(() => this.pump());
  }

  /** Control traffic (acks, SLP, data preparation): at once, outside the window. */
  sendNow(payload: Buffer): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return this.channel.send(payload).catch(() => false);
  }

  add(stream: OutgoingStream): void {
    if (this.closed) {
      stream.fail(new P2PError('closed', 'The switchboard closed'));
      return;
    }
    this.streams.push(stream);
    stream.onReadable(() => this.pump());
    this.pump();
  }

  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      // Streams whose source had nothing ready in this round.
      let waiting = 0;
      while (!this.closed && this.inflight < this.window && !this.channel.congested && waiting < this.streams.length) {
        this.turn %= this.streams.length;
        const stream = this.streams[this.turn] as OutgoingStream;
        const next = stream.next();
        if (next === undefined) {
          this.streams.splice(this.turn, 1);
          continue;
        }
        this.turn++;
        if (next === null) {
          waiting++;
          continue;
        }
        waiting = 0;
        this.inflight++;
        this.channel.send(next.packet).then(
          (ok) => this.settle(stream, next.bytes, ok),
          () => this.settle(stream, next.bytes, false),
        );
      }
    } finally {
      this.pumping = false;
    }
  }

  private settle(stream: OutgoingStream, bytes: number, ok: boolean): void {
    this.inflight--;
    stream.settled(bytes, ok);
    this.pump();
  }

  close(): void {
    this.closed = true;
    for (const s of this.streams.splice(0)) s.fail(new P2PError('closed', 'The switchboard closed'));
  }
}

/** What a link asks the session layer about incoming packets. */
export interface LinkHandler {
  /** A complete SLP message (session 0), already acked. */
  slp(link: Link, bytes: Buffer): void;
  /** The session a non-zero SessionID belongs to; undefined when unknown. */
  session(link: Link, sessionId: number): IncomingSession | undefined;
  /** A packet that could not be used; `sessionId` names the session it ends, when known. */
  error(link: Link, error: P2PError, sessionId?: number): void;
}

export interface IncomingSession {
  /** Largest message accepted in this session (bigger ones end it). */
  readonly maxMessageBytes: number;
  /** File data is handed over chunk by chunk instead of reassembled in memory. */
  readonly streaming: boolean;
  /** A chunk of streamed data, in order. */
  chunk?(header: P2PHeader, payload: Buffer): void;
  /** A complete message (already acked when it needed one); `data` is absent for streamed data. */
  complete(header: P2PHeader, data: Buffer | undefined): void;
  /** The peer aborted the session with flags 0x40/0x80/0x8. */
  aborted(): void;
}

export interface AckExpectation {
  readonly acked: Promise<void>;
  /** Starts (or restarts) the time limit. */
  arm(ms: number): void;
  /** Stops waiting (the session ended); `acked` then never settles. */
  cancel(): void;
  /**
   * Set the moment the ack arrives, before `acked` settles: a packet read in the same chunk
   * (the peer's BYE right after its ack) can rely on it.
   */
  readonly received: boolean;
}

interface Partial {
  readonly total: number;
  readonly buffer: Buffer | undefined;
  received: number;
}

interface AckWait {
  received: boolean;
  resolve(): void;
  reject(error: P2PError): void;
  timer: NodeJS.Timeout | undefined;
}

/** The P2P state between us and one peer on one switchboard. */
export class Link {
  private identifier = randomInt(4, 0x00ffffff);
  private readonly partials = new Map<string, Partial>();
  private readonly acks = new Map<number, AckWait>();
  private readonly ended = new Set<number>();
  /** The MIME header block every packet to this peer starts with. */
  readonly mime: Buffer;
  closed = false;

  constructor(
    readonly peer: string,
    readonly scheduler: ChannelScheduler,
    private readonly handler: LinkHandler,
  ) {
    this.mime = p2pMime(peer);
  }

  allocateIdentifier(): number {
    const id = this.identifier;
    this.identifier = (this.identifier + 1) >>> 0;
    return id;
  }

  /** Sends a small message (SLP, data preparation) outside the window; returns its identifier. */
  sendMessage(spec: Omit<StreamSpec, 'total'>, data: Buffer): number {
    const identifier = this.allocateIdentifier();
    const ackIdentifier = randomInt(1, 0xffffffff);
    let offset = 0;
    do {
      const chunk = data.subarray(offset, offset + CHUNK_BYTES);
      const header: P2PHeader = {
        sessionId: spec.sessionId,
        identifier,
        offset,
        totalSize: data.length,
        length: chunk.length,
        flags: spec.flags,
        ackIdentifier,
        ackUniqueId: 0,
        ackDataSize: 0,
      };
      void this.scheduler.sendNow(encodePacket(header, chunk, spec.footer, this.mime));
      offset += chunk.length;
    } while (offset < data.length);
    return identifier;
  }

  /** Sends a data message through the window. */
  stream(spec: StreamSpec, source: ChunkSource): OutgoingStream {
    const stream = new OutgoingStream(this, spec, source);
    this.scheduler.add(stream);
    return stream;
  }

  /**
   * Resolves when the peer acks the message `identifier`. The wait starts now; `arm` (or the
   * `timeoutMs` given here) limits it, so a long message can be timed from its last byte.
   */
  expectAck(identifier: number, timeoutMs?: number): AckExpectation {
    let wait: AckWait | undefined;
    const acked = new Promise<void>((resolve, reject) => {
      wait = { received: false, resolve, reject, timer: undefined };
    });
    acked.catch(() => {});
    const entry = wait as AckWait;
    if (this.closed) entry.reject(new P2PError('closed', 'The switchboard closed'));
    else this.acks.set(identifier, entry);
    const arm = (ms: number): void => {
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => {
        if (this.acks.get(identifier) !== entry) return;
        this.acks.delete(identifier);
        entry.reject(new P2PError('timeout', `${this.peer} did not acknowledge within ${Math.round(ms / 1000)} s`));
      }, ms);
    };
    if (timeoutMs !== undefined) arm(timeoutMs);
    return {
      acked,
      arm,
      cancel: () => {
        clearTimeout(entry.timer);
        if (this.acks.get(identifier) === entry) this.acks.delete(identifier);
      },
      get received() {
        return entry.received;
      },
    };
  }

  /** Sessions that ended: their late packets are dropped quietly instead of counted as hostile. */
  forget(sessionId: number): void {
    this.ended.add(sessionId);
    for (const key of this.partials.keys()) if (key.startsWith(`${sessionId}:`)) this.partials.delete(key);
    if (this.ended.size > 256) this.ended.delete(this.ended.values().next().value as number);
  }

  /** The binary part of a P2P MSG from the peer. Never throws. */
  receive(binary: Buffer): void {
    const decoded = decodePacket(binary);
    if (!decoded.ok) {
      if (looksLikeV2(binary)) {
        const sid = v2SessionId(binary);
        this.handler.error(
          this,
          new P2PError('v2', `${this.peer} sent a P2P version 2 message, which is not supported`),
          sid,
        );
        return;
      }
      const sid = binary.length >= 4 ? binary.readUInt32LE(0) : undefined;
      this.handler.error(
        this,
        new P2PError('malformed', `Unreadable P2P packet from ${this.peer}: ${decoded.error}`),
        sid,
      );
      return;
    }
    this.onPacket(decoded.packet);
  }

  private onPacket({ header, payload }: P2PPacket): void {
    const kind = classify(header.flags);
    if (kind === 'ack') {
      const wait = this.acks.get(header.ackIdentifier);
      if (!wait) return;
      this.acks.delete(header.ackIdentifier);
      clearTimeout(wait.timer);
      wait.received = true;
      wait.resolve();
      return;
    }
    const sid = header.sessionId;
    if (kind === 'abort') {
      if (sid !== 0) this.handler.session(this, sid)?.aborted();
      return;
    }
    if (kind === 'other') return;
    if (sid === 0) {
      this.reassemble(header, payload, MAX_SLP_BYTES, (data) => this.handler.slp(this, data));
      return;
    }
    const session = this.handler.session(this, sid);
    if (!session) {
      if (!this.ended.has(sid)) {
        this.handler.error(
          this,
          new P2PError('unknown-session', `${this.peer} sent data for an unknown session ${sid}`),
        );
      }
      return;
    }
    if (session.streaming && kind === 'data' && session.chunk) {
      this.streamChunk(session, header, payload);
      return;
    }
    this.reassemble(header, payload, session.maxMessageBytes, (data) => session.complete(header, data), sid);
  }

  private streamChunk(session: IncomingSession, header: P2PHeader, payload: Buffer): void {
    const key = `${header.sessionId}:${header.identifier}`;
    const partial = this.partials.get(key) ?? { total: header.totalSize, buffer: undefined, received: 0 };
    if (
      header.totalSize !== partial.total ||
      header.offset !== partial.received ||
      header.totalSize > session.maxMessageBytes
    ) {
      this.partials.delete(key);
      this.handler.error(
        this,
        new P2PError('malformed', `${this.peer} sent file data out of order or with a changing size`),
        header.sessionId,
      );
      return;
    }
    partial.received += payload.length;
    this.partials.set(key, partial);
    session.chunk?.(header, payload);
    if (partial.received < partial.total) return;
    this.partials.delete(key);
    this.ack(header);
    session.complete(header, undefined);
  }

  private reassemble(
    header: P2PHeader,
    payload: Buffer,
    max: number,
    done: (data: Buffer) => void,
    sid?: number,
  ): void {
    if (header.totalSize > max) {
      this.handler.error(this, new P2PError('too-large', `${this.peer} sent a ${header.totalSize}-byte message`), sid);
      return;
    }
    const key = `${header.sessionId}:${header.identifier}`;
    let partial = this.partials.get(key);
    if (!partial) {
      if (header.offset === 0 && header.length === header.totalSize) {
        if (needsAck(header.flags)) this.ack(header);
        done(Buffer.from(payload));
        return;
      }
      if (this.partials.size >= MAX_PARTIALS) this.partials.delete(this.partials.keys().next().value as string);
      partial = { total: header.totalSize, buffer: Buffer.alloc(header.totalSize), received: 0 };
      this.partials.set(key, partial);
    }
    if (partial.total !== header.totalSize || !partial.buffer || partial.received + payload.length > partial.total) {
      this.partials.delete(key);
      this.handler.error(this, new P2PError('malformed', `${this.peer} sent inconsistent chunks`), sid);
      return;
    }
    payload.copy(partial.buffer, header.offset);
    partial.received += payload.length;
    if (partial.received < partial.total) return;
    this.partials.delete(key);
    if (needsAck(header.flags)) this.ack(header);
    done(partial.buffer);
  }

  private ack(header: P2PHeader): void {
    void this.scheduler.sendNow(ackFor(header, this.allocateIdentifier(), this.mime));
  }

  close(error: P2PError): void {
    if (this.closed) return;
    this.closed = true;
    this.partials.clear();
    for (const wait of this.acks.values()) {
      clearTimeout(wait.timer);
      wait.reject(error);
    }
    this.acks.clear();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
