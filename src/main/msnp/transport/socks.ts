// SOCKS clients: SOCKS5 (RFC 1928) with no authentication or username/password (RFC 1929), and
// SOCKS4a (SOCKS4 with the host name resolved by the proxy). Host names are always sent to the
// proxy unresolved, so a proxy that is the only way out also does the DNS.
import { isIP, type Socket } from 'node:net';
import { MsnpError } from '../errors';
import { ProxyError, type ProxyFailure } from './errors';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  describeEndpoint,
  dial,
  readAnswer,
  type Endpoint,
  type OpenOptions,
  type SocketFactory,
} from './socket';

export interface Socks5Options extends Endpoint {
  readonly username?: string;
  readonly password?: string;
}

export interface Socks4aOptions extends Endpoint {
  /** The SOCKS4 USERID field; empty by default. */
  readonly userId?: string;
}

const SOCKS5_REPLIES: Readonly<Record<number, readonly [ProxyFailure, string]>> = {
  1: ['refused', 'general failure'],
  2: ['refused', 'connection not allowed by its rules'],
  3: ['target-unreachable', 'network unreachable'],
  4: ['target-unreachable', 'host unreachable'],
  5: ['target-unreachable', 'connection refused by the server'],
  6: ['target-unreachable', 'no answer from the server (TTL expired)'],
  7: ['refused', 'command not supported'],
  8: ['refused', 'address type not supported'],
};

export function socks5Sockets(proxy: Socks5Options): SocketFactory {
  const description = `socks5 ${describeEndpoint(proxy)}`;
  const withAuth = proxy.username !== undefined && proxy.username !== '';
  return {
    description,
    connect: (target, options = {}) =>
      tunnel(proxy, description, target, options, async (socket, fail) => {
        socket.write(Buffer.from(withAuth ? [5, 2, 0, 2] : [5, 1, 0]));
        const [version, method] = await readAnswer(socket, (b) => (b.length >= 2 ? 2 : undefined), 2);
        if (version !== 5) throw fail('protocol', 'not a SOCKS5 proxy');
        if (method === 0xff) {
          throw fail(
            'auth',
            withAuth ? 'accepts none of the offered sign-in methods' : 'requires a user name and password',
          );
        }
        if (method === 2) {
          if (!withAuth) throw fail('auth', 'requires a user name and password');
          const user = Buffer.from(proxy.username ?? '', 'utf8');
          const pass = Buffer.from(proxy.password ?? '', 'utf8');
          if (user.length > 255 || pass.length > 255) throw fail('auth', 'user name or password longer than 255 bytes');
          socket.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]));
          const [, status] = await readAnswer(socket, (b) => (b.length >= 2 ? 2 : undefined), 2);
          if (status !== 0) throw fail('auth', 'refused the user name or password');
        } else if (method !== 0) {
          throw fail('protocol', `chose an unknown sign-in method ${method}`);
        }
        socket.write(Buffer.concat([Buffer.from([5, 1, 0]), socks5Address(target)]));
        const reply = await readAnswer(socket, socks5ReplyLength, 262);
        if (reply[0] !== 5) throw fail('protocol', 'sent an unreadable reply');
        const code = reply[1] ?? 1;
        if (code !== 0) {
          const [failure, text] = SOCKS5_REPLIES[code] ?? (['refused', `error ${code}`] as const);
          throw fail(failure, `could not reach ${describeEndpoint(target)}: ${text}`);
        }
      }),
  };
}

function socks5Address(target: Endpoint): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(target.port);
  const family = isIP(target.host);
  if (family === 4) return Buffer.concat([Buffer.from([1, ...target.host.split('.').map(Number)]), port]);
  if (family === 6) return Buffer.concat([Buffer.from([4]), ipv6Bytes(target.host), port]);
  const name = Buffer.from(target.host, 'utf8');
  if (name.length > 255) throw new MsnpError('invalid', `Host name too long for SOCKS5: ${target.host}`);
  return Buffer.concat([Buffer.from([3, name.length]), name, port]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const parts = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const h = parts(head);
  const t = address.includes('::') ? parts(tail) : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** VER REP RSV ATYP BND.ADDR BND.PORT: the length depends on the address type. */
function socks5ReplyLength(b: Buffer): number | undefined {
  if (b.length < 5) return undefined;
  const type = b[3];
  const length = type === 1 ? 10 : type === 4 ? 22 : type === 3 ? 7 + (b[4] ?? 0) : 10;
  return b.length >= length ? length : undefined;
}

export function socks4aSockets(proxy: Socks4aOptions): SocketFactory {
  const description = `socks4a ${describeEndpoint(proxy)}`;
  return {
    description,
    connect: (target, options = {}) =>
      tunnel(proxy, description, target, options, async (socket, fail) => {
        const port = Buffer.alloc(2);
        port.writeUInt16BE(target.port);
        const literal = isIP(target.host) === 4;
        if (isIP(target.host) === 6) throw fail('refused', 'SOCKS4a cannot carry IPv6 addresses');
        // 0.0.0.1 tells the proxy a host name follows (the "a" in SOCKS4a).
        const address = literal ? Buffer.from(target.host.split('.').map(Number)) : Buffer.from([0, 0, 0, 1]);
        const user = Buffer.from(`${proxy.userId ?? ''}\0`, 'utf8');
        const name = literal ? Buffer.alloc(0) : Buffer.from(`${target.host}\0`, 'utf8');
        socket.write(Buffer.concat([Buffer.from([4, 1]), port, address, user, name]));
        const reply = await readAnswer(socket, (b) => (b.length >= 8 ? 8 : undefined), 8);
        if (reply[0] !== 0) throw fail('protocol', 'not a SOCKS4 proxy');
        const code = reply[1];
        if (code === 0x5a) return;
        if (code === 0x5c || code === 0x5d) throw fail('auth', 'refused the user id');
        throw fail('refused', `refused or failed to reach ${describeEndpoint(target)}`);
      }),
  };
}

type Fail = (failure: ProxyFailure, message: string, cause?: unknown) => ProxyError;

/** Dials the proxy and runs `handshake` on it, all within the connect timeout. */
export async function tunnel(
  proxy: Endpoint,
  description: string,
  target: Endpoint,
  options: OpenOptions,
  handshake: (socket: Socket, fail: Fail) => Promise<void>,
): Promise<Socket> {
  const fail: Fail = (failure, message, cause) => new ProxyError(failure, description, message, cause);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const started = Date.now();
  const socket = await dial(proxy, options, (reason, err) => {
    if (reason === 'cancelled') return new MsnpError('state', 'Sign-in cancelled');
    if (reason === 'timeout') return fail('unreachable', `no answer within ${timeoutMs} ms`);
    return fail('unreachable', `cannot be reached (${err?.message ?? 'failed'})`, err);
  });
  const remaining = Math.max(1, timeoutMs - (Date.now() - started));
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    socket.destroy();
  };
  options.signal?.addEventListener('abort', onAbort);
  try {
    await Promise.race([
      handshake(socket, fail).catch((err: unknown) => {
        if (err instanceof MsnpError) throw err;
        if (options.signal?.aborted) throw new MsnpError('state', 'Sign-in cancelled');
        const message = err instanceof Error ? err.message : String(err);
        throw fail('protocol', `handshake failed: ${message}`, err);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(fail('unreachable', `did not complete the handshake within ${timeoutMs} ms`)),
          remaining,
        );
      }),
    ]);
    return socket;
  } catch (err) {
    socket.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
