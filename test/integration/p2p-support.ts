// Two signed-in engines with their P2P layers, through the reference server: what the P2P
// integration tests share.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MessengerClient } from '../../src/main/msnp/client';
import { P2PManager, P2P_CLIENT_ID, type P2PEvents, type P2POptions } from '../../src/main/msnp/p2p/manager';
import { buildMsnObject, MsnObjectType, type MsnObject } from '../../src/main/msnp/p2p/msnobj';
import type { FileSource } from '../../src/main/msnp/p2p/source';
import type { Transport } from '../../src/main/msnp/transport';
import { startServer, type RunningServer, type ServerOptions } from '../server/index';

const PEOPLE = ['alice', 'bob', 'carol'];
export const ACCOUNTS = PEOPLE.map((name) => ({
  email: `${name}@example.com`,
  password: `${name}-pass-1`,
  displayName: name[0]?.toUpperCase() + name.slice(1),
  contacts: PEOPLE.filter((other) => other !== name).map((other) => `${other}@example.com`),
}));

export function start(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({ accounts: ACCOUNTS, challenges: false, ...options });
}

export interface Peer {
  readonly client: MessengerClient;
  readonly p2p: P2PManager;
  readonly email: string;
  /** The picture this peer advertises and serves, when it has one. */
  readonly picture?: { readonly data: Buffer; readonly object: MsnObject };
}

const running: Peer[] = [];
const dirs: string[] = [];

/** Signs `name` in at `dialect` with a P2P layer; with `picture`, advertises and serves it. */
export async function peer(
  server: RunningServer,
  name: string,
  dialect: number,
  options: { picture?: Buffer; p2p?: Partial<P2POptions>; transport?: Transport } = {},
): Promise<Peer> {
  const email = `${name}@example.com`;
  const [host, port] = server.notification.split(':');
  const object = options.picture
    ? buildMsnObject({ creator: email, data: options.picture, type: MsnObjectType.PICTURE })
    : undefined;
  const client = new MessengerClient({
    server: { host: host ?? '', port: Number(port), nexus: server.nexus, caFile: server.ca },
    email,
    password: `${name}-pass-1`,
    protocols: [dialect],
    reconnect: false,
    clientId: P2P_CLIENT_ID,
    ...(object ? { msnObject: object.xml } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
  });
  const p2p = new P2PManager(client.conversations, {
    email,
    objects: { get: (sha1d) => (object && sha1d === object.sha1d ? options.picture : undefined) },
    retryDelayMs: 50,
    ...options.p2p,
  });
  await client.signIn();
  const created: Peer = {
    client,
    p2p,
    email,
    ...(object && options.picture ? { picture: { data: options.picture, object } } : {}),
  };
  running.push(created);
  return created;
}

export async function cleanup(): Promise<void> {
  await Promise.all(
    running.splice(0).map(async (p) => {
      p.p2p.dispose();
      await p.client.signOut();
    }),
  );
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'p2p-it-'));
  dirs.push(dir);
  return dir;
}

/** A random file on disk. */
export async function randomFile(size: number, name = 'data.bin'): Promise<{ path: string; sha256: string }> {
  const dir = await tempDir();
  const path = join(dir, name);
  const data = randomBytes(size);
  await writeFile(path, data);
  return { path, sha256: sha256(data) };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A source producing `size` pseudo-random bytes without keeping them. */
export function generatedSource(name: string, size: number, chunk = 64 * 1024): FileSource {
  return {
    name,
    size,
    open: () => {
      let left = size;
      return new Readable({
        read() {
          if (left <= 0) {
            this.push(null);
            return;
          }
          const n = Math.min(chunk, left);
          left -= n;
          this.push(randomBytes(n));
        },
      });
    },
  };
}

export function next<K extends keyof P2PEvents>(
  p2p: P2PManager,
  event: K,
  where: (payload: P2PEvents[K]) => boolean = () => true,
): Promise<P2PEvents[K]> {
  return new Promise((resolve) => {
    const off = p2p.on(event, (payload) => {
      if (!where(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Resolves with the first `transfer-completed` or `transfer-failed` of a transfer. */
export function outcome(
  p2p: P2PManager,
  transferId: () => string | undefined,
): Promise<P2PEvents['transfer-completed'] | P2PEvents['transfer-failed']> {
  return new Promise((resolve) => {
    const offs = [
      p2p.on('transfer-completed', (e) => {
        if (e.transferId !== transferId()) return;
        for (const off of offs) off();
        resolve(e);
      }),
      p2p.on('transfer-failed', (e) => {
        if (e.transferId !== transferId()) return;
        for (const off of offs) off();
        resolve(e);
      }),
    ];
  });
}
