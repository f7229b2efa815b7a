// One MSNP TCP connection: framing, TrID allocation, replies correlated by TrID with timeouts,
// and everything else routed to listeners. Used for the notification server and reusable for
// switchboards (pass the payload rule that fits the peer).
import type { Duplex } from 'node:stream';
import { FrameDecoder, encodeCommand, type Frame, type Param, type PayloadRule } from './codec';
import { TypedEmitter } from './emitter';
import { MsnpError, isErrorCode, serverError } from './errors';
import { directTransport, type StreamRole, type Transport } from './transport';

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** Which incoming commands carry a payload, e.g. `serverToClientPayload`. */
  readonly payloadRule: PayloadRule;
  /** Default 15 s. */
  readonly connectTimeoutMs?: number;
  /** Default time to wait for a reply to `request`; 30 s unless given. */
  readonly requestTimeoutMs?: number;
  /** How the connection is opened (direct, proxy, gateway) and traced. Default: direct TCP. */
  readonly transport?: Transport;
  /** Default `ns`. */
  readonly role?: StreamRole;
}

export interface ConnectionEvents {
  /** A frame that is not the awaited reply to a `request`: async commands, list lines, `ILN`, … */
  frame: Frame;
  /** Emitted once. `error` is set when the connection failed rather than being closed by either side. */
  close: { readonly error?: MsnpError };
  /** The socket's write buffer emptied after `congested` was true. */
  drain: undefined;
}

export interface RequestOptions<T> {
  readonly payload?: Buffer | string;
  /** Reply command names that complete the request; defaults to the request's own name. */
  readonly accept?: readonly string[];
  readonly timeoutMs?: number;
  /**
   * Turns the reply into the result. It runs synchronously when the reply arrives, before any
   * frame after it is routed, so state derived from the reply is in place for what follows
   * (e.g. the `ILN` that follows an `ADD` reply). A throw rejects the request.
   */
  readonly map?: (reply: Frame) => T;
}

interface Pending {
  readonly command: string;
  readonly accept: readonly string[];
  readonly resolve: (frame: Frame) => void;
  readonly reject: (error: MsnpError) => void;
  readonly timer: NodeJS.Timeout;
}

const MAX_TRID = 0xffffffff;

export class MsnpConnection extends TypedEmitter<ConnectionEvents> {
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  private readonly requestTimeoutMs: number;
  private trid = 0;
  private closed = false;
  private failure: MsnpError | undefined;
  private readonly trace: Transport['trace'];
  /** The connection's name in the wire trace, e.g. `ns-1`. */
  readonly traceId: string | undefined;

