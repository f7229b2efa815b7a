// A scripted switchboard server for unit tests: each accepted connection hands the test the
// frames the client sends, one at a time, and writes whatever lines the test scripts.
import { createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, clientToServerPayload, type Frame } from '../../../src/main/msnp/codec';

export class PeerConnection {
  private readonly frames: Frame[] = [];
  private readonly waiters: ((frame: Frame | undefined) => void)[] = [];
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

  /** The next frame from the client; fails the test if the client hangs up instead. */
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
    if (frame.name !== name) throw new Error(`expected ${name}, got ${frame.name} ${frame.params.join(' ')}`);
    return frame;
  }

  /** Resolves once the client has closed its side. */
  async closed(): Promise<void> {
    if (this.ended) return;
    await new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
  }

  write(line: string, payload?: Buffer | string): void {
    const body = payload === undefined ? undefined : Buffer.from(payload);
    const head = body === undefined ? line : `${line} ${body.length}`;
    this.socket.write(Buffer.concat([Buffer.from(`${head}\r\n`), body ?? Buffer.alloc(0)]));
  }

  /** Hangs up, like a server closing the session. */
  hangUp(): void {
    this.socket.end();
  }
}

export class FakeSwitchboardServer {
  private readonly pending: PeerConnection[] = [];
  private readonly waiters: ((c: PeerConnection) => void)[] = [];
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

  static async start(): Promise<FakeSwitchboardServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return new FakeSwitchboardServer(server, address.port);
  }

  readonly host = '127.0.0.1';

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

/** The `USR` exchange of a session the client asked for. */
export async function acceptUsr(conn: PeerConnection, email = 'alice@example.com'): Promise<void> {
  const usr = await conn.expect('USR');
  conn.write(`USR ${usr.params[0]} OK ${email} Alice`);
}
