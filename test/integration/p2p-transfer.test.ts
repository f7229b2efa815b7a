// MSNP2P between two engines over real TCP through the reference switchboard: pictures, files,
// refusals, cancels from either side, a switchboard closing mid-transfer, transfers next to text.
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT } from '../../src/main/msnp/format';
import { P2PError } from '../../src/main/msnp/p2p/errors';
import { createDownload } from '../../src/main/msnp/p2p/files';
import type { P2PEvents } from '../../src/main/msnp/p2p/manager';
import { buildMsnObject, sha1d } from '../../src/main/msnp/p2p/msnobj';
import { fileSource } from '../../src/main/msnp/p2p/source';
import type { RunningServer } from '../server/index';
import {
  cleanup,
  generatedSource,
  next,
  outcome,
  peer,
  randomFile,
  sha256,
  start,
  tempDir,
  type Peer,
} from './p2p-support';

let server: RunningServer;
beforeAll(async () => {
  server = await start();
});
afterAll(async () => {
  await server.close();
});
afterEach(cleanup);

/** Accepts every offer into `dir`. */
function acceptInto(receiver: Peer, dir: string): void {
  receiver.p2p.on('file-offer', (offer) => {
    void createDownload(dir, offer.name).then((sink) => receiver.p2p.accept(offer.transferId, sink));
  });
}

describe.each([12, 9])('display pictures at MSNP%i', (dialect) => {
  it('fetches a contact picture advertised in CHG, verified by SHA1D', async () => {
    const picture = randomBytes(27_817);
    const bob = await peer(server, 'bob', dialect, { picture });
    const alice = await peer(server, 'alice', dialect);
    const contact = alice.client.getContact('bob@example.com');
    expect(contact?.msnObject).toBe(bob.picture?.object.xml);
    const data = await alice.p2p.fetchObject(contact?.msnObject ?? '');
    expect(data.equals(picture)).toBe(true);
    expect(sha1d(data)).toBe(bob.picture?.object.sha1d);
  });

  it('follows a changed picture live, and its removal', async () => {
    let current = randomBytes(4000);
    const bob = await peer(server, 'bob', dialect, {
      picture: current,
      p2p: { objects: { get: (d) => (sha1d(current) === d ? current : undefined) } },
    });
    const alice = await peer(server, 'alice', dialect);
    const next = randomBytes(6000);
    const object = buildMsnObject({ creator: 'bob@example.com', data: next, type: 3 });
    const changed = new Promise<string | undefined>((resolve) =>
      alice.client.on('presence', (c) => c.email === 'bob@example.com' && resolve(c.msnObject)),
    );
    current = next;
    await bob.client.setMsnObject(object.xml);
    expect(await changed).toBe(object.xml);
    expect((await alice.p2p.fetchObject(object.xml)).equals(next)).toBe(true);
    const removed = new Promise<string | undefined>((resolve) =>
      alice.client.on('presence', (c) => c.email === 'bob@example.com' && resolve(c.msnObject)),
    );
    await bob.client.setMsnObject(undefined);
    expect(await removed).toBeUndefined();
  });

  it('is refused an object the owner does not publish, without retrying', async () => {
    await peer(server, 'bob', dialect, { picture: randomBytes(100) });
    const alice = await peer(server, 'alice', dialect);
    const other = buildMsnObject({ creator: 'bob@example.com', data: randomBytes(50), type: 3 });
    const error = await alice.p2p.fetchObject(other).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(P2PError);
    expect((error as P2PError).kind).toBe('declined');
  });
});

