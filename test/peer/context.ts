// The binary file-transfer Context of an INVITE (P2P.md §4.4), little-endian.
import { P2PError } from './packet';

const V2_LENGTH = 574;
const NAME_OFFSET = 20;
const NAME_BYTES = 520;

export interface FileContext {
  readonly version: number;
  readonly size: bigint;
  /** 0 = a preview follows, 1 = none. */
  readonly type: number;
  /** As sent: not sanitised. */
  readonly name: string;
  readonly preview?: Buffer;
}

/** Version 2, 574 bytes, no preview: what every client accepts. */
export function encodeFileContext(name: string, size: bigint | number): Buffer {
  const b = Buffer.alloc(V2_LENGTH);
  b.writeUInt32LE(V2_LENGTH, 0);
  b.writeUInt32LE(2, 4);
  b.writeBigUInt64LE(BigInt(size), 8);
  b.writeUInt32LE(1, 16);
  const units = Buffer.from(name, 'utf16le');
  // 259 UTF-16 units at most, leaving room for the terminating NUL.
  units.copy(b, NAME_OFFSET, 0, Math.min(units.length, NAME_BYTES - 2) & ~1);
  b.writeUInt32LE(0xffffffff, 570);
  return b;
}

export function decodeFileContext(b: Buffer): FileContext {
  if (b.length < NAME_OFFSET + NAME_BYTES) throw new P2PError(`file context of ${b.length} bytes`);
  const headerLength = b.readUInt32LE(0);
  const type = b.readUInt32LE(16);
  const raw = b.subarray(NAME_OFFSET, NAME_OFFSET + NAME_BYTES);
  let end = 0;
  while (end + 1 < raw.length && (raw[end] !== 0 || raw[end + 1] !== 0)) end += 2;
  const preview = type === 0 && headerLength < b.length ? b.subarray(headerLength) : undefined;
  return {
    version: b.readUInt32LE(4),
    size: b.readBigUInt64LE(8),
    type,
    name: raw.toString('utf16le', 0, end),
    preview,
  };
}
