// The `Context` of an SLP INVITE (P2P.md §4.3, §4.4): base64 of an msnobj plus NUL for objects,
// base64 of a little-endian binary header (size, UTF-16LE name, optional preview) for files.

/** base64(xml + NUL) — the NUL is included when sending, as official clients do. */
export function encodeObjectContext(xml: string): string {
  return Buffer.concat([Buffer.from(xml, 'utf8'), Buffer.from([0])]).toString('base64');
}

/** The msnobj XML of an object Context, trailing NULs stripped; undefined when not base64 text. */
export function decodeObjectContext(context: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(context.trim())) return undefined;
  return Buffer.from(context.trim(), 'base64').toString('utf8').replace(/\0+$/, '');
}

const V2_LENGTH = 574;
const NAME_OFFSET = 20;
const NAME_BYTES = 520;
/** UTF-16 units that fit in the name field with its terminating NUL. */
const MAX_NAME_UNITS = NAME_BYTES / 2 - 1;

export interface FileContext {
  readonly size: number;
  readonly name: string;
  /** A PNG thumbnail (≤ 96×96) shown with the invitation, when the sender gave one. */
  readonly preview?: Buffer;
}

/** Version 2 (574 bytes), accepted by every client; type 0 with a preview, 1 without. */
export function encodeFileContext(file: FileContext): string {
  if (!Number.isSafeInteger(file.size) || file.size < 0) throw new RangeError(`not a file size: ${file.size}`);
  const header = Buffer.alloc(V2_LENGTH);
  header.writeUInt32LE(V2_LENGTH, 0);
  header.writeUInt32LE(2, 4);
  header.writeBigUInt64LE(BigInt(file.size), 8);
  header.writeUInt32LE(file.preview ? 0 : 1, 16);
  const units = [...file.name];
  let name = '';
  for (const ch of units) {
    if (name.length + ch.length > MAX_NAME_UNITS) break;
    name += ch;
  }
  header.write(name, NAME_OFFSET, 'utf16le');
  header.writeUInt32LE(0xffffffff, 570);
  return Buffer.concat([header, file.preview ?? Buffer.alloc(0)]).toString('base64');
}

export type FileContextResult =
  { readonly ok: true; readonly file: FileContext } | { readonly ok: false; readonly error: string };

/** Reads a version 2 (574) or 3 (638) context, or any header length ≥ 574 the sender declares. */
export function decodeFileContext(context: string): FileContextResult {
  if (!/^[A-Za-z0-9+/\s]*={0,2}$/.test(context)) return { ok: false, error: 'the file context is not base64' };
  const bytes = Buffer.from(context, 'base64');
  if (bytes.length < V2_LENGTH) return { ok: false, error: 'the file context is too short' };
  const headerLength = bytes.readUInt32LE(0);
  if (headerLength < V2_LENGTH || headerLength > bytes.length) {
    return { ok: false, error: `the file context declares ${headerLength} header bytes` };
  }
  const size = bytes.readBigUInt64LE(8);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, error: 'the file size is out of range' };
  const type = bytes.readUInt32LE(16);
  const raw = bytes.toString('utf16le', NAME_OFFSET, NAME_OFFSET + NAME_BYTES);
  const nul = raw.indexOf('\0');
  const name = nul < 0 ? raw : raw.slice(0, nul);
  const preview = type === 0 && bytes.length > headerLength ? Buffer.from(bytes.subarray(headerLength)) : undefined;
  return { ok: true, file: { size: Number(size), name, ...(preview ? { preview } : {}) } };
}
