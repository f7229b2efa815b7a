// What a picture from a contact may be before anything shows it: one of four formats, told by
// its first bytes (never by a name or a type a contact chose), small enough to decode safely.
// Only the header is read here; the renderer's <img> decodes the rest, and only bytes that
// passed this check ever reach it.

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/bmp';

export interface ImageInfo {
  readonly mime: ImageMime;
  readonly width: number;
  readonly height: number;
}

export const MAX_IMAGE_BYTES = 1024 * 1024;
export const MAX_IMAGE_SIDE = 4096;

export type ImageRejection = 'empty' | 'too-large' | 'unknown-format' | 'truncated' | 'too-many-pixels';

export class ImageError extends Error {
  constructor(
    readonly reason: ImageRejection,
    message: string,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The format and size of an image, or an `ImageError` saying why it may not be shown. */
export function inspectImage(bytes: Uint8Array): ImageInfo {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length === 0) throw new ImageError('empty', 'The picture is empty.');
  if (data.length > MAX_IMAGE_BYTES)
    throw new ImageError('too-large', `The picture is larger than ${MAX_IMAGE_BYTES / 1024} KB.`);
  const info = pngInfo(data) ?? gifInfo(data) ?? bmpInfo(data) ?? jpegInfo(data);
  if (!info) throw new ImageError('unknown-format', 'The picture is not a PNG, JPEG, GIF or BMP image.');
  if (info.width < 1 || info.height < 1) throw new ImageError('truncated', 'The picture has no pixels.');
  if (info.width > MAX_IMAGE_SIDE || info.height > MAX_IMAGE_SIDE)
    throw new ImageError(
      'too-many-pixels',
      `The picture is ${info.width}×${info.height}; at most ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE} is shown.`,
    );
  return info;
}

function truncated(): never {
  throw new ImageError('truncated', 'The picture ends before its header does.');
}

function pngInfo(data: Buffer): ImageInfo | undefined {
  if (!data.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  // The first chunk must be IHDR: length 13, then width and height as big-endian 32-bit numbers.
  if (data.length < 24) truncated();
  if (data.toString('latin1', 12, 16) !== 'IHDR') throw new ImageError('truncated', 'The PNG has no header chunk.');
  return { mime: 'image/png', width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function gifInfo(data: Buffer): ImageInfo | undefined {
  const magic = data.toString('latin1', 0, 6);
  if (magic !== 'GIF87a' && magic !== 'GIF89a') return undefined;
  if (data.length < 10) truncated();
  return { mime: 'image/gif', width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
}

function bmpInfo(data: Buffer): ImageInfo | undefined {
  if (data.toString('latin1', 0, 2) !== 'BM') return undefined;
  if (data.length < 26) truncated();
  // BITMAPINFOHEADER and its successors: signed 32-bit width and height (negative height: top-down).
  return { mime: 'image/bmp', width: Math.abs(data.readInt32LE(18)), height: Math.abs(data.readInt32LE(22)) };
}

function jpegInfo(data: Buffer): ImageInfo | undefined {
  if (data.length < 3 || data[0] !== 0xff || data[1] !== 0xd8 || data[2] !== 0xff) return undefined;
  // Walk the marker segments to the first start-of-frame, which holds the size.
  let at = 2;
  for (;;) {
    if (at + 4 > data.length) truncated();
    if (data[at] !== 0xff) throw new ImageError('truncated', 'The JPEG has a broken segment.');
    const marker = data[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const length = data.readUInt16BE(at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > data.length) truncated();
      return { mime: 'image/jpeg', height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7) };
    }
    if (marker === 0xd9 || marker === 0xda || length < 2)
      throw new ImageError('truncated', 'The JPEG has no frame header.');
    at += 2 + length;
  }
}
