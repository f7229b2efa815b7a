// Reference MSNP server: dispatch, notification and switchboard servers plus Passport 1.4 and the
// MSNP13+ SOAP services (RST, address book, sharing, offline messages) over HTTPS, in one process,
// for the project's integration and end-to-end tests and the demo.
import type { Server as HttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { AccountStore, type AccountSpec } from './accounts';
import { certificates } from './certs';
import { acceptDispatch } from './dispatch';
import { GATEWAY_PATH, serveGateway } from './gateway';
import { MAX_DIALECT } from './handshake';
import type { Hub } from './hub';
import { addressBook, sharingService } from './abch';
import { acceptNotification, type NsSession } from './notification';
import { DEFAULT_OIM_QUOTA, OimStore, oimService, rsiService } from './oim';
import { createPassportServer, NEXUS_PATH, TicketBook } from './passport';
import { serveSoap, type SoapHandler } from './soap';
import { rst } from './sso';
import { Switchboard } from './switchboard';
import { DEFAULT_TOKEN_LIFETIME_MS, TokenBook } from './tokens';

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
  /** Lifetime of the SOAP tokens RST.srf issues (default 24 h). */
  tokenLifetimeMs?: number;
  /**
   * Relay switchboard messages but send no ACK for them, as a server that went quiet at the worst
   * moment: for tests of a client that cannot know whether its message arrived.
   */
  holdAcks?: boolean;
  /** Offline messages one account can hold before Store2 answers QuotaExceeded (default 100). */
  oimQuota?: number;
  /** Default: nothing (the CLI logs to stderr). */
  log?: (line: string) => void;
  /** The newest dialect accepted in VER (default 18), to play an older server. */
  maxDialect?: number;
}

/** Paths of the SOAP services on the HTTPS server, as on Escargot (MSNP13-18.md §11.1). */
export const SOAP_PATHS = {
  rst: '/RST.srf',
  addressBook: '/abservice/abservice.asmx',
  sharing: '/abservice/SharingService.asmx',
  oim: '/OimWS/oim.asmx',
  rsi: '/rsi/rsi.asmx',
} as const;

export interface RunningServer {
  /** 'host:port' */
  dispatch: string;
  notification: string;
  switchboard: string;
  /** 'https://host:port/rdr/pprdr.asp' */
  nexus: string;
  /** 'https://host:port': the origin of the Passport and SOAP services (paths in SOAP_PATHS). */
  soapBase: string;
  /** Absolute path of the CA certificate (PEM) that signed the HTTPS certificate; deleted when the process exits. */
  ca: string;
  /** Makes every SOAP token of `email` (or of everyone) expire now; returns how many. */
  expireTokens(email?: string): number;
  /** Forgets the OIM lock keys, so that every sender's next Store2 is challenged again. */
  renewLockKeys(): void;
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
  const places = new Map<string, Set<NsSession>>();
  const tokens = new TokenBook(options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS);
  const oims = new OimStore(options.oimQuota ?? DEFAULT_OIM_QUOTA, options.stateDir);
  const hub: Hub = {
    store,
    tickets,
    tokens,
    oims,
    online,
    places,
    sessionsOf: (email) => [...(places.get(email.toLowerCase()) ?? [])],
    allSessions: () => [...places.values()].flatMap((set) => [...set]),
    isSignedIn: (email) => (places.get(email.toLowerCase())?.size ?? 0) > 0,
    addresses: { dispatch: '', notification: '', switchboard: '', https: '' },
    settings: {
      latencyMs: options.latencyMs ?? 0,
      challenges: options.challenges ?? true,
      challengeIntervalMs: options.challengeIntervalMs ?? 60_000,
      sbIdleTimeoutMs: options.sbIdleTimeoutMs ?? 5 * 60_000,
      loginTimeoutMs: options.loginTimeoutMs ?? 60_000,
      maxDialect: options.maxDialect ?? MAX_DIALECT,
      holdAcks: options.holdAcks ?? false,
      log,
    },
    issueSwitchboardCookie: (email, dialect, guid) => switchboard.issueCookie(email, dialect, guid),
  };
  const switchboard = new Switchboard(hub);
  const soapRoutes = new Map<string, SoapHandler>([
    [SOAP_PATHS.rst, rst(hub)],
    [SOAP_PATHS.addressBook, addressBook(hub)],
    [SOAP_PATHS.sharing, sharingService(hub)],
    [SOAP_PATHS.oim, oimService(hub)],
    [SOAP_PATHS.rsi, rsiService(hub)],
  ]);
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
    post: (req, res) => serveSoap(req, res, soapRoutes, log),
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
  hub.addresses.https = hostPort(https);
  const soapBase = `https://${hub.addresses.https}`;
  const nexus = `${soapBase}${NEXUS_PATH}`;
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
    soapBase,
    gateway: `https://${hostPort(https)}${GATEWAY_PATH}`,
    dropGatewaySessions: () => gateway.dropAll(),
    ca: certs.caPath,
    expireTokens: (email) => tokens.expire(email),
    renewLockKeys: () => hub.oims.lockChallenges.clear(),
    close: () => (closing ??= close()),
  };
}
