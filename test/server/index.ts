// Reference MSNP server: dispatch, notification and switchboard servers plus Passport 1.4 over
// HTTPS, in one process, for the project's integration and end-to-end tests and the demo.
import type { Server as HttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { AccountStore, type AccountSpec } from './accounts';
import { certificates } from './certs';
import { acceptDispatch } from './dispatch';
import { GATEWAY_PATH, serveGateway } from './gateway';
import type { Hub } from './hub';
import { acceptNotification, type NsSession } from './notification';
import { createPassportServer, NEXUS_PATH, TicketBook } from './passport';
import { Switchboard } from './switchboard';

export type { AccountSpec } from './accounts';

export interface ServerOptions {
  accounts: AccountSpec[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Dispatch port; the notification, switchboard and HTTPS servers take the next three. 0 (default) = free ports for every listener. */
  port?: number;
  /** Persist list changes (adds, blocks, renames, groups) across restarts. */
  stateDir?: string;
  /** Login answers 302 to a second login URL before success. */
  passportRedirect?: boolean;
  /** Delay every reply (TCP and HTTPS) by N ms. */
  latencyMs?: number;
  /** Send CHL after going online and periodically (default true). */
  challenges?: boolean;
  /** Default 60 s; a client that has not answered the previous CHL by then is disconnected. */
  challengeIntervalMs?: number;
  /** Switchboard idle timeout, default 5 min. */
  sbIdleTimeoutMs?: number;
  /** Default 60 s: connections not signed in by then, or stalled mid-command that long, are dropped. */
  loginTimeoutMs?: number;
  /** Default: nothing (the CLI logs to stderr). */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** 'host:port' */
  dispatch: string;
  notification: string;
  switchboard: string;
  /** 'https://host:port/rdr/pprdr.asp' */
  nexus: string;
  /** Absolute path of the CA certificate (PEM) that signed the HTTPS certificate; deleted when the process exits. */
  ca: string;
  /** 'https://host:port/gateway/gateway.dll': MSNP over HTTP, on the Passport server. */
  gateway: string;
  /** Drops the MSNP connections behind every gateway session, as a server failure would. */
  dropGatewaySessions(): void;
  /** Sends OUT SSD to connected clients, then closes everything. */
  close(): Promise<void>;
}

const hostPort = (server: { address(): AddressInfo | string | null }): string => {
  const a = server.address() as AddressInfo;
  return `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
};

function listen(server: Server | HttpsServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const basePort = options.port ?? 0;
  const log = options.log ?? (() => {});
  const store = new AccountStore(options.accounts, options.stateDir);
  const tickets = new TicketBook();
  const certs = await certificates();
  const online = new Map<string, NsSession>();
  const hub: Hub = {
    store,
    tickets,
    online,
    addresses: { dispatch: '', notification: '', switchboard: '' },
    settings: {
      latencyMs: options.latencyMs ?? 0,
      challenges: options.challenges ?? true,
      challengeIntervalMs: options.challengeIntervalMs ?? 60_000,
      sbIdleTimeoutMs: options.sbIdleTimeoutMs ?? 5 * 60_000,
      loginTimeoutMs: options.loginTimeoutMs ?? 60_000,
      log,
    },
    issueSwitchboardCookie: (email, dialect) => switchboard.issueCookie(email, dialect),
  };
  const switchboard = new Switchboard(hub);
  const sockets = new Set<Socket>();
  const dispatchConns = new Set<ReturnType<typeof acceptDispatch>>();
  const nsSessions = new Set<NsSession>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const ds = createServer((socket) => {
    track(socket);
    const conn = acceptDispatch(hub, socket);
    dispatchConns.add(conn);
    conn.onClose(() => dispatchConns.delete(conn));
  });
  const ns = createServer((socket) => {
    track(socket);
    const session = acceptNotification(hub, socket);
    nsSessions.add(session);
    session.conn.onClose(() => nsSessions.delete(session));
  });
  const sb = createServer((socket) => {
    track(socket);
    switchboard.accept(socket);
  });
  const https = createPassportServer({
    store,
    tickets,
    cert: certs.cert,
    key: certs.key,
    redirect: options.passportRedirect ?? false,
    latencyMs: hub.settings.latencyMs,
    log,
  });
  const gateway = serveGateway(https, { addresses: () => hub.addresses, log });
  const servers = [ds, ns, sb, https] as const;
  try {
    for (const [i, server] of servers.entries()) {
      await listen(server, basePort === 0 ? 0 : basePort + i, host);
    }
  } catch (err) {
    for (const server of servers) server.close();
    throw err;
  }
  hub.addresses.dispatch = hostPort(ds);
  hub.addresses.notification = hostPort(ns);
  hub.addresses.switchboard = hostPort(sb);
  const nexus = `https://${hostPort(https)}${NEXUS_PATH}`;
  log(
    `listening: dispatch ${hub.addresses.dispatch}, notification ${hub.addresses.notification}, switchboard ${hub.addresses.switchboard}, nexus ${nexus}`,
  );

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    for (const server of servers) server.close();
    for (const session of nsSessions) session.kick('SSD');
    for (const conn of dispatchConns) {
      conn.send('OUT', ['SSD']);
      conn.close('server shutting down');
    }
    switchboard.close();
    gateway.close();
    https.closeAllConnections();
    // Give clients the latency plus a moment to read OUT SSD and hang up, then cut the rest.
    const deadline = Date.now() + hub.settings.latencyMs + 1000;
    while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    for (const socket of sockets) socket.destroy();
    log('stopped');
  };

  return {
    ...hub.addresses,
    nexus,
    gateway: `https://${hostPort(https)}${GATEWAY_PATH}`,
    dropGatewaySessions: () => gateway.dropAll(),
    ca: certs.caPath,
    close: () => (closing ??= close()),
  };
}
