// node:http(s) agents whose connections come from a socket factory, so Passport, SOAP and the
// HTTP gateway go through the same proxy as the MSNP connections. TLS runs end to end over the
// tunnel: the proxy sees only encrypted bytes.
import type { ClientRequestArgs } from 'node:http';
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { SocketFactory } from './socket';

type Created = (err: Error | null, stream: Duplex) => void;

function target(options: ClientRequestArgs, defaultPort: number): { host: string; port: number } {
  const host = (options.hostname ?? options.host ?? 'localhost').replace(/^\[|\]$/g, '');
  return { host, port: Number(options.port ?? defaultPort) };
}

export interface FactoryAgentOptions extends AgentOptions {
  /** Connecting, proxy handshake included. Default 15 s. */
  readonly connectTimeoutMs?: number;
}

/** Plain-HTTP agent over the factory's sockets. */
export class FactoryHttpAgent extends HttpAgent {
  constructor(
    private readonly factory: SocketFactory,
    private readonly agentOptions: FactoryAgentOptions = {},
  ) {
    super(agentOptions);
  }

  override createConnection(options: ClientRequestArgs, callback?: Created): undefined {
    const timeoutMs = this.agentOptions.connectTimeoutMs;
    this.factory.connect(target(options, 80), timeoutMs === undefined ? {} : { timeoutMs }).then(
      (socket) => {
        socket.resume();
        callback?.(null, socket);
      },
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/** HTTPS agent over the factory's sockets; certificate checks as for a direct connection. */
export class FactoryHttpsAgent extends HttpsAgent {
  constructor(
    private readonly factory: SocketFactory,
    private readonly agentOptions: FactoryAgentOptions = {},
  ) {
    super(agentOptions);
  }

  override createConnection(options: ClientRequestArgs, callback?: Created): undefined {
    const timeoutMs = this.agentOptions.connectTimeoutMs;
    const where = target(options, 443);
    this.factory.connect(where, timeoutMs === undefined ? {} : { timeoutMs }).then(
      (socket) => {
        socket.resume();
        const tlsOptions = options as ConnectionOptions;
        // SNI carries host names only; Node's agent leaves it empty for an address.
        const servername = tlsOptions.servername ?? (isIP(where.host) === 0 ? where.host : undefined);
        const secure = tlsConnect({ ...tlsOptions, socket, ...(servername ? { servername } : {}) });
        callback?.(null, secure);
      },
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
