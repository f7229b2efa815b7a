// How the engine opens TCP connections: a socket factory. The direct one dials the address; the
// proxy ones (socks.ts, http-connect.ts) dial the proxy and ask it for a tunnel. Whatever the
// factory, the caller gets a connected `net.Socket` carrying the bytes to and from the target.
import { connect as netConnect, type Socket } from 'node:net';
import { MsnpError } from '../errors';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface OpenOptions {
  /** The whole opening, proxy handshake included. Default 15 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface SocketFactory {
  /** For messages and the inspector: `direct`, `socks5 127.0.0.1:1080`, … */
  readonly description: string;
  /** Resolves with a socket connected to `target`; rejects with an MsnpError (a ProxyError for the proxy's failures). */
  connect(target: Endpoint, options?: OpenOptions): Promise<Socket>;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

export function describeEndpoint({ host, port }: Endpoint): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Dials `endpoint` and resolves once connected. Failures are reported by `fail`, which words
 * them for the caller (the target itself, or a proxy on the way).
 */
export function dial(
  endpoint: Endpoint,
  options: OpenOptions,
  fail: (reason: 'timeout' | 'error' | 'cancelled', err?: Error) => MsnpError,
): Promise<Socket> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(fail('cancelled'));
    const socket = netConnect({ host: endpoint.host, port: endpoint.port });
    const done = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
    };
    const onError = (err: Error): void => {
      done();
      reject(fail('error', err));
    };
    const onAbort = (): void => {
      done();
      socket.destroy();
      reject(fail('cancelled'));
    };
    const timer = setTimeout(() => {
      done();
      socket.destroy();
      reject(fail('timeout'));
    }, timeoutMs);
    options.signal?.addEventListener('abort', onAbort);
    socket.once('error', onError);
    socket.once('connect', () => {
      done();
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** Connects straight to the target. */
export const directSockets: SocketFactory = {
  description: 'direct',
  connect(target, options = {}) {
    const where = describeEndpoint(target);
    return dial(target, options, (reason, err) => {
      if (reason === 'cancelled') return new MsnpError('state', 'Sign-in cancelled');
      if (reason === 'timeout') {
        const ms = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
        return new MsnpError('timeout', `Could not connect to ${where}: no answer within ${ms} ms`);
      }
      return new MsnpError('network', `Could not connect to ${where}: ${err?.message ?? 'failed'}`, { cause: err });
    });
  },
};

/**
 * Reads from a socket until `complete` says a whole answer has arrived, then hands back that
 * answer and pushes what followed it back into the socket for the next reader. Used for the
 * proxy handshakes, which are short request/answer exchanges before the tunnel carries data.
 */
export function readAnswer(
  socket: Socket,
  complete: (bytes: Buffer) => number | undefined,
  limit: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const cleanup = (): void => {
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      let length: number | undefined;
      try {
        length = complete(buffered);
      } catch (err) {
        cleanup();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (length === undefined) {
        if (buffered.length > limit) {
          cleanup();
          reject(new Error(`answer longer than ${limit} bytes`));
        }
        return;
      }
      cleanup();
      socket.pause();
      const rest = buffered.subarray(length);
      if (rest.length > 0) socket.unshift(rest);
      resolve(buffered.subarray(0, length));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('closed the connection'));
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    // The previous answer left the socket paused.
    socket.resume();
  });
}
