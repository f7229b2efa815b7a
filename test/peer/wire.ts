// The peer's own MSNP framing and one TCP connection with TrID correlation.
import { connect, type Socket } from 'node:net';

export interface Command {
  readonly name: string;
  readonly params: readonly string[];
  readonly payload?: Buffer;
}

/** Server→client commands whose last parameter is a payload length (MSNP.md §5, MSNP2–12). */
const PAYLOAD_COMMANDS = new Set(['MSG', 'NOT', 'IPG', 'UBX', 'UUX', 'GCF']);
const MAX_PAYLOAD = 1 << 20;

export class WireError extends Error {
  override name = 'WireError';
}

/** Splits a byte stream into command lines and their payloads. */
export class Framer {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Command[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Command[] = [];
    let at = 0;
    for (;;) {
      const nl = this.buf.indexOf(0x0a, at);
      if (nl < 0) break;
      const tokens = this.buf
        .toString('utf8', at, nl)
        .replace(/\r$/, '')
        .split(' ')
        .filter((t) => t.length > 0);
      const [name = '', ...params] = tokens;
      const last = params[params.length - 1] ?? '';
      if (PAYLOAD_COMMANDS.has(name) && /^\d+$/.test(last)) {
        const length = Number(last);
        if (length > MAX_PAYLOAD) throw new WireError(`${name} payload of ${length} bytes`);
        if (this.buf.length < nl + 1 + length) break;
        // Copied: the payload outlives the receive buffer.
        out.push({ name, params, payload: Buffer.from(this.buf.subarray(nl + 1, nl + 1 + length)) });
        at = nl + 1 + length;
      } else {
        if (name !== '') out.push({ name, params });
        at = nl + 1;
      }
    }
    this.buf = this.buf.subarray(at);
    if (this.buf.length > 64 * 1024 && this.buf.indexOf(0x0a) < 0) throw new WireError('command line too long');
    return out;
  }
}

export function encode(name: string, params: ReadonlyArray<string | number>, payload?: Buffer): Buffer {
  const parts = [name, ...params.map(String)];
  if (payload === undefined) return Buffer.from(`${parts.join(' ')}\r\n`, 'utf8');
  return Buffer.concat([Buffer.from(`${[...parts, payload.length].join(' ')}\r\n`, 'utf8'), payload]);
}

/** A server error reply (`911 4`). */
export class ServerError extends Error {
  constructor(
    readonly code: number,
    readonly command: string,
  ) {
    super(`server answered ${code} to ${command}`);
    this.name = 'ServerError';
  }
}

interface Pending {
  readonly command: string;
  readonly resolve: (c: Command) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** One MSNP connection: sends with TrIDs, matches replies, hands everything else to `onCommand`. */
export class Connection {
  private trid = 0;
  private readonly framer = new Framer();
  private readonly pending = new Map<string, Pending>();
  private closeHandlers: Array<(reason: string) => void> = [];
  closed = false;
  onCommand: (c: Command) => void = () => {};

  private constructor(
    readonly socket: Socket,
    readonly label: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let commands: Command[];
      try {
        commands = this.framer.push(chunk);
      } catch (err) {
        this.destroy((err as Error).message);
        return;
      }
      for (const c of commands) this.dispatch(c);
    });
    socket.on('error', () => {});
    socket.on('close', () => this.ended('connection closed'));
  }

  static open(address: string, label: string): Promise<Connection> {
    const colon = address.lastIndexOf(':');
    const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(address.slice(colon + 1));
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => {
        socket.off('error', reject);
        resolve(new Connection(socket, label));
      });
      socket.once('error', reject);
    });
  }

  nextTrid(): number {
    return ++this.trid;
  }

  /** Writes a command with a fresh TrID; returns the TrID. */
  send(name: string, params: ReadonlyArray<string | number> = [], payload?: Buffer): number {
    const trid = this.nextTrid();
    this.write(encode(name, [trid, ...params], payload));
    return trid;
  }

  /** Writes a command without a TrID (PNG, OUT). */
  sendBare(name: string, params: ReadonlyArray<string | number> = []): void {
    this.write(encode(name, params));
  }

  write(bytes: Buffer): boolean {
    if (this.closed) return false;
    return this.socket.write(bytes);
  }

  /** Sends and waits for the reply with the same TrID; a numeric reply rejects with ServerError. */
  request(
    name: string,
    params: ReadonlyArray<string | number> = [],
    payload?: Buffer,
    timeoutMs = 15_000,
  ): Promise<Command> {
    const trid = this.send(name, params, payload);
    return this.expect(trid, name, timeoutMs);
  }

  expect(trid: number, command: string, timeoutMs = 15_000): Promise<Command> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new WireError(`${this.label} closed before ${command} was answered`));
      const timer = setTimeout(() => {
        this.pending.delete(String(trid));
        reject(new WireError(`${this.label}: no answer to ${command} ${trid}`));
      }, timeoutMs);
      this.pending.set(String(trid), { command, resolve, reject, timer });
    });
  }

  onClose(handler: (reason: string) => void): void {
    if (this.closed) handler('connection closed');
    else this.closeHandlers.push(handler);
  }

  /** Ends the connection after what was written so far. */
  end(): void {
    this.socket.end();
  }

  destroy(reason: string): void {
    this.socket.destroy();
    this.ended(reason);
  }

  private dispatch(c: Command): void {
    const trid = c.params[0];
    const pending = trid === undefined ? undefined : this.pending.get(trid);
    // A reply to one of ours; async commands carry TrID 0 or none, and ILN/IRO (which reuse the
    // TrID of CHG/ANS) arrive before the reply they belong to and go to onCommand.
    if (pending && c.name !== 'ILN' && c.name !== 'IRO') {
      this.pending.delete(trid ?? '');
      clearTimeout(pending.timer);
      if (/^\d{3}$/.test(c.name)) pending.reject(new ServerError(Number(c.name), pending.command));
      else pending.resolve(c);
      return;
    }
    this.onCommand(c);
  }

  private ended(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new WireError(`${this.label} closed (${reason}) before ${p.command} was answered`));
    }
    this.pending.clear();
    const handlers = this.closeHandlers;
    this.closeHandlers = [];
    for (const h of handlers) h(reason);
  }
}