describe('file transfer', () => {
  it('sends a 5 MB file, saved with the same SHA-256', async () => {
    const alice = await peer(server, 'alice', 12);
    const bob = await peer(server, 'bob', 12);
    const dir = await tempDir();
    const file = await randomFile(5 * 1024 * 1024, 'big.bin');
    acceptInto(bob, dir);
    const progress: number[] = [];
    alice.p2p.on('transfer-progress', (p) => progress.push(p.bytes));
    const received = next(bob.p2p, 'transfer-completed');
    const id = alice.p2p.sendFile('bob@example.com', await fileSource(file.path));
    const sent = outcome(alice.p2p, () => id);
    expect(await sent).toMatchObject({ direction: 'send', name: 'big.bin', size: 5 * 1024 * 1024 });
    const done = await received;
    expect(done).toMatchObject({ direction: 'receive', peer: 'alice@example.com', file: join(dir, 'big.bin') });
    expect(sha256(await readFile(done.file ?? ''))).toBe(file.sha256);
    expect(await readdir(dir)).toEqual(['big.bin']);
    expect(progress.at(-1)).toBe(5 * 1024 * 1024);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('reports a decline on both sides', async () => {
    const alice = await peer(server, 'alice', 12);
    const bob = await peer(server, 'bob', 12);
    const offers: P2PEvents['file-offer'][] = [];
    bob.p2p.on('file-offer', (offer) => {
      offers.push(offer);
      bob.p2p.decline(offer.transferId);
    });
    const declined = next(bob.p2p, 'transfer-failed');
    const id = alice.p2p.sendFile('bob@example.com', generatedSource('notes.txt', 1234));
    const sent = outcome(alice.p2p, () => id);
    expect(await sent).toMatchObject({ reason: 'declined', name: 'notes.txt', bytes: 0 });
    expect(await declined).toMatchObject({ reason: 'declined', by: 'you' });
    expect(offers).toMatchObject([{ name: 'notes.txt', size: 1234, peer: 'alice@example.com' }]);
  });

  it.each(['sender', 'receiver'] as const)('stops both sides when the %s cancels mid-transfer', async (who) => {
    const alice = await peer(server, 'alice', 12);
    const bob = await peer(server, 'bob', 12);
    const dir = await tempDir();
    acceptInto(bob, dir);
    let receiveId: string | undefined;
    bob.p2p.on('file-offer', (offer) => (receiveId = offer.transferId));
    const canceller = who === 'sender' ? alice : bob;
    canceller.p2p.on('transfer-progress', (p) => {
      if (p.bytes >= 1024 * 1024) canceller.p2p.cancel(p.transferId);
    });
    const received = outcome(bob.p2p, () => receiveId);
    const sendId = alice.p2p.sendFile('bob@example.com', generatedSource('huge.iso', 200 * 1024 * 1024));
    const sent = outcome(alice.p2p, () => sendId);
    const [a, b] = await Promise.all([sent, received]);
    expect(a).toMatchObject({ reason: 'cancelled', by: who === 'sender' ? 'you' : 'peer' });
    expect(b).toMatchObject({ reason: 'cancelled', by: who === 'sender' ? 'peer' : 'you' });
    expect((a as P2PEvents['transfer-failed']).bytes).toBeLessThan(200 * 1024 * 1024);
    // The partial file is gone; the conversation still carries text.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await readdir(dir)).toEqual([]);
    const text = new Promise((resolve) => bob.client.conversations.on('message', (m) => resolve(m.text)));
    alice.client.conversations.send(alice.client.conversations.open('bob@example.com'), 'still here', DEFAULT_FORMAT);
    expect(await text).toBe('still here');
  });

  it('fails both sides when the switchboard closes mid-transfer', async () => {
    const alice = await peer(server, 'alice', 12);
    const bob = await peer(server, 'bob', 12);
    const dir = await tempDir();
    acceptInto(bob, dir);
    let receiveId: string | undefined;
    bob.p2p.on('file-offer', (offer) => (receiveId = offer.transferId));
    alice.p2p.on('transfer-progress', (p) => {
      if (p.bytes >= 512 * 1024) alice.client.conversations.close(alice.client.conversations.open('bob@example.com'));
    });
    const received = outcome(bob.p2p, () => receiveId);
    const sendId = alice.p2p.sendFile('bob@example.com', generatedSource('video.avi', 100 * 1024 * 1024));
    const sent = outcome(alice.p2p, () => sendId);
    expect(await sent).toMatchObject({ reason: 'closed' });
    expect(await received).toMatchObject({ reason: 'closed', message: 'alice@example.com left the conversation' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await readdir(dir)).toEqual([]);
  });

  it('runs 3 transfers at once while text keeps flowing', async () => {
    const alice = await peer(server, 'alice', 12);
    const bob = await peer(server, 'bob', 12);
    const dir = await tempDir();
    acceptInto(bob, dir);
    const files = await Promise.all([1, 2, 3].map((n) => randomFile(1024 * 1024 + n * 1000, `file${n}.bin`)));
    const completed: P2PEvents['transfer-completed'][] = [];
    const allReceived = new Promise<void>((resolve) =>
      bob.p2p.on('transfer-completed', (e) => {
        completed.push(e);
        if (completed.length === 3) resolve();
      }),
    );
    const texts: string[] = [];
    const textsBeforeFiles: string[] = [];
    bob.client.conversations.on('message', (m) => {
      texts.push(m.text);
      if (completed.length === 0) textsBeforeFiles.push(m.text);
    });
    const conversation = alice.client.conversations.open('bob@example.com');
    const started = next(alice.p2p, 'transfer-accepted');
    for (const f of files)
      alice.p2p.sendFile('bob@example.com', await fileSource(f.path), { conversationId: conversation });
    await started;
    for (let i = 0; i < 5; i++) alice.client.conversations.send(conversation, `line ${i}`, DEFAULT_FORMAT);
    await allReceived;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(texts).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    // Text sent during the transfers is not queued behind them.
    expect(textsBeforeFiles).toEqual(texts);
    for (const f of files) {
      const name = f.path.split('/').at(-1) ?? '';
      const got = completed.find((c) => c.name === name);
      expect(sha256(await readFile(got?.file ?? ''))).toBe(f.sha256);
    }
  });
});

describe('custom emoticons', () => {
  it('announces them before the text and the receiver fetches each declared object', async () => {
    const smile = randomBytes(3000);
    const wave = randomBytes(1500);
    const objects = [smile, wave].map((data, i) =>
      buildMsnObject({ creator: 'alice@example.com', data, type: 2, name: ['smile', 'wave'][i] ?? '' }),
    );
    const alice = await peer(server, 'alice', 12, {
      p2p: { objects: { get: (d) => [smile, wave].find((data) => sha1d(data) === d) } },
    });
    const bob = await peer(server, 'bob', 12);
    const order: string[] = [];
    bob.client.conversations.on('emoticons', (e) =>
      order.push(`emoticons ${e.emoticons.map((x) => x.shortcut).join(' ')}`),
    );
    bob.client.conversations.on('message', (m) => order.push(`message ${m.text}`));
    const arrived: P2PEvents['emoticon'][] = [];
    const both = new Promise<void>((resolve) =>
      bob.p2p.on('emoticon', (e) => {
        arrived.push(e);
        if (arrived.length === 2) resolve();
      }),
    );
    const conversation = alice.client.conversations.open('bob@example.com');
    alice.client.conversations.send(conversation, 'hi (sm) and (wv)!', DEFAULT_FORMAT, {
      emoticons: [
        { shortcut: '(sm)', msnObject: objects[0]?.xml ?? '' },
        { shortcut: '(wv)', msnObject: objects[1]?.xml ?? '' },
      ],
    });
    await both;
    expect(order).toEqual(['emoticons (sm) (wv)', 'message hi (sm) and (wv)!']);
    const byShortcut = new Map(arrived.map((e) => [e.shortcut, e.data]));
    expect(byShortcut.get('(sm)')?.equals(smile)).toBe(true);
    expect(byShortcut.get('(wv)')?.equals(wave)).toBe(true);
    expect(arrived.every((e) => e.from === 'alice@example.com' && e.conversationId !== '')).toBe(true);
  });
});

describe('custom emoticon announcements that cannot be sent', () => {
  it('are refused before anything is queued', async () => {
    const alice = await peer(server, 'alice', 12);
    const conversation = alice.client.conversations.open('bob@example.com');
    const xml = buildMsnObject({ creator: 'alice@example.com', data: randomBytes(10), type: 2 }).xml;
    const many = Array.from({ length: 12 }, (_, i) => ({ shortcut: `(e${i})`, msnObject: xml }));
    expect(() => alice.client.conversations.send(conversation, 'hi', DEFAULT_FORMAT, { emoticons: many })).toThrow(
      'Too many custom emoticons in one message',
    );
    expect(() =>
      alice.client.conversations.send(conversation, 'hi', DEFAULT_FORMAT, {
        emoticons: [{ shortcut: 'far too long', msnObject: xml }],
      }),
    ).toThrow(/not an emoticon shortcut/);
  });
});
