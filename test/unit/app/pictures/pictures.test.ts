import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../../src/main/app/security';
import { ImageError, inspectImage, MAX_IMAGE_BYTES } from '../../../../src/main/app/pictures/image';
import { pictureRequestSha1d, servePicture } from '../../../../src/main/app/pictures/scheme';
import { HashMismatchError, hexToSha1d, ObjectStore, sha1dToHex } from '../../../../src/main/app/pictures/store';
import { pictureUrl } from '../../../../src/shared/pictures';
import { sha1d as sha1dOf } from '../../../../src/main/msnp/p2p/msnobj';

/** A real, decodable PNG: one IHDR, one IDAT of a grey square, IEND. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc(Math.min(height, 64) * (Math.min(width, 64) + 1), 0x80);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function gif(width: number, height: number): Buffer {
  const head = Buffer.from('GIF89a\0\0\0\0\0\0\0', 'latin1');
  head.writeUInt16LE(width, 6);
  head.writeUInt16LE(height, 8);
  return Buffer.concat([head, Buffer.from([0x3b])]);
}

function bmp(width: number, height: number): Buffer {
  const data = Buffer.alloc(54);
  data.write('BM', 0, 'latin1');
  data.writeUInt32LE(54, 2);
  data.writeUInt32LE(40, 14);
  data.writeInt32LE(width, 18);
  data.writeInt32LE(height, 22);
  return data;
}

function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof = Buffer.from([0xff, 0xc2, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, Buffer.from([0xff, 0xff]), sof, Buffer.from([0xff, 0xd9])]);
}

function rejection(bytes: Buffer): string {
  try {
    inspectImage(bytes);
    return 'accepted';
  } catch (error) {
    return error instanceof ImageError ? error.reason : 'threw something else';
  }
}

describe('inspectImage', () => {
  it('tells the four formats by their first bytes, with their size', () => {
    expect(inspectImage(png(96, 96))).toEqual({ mime: 'image/png', width: 96, height: 96 });
    expect(inspectImage(gif(19, 19))).toEqual({ mime: 'image/gif', width: 19, height: 19 });
    expect(inspectImage(bmp(120, -90))).toEqual({ mime: 'image/bmp', width: 120, height: 90 });
    expect(inspectImage(jpeg(640, 480))).toEqual({ mime: 'image/jpeg', width: 640, height: 480 });
  });

  it('refuses what is not one of them, whatever it claims to be', () => {
    expect(rejection(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('unknown-format');
    expect(rejection(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('unknown-format');
    expect(rejection(Buffer.alloc(0))).toBe('empty');
  });

  it('refuses pictures over 1 MB or over 4096 pixels a side', () => {
    expect(rejection(Buffer.concat([png(10, 10), Buffer.alloc(MAX_IMAGE_BYTES)]))).toBe('too-large');
    expect(rejection(png(4097, 10))).toBe('too-many-pixels');
    expect(rejection(gif(10, 65535))).toBe('too-many-pixels');
    expect(inspectImage(png(4096, 4096)).width).toBe(4096);
    expect(rejection(png(0, 10))).toBe('truncated');
  });

  it('refuses truncated headers instead of reading past the end', () => {
    expect(rejection(png(96, 96).subarray(0, 20))).toBe('truncated');
    expect(rejection(gif(1, 1).subarray(0, 8))).toBe('truncated');
    expect(rejection(bmp(1, 1).subarray(0, 20))).toBe('truncated');
    const picture = jpeg(1, 1);
    for (let cut = 3; cut < picture.length - 12; cut++) expect(rejection(picture.subarray(0, cut))).toBe('truncated');
  });

  it('never throws anything but an ImageError on random bytes', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
      // Start some with a real signature so the format parsers, not just the sniffing, see garbage.
      const prefixes = [
        png(1, 1).subarray(0, 8),
        Buffer.from('GIF89a'),
        Buffer.from('BM'),
        Buffer.from([0xff, 0xd8, 0xff]),
      ];
      const input = Buffer.concat([prefixes[i % 5] ?? Buffer.alloc(0), bytes]);
      expect(rejection(input)).not.toBe('threw something else');
    }
  });
});

describe('ObjectStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'revival-objects-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps an object under the hash of its bytes and gives it back', async () => {
    const store = new ObjectStore(join(dir, 'objects'));
    const bytes = png(96, 96);
    const stored = await store.put(bytes, sha1dOf(bytes));
    expect(stored.sha1d).toBe(sha1dOf(bytes));
    expect(readdirSync(join(dir, 'objects'))).toEqual([sha1dToHex(stored.sha1d)]);
    const again = await store.get(stored.sha1d);
    expect(again?.bytes.equals(bytes)).toBe(true);
    expect(again?.mime).toBe('image/png');
  });

  it('refuses bytes that are not the object asked for, and pictures it may not show', async () => {
    const store = new ObjectStore(dir);
    await expect(store.put(png(96, 96), sha1dOf(Buffer.from('other')))).rejects.toBeInstanceOf(HashMismatchError);
    await expect(store.put(Buffer.from('not a picture'))).rejects.toBeInstanceOf(ImageError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('discards a file that no longer matches its name, so the object is fetched again', async () => {
    const store = new ObjectStore(dir);
    const { sha1d } = await store.put(png(96, 96));
    writeFileSync(join(dir, sha1dToHex(sha1d)), png(95, 96));
    expect(await store.get(sha1d)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
    // A second read does not find it either: the file is gone, not just skipped once.
    expect(await store.get(sha1d)).toBeUndefined();
  });

  it('answers a malformed hash with nothing rather than a path', async () => {
    const store = new ObjectStore(dir);
    expect(await store.get('../../etc/passwd')).toBeUndefined();
    expect(() => sha1dToHex('../x')).toThrow();
    expect(hexToSha1d('../x')).toBeUndefined();
  });
});

describe('msn-picture scheme', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'revival-scheme-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a cached picture by its hash with the type its bytes say', async () => {
    const store = new ObjectStore(dir);
    const { sha1d } = await store.put(gif(19, 19));
    const url = pictureUrl(sha1dToHex(sha1d));
    expect(pictureRequestSha1d(url)).toBe(sha1d);
    expect(pictureRequestSha1d(`${url}/`)).toBe(sha1d);
    const response = await servePicture(store, 'GET', url);
    expect(response.status).toBe(200);
    expect(response.headers['Content-Type']).toBe('image/gif');
    expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(response.body?.equals(gif(19, 19))).toBe(true);
  });

  it('names nothing but a hash: no paths, queries, other schemes or methods', async () => {
    const store = new ObjectStore(dir);
    const { sha1d } = await store.put(gif(19, 19));
    const hex = sha1dToHex(sha1d);
    for (const url of [
      `msn-picture://${hex}/../secret`,
      `msn-picture://${hex}?x=1`,
      `msn-picture://${hex.toUpperCase()}`,
      `msn-picture://${hex.slice(1)}`,
      `file:///${hex}`,
      'msn-picture://',
      'not a url',
    ])
      expect(pictureRequestSha1d(url), url).toBeUndefined();
    expect((await servePicture(store, 'POST', pictureUrl(hex))).status).toBe(405);
    expect((await servePicture(store, 'GET', pictureUrl('0'.repeat(40)))).status).toBe(404);
  });

  it('is allowed as an image source, and for nothing else, by the pages’ policy', () => {
    const directives = CONTENT_SECURITY_POLICY.split('; ');
    expect(directives.filter((d) => d.includes('msn-picture:'))).toEqual(["img-src 'self' data: msn-picture:"]);
  });
});
