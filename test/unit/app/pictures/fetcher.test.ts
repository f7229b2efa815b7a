import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PictureFetcher, type PictureRequest } from '../../../../src/main/app/pictures/fetcher';
import { ObjectStore, sha1dOf, sha1dToHex } from '../../../../src/main/app/pictures/store';

function gif(n: number): Buffer {
  const head = Buffer.from('GIF89a\0\0\0\0\0\0\0', 'latin1');
  head.writeUInt16LE(n, 6);
  head.writeUInt16LE(n, 8);
  return Buffer.concat([head, Buffer.from([0x3b])]);
}

/** Timers the test fires by hand, with the delays asked for. */
function manualTimers() {
  const pending: { callback: () => void; ms: number }[] = [];
  return {
    pending,
    timers: {
      setTimeout: (callback: () => void, ms: number) => {
        const entry = { callback, ms };
        pending.push(entry);
        return entry;
      },
      clearTimeout: (handle: unknown) => {
        const at = pending.indexOf(handle as (typeof pending)[number]);
        if (at >= 0) pending.splice(at, 1);
      },
    },
    fire() {
      const next = pending.shift();
      next?.callback();
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('PictureFetcher', () => {
  let dir: string;
  let store: ObjectStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'revival-fetcher-'));
    store = new ObjectStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const request = (email: string, bytes: Buffer): PictureRequest => ({
    email,
    sha1d: sha1dOf(bytes),
    msnObject: `<msnobj Creator="${email}" SHA1D="${sha1dOf(bytes)}"/>`,
  });

  it('asks once per object however many contacts use it, and reports it for all of them', async () => {
    const picture = gif(20);
    const asked: string[] = [];
    const ready: [string, readonly string[]][] = [];
    const fetcher = new PictureFetcher({
      store,
      download: async (r) => {
        asked.push(r.email);
        await settle();
        return picture;
      },
      ready: (sha1d, emails) => ready.push([sha1d, emails]),
    });
    fetcher.want(request('a@example.com', picture));
    fetcher.want(request('b@example.com', picture));
    await settle();
    await settle();
    expect(asked).toHaveLength(1);
    expect(ready).toEqual([[sha1dOf(picture), ['a@example.com', 'b@example.com']]]);
    expect((await store.get(sha1dOf(picture)))?.bytes.equals(picture)).toBe(true);
  });

  it('does not download what the cache already holds', async () => {
    const picture = gif(21);
    await store.put(picture);
    let asked = 0;
    const ready: string[] = [];
    const fetcher = new PictureFetcher({
      store,
      download: () => {
        asked += 1;
        return Promise.resolve(picture);
      },
      ready: (sha1d) => ready.push(sha1d),
    });
    fetcher.want(request('a@example.com', picture));
    await settle();
    expect(asked).toBe(0);
    expect(ready).toEqual([sha1dOf(picture)]);
  });

  it('runs at most a few downloads at once', async () => {
    let running = 0;
    let most = 0;
    const fetcher = new PictureFetcher({
      store,
      concurrency: 3,
      download: async (r) => {
        running += 1;
        most = Math.max(most, running);
        await settle();
        running -= 1;
        return gif(Number(r.email.slice(1, 3)));
      },
      ready: () => {},
    });
    for (let i = 10; i < 30; i++) fetcher.want(request(`c${i}@example.com`, gif(i)));
    for (let i = 0; i < 12; i++) await settle();
    expect(most).toBe(3);
  });

  it('retries a corrupt or failed download after growing pauses, then gives up', async () => {
    const picture = gif(22);
    const clock = manualTimers();
    const answers = [() => Promise.resolve(gif(23)), () => Promise.reject(new Error('The switchboard closed'))];
    const failed: string[] = [];
    const ready: string[] = [];
    const fetcher = new PictureFetcher({
      store,
      timers: clock.timers,
      retryDelaysMs: [100, 1000],
      download: () => (answers.shift() ?? (() => Promise.resolve(picture)))(),
      ready: (sha1d) => ready.push(sha1d),
      failed: (_sha1d, _emails, reason) => failed.push(reason),
    });
    fetcher.want(request('a@example.com', picture));
    await settle();
    // The first answer had the wrong bytes: it is not kept, and asked for again later.
    expect(await store.has(sha1dOf(gif(23)))).toBe(false);
    expect(clock.pending.map((p) => p.ms)).toEqual([100]);
    clock.fire();
    await settle();
    expect(clock.pending.map((p) => p.ms)).toEqual([1000]);
    clock.fire();
    await settle();
    expect(ready).toEqual([sha1dOf(picture)]);
    expect(failed).toEqual([]);

    const never = gif(24);
    const quitting = new PictureFetcher({
      store,
      timers: clock.timers,
      retryDelaysMs: [100],
      download: () => Promise.reject(new Error('Declined')),
      ready: () => {},
      failed: (_sha1d, emails, reason) => failed.push(`${emails.join()}: ${reason}`),
    });
    quitting.want(request('b@example.com', never));
    await settle();
    clock.fire();
    await settle();
    expect(failed).toEqual(['b@example.com: Declined']);
  });

  it('reports nothing after a sign-out', async () => {
    const picture = gif(25);
    const ready: string[] = [];
    let release: (bytes: Buffer) => void = () => {};
    const fetcher = new PictureFetcher({
      store,
      download: () => new Promise((resolve) => (release = resolve)),
      ready: (sha1d) => ready.push(sha1d),
    });
    fetcher.want(request('a@example.com', picture));
    await settle();
    fetcher.clear();
    release(picture);
    await settle();
    expect(ready).toEqual([]);
  });

  it('refetches a cached file that was damaged on disk', async () => {
    const picture = gif(26);
    await store.put(picture);
    writeFileSync(join(dir, sha1dToHex(sha1dOf(picture))), gif(27));
    let asked = 0;
    const fetcher = new PictureFetcher({
      store,
      download: () => {
        asked += 1;
        return Promise.resolve(picture);
      },
      ready: () => {},
    });
    fetcher.want(request('a@example.com', picture));
    await settle();
    await settle();
    expect(asked).toBe(1);
    expect(await store.has(sha1dOf(picture))).toBe(true);
  });
});
