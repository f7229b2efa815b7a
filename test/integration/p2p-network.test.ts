// Display pictures and files where the network is in the way: each side through a real proxy
// (microsocks, tinyproxy) or the HTTP gateway, the P2P data riding the switchboards those carry.
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDownload } from '../../src/main/msnp/p2p/files';
import { fileSource } from '../../src/main/msnp/p2p/source';
import { createTransport, parseProxyUrl, proxySockets, type Transport } from '../../src/main/msnp/transport';
import type { RunningServer } from '../server/index';
import { cleanup, next, outcome, peer, randomFile, sha256, start, tempDir, type Peer } from './p2p-support';
import { proxiesMissing, startMicrosocks, startTinyproxy, type RunningProxy } from './proxy-support';

let server: RunningServer;
let ca: string;
const proxies: RunningProxy[] = [];

beforeAll(async () => {
  server = await start();
  ca = await readFile(server.ca, 'utf8');
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.stop();
  await server.close();
});
afterEach(cleanup);

async function via(kind: 'socks5' | 'http' | 'gateway'): Promise<Transport> {
  if (kind === 'gateway')
    return createTransport({ gateway: { mode: 'always', url: server.gateway, ca, pollIntervalMs: 20 } });
  const proxy = kind === 'socks5' ? await startMicrosocks() : await startTinyproxy();
  proxies.push(proxy);
  return createTransport({ sockets: proxySockets(parseProxyUrl(`${kind}://${proxy.host}:${proxy.port}`)) });
}

function acceptInto(receiver: Peer, dir: string): void {
  receiver.p2p.on('file-offer', (offer) => {
    void createDownload(dir, offer.name).then((sink) => receiver.p2p.accept(offer.transferId, sink));
  });
}

describe.skipIf(proxiesMissing !== undefined).each([
  ['SOCKS5', 'HTTP CONNECT', 'socks5', 'http'],
  ['the HTTP gateway', 'SOCKS5', 'gateway', 'socks5'],
] as const)('one side through %s, the other through %s', (_a, _b, first, second) => {
  it('fetches a picture and sends a file intact', async () => {
    const picture = randomBytes(15_000);
    const bob = await peer(server, 'bob', 12, { picture, transport: await via(second) });
    const alice = await peer(server, 'alice', 12, { transport: await via(first) });

    const data = await alice.p2p.fetchObject(alice.client.getContact('bob@example.com')?.msnObject ?? '');
    expect(sha256(data)).toBe(sha256(picture));

    const dir = await tempDir();
    const file = await randomFile(600_000, 'through the proxy.bin');
    acceptInto(bob, dir);
    const received = next(bob.p2p, 'transfer-completed');
    const id = alice.p2p.sendFile('bob@example.com', await fileSource(file.path));
    expect(await outcome(alice.p2p, () => id)).toMatchObject({ direction: 'send', size: 600_000 });
    const done = await received;
    expect(sha256(await readFile(done.file ?? ''))).toBe(file.sha256);
  }, 60_000);
});
