// Records what the engine's sockets send and receive, below the engine: every TCP client socket is
// seen through Node's `net.client.socket` diagnostics channel, those opened from the engine's code
// (not a test's proxy) have their writes and `data` events copied, and the bytes are framed
// afterwards. Nothing in the engine knows.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { FrameDecoder, clientToServerPayload, serverToClientPayload, type Frame } from '../../src/main/msnp/codec';

const ENGINE = /[/\\]src[/\\]main[/\\]msnp[/\\]/;

export interface RecordedConnection {
  /** The server port connected to (known once connected). */
  readonly port: number | undefined;
  /** Frames the client wrote, in order. */
  readonly sent: readonly Frame[];
  /** Frames the server sent, in order. */
  readonly received: readonly Frame[];
}

interface Capture {
  port: number | undefined;
  readonly sent: Buffer[];
  readonly received: Buffer[];
}

export class WireRecorder {
  private readonly captures: Capture[] = [];
  private readonly onSocket = (message: unknown): void => {
    const socket = (message as { socket: Socket }).socket;
    if (!ENGINE.test(new Error().stack ?? '')) return;
    const capture: Capture = { port: undefined, sent: [], received: [] };
    this.captures.push(capture);
    // Node installs its own `write` while connecting, so ours goes on once connected, before
    // anyone else's connect listener can write.
    socket.once('connect', () => {
      capture.port = socket.remotePort;
      const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
      socket.write = ((chunk: unknown, ...rest: unknown[]) => {
        capture.sent.push(Buffer.isBuffer(chunk) ? Buffer.from(chunk) : Buffer.from(String(chunk)));
        return write(chunk, ...rest);
      }) as Socket['write'];
    });
    // Wrapping emit rather than adding a listener leaves the socket's flow untouched.
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'data' && Buffer.isBuffer(args[0])) capture.received.push(Buffer.from(args[0]));
      return emit(event, ...args);
    }) as Socket['emit'];
  };

  start(): void {
    subscribe('net.client.socket', this.onSocket);
  }

  stop(): void {
    unsubscribe('net.client.socket', this.onSocket);
  }

  /** The connections made since `start` to one of `ports`, in the order they were opened. */
  connections(ports: ReadonlySet<number>): RecordedConnection[] {
    const wanted = this.captures.filter((c) => c.port !== undefined && ports.has(c.port));
    return wanted.map((c) => ({
      port: c.port,
      sent: frames(c.sent, new FrameDecoder({ payloadRule: clientToServerPayload })),
      received: frames(c.received, new FrameDecoder({ payloadRule: serverToClientPayload })),
    }));
  }
}

function frames(chunks: readonly Buffer[], decoder: FrameDecoder): Frame[] {
  const { frames: out, error } = decoder.push(Buffer.concat(chunks));
  if (error) throw new Error(`unframeable bytes in a recorded connection: ${error.message}`);
  if (decoder.pendingBytes > 0) throw new Error(`a recorded connection ends inside a frame`);
  return out;
}
