// One client connection: frames in, commands out (optionally delayed), timeouts, and the rule that
// whatever one client does can only ever cost that client its own connection.
import type { Socket } from 'node:net';
import { clientPayload, encodeCommand, FrameReader, type Frame, type Param } from './codec';

/** A client that stops reading gets disconnected once this much output is queued for it. */
const MAX_QUEUED_OUTPUT = 512 * 1024;
/** Output queued beyond this makes the connection backlogged: whoever feeds it is held back. */
const BACKLOG_BYTES = 64 * 1024;
/** A backlogged client that reads nothing for this long is dropped. */
const STUCK_READER_MS = 5000;
/** After the server ends a connection, how long the peer gets to close its side. */
const CLOSE_GRACE_MS = 1000;

export interface ConnOptions {
  readonly label: string;
  readonly maxPayloadBytes: number;
  readonly latencyMs: number;
  /** A command line or payload left incomplete this long closes the connection. */
  readonly stallMs: number;
  readonly log: (line: string) => void;
}

export class Conn {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Set once either side ended the connection: later input is ignored. */
  closing = false;
  private readonly decoder: FrameReader;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stallTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private closeHandlers: Array<() => void> = [];
  /** Reasons to leave the input paused (see holdInput). */
  private holds = 0;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: ConnOptions,
    private readonly onFrame: (frame: Frame) => void,
  ) {
    this.remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.remotePort = socket.remotePort ?? 0;
    this.decoder = new FrameReader(clientPayload, { maxLineBytes: 2048, maxPayloadBytes: options.maxPayloadBytes });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.log(`socket error: ${err.message}`));
    socket.on('close', () => {
      this.clearTimers();
      this.ended();
    });
  }

  /** Runs `handler` once, as soon as either side ends the connection. */
  onClose(handler: () => void): void {
    if (this.closing) this.guard(handler);
    else this.closeHandlers.push(handler);
  }

  send(name: string, params: readonly Param[] = [], payload?: Buffer | string): void {
    this.log(`> ${[name, ...params].join(' ')}${payload === undefined ? '' : ` +payload`}`);
    this.write(encodeCommand(name, params, payload));
  }

  /** More output is queued for this client than it has read: relaying more to it should wait. */
  get backlogged(): boolean {
    return this.socket.writableLength > BACKLOG_BYTES;
  }

  /**
   * Resolves once the output queue has been written out or the connection is gone. A client that
   * reads none of it for STUCK_READER_MS is dropped, so that it holds nobody back for long.
   */
  drained(): Promise<void> {
    if (!this.backlogged || this.socket.destroyed) return Promise.resolve();
    this.draining ??= new Promise((resolve) => {
      const timer = setTimeout(() => this.destroy('not reading its input'), STUCK_READER_MS);
      const done = () => {
        clearTimeout(timer);
        this.socket.off('drain', done);
        this.socket.off('close', done);
        this.draining = undefined;
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
    return this.draining;
  }

  /** Stops reading this client's input until `until` settles: backpressure instead of buffering. */
  holdInput(until: Promise<void>): void {
    this.holds++;
    this.socket.pause();
    this.armStall();
    void until.finally(() => {
      if (--this.holds > 0 || this.socket.destroyed) return;
      this.socket.resume();
      this.armStall();
    });
  }

  /** Numeric error reply. */
  error(code: number, trid: string): void {
    this.send(String(code), [trid]);
  }

  /** Ends the connection after everything queued so far has been sent. */
  close(reason: string): void {
    if (this.closing) return;
    this.log(`closing: ${reason}`);
    this.ended();
    this.later(() => {
      this.socket.end();
      const t = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
      t.unref();
    });
  }

  /** Drops the connection at once, discarding queued output. */
  destroy(reason: string): void {
    if (this.socket.destroyed) return;
    this.log(`dropping: ${reason}`);
    this.ended();
    this.socket.destroy();
  }

  /** Closes the connection unless `clearDeadline` is called within `ms`. */
  setDeadline(ms: number, reason: string): void {
    this.clearDeadline();
    this.deadlineTimer = setTimeout(() => this.destroy(reason), ms);
  }

  clearDeadline(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  log(line: string): void {
    this.options.log(`${this.options.label} ${this.remoteAddress}:${this.remotePort} ${line}`);
  }

  private receive(chunk: Buffer): void {
    if (this.closing) return;
    const { frames, error } = this.decoder.push(chunk);
    for (const frame of frames) {
      if (this.closing) return;
      this.log(`< ${[frame.name, ...frame.params].join(' ')}${frame.payload ? ` +${frame.payload.length} bytes` : ''}`);
      this.guard(() => this.onFrame(frame));
    }
    if (error && !this.closing) {
      this.destroy(`unreadable input: ${error.message}`);
      return;
    }
    this.armStall();
  }

  /** A half-received command may wait stallMs for the rest, except while its input is held. */
  private armStall(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer =
      this.decoder.pendingBytes > 0 && !this.closing && this.holds === 0
        ? setTimeout(() => this.destroy('incomplete command stalled'), this.options.stallMs)
        : undefined;
  }

  private ended(): void {
    this.closing = true;
    const handlers = this.closeHandlers;
    this.closeHandlers = [];
    for (const h of handlers) this.guard(h);
  }

  /** A bug in a handler drops that client only; the server and everyone else carry on. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log(`${this.options.label} internal error: ${(err as Error).stack ?? String(err)}`);
      this.destroy('internal error');
    }
  }

  private write(buf: Buffer): void {
    this.later(() => {
      if (this.socket.destroyed || this.socket.writableEnded) return;
      this.socket.write(buf);
      if (this.socket.writableLength > MAX_QUEUED_OUTPUT) this.destroy('not reading its input');
    });
  }

  /** Runs `fn` after the configured reply latency, preserving order. */
  private later(fn: () => void): void {
    if (this.options.latencyMs <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, this.options.latencyMs);
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.clearDeadline();
  }
}
