// The reference server and the benchmark's other accounts, run in a child process so that their
// CPU time and heap never count as the engine's. The parent drives them over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import type { AccountSpec } from '../test/server/index';
import type { MessengerClientOptions } from '../src/main/msnp/client';
import type { ServerConfig } from '../src/shared/schemas';
import { DaLoginCache } from '../src/main/msnp/passport';

export interface FixtureOptions {
  readonly accounts: AccountSpec[];
}

export interface FixtureAddresses {
  readonly dispatch: string;
  readonly nexus: string;
  readonly ca: string;
}

/** What the parent asks of the child; each is answered with its `FixtureResults` entry. */
export type FixtureRequest =
  | { op: 'start'; options: FixtureOptions }
  /**
   * Signs these accounts in (MSNP12), a few at a time. With `pictureBytes` each advertises a
   * display picture of that size (its own bytes) and serves it over MSNP2P.
   */
  | { op: 'sign-in'; emails: string[]; pictureBytes?: number }
  /**
   * A TCP relay to the notification server, for the one client being measured to sign in
   * through. It records the presence lines it relays during `churn`, for `replay`.
   */
  | { op: 'relay' }
  /** Random status changes (and, for `personalShare` of them, personal messages) by the signed-in accounts. */
  | { op: 'churn'; perSecond: number; seconds: number; personalShare: number }
  /** Sends the presence lines recorded during the last churn to the relayed client again, `times` over. */
  | { op: 'replay'; times: number }
  /** Every signed-in account sends `messages` texts to `to` and waits until all are delivered. */
  | { op: 'chat'; to: string; messages: number }
  | { op: 'close' };

export interface FixtureResults {
  start: FixtureAddresses;
  'sign-in': { signedIn: number };
  relay: { address: string };
  churn: { changes: number };
  /** `lines` presence lines per replay; `bytes` (base64) is one replay's worth. */
  replay: { lines: number; bytes: string };
  chat: { delivered: number; failed: number };
  close: undefined;
}

export type FixtureReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export const PASSWORD_SUFFIX = '-bench-pw';

/** `count` accounts named `prefix0@example.com` …, each knowing `contacts` (mutual lists). */
export function accounts(prefix: string, count: number, contacts: (i: number) => string[] = () => []): AccountSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    email: address(prefix, i),
    password: `${address(prefix, i)}${PASSWORD_SUFFIX}`,
    displayName: `${prefix[0]?.toUpperCase() ?? ''}${prefix.slice(1)} ${i} ☺ Ünïcödé`,
    contacts: contacts(i),
  }));
}

export const address = (prefix: string, i: number): string => `${prefix}${i}@example.com`;

/** Engine options for `email` against a fixture: MSNP12, no reconnection, its own Passport cache. */
export function clientOptions(
  server: FixtureAddresses,
  email: string,
  extra: Partial<MessengerClientOptions> = {},
): MessengerClientOptions {
  return {
    server: serverConfig(server),
    email,
    password: `${email}${PASSWORD_SUFFIX}`,
    protocols: [12],
    reconnect: false,
    daLoginCache: new DaLoginCache(),
    ...extra,
  };
}

export function serverConfig(server: FixtureAddresses): ServerConfig {
  return { ...splitAddress(server.dispatch), nexus: server.nexus, caFile: server.ca };
}

/** `host:port` (IPv4 or a name) → its parts. */
export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

export class Fixture {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /** Set once the server is listening. */
  addresses: FixtureAddresses = { dispatch: '', nexus: '', ca: '' };

  private constructor(private readonly child: ChildProcess) {}

  static async start(options: FixtureOptions): Promise<Fixture> {
    const child = fork(new URL('./fixture-child.ts', import.meta.url), {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const fixture = new Fixture(child);
    child.on('message', (reply: FixtureReply) => fixture.settle(reply));
    child.on('exit', (code) => {
      for (const w of fixture.waiting.values()) w.reject(new Error(`the fixture process exited (${code})`));
      fixture.waiting.clear();
    });
    fixture.addresses = await fixture.call({ op: 'start', options });
    return fixture;
  }

  call<R extends FixtureRequest>(request: R): Promise<FixtureResults[R['op']]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, ...request });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call({ op: 'close' }).catch(() => undefined);
    await exited;
  }

  private settle(reply: FixtureReply): void {
    const w = this.waiting.get(reply.id);
    if (!w) return;
    this.waiting.delete(reply.id);
    if (reply.ok) w.resolve(reply.value);
    else w.reject(new Error(`fixture: ${reply.error}`));
  }
}
