// The content-addressed cache of MSN objects (display pictures and custom emoticons): one file
// per object in the app's data folder, named by the SHA-1 of its bytes, which is the object's
// SHA1D. A file is checked when it is written and again every time it is read, so a corrupt or
// tampered file is discarded (and fetched again by whoever asked) instead of being shown.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha1d as sha1dOfBytes } from '../../msnp/p2p/msnobj';
import { inspectImage, type ImageInfo } from './image';

/** SHA1D is base64 of the 20-byte SHA-1 digest: 27 characters and one `=`. */
const SHA1D_PATTERN = /^[A-Za-z0-9+/]{27}=$/;

export function isSha1d(value: string): boolean {
  return SHA1D_PATTERN.test(value);
}

/** The hex form names files and URLs: base64's `/` and `+` fit neither. */
export function sha1dToHex(sha1d: string): string {
  if (!isSha1d(sha1d)) throw new Error(`Not a SHA1D: ${sha1d}`);
  return Buffer.from(sha1d, 'base64').toString('hex');
}

export function hexToSha1d(hex: string): string | undefined {
  return /^[0-9a-f]{40}$/.test(hex) ? Buffer.from(hex, 'hex').toString('base64') : undefined;
}

export class HashMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`The object's bytes hash to ${actual}, not the announced ${expected}.`);
    this.name = 'HashMismatchError';
  }
}

export interface StoredObject extends ImageInfo {
  readonly sha1d: string;
  readonly bytes: Buffer;
}

export class ObjectStore {
  constructor(private readonly dir: string) {}

  private file(sha1d: string): string {
    return join(this.dir, sha1dToHex(sha1d));
  }

  /**
   * Stores an image after checking it is one we may show and, when the caller knows which
   * object it asked for, that the bytes are that object. Returns the object's SHA1D.
   */
  async put(bytes: Uint8Array, expectedSha1d?: string): Promise<StoredObject> {
    const sha1d = sha1dOfBytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (expectedSha1d !== undefined && sha1d !== expectedSha1d) throw new HashMismatchError(expectedSha1d, sha1d);
    const info = inspectImage(bytes);
    await mkdir(this.dir, { recursive: true });
    const target = this.file(sha1d);
    // Written aside and renamed, so a reader never sees half a file under the final name.
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, target);
    return { ...info, sha1d, bytes: Buffer.from(bytes) };
  }

  /** The object, verified; undefined when it is missing or its file no longer matches its name. */
  async get(sha1d: string): Promise<StoredObject | undefined> {
    if (!isSha1d(sha1d)) return undefined;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file(sha1d));
    } catch {
      return undefined;
    }
    try {
      const actual = sha1dOfBytes(bytes);
      if (actual !== sha1d) throw new HashMismatchError(sha1d, actual);
      return { ...inspectImage(bytes), sha1d, bytes };
    } catch {
      await rm(this.file(sha1d), { force: true });
      return undefined;
    }
  }
}
