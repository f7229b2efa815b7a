// The HTTP gateway (`POST /gateway/gateway.dll`) of the reference server: MSNP over HTTP for
// clients that cannot open TCP connections to the MSNP ports. Each gateway session is bridged
// to a TCP connection to the server's own dispatch, notification or switchboard listener, so
// the MSNP side is exactly what a direct client gets. What the server sends is queued until the
// client's next request (a command or `Action=poll`) collects it.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';

export const GATEWAY_PATH = '/gateway/gateway.dll';

export interface GatewayOptions {
  /** Where the server's listeners are, as `host:port`; read at each open. */
  readonly addresses: () => { dispatch: string; notification: string; switchboard: string };
  readonly log: (line: string) => void;
  /** A session nobody asked for this long is dropped. Default 60 s. */
  readonly idleTimeoutMs?: number;
  /** How long a request that carried commands waits for the first answer. Default 250 ms. */
  readonly answerWaitMs?: number;
}

interface Session {
  readonly id: string;
  readonly socket: Socket;
  queued: Buffer[];
  closed: boolean;
  idle: NodeJS.Timeout;
  /** A request waiting for the first bytes to answer with. */
  waiting: (() => void) | undefined;
}

export interface Gateway {
  /** Gateway sessions open now. */
  readonly sessions: () => number;
  /** Drops every session's MSNP connection, as a server restart would. */
  dropAll(): void;
  close(): void;
}

/** Serves the gateway on `server` (the HTTPS server of Passport); other requests go on as before. */
export function serveGateway(server: HttpServer | HttpsServer, options: GatewayOptions): Gateway {
  const sessions = new Map<string, Session>();
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const answerWaitMs = options.answerWaitMs ?? 250;
  const others = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const [path = '', query = ''] = (req.url ?? '').split('?');
    if (path.toLowerCase() !== GATEWAY_PATH) {
      for (const listener of others) listener.call(server, req, res);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(new URLSearchParams(query), Buffer.concat(chunks), req, res));
  });

  const drop = (session: Session): void => {
    clearTimeout(session.idle);
    sessions.delete(session.id);
    session.socket.destroy();
  };

  const touch = (session: Session): void => {
    clearTimeout(session.idle);
    session.idle = setTimeout(() => {
      options.log(`gateway session ${session.id} idle, dropped`);
      drop(session);
    }, idleTimeoutMs);
  };

  const open = (params: URLSearchParams): Session | undefined => {
    const kind = params.get('Server');
    const ip = params.get('IP') ?? '';
    const addresses = options.addresses();
    // Like the official gateway, the NS it knows is its own: any IP but the notification
    // server's (which a referral names) starts at the dispatch server.
    const target =
      kind === 'SB'
        ? addresses.switchboard
        : kind === 'NS'
          ? ip === addresses.notification
            ? addresses.notification
            : addresses.dispatch
          : undefined;
    if (target === undefined) return undefined;
    const at = target.lastIndexOf(':');
    const socket = connect({ host: target.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(target.slice(at + 1)) });
    const session: Session = {
      id: `${randomBytes(4).readUInt32BE()}.${randomBytes(2).readUInt16BE()}`,
      socket,
      queued: [],
      closed: false,
      idle: setTimeout(() => {}, 0),
      waiting: undefined,
    };
    socket.on('data', (chunk: Buffer) => {
      session.queued.push(chunk);
      session.waiting?.();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      session.closed = true;
      session.waiting?.();
    });
    sessions.set(session.id, session);
    touch(session);
    options.log(`gateway session ${session.id} open for ${kind ?? ''} ${ip} -> ${target}`);
    return session;
  };

  const answer = (params: URLSearchParams, body: Buffer, req: IncomingMessage, res: ServerResponse): void => {
    const sessionId = params.get('SessionID');
    const session =
      sessionId === null ? (params.get('Action') === 'open' ? open(params) : undefined) : sessions.get(sessionId);
    if (!session) {
      res.writeHead(400, { 'Content-Length': 0 }).end();
      return;
    }
    touch(session);
    const reply = (): void => {
      session.waiting = undefined;
      const data = Buffer.concat(session.queued);
      session.queued = [];
      const closing = session.closed;
      if (closing) drop(session);
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      res
        .writeHead(200, {
          'Content-Type': 'application/x-msn-messenger',
          'Content-Length': data.length,
          'X-MSN-Messenger': `SessionID=${session.id}; GW-IP=${host}${closing ? '; Session=close' : ''}`,
        })
        .end(data);
    };
    if (body.length > 0 && !session.closed) session.socket.write(body);
    if (body.length === 0 || session.queued.length > 0 || session.closed) {
      reply();
      return;
    }
    // Commands went in: answer with the first reply rather than make the client poll for it.
    const timer = setTimeout(reply, answerWaitMs);
    session.waiting = () => {
      clearTimeout(timer);
      // Let the rest of a burst (a list download) arrive with it.
      setImmediate(reply);
      session.waiting = undefined;
    };
  };

  return {
    sessions: () => sessions.size,
    dropAll: () => {
      for (const session of [...sessions.values()]) session.socket.destroy();
    },
    close: () => {
      for (const session of [...sessions.values()]) drop(session);
    },
  };
}
