// Shared pieces of the protocol-engine integration tests: accounts, clients pointed at the
// reference server, waiting for events, and a TCP proxy that can cut connections.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { MessengerClient, type MessengerClientOptions, type MessengerEvents } from '../../src/main/msnp/client';
import { DaLoginCache } from '../../src/main/msnp/passport';
import type { Contact } from '../../src/shared/schemas';
import type { RunningServer } from '../server/index';
export { failure } from '../support/msnp-failure';

export const ALL_DIALECTS = [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** Alice and Bob know each other; Carol is on Alice's list; Dave knows nobody. */
export const ACCOUNTS = [
  {
    email: 'alice@example.com',
    password: 'alice, the 1st = 100%',
    displayName: 'Alice Smith',
    contacts: ['bob@example.com', 'carol@example.com'],
  },
  { email: 'bob@example.com', password: 'bob-pass', displayName: 'Bob Ünicode ☺', contacts: [] },
  { email: 'carol@example.com', password: 'carol-pass', displayName: 'Carol', contacts: [] },
  { email: 'dave@example.com', password: 'dave-pass', displayName: 'Dave', contacts: [] },
];

export function passwordOf(email: string): string {
  const account = ACCOUNTS.find((a) => a.email === email);
  if (!account) throw new Error(`no account ${email}`);
  return account.password;
}

export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}

const clients: MessengerClient[] = [];

/** A client for `email` on the reference server, through the dispatch server unless `address` is given. */
export function clientFor(
  server: RunningServer,
  email: string,
  extra: Partial<MessengerClientOptions> & { address?: string } = {},
): MessengerClient {
  const { address, ...options } = extra;
  const client = new MessengerClient({
    server: { ...splitAddress(address ?? server.dispatch), nexus: server.nexus, caFile: server.ca },
    email,
    password: passwordOf(email),
    // MSNP12 down to MSNP2 unless a test asks otherwise: most tests here are about those dialects.
    protocols: ALL_DIALECTS,
    requestTimeoutMs: 5000,
    reconnect: false,
    daLoginCache: new DaLoginCache(),
    ...options,
  });
  clients.push(client);
  return client;
}

/** Signs out every client made by `clientFor`; call after each test. */
export async function signOutAll(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.signOut()));
}

/** Resolves with the first `event` whose payload satisfies `where` (checking the current state is up to the caller). */
export function waitFor<K extends keyof MessengerEvents>(
  client: MessengerClient,
  event: K,
  where: (payload: MessengerEvents[K]) => boolean = () => true,
): Promise<MessengerEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      if (!where(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Resolves once `client` sees `email` in the state `where` describes, now or later. */
export async function presenceOf(
  client: MessengerClient,
  email: string,
  where: (c: Contact) => boolean,
): Promise<Contact> {
  const now = client.getContact(email);
  if (now && where(now)) return now;
  return waitFor(client, 'presence', (c) => c.email === email && where(c));
}

/** Forwards TCP connections to `target`; `cut()` drops the current ones, as a network failure would. */
export class Proxy {
  private readonly pairs = new Set<[Socket, Socket]>();

  private constructor(
    private readonly server: Server,
    readonly address: string,
    private target: string,
  ) {}

  static async start(target: string): Promise<Proxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const info = server.address();
    if (info === null || typeof info === 'string') throw new Error('no port');
    const proxy = new Proxy(server, `127.0.0.1:${info.port}`, target);
    server.on('connection', (inbound) => {
      const outbound = connect(splitAddress(proxy.target));
      const pair: [Socket, Socket] = [inbound, outbound];
      proxy.pairs.add(pair);
      inbound.pipe(outbound).pipe(inbound);
      const drop = (): void => {
        proxy.pairs.delete(pair);
        inbound.destroy();
        outbound.destroy();
      };
      inbound.on('error', drop).on('close', drop);
      outbound.on('error', drop).on('close', drop);
    });
    return proxy;
  }

  /** New connections go to `target` from now on. */
  retarget(target: string): void {
    this.target = target;
  }

  /** Stops forwarding on the current connections without closing them, like a dead link. */
  freeze(): void {
    for (const [inbound, outbound] of this.pairs) {
      inbound.unpipe(outbound);
      outbound.unpipe(inbound);
    }
  }

  cut(): void {
    for (const [inbound, outbound] of this.pairs) {
      inbound.destroy();
      outbound.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
