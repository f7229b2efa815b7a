// The CLI's MSNP2P options between processes through the reference server, at MSNP12 and MSNP9:
// pictures fetched both ways, a file sent and saved intact, a declined file, and the exit codes.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildMsnObject } from '../../src/main/msnp/p2p/msnobj';
import type { RunningServer } from '../server/index';
import { CLI_TIMEOUT_MS, startCli, stopClis, type CliRun } from '../support/cli';
import { cleanup, sha256, start, tempDir } from './p2p-support';

let server: RunningServer;

beforeAll(async () => {
  server = await start();
});
afterAll(() => server.close());
afterEach(async () => {
  stopClis();
  await cleanup();
});

const cli = (name: string, dialect: number, ...args: string[]): CliRun => startCli(server, name, dialect, ...args);

/** A small PNG-looking picture (magic bytes, then noise). */
function picture(size: number): Buffer {
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(size - 8)]);
}

describe.each([12, 9])('CLI MSNP2P at MSNP%i', (dialect) => {
  it(
    'exchanges pictures both ways and sends a file that arrives intact',
    async () => {
      const work = await tempDir();
      const [alicePicture, bobPicture] = [picture(20_000), picture(9_000)];
      await writeFile(join(work, 'alice.png'), alicePicture);
      await writeFile(join(work, 'bob.png'), bobPicture);
      const payload = randomBytes(300_000);
      await writeFile(join(work, 'holiday photos.zip'), payload);
      const [bobPictures, alicePictures, inbox] = [await tempDir(), await tempDir(), await tempDir()];

      const bob = cli(
        'bob',
        dialect,
        '--display-picture',
        join(work, 'bob.png'),
        '--fetch-pictures',
        bobPictures,
        '--accept-files',
        inbox,
        '--stay',
        '60',
      );
      await bob.until((l) => l['event'] === 'signed-in');
      const alice = cli(
        'alice',
        dialect,
        '--display-picture',
        join(work, 'alice.png'),
        '--fetch-pictures',
        alicePictures,
        '--send-file',
        `bob@example.com:${join(work, 'holiday photos.zip')}`,
        '--stay',
        '60',
      );

      const sent = await alice.until((l) => l['event'] === 'file-sent');
      expect(sent).toEqual({
        event: 'file-sent',
        to: 'bob@example.com',
        name: 'holiday photos.zip',
        bytes: 300_000,
        accepted: true,
      });
      const fetched = await alice.until((l) => l['event'] === 'picture');
      const bobObject = buildMsnObject({ creator: 'bob@example.com', data: bobPicture, type: 3 });
      expect(fetched).toEqual({
        event: 'picture',
        email: 'bob@example.com',
        sha1d: bobObject.sha1d,
        bytes: 9_000,
        file: join(alicePictures, 'bob@example.com.png'),
      });
      expect((await readFile(join(alicePictures, 'bob@example.com.png'))).equals(bobPicture)).toBe(true);

      const received = await bob.until((l) => l['event'] === 'file-received');
      expect(received).toEqual({
        event: 'file-received',
        from: 'alice@example.com',
        name: 'holiday photos.zip',
        bytes: 300_000,
        file: join(inbox, 'holiday photos.zip'),
      });
      expect(sha256(await readFile(join(inbox, 'holiday photos.zip')))).toBe(sha256(payload));
      const back = await bob.until((l) => l['event'] === 'picture');
      expect(back).toMatchObject({ email: 'alice@example.com', bytes: 20_000 });
      expect((await readFile(join(bobPictures, 'alice@example.com.png'))).equals(alicePicture)).toBe(true);

      alice.child.kill('SIGTERM');
      bob.child.kill('SIGTERM');
      expect(await alice.exited).toBe(0);
      expect(await bob.exited).toBe(0);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'reports a declined file with exit code 4',
    async () => {
      const work = await tempDir();
      await writeFile(join(work, 'notes.txt'), 'hello');
      const carol = cli('carol', dialect, '--decline-files', '--stay', '60');
      await carol.until((l) => l['event'] === 'signed-in');
      const alice = cli('alice', dialect, '--send-file', `carol@example.com:${join(work, 'notes.txt')}`);
      expect(await alice.exited).toBe(4);
      expect(alice.lines).toContainEqual({
        event: 'file-sent',
        to: 'carol@example.com',
        name: 'notes.txt',
        bytes: 0,
        accepted: false,
        reason: 'carol@example.com declined the file',
      });
      expect(await carol.until((l) => l['event'] === 'file-declined')).toEqual({
        event: 'file-declined',
        from: 'alice@example.com',
        name: 'notes.txt',
        size: 5,
      });
    },
    CLI_TIMEOUT_MS,
  );
});

it(
  'refuses a display picture over 1 MB as a usage error',
  async () => {
    const work = await tempDir();
    await writeFile(join(work, 'huge.png'), Buffer.alloc(1024 * 1024 + 1));
    const alice = cli('alice', 12, '--display-picture', join(work, 'huge.png'));
    expect(await alice.exited).toBe(2);
  },
  CLI_TIMEOUT_MS,
);

it(
  'reports files as impossible at MSNP8, which has no P2P',
  async () => {
    const work = await tempDir();
    await writeFile(join(work, 'notes.txt'), 'hello');
    const bob = cli('bob', 12, '--accept-files', work, '--stay', '60');
    await bob.until((l) => l['event'] === 'signed-in');
    const alice = cli('alice', 8, '--send-file', `bob@example.com:${join(work, 'notes.txt')}`);
    expect(await alice.exited).toBe(4);
    expect(alice.lines).toContainEqual({
      event: 'file-sent',
      to: 'bob@example.com',
      name: 'notes.txt',
      bytes: 0,
      accepted: false,
      reason: 'Display pictures and file transfers need MSNP9 or later',
    });
  },
  CLI_TIMEOUT_MS,
);