  private constructor(
    private readonly socket: Duplex,
    options: ConnectionOptions,
  ) {
    super();
    this.decoder = new FrameDecoder({ payloadRule: options.payloadRule });
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.trace = options.transport?.trace;
    this.traceId = this.trace?.open(options.role ?? 'ns');
    if (this.traceId !== undefined) this.trace?.note(this.traceId, `connected to ${options.host}:${options.port}`);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.failure ??=
        err instanceof MsnpError ? err : new MsnpError('network', `Connection error: ${err.message}`, { cause: err });
    });
    socket.on('close', () => this.onClose());
    socket.on('drain', () => this.emit('drain', undefined));
    // A stream handed over after a proxy handshake is paused so nothing is lost before now.
    socket.resume();
  }

  /** Opens a connection; rejects with a `network` or `timeout` MsnpError (a ProxyError when a proxy failed). */
  static async connect(options: ConnectionOptions): Promise<MsnpConnection> {
    const transport = options.transport ?? directTransport;
    const stream = await transport.openStream({
      host: options.host,
      port: options.port,
      role: options.role ?? 'ns',
      timeoutMs: options.connectTimeoutMs ?? 15_000,
    });
    return new MsnpConnection(stream, options);
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /**
   * Whether the socket's write buffer holds its high-water mark or more: bulk senders wait for
   * `drain` (sure to follow then) or for replies before writing more. Unlike `writableNeedDrain`
   * it clears as soon as the buffer is below the mark again, without waiting for it to empty.
   */
  get congested(): boolean {
    return this.socket.writableLength >= this.socket.writableHighWaterMark;
  }

  /** Sends a command with a fresh TrID and returns that TrID. Throws a `state` error when closed. */
  send(name: string, params: readonly Param[] = [], payload?: Buffer | string): number {
    const trid = this.allocateTrid();
    this.write(encodeCommand(name, [trid, ...params], payload));
    return trid;
  }

  /** Sends a command that carries no TrID (`PNG`, `OUT`). */
  sendWithoutTrid(name: string, params: readonly Param[] = []): void {
    this.write(encodeCommand(name, params));
  }

  /**
   * Sends a command and resolves with its reply (same TrID, accepted name). A numeric error
   * reply rejects with the typed server error; no reply in time rejects with a `timeout` error;
   * the connection closing rejects with a `network` error.
   */
  request<T = Frame>(name: string, params: readonly Param[] = [], options: RequestOptions<T> = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let trid: number;
      try {
        trid = this.allocateTrid();
        const frame = encodeCommand(name, [trid, ...params], options.payload);
        this.write(frame);
      } catch (err) {
        // Not connected (state), or a param that would break the line (TypeError from the codec).
        reject(
          err instanceof MsnpError ? err : new MsnpError('invalid', String(err instanceof Error ? err.message : err)),
        );
        return;
      }
      const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
      const timer = setTimeout(() => {
        this.pending.delete(trid);
        reject(new MsnpError('timeout', `No reply to ${name} within ${timeoutMs} ms`, { command: name }));
      }, timeoutMs);
      const map = options.map;
      this.pending.set(trid, {
        command: name,
        accept: options.accept ?? [name],
        timer,
        reject,
        resolve: (frame) => {
          if (!map) return resolve(frame as T);
          try {
            resolve(map(frame));
          } catch (err) {
            reject(
              err instanceof MsnpError
                ? err
                : new MsnpError('protocol', `Unexpected reply to ${name}: ${String(err)}`, { command: name }),
            );
          }
        },
      });
    });
  }

  /** Ends the connection after flushing what was written. */
  end(): void {
    if (this.isOpen) this.socket.end();
  }

  /** Drops the connection at once; `error` is reported in the close event. */
  destroy(error?: MsnpError): void {
    if (error) this.failure ??= error;
    this.socket.destroy();
  }

  private allocateTrid(): number {
    for (;;) {
      this.trid = this.trid >= MAX_TRID ? 1 : this.trid + 1;
      if (!this.pending.has(this.trid)) return this.trid;
    }
  }

  private write(bytes: Buffer): void {
    if (!this.isOpen) throw new MsnpError('state', 'Not connected');
    // Commands written in the same tick (a pipelined sign-in, a burst of messages) leave in one
    // system call rather than one each; they go out as soon as the current code has run.
    if (this.socket.writableCorked === 0) {
      this.socket.cork();
      process.nextTick(() => this.socket.uncork());
    }
    this.socket.write(bytes);
    if (this.trace?.active && this.traceId !== undefined) this.trace.written(this.traceId, bytes);
  }

  private onData(chunk: Buffer): void {
    const { frames, error } = this.decoder.push(chunk);
    for (const frame of frames) {
      if (this.closed || this.socket.destroyed) return;
      if (this.trace?.active && this.traceId !== undefined) {
        this.trace.command(this.traceId, 'in', frame.name, frame.params, frame.payload);
      }
      try {
        this.dispatch(frame);
      } catch (err) {
        // A handler choking on a frame means the stream is no longer understood: end cleanly.
        this.destroy(
          err instanceof MsnpError
            ? err
            : new MsnpError(
                'protocol',
                `Could not handle ${frame.name}: ${err instanceof Error ? err.message : String(err)}`,
              ),
        );
        return;
      }
    }
    if (error) this.destroy(new MsnpError('protocol', `Unreadable data from the server: ${error.message}`));
  }

  private dispatch(frame: Frame): void {
    const tridToken = frame.params[0];
    const trid = tridToken !== undefined && /^\d{1,10}$/.test(tridToken) ? Number(tridToken) : undefined;
    const pending = trid === undefined || trid === 0 ? undefined : this.pending.get(trid);
    if (pending && trid !== undefined) {
      if (isErrorCode(frame.name)) {
        this.settle(trid, pending);
        pending.reject(serverError(Number(frame.name), pending.command));
        return;
      }
      if (pending.accept.includes(frame.name)) {
        this.settle(trid, pending);
        pending.resolve(frame);
        return;
      }
    }
    this.emit('frame', frame);
  }

  private settle(trid: number, pending: Pending): void {
    clearTimeout(pending.timer);
    this.pending.delete(trid);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    const reason = this.failure ?? new MsnpError('network', 'Connection closed');
    if (this.traceId !== undefined)
      this.trace?.note(this.traceId, `closed${this.failure ? `: ${this.failure.message}` : ''}`);
    for (const [trid, pending] of this.pending) {
      this.settle(trid, pending);
      pending.reject(reason);
    }
    this.emit('close', this.failure ? { error: this.failure } : {});
  }
}
