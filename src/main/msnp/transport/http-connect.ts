// HTTP CONNECT tunnels (RFC 9110 §9.3.6), with optional Basic authentication, as office proxies
// offer them.
import type { ProxyError } from './errors';
import { describeEndpoint, readAnswer, type Endpoint, type SocketFactory } from './socket';
import { tunnel } from './socks';

export interface HttpProxyOptions extends Endpoint {
  readonly username?: string;
  readonly password?: string;
}

const MAX_ANSWER = 16 * 1024;

export function httpConnectSockets(proxy: HttpProxyOptions): SocketFactory {
  const description = `http ${describeEndpoint(proxy)}`;
  const authorization =
    proxy.username === undefined || proxy.username === ''
      ? undefined
      : `Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`, 'utf8').toString('base64')}`;
  return {
    description,
    connect: (target, options = {}) =>
      tunnel(proxy, description, target, options, async (socket, fail) => {
        const authority = describeEndpoint(target);
        socket.write(
          `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n` +
            (authorization === undefined ? '' : `Proxy-Authorization: ${authorization}\r\n`) +
            '\r\n',
        );
        const answer = await readAnswer(
          socket,
          (b) => {
            const end = b.indexOf('\r\n\r\n');
            return end < 0 ? undefined : end + 4;
          },
          MAX_ANSWER,
        );
        const status = /^HTTP\/1\.[01] (\d{3})([^\r\n]*)/.exec(answer.toString('latin1'));
        if (!status) throw fail('protocol', 'sent an answer that is not HTTP');
        const code = Number(status[1]);
        if (code >= 200 && code < 300) return;
        throw failureFor(code, (status[2] ?? '').trim(), authority, authorization !== undefined, fail);
      }),
  };
}

function failureFor(
  code: number,
  text: string,
  authority: string,
  withAuth: boolean,
  fail: (failure: ProxyError['failure'], message: string) => ProxyError,
): ProxyError {
  const said = `HTTP ${code}${text === '' ? '' : ` ${text}`}`;
  // 407 is the standard answer; tinyproxy answers 401 instead.
  if (code === 407 || code === 401) {
    return fail(
      'auth',
      withAuth ? `refused the user name or password (${said})` : `requires a user name and password (${said})`,
    );
  }
  // 502/504 are the proxy's words for "I could not reach it"; tinyproxy says 500.
  if (code === 500 || code === 502 || code === 503 || code === 504) {
    return fail('target-unreachable', `could not reach ${authority} (${said})`);
  }
  return fail('refused', `refused the tunnel to ${authority} (${said})`);
}
