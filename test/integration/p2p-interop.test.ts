// The client against an MSNP2P implementation that is not its own: the command-line client (the
// engine) and the independent test peer (test/peer/, written from the protocol notes alone)
// exchange display pictures and files both ways through the reference server, at MSNP12 and at
// MSNP9. The peer also reports anything the engine put on the wire against the notes.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server/index';
import { TestPeer } from '../peer/peer';
import { CLI_TIMEOUT_MS, startCli, stopClis } from '../support/cli';
import { cleanup, sha256, start, tempDir } from './p2p-support';

let server: RunningServer;
const peers: TestPeer[] = [];

beforeAll(async () => {
  server = await start({ challenges: true });
});
afterAll(() => server.close());
afterEach(async () => {
  stopClis();
  for (const peer of peers.splice(0)) await peer.close();
  await cleanup();
});

/** A PNG-looking picture: the magic bytes, then noise (neither side decodes it). */
function picture(size: number): Buffer {
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(size - 8)]);
}

describe.each([12, 9])('engine and independent peer at MSNP%i', (dialect) => {
  it(
    'exchange pictures and files both ways',
    async () => {
      const work = await tempDir();
      const [alicePicture, bobPicture] = [picture(12_000), picture(30_000)];
      await writeFile(join(work, 'alice.png'), alicePicture);
      const toPeer = randomBytes(700_000);
      await writeFile(join(work, 'for bob.bin'), toPeer);
      const toEngine = randomBytes(450_000);
      await writeFile(join(work, 'for alice.bin'), toEngine);
      const [peerInbox, enginePictures, engineInbox] = [await tempDir(), await tempDir(), await tempDir()];

      const bob = await TestPeer.signIn(server, {
        email: 'bob@example.com',
        password: 'bob-pass-1',
        dialect,
        picture: bobPicture,
      });
      peers.push(bob);
      bob.acceptFiles(peerInbox);

      const alice = startCli(
        server,
        'alice',
        dialect,
        '--display-picture',
        join(work, 'alice.png'),
        '--fetch-pictures',
        enginePictures,
        '--send-file',
        `bob@example.com:${join(work, 'for bob.bin')}`,
        '--accept-files',
        engineInbox,
        '--stay',
        '60',
      );

      // The engine fetches the peer's picture and sends it a file the peer saves intact.
      const fetched = await alice.until((l) => l['event'] === 'picture' || l['event'] === 'picture-failed');
      expect(fetched).toMatchObject({ event: 'picture', email: 'bob@example.com', bytes: bobPicture.length });
      expect(sha256(await readFile(String(fetched['file'])))).toBe(sha256(bobPicture));
      const sent = await alice.until((l) => l['event'] === 'file-sent');
      expect(sent).toEqual({
        event: 'file-sent',
        to: 'bob@example.com',
        name: 'for bob.bin',
        bytes: 700_000,
        accepted: true,
      });
      const arrived = await bob.nextEvent('file-received');
      expect(arrived).toMatchObject({ from: 'alice@example.com', name: 'for bob.bin', bytes: 700_000 });
      expect(sha256(await readFile(join(peerInbox, 'for bob.bin')))).toBe(sha256(toPeer));

      // The peer fetches the engine's picture, verified by Size and SHA1D, and sends it a file.
      await bob.waitForContact('alice@example.com', (p) => p.msnObject !== undefined);
      expect(sha256(await bob.fetchPicture('alice@example.com'))).toBe(sha256(alicePicture));
      const back = await bob.sendFile('alice@example.com', join(work, 'for alice.bin'));
      expect(back).toMatchObject({ accepted: true, completed: true, bytes: 450_000 });
      const received = await alice.until((l) => l['event'] === 'file-received');
      expect(received).toMatchObject({ from: 'bob@example.com', name: 'for alice.bin', bytes: 450_000 });
      expect(sha256(await readFile(String(received['file'])))).toBe(sha256(toEngine));

      // Nothing the engine sent broke the notes, as the peer reads them.
      expect(bob.errors).toEqual([]);
    },
    CLI_TIMEOUT_MS * 2,
  );
});
