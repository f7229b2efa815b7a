// A scripted MSNP server (notification or switchboard) for unit tests: the test reads what the
// client sends, frame by frame, and writes the exact bytes a server would answer, quirks included.
import { createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, clientToServerPayload, type Frame } from '../../../src/main/msnp/codec';

export class PeerConnection {
  private readonly frames: Frame[] = [];
  private readonly waiters: Array<(frame: Frame | undefined) => void> = [];
  private ended = false;

  constructor(readonly socket: Socket) {
    const decoder = new FrameDecoder({ payloadRule: clientToServerPayload });
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk).frames) {
        const waiter = this.waiters.shift();
        if (waiter) waiter(frame);
        else this.frames.push(frame);
      }
    });
    socket.on('close', () => {
      this.ended = true;
      for (const waiter of this.waiters.splice(0)) waiter(undefined);
    });
    socket.on('error', () => undefined);
  }

  /** Frames received and not read yet. */
  get unread(): number {
    return this.frames.length;
  }

  /** The next frame from the client; throws if the client hangs up instead. */
  async read(): Promise<Frame> {
    const frame =
      this.frames.shift() ??
      (this.ended ? undefined : await new Promise<Frame | undefined>((r) => this.waiters.push(r)));
    if (!frame) throw new Error('the client closed the connection');
    return frame;
  }

  /** Reads the next frame and checks its name. */
  async expect(name: string): Promise<Frame> {
    const frame = await this.read();
    if (frame.name !== name) throw new Error(`expected ${name}, got ${[frame.name, ...frame.params].join(' ')}`);
    return frame;
  }

  /** Reads the next frame, checks its name and answers `<name> <trid> <rest>`. */
  async answer(name: string, rest = ''): Promise<Frame> {
    const frame = await this.expect(name);
    this.send(`${name} ${frame.params[0] ?? ''}${rest === '' ? '' : ` ${rest}`}\r\n`);
    return frame;
  }

  /** Writes raw text (lines must carry their own CRLF). */
  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Writes one command line and, when given, its payload with the byte length appended. */
  write(line: string, payload?: Buffer | string): void {
    const body = payload === undefined ? undefined : Buffer.from(payload);
    const head = body === undefined ? line : `${line} ${body.length}`;
    this.socket.write(Buffer.concat([Buffer.from(`${head}\r\n`), body ?? Buffer.alloc(0)]));
  }

  /** Resolves once the client has closed the connection. */
  async closed(): Promise<void> {
    if (this.ended) return;
    await new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
  }

  hangUp(): void {
    this.socket.end();
  }
}

export class ScriptedServer {
  private readonly pending: PeerConnection[] = [];
  private readonly waiters: Array<(c: PeerConnection) => void> = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      const conn = new PeerConnection(socket);
      const waiter = this.waiters.shift();
      if (waiter) waiter(conn);
      else this.pending.push(conn);
    });
  }

  static async start(): Promise<ScriptedServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return new ScriptedServer(server, address.port);
  }

  readonly host = '127.0.0.1';

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** The next client connection. */
  accept(): Promise<PeerConnection> {
    const conn = this.pending.shift();
    return conn ? Promise.resolve(conn) : new Promise((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
