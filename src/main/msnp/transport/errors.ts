// Errors of a proxy, kept apart from the server's: a user behind a proxy must see "the proxy
// refused your password", not "wrong password", and "the proxy cannot reach the server", not
// "the server is down".
import { MsnpError } from '../errors';

/**
 * - `unreachable`: the proxy itself could not be reached (down, wrong address, no answer).
 * - `auth`: the proxy refused the credentials, or wants credentials we do not have.
 * - `refused`: the proxy answered but refused to open the tunnel (rules, unsupported request).
 * - `target-unreachable`: the proxy could not reach the server we asked for.
 * - `protocol`: the proxy's answer could not be understood.
 */
export type ProxyFailure = 'unreachable' | 'auth' | 'refused' | 'target-unreachable' | 'protocol';

/** A `network` MsnpError whose cause is the proxy; `source` lets callers report it as such. */
export class ProxyError extends MsnpError {
  readonly source = 'proxy';

  constructor(
    readonly failure: ProxyFailure,
    /** `socks5 127.0.0.1:1080`, for messages. */
    readonly proxy: string,
    message: string,
    cause?: unknown,
  ) {
    super('network', `Proxy ${proxy}: ${message}`, cause === undefined ? {} : { cause });
    this.name = 'ProxyError';
  }
}

export function isProxyError(err: unknown): err is ProxyError {
  return err instanceof ProxyError;
}
