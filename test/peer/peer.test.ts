// Two independent test peers talking P2P v1 through the reference server.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../server/index';
import { MSNC5, TestPeer, type FileDecision, type PeerOptions } from './peer';

const ACCOUNTS = [
  { email: 'alice@example.com', password: 'alice-pw', displayName: 'Alice', contacts: ['bob@example.com'] },
  { email: 'bob@example.com', password: 'bob-pw', displayName: 'Bob', contacts: ['alice@example.com'] },
];
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let server: RunningServer;
let dir: string;
const peers: TestPeer[] = [];

beforeAll(async () => {
  // Challenges on and frequent: a wrong QRY answer would get a peer disconnected mid-test.
  server = await startServer({ accounts: ACCOUNTS, challenges: true, challengeIntervalMs: 1000 });
  dir = await mkdtemp(join(tmpdir(), 'p2p-peer-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  const done = peers.splice(0);
  const errors = done.map((p) => [p.email, p.errors]);
  for (const p of done) await p.close();
  expect(errors, 'P2P errors').toEqual(done.map((p) => [p.email, []]));
});

async function signIn(email: string, options: Partial<PeerOptions> = {}): Promise<TestPeer> {
  const password = ACCOUNTS.find((a) => a.email === email)?.password ?? '';
  const peer = await TestPeer.signIn(server, { email, password, ...options });
  peers.push(peer);
  return peer;
}

async function folder(name: string): Promise<string> {
  const d = join(dir, name);
  await rm(d, { recursive: true, force: true });
  await mkdir(d);
  return d;
}

describe('two test peers through the reference server', () => {
  it('advertise pictures in CHG and fetch them from each other (MSNP12 ↔ MSNP9)', async () => {
    const alicePicture = randomBytes(27_817);
    const bobPicture = randomBytes(1202 * 3);
    const alice = await signIn('alice@example.com', { dialect: 12, picture: alicePicture });
    const bob = await signIn('bob@example.com', { dialect: 9, picture: bobPicture });

    const seenByBob = await bob.waitForContact('alice@example.com', (p) => p.msnObject !== undefined);
    expect(seenByBob.msnObject).toBe(alice.msnObject);
    expect(seenByBob.clientId).toBe(MSNC5);
    const seenByAlice = await alice.waitForContact('bob@example.com', (p) => p.msnObject !== undefined);
    expect(seenByAlice.msnObject).toBe(bob.msnObject);

    // Both answered the server's challenge (MSNP12: the MSNP11 algorithm; MSNP9: MD5).
    await vi.waitFor(() => expect(Math.min(alice.challengesPassed, bob.challengesPassed)).toBeGreaterThan(0));
    expect(alice.signedIn && bob.signedIn).toBe(true);

    expect((await bob.fetchPicture('alice@example.com')).equals(alicePicture)).toBe(true);
    expect(await alice.nextEvent('picture-served')).toMatchObject({ to: 'bob@example.com', bytes: 27_817 });
    expect((await alice.fetchPicture('bob@example.com')).equals(bobPicture)).toBe(true);

    // A changed picture: the old object is refused with 603, the new one is served.
    const old = alice.msnObject ?? '';
    const next = randomBytes(500);
    await alice.setPicture(next);
    await bob.waitForContact('alice@example.com', (p) => p.msnObject === alice.msnObject);
    await expect(bob.fetchPicture('alice@example.com', old)).rejects.toThrow(/603/);
    expect(await alice.nextEvent('picture-refused')).toMatchObject({ to: 'bob@example.com' });
    expect((await bob.fetchPicture('alice@example.com')).equals(next)).toBe(true);
  });

  it('announces custom emoticons before the text and serves them', async () => {
    const alice = await signIn('alice@example.com');
    const bob = await signIn('bob@example.com', { dialect: 10 });
    const hi = randomBytes(2048);
    const xml = alice.publishObject(hi, { friendly: 'hi' });
    expect(xml).toContain('Type="2"');
    expect(xml).toContain('Friendly="aABpAAAA"');
    await alice.sendText('bob@example.com', 'say (hi)!', { '(hi)': xml });
    const text = await bob.nextEvent('text');
    expect(text.text).toBe('say (hi)!');
    const announced = await bob.nextEvent('emoticons');
    expect(announced.items).toEqual([{ shortcut: '(hi)', msnObject: xml }]);
    expect(bob.events.indexOf(announced)).toBeLessThan(bob.events.indexOf(text));
    expect((await bob.fetchObject('alice@example.com', xml)).equals(hi)).toBe(true);
  });

  it('sends a 5 MB file that arrives with the same SHA-256, while text goes both ways', async () => {
    const alice = await signIn('alice@example.com');
    const bob = await signIn('bob@example.com', { dialect: 11 });
    const inbox = await folder('inbox');
    bob.acceptFiles(inbox);
    const data = randomBytes(5 * 1024 * 1024);
    const path = join(dir, 'big.bin');
    await writeFile(path, data);

    const sending = alice.sendFile('bob@example.com', path);
    await alice.sendText('bob@example.com', 'here it comes');
    expect(await bob.nextEvent('text')).toMatchObject({ from: 'alice@example.com', text: 'here it comes' });
    await bob.sendText('alice@example.com', 'thanks ☺');
    expect(await alice.nextEvent('text')).toMatchObject({ from: 'bob@example.com', text: 'thanks ☺' });

    expect(await sending).toEqual({ accepted: true, completed: true, bytes: data.length });
    const got = await bob.nextEvent('file-received');
    expect(got).toMatchObject({ from: 'alice@example.com', name: 'big.bin', bytes: data.length });
    expect(sha256(await readFile(got.file))).toBe(sha256(data));
    expect(await readdir(inbox)).toEqual(['big.bin']);

    // Never overwrites: the same name again lands next to it.
    await writeFile(path, 'second');
    expect(await alice.sendFile('bob@example.com', path)).toMatchObject({ completed: true, bytes: 6 });
    expect((await bob.nextEvent('file-received')).file).toBe(join(inbox, 'big (1).bin'));
  });

  it('runs three transfers one way and one the other way at once, with pictures fetched meanwhile', async () => {
    const alicePicture = randomBytes(40_000);
    const alice = await signIn('alice@example.com', { picture: alicePicture });
    const bob = await signIn('bob@example.com', { dialect: 9 });
    const bobInbox = await folder('bob-many');
    const aliceInbox = await folder('alice-many');
    bob.acceptFiles(bobInbox);
    alice.acceptFiles(aliceInbox);
    const files = await Promise.all(
      ['one.bin', 'two.bin', 'three.bin', 'back.bin'].map(async (name, i) => {
        const data = randomBytes(700_000 + i * 12_345);
        await writeFile(join(dir, name), data);
        return { name, data };
      }),
    );
    await bob.waitForContact('alice@example.com', (p) => p.msnObject !== undefined);
    const results = await Promise.all([
      ...files.slice(0, 3).map((f) => alice.sendFile('bob@example.com', join(dir, f.name))),
      bob.sendFile('alice@example.com', join(dir, 'back.bin')),
      bob.fetchPicture('alice@example.com'),
      bob.sendText('alice@example.com', 'still here'),
    ]);
    expect(results.slice(0, 4).map((r) => (r as { completed: boolean }).completed)).toEqual([true, true, true, true]);
    expect((results[4] as Buffer).equals(alicePicture)).toBe(true);
    for (const f of files) {
      const receiver = f.name === 'back.bin' ? alice : bob;
      const got = await receiver.nextEvent('file-received', (e) => e.name === f.name);
      expect(sha256(await readFile(got.file)), f.name).toBe(sha256(f.data));
    }
    expect((await alice.nextEvent('text')).text).toBe('still here');
  });

  it('reports a declined file on both sides', async () => {
    const alice = await signIn('alice@example.com');
    const bob = await signIn('bob@example.com');
    bob.declineFiles();
    const path = join(dir, 'nope.txt');
    await writeFile(path, 'no thanks');
    expect(await alice.sendFile('bob@example.com', path)).toEqual({
      accepted: false,
      completed: false,
      bytes: 0,
      reason: 'declined',
    });
    expect(await bob.nextEvent('file-offer')).toMatchObject({ name: 'nope.txt', size: 9, accepted: false });
  });

  it('lets the receiver decide later, and the sender withdraw an offer not yet answered', async () => {
    const alice = await signIn('alice@example.com');
    const bob = await signIn('bob@example.com');
    const inbox = await folder('later');
    const path = join(dir, 'later.txt');
    await writeFile(path, 'worth the wait');
    let offered!: () => void;
    const seen = new Promise<void>((r) => (offered = r));
    let decide!: (d: FileDecision) => void;
    bob.onFileOffer(() => {
      offered();
      return new Promise((r) => (decide = r));
    });
    const abort = new AbortController();
    const withdrawn = alice.sendFile('bob@example.com', path, { signal: abort.signal });
    await seen;
    abort.abort();
    expect(await withdrawn).toEqual({ accepted: false, completed: false, bytes: 0, reason: 'cancelled by sender' });
    expect(await bob.nextEvent('file-cancelled')).toMatchObject({ name: 'later.txt', by: 'sender', bytes: 0 });
    // Deciding after the withdrawal changes nothing.
    decide({ accept: true, dir: inbox });

    bob.onFileOffer(async () => ({ accept: true, dir: inbox }));
    expect(await alice.sendFile('bob@example.com', path)).toMatchObject({ completed: true, bytes: 14 });
    expect((await bob.nextEvent('file-received')).file).toBe(join(inbox, 'later.txt'));
    expect(bob.events.filter((e) => e.type === 'file-offer').map((e) => e.type === 'file-offer' && e.accepted)).toEqual(
      [true],
    );
  });

  it('cancels mid-transfer from the sender and from the receiver, leaving no partial file', async () => {
    const alice = await signIn('alice@example.com');
    const bob = await signIn('bob@example.com');
    const inbox = await folder('cancelled');
    bob.acceptFiles(inbox);
    const path = join(dir, 'cancel.bin');
    await writeFile(path, randomBytes(3 * 1024 * 1024));

    const bySender = await alice.sendFile('bob@example.com', path, { cancelAfterBytes: 600_000 });
    expect(bySender).toMatchObject({ accepted: true, completed: false, reason: 'cancelled by sender' });
    expect(bySender.bytes).toBeGreaterThanOrEqual(600_000);
    expect(bySender.bytes).toBeLessThan(3 * 1024 * 1024);
    expect(await bob.nextEvent('file-cancelled')).toMatchObject({ name: 'cancel.bin', by: 'sender' });

    bob.acceptFiles(inbox, { cancelAfterBytes: 500_000 });
    const byReceiver = await alice.sendFile('bob@example.com', path);
    expect(byReceiver).toMatchObject({ accepted: true, completed: false, reason: 'cancelled by receiver' });
    expect(byReceiver.bytes).toBeLessThan(3 * 1024 * 1024);
    const cancelled = await bob.nextEvent('file-cancelled', (e) => e.by === 'receiver');
    expect(cancelled.bytes).toBeGreaterThanOrEqual(500_000);

    // The partial files are gone once the discards have run.
    await vi.waitFor(async () => expect(await readdir(inbox)).toEqual([]), { timeout: 5000 });
  });

  it('fails a transfer on both sides when the switchboard closes mid-way', async () => {
    const alice = await signIn('alice@example.com');
    const bob = await signIn('bob@example.com');
    const inbox = await folder('closed');
    const path = join(dir, 'closed.bin');
    await writeFile(path, randomBytes(3 * 1024 * 1024));
    bob.onFileOffer(() => {
      // Right after the 200 OK has been written.
      setImmediate(() => bob.closeSwitchboards());
      return { accept: true, dir: inbox };
    });
    await expect(alice.sendFile('bob@example.com', path)).rejects.toThrow(/bob@example.com left the switchboard/);
    expect(await bob.nextEvent('file-failed')).toMatchObject({
      name: 'closed.bin',
      reason: expect.stringMatching(/switchboard closed/),
    });
    await vi.waitFor(async () => expect(await readdir(inbox)).toEqual([]), { timeout: 5000 });
    // What was in flight when Bob left was NAKed by the server; nothing else went wrong.
    expect(alice.takeErrors().filter((m) => !/not delivered \(NAK\)/.test(m))).toEqual([]);
    // A new conversation works as before.
    bob.acceptFiles(inbox);
    expect(await alice.sendFile('bob@example.com', path)).toMatchObject({ completed: true });
  });
});

describe('test peer sign-in', () => {
  it('signs in at MSNP8 through a Passport redirect and chats, but refuses P2P there', async () => {
    const redirecting = await startServer({ accounts: ACCOUNTS, passportRedirect: true });
    try {
      const alice = await TestPeer.signIn(redirecting, {
        email: 'alice@example.com',
        password: 'alice-pw',
        dialect: 8,
      });
      const bob = await TestPeer.signIn(redirecting, { email: 'bob@example.com', password: 'bob-pw', dialect: 10 });
      expect((await bob.waitForContact('alice@example.com')).msnObject).toBeUndefined();
      await alice.sendText('bob@example.com', 'MSNP8 here');
      expect((await bob.nextEvent('text')).text).toBe('MSNP8 here');
      await expect(alice.sendFile('bob@example.com', join(dir, 'x'))).rejects.toThrow(/MSNP9/);
      await alice.close();
      await bob.close();
    } finally {
      await redirecting.close();
    }
  });

  it('reports a wrong password', async () => {
    await expect(TestPeer.signIn(server, { email: 'alice@example.com', password: 'nope' })).rejects.toThrow(
      /wrong e-mail or password/,
    );
  });
});
