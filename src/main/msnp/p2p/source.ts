// Files to send: their name, size and bytes as a stream read a little at a time.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { ChunkSource } from './transport';

/** A file offered to a contact; `open` is called once, when they accept. */
export interface FileSource {
  readonly name: string;
  readonly size: number;
  open(): Readable;
  /** A PNG thumbnail (≤ 96×96) to show with the invitation. */
  readonly preview?: Buffer;
}

/** A file on disk, by path. */
export async function fileSource(path: string, preview?: Buffer): Promise<FileSource> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a file`);
  return {
    name: basename(path),
    size: info.size,
    open: () => createReadStream(path, { highWaterMark: 64 * 1024 }),
    ...(preview ? { preview } : {}),
  };
}

/** Reads a stream in paused mode, so at most its high-water mark is ever buffered. */
export function readableSource(readable: Readable): ChunkSource {
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  readable.on('readable', () => wake?.());
  readable.on('end', () => {
    ended = true;
    wake?.();
  });
  readable.on('error', (err) => {
    failure = err;
    wake?.();
  });
  return {
    read(max) {
      if (failure) throw failure;
      const chunk = readable.read(max) as Buffer | null;
      if (!chunk) return ended ? undefined : null;
      // An object-mode stream hands out whole objects, whatever was asked for.
      if (chunk.length <= max) return chunk;
      readable.unshift(chunk.subarray(max));
      return chunk.subarray(0, max);
    },
    onReadable(listener) {
      wake = listener;
    },
    close() {
      wake = undefined;
      readable.destroy();
    },
  };
}
