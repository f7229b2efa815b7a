// Received files on disk: a peer-chosen name made safe, a name that never overwrites, and a sink
// that streams to `<name>.part` and renames only once the size is right.
import type { WriteStream } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';

const MAX_NAME_BYTES = 200;
const RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * A file name a contact sent, made safe to create in a folder on any OS: the last path component
 * only, no control characters or characters Windows forbids, no leading dots or spaces, no
 * trailing dots or spaces, no Windows reserved device names, at most 200 UTF-8 bytes (the
 * extension kept when it can be). Never empty.
 */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  let clean = base.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u2028\u2029]/g, '_');
  clean = clean.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (clean === '' || clean === '..') clean = 'file';
  const stem = clean.split('.')[0] ?? '';
  if (RESERVED.test(stem.trim())) clean = `_${clean}`;
  return truncateName(clean, MAX_NAME_BYTES);
}

/** Shortens a name to `max` UTF-8 bytes on a character boundary, keeping a short extension. */
function truncateName(name: string, max: number): string {
  if (Buffer.byteLength(name, 'utf8') <= max) return name;
  const ext = extname(name);
  const keepExt = Buffer.byteLength(ext, 'utf8') <= 20 ? ext : '';
  const stem = keepExt ? name.slice(0, -keepExt.length) : name;
  let out = '';
  const budget = max - Buffer.byteLength(keepExt, 'utf8');
  for (const ch of stem) {
    if (Buffer.byteLength(out + ch, 'utf8') > budget) break;
    out += ch;
  }
  return `${out.replace(/[.\s]+$/, '') || 'file'}${keepExt}`;
}

/** `name`, `name (1).ext`, `name (2).ext`, … — the n-th candidate, kept within the length limit. */
export function candidateName(name: string, n: number): string {
  if (n === 0) return name;
  const ext = extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  const suffix = ` (${n})${ext}`;
  return truncateName(stem, MAX_NAME_BYTES - Buffer.byteLength(suffix, 'utf8')) + suffix;
}

/** Where received bytes go: written in order, then finished (size checked) or aborted. */
export interface FileSink {
  write(chunk: Buffer): Promise<void>;
  /** Completes the file; rejects when the size differs. Resolves with where it ended up. */
  finish(expectedSize: number): Promise<string>;
  /** Discards what was written. */
  abort(): Promise<void>;
}

/**
 * A sink into `dir` for a peer-named file: streams to a fresh `<name>.part`, and on `finish`
 * links it to the first free `name`, `name (1).ext`, … so an existing file is never replaced,
 * even one created meanwhile.
 */
export async function createDownload(dir: string, peerName: string): Promise<FileSink> {
  const name = sanitizeFileName(peerName);
  let partPath = '';
  let handle;
  for (let n = 0; ; n++) {
    partPath = join(dir, `${candidateName(name, n)}.part`);
    try {
      handle = await open(partPath, 'wx');
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 9999) throw err;
    }
  }
  const stream: WriteStream = handle.createWriteStream();
  let written = 0;
  let failure: Error | undefined;
  stream.on('error', (err) => (failure ??= err));
  const closed = (): Promise<void> =>
    new Promise((resolve) => {
      if (stream.closed) resolve();
      else stream.end(() => resolve());
    });
  return {
    write(chunk) {
      if (failure) return Promise.reject(failure);
      written += chunk.length;
      return new Promise((resolve, reject) => {
        if (stream.write(chunk)) {
          resolve();
          return;
        }
        // Wait for room, or for the failure that means there will be none.
        const settle = (err?: Error): void => {
          stream.off('drain', settle);
          stream.off('error', settle);
          if (err) reject(err);
          else resolve();
        };
        stream.on('drain', settle);
        stream.on('error', settle);
      });
    },
    async finish(expectedSize) {
      await closed();
      if (failure) throw failure;
      if (written !== expectedSize) {
        await unlink(partPath).catch(() => {});
        throw new Error(`received ${written} bytes instead of ${expectedSize}`);
      }
      for (let n = 0; ; n++) {
        const target = join(dir, candidateName(name, n));
        try {
          // A hard link fails if the target exists, unlike rename: nothing is ever overwritten.
          await link(partPath, target);
          await unlink(partPath);
          return target;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EEXIST' && n < 9999) continue;
          if (code === 'EEXIST') throw err;
          // File systems without hard links: take the name only if it is still free.
          if (!(await exists(target))) {
            await rename(partPath, target);
            return target;
          }
        }
      }
    },
    async abort() {
      await closed();
      await unlink(partPath).catch(() => {});
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}
