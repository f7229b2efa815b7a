// MSNP2P v1 transport packets (P2P.md §3): a 48-byte little-endian header, up to 1202 payload
// bytes and a 4-byte big-endian footer. 64-bit fields are read as numbers and refused above
// Number.MAX_SAFE_INTEGER, so arithmetic on them is exact.

export const HEADER_BYTES = 48;
export const FOOTER_BYTES = 4;
/** Payload bytes per packet on a switchboard (P2P.md §3.1). */
export const CHUNK_BYTES = 1202;

export const Flags = {
  NONE: 0x0,
  NAK: 0x1,
  ACK: 0x2,
  WAITING: 0x4,
  ERROR: 0x8,
  DATA: 0x20,
  CLOSE: 0x40,
  TRANSPORT_ERROR: 0x80,
  WLM: 0x01000000,
  FILE_DATA: 0x01000030,
} as const;

export const Footer = { SLP: 0, OBJECT: 1, FILE: 2, EMOTICON: 11, PICTURE: 12 } as const;

export interface P2PHeader {
  readonly sessionId: number;
  readonly identifier: number;
  readonly offset: number;
  readonly totalSize: number;
  readonly length: number;
  readonly flags: number;
  readonly ackIdentifier: number;
  readonly ackUniqueId: number;
  readonly ackDataSize: number;
}

export interface P2PPacket {
  readonly header: P2PHeader;
  readonly payload: Buffer;
  readonly footer: number;
}

export type PacketError = 'too-short' | 'length-mismatch' | 'too-large' | 'offset-beyond-total' | 'number-too-large';

export type DecodeResult =
  { readonly ok: true; readonly packet: P2PPacket } | { readonly ok: false; readonly error: PacketError };

/**
 * Encodes one packet, after `prefix` (the MIME header block) when given, in one allocation.
 * Throws a RangeError for values that do not fit their fields.
 */
export function encodePacket(
  header: P2PHeader,
  payload: Buffer = Buffer.alloc(0),
  footer = 0,
  prefix: Buffer = Buffer.alloc(0),
): Buffer {
  if (payload.length !== header.length) throw new RangeError('payload length differs from the header');
  const buf = Buffer.allocUnsafe(prefix.length + HEADER_BYTES + payload.length + FOOTER_BYTES);
  prefix.copy(buf, 0);
  const at = prefix.length;
  buf.writeUInt32LE(header.sessionId, at);
  buf.writeUInt32LE(header.identifier, at + 4);
  writeU64(buf, header.offset, at + 8);
  writeU64(buf, header.totalSize, at + 16);
  buf.writeUInt32LE(header.length, at + 24);
  buf.writeUInt32LE(header.flags >>> 0, at + 28);
  buf.writeUInt32LE(header.ackIdentifier >>> 0, at + 32);
  buf.writeUInt32LE(header.ackUniqueId >>> 0, at + 36);
  writeU64(buf, header.ackDataSize, at + 40);
  payload.copy(buf, at + HEADER_BYTES);
  buf.writeUInt32BE(footer >>> 0, at + HEADER_BYTES + payload.length);
  return buf;
}

const TWO_32 = 0x100000000;
/** The high word of Number.MAX_SAFE_INTEGER (2^53 − 1). */
const MAX_SAFE_HIGH = 0x1fffff;

// Two 32-bit halves rather than BigInt: this runs for every packet of a transfer.
function writeU64(buf: Buffer, value: number, at: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a 64-bit size: ${value}`);
  buf.writeUInt32LE(value % TWO_32, at);
  buf.writeUInt32LE(Math.floor(value / TWO_32), at + 4);
}

function readU64(buf: Buffer, at: number): number | undefined {
  const high = buf.readUInt32LE(at + 4);
  return high > MAX_SAFE_HIGH ? undefined : high * TWO_32 + buf.readUInt32LE(at);
}

/**
 * Decodes the binary part of a P2P message (header + payload + footer). Never throws: a packet
 * whose lengths disagree, whose chunk lies beyond its total, or whose sizes are not exact numbers
 * is reported as an error.
 */
export function decodePacket(bin: Buffer, maxChunk = 64 * 1024): DecodeResult {
  if (bin.length < HEADER_BYTES + FOOTER_BYTES) return { ok: false, error: 'too-short' };
  const offset = readU64(bin, 8);
  const totalSize = readU64(bin, 16);
  const ackDataSize = readU64(bin, 40);
  if (offset === undefined || totalSize === undefined || ackDataSize === undefined) {
    return { ok: false, error: 'number-too-large' };
  }
  const length = bin.readUInt32LE(24);
  if (length > maxChunk) return { ok: false, error: 'too-large' };
  if (HEADER_BYTES + length + FOOTER_BYTES !== bin.length) return { ok: false, error: 'length-mismatch' };
  if (offset + length > totalSize) return { ok: false, error: 'offset-beyond-total' };
  const header: P2PHeader = {
    sessionId: bin.readUInt32LE(0),
    identifier: bin.readUInt32LE(4),
    offset,
    totalSize,
    length,
    flags: bin.readUInt32LE(28),
    ackIdentifier: bin.readUInt32LE(32),
    ackUniqueId: bin.readUInt32LE(36),
    ackDataSize,
  };
  return {
    ok: true,
    packet: {
      header,
      payload: bin.subarray(HEADER_BYTES, HEADER_BYTES + length),
      footer: bin.readUInt32BE(HEADER_BYTES + length),
    },
  };
}

/** What a received packet is, per the classification of P2P.md §3.3. */
export type PacketKind = 'ack' | 'abort' | 'data' | 'message' | 'other';

export function classify(flags: number): PacketKind {
  if (flags === Flags.ACK) return 'ack';
  if ((flags & (Flags.CLOSE | Flags.TRANSPORT_ERROR | Flags.ERROR)) !== 0) return 'abort';
  if (flags === Flags.DATA || flags === (Flags.WLM | Flags.DATA) || flags === Flags.FILE_DATA) return 'data';
  if (flags === Flags.NONE || flags === Flags.WLM) return 'message';
  return 'other';
}

/** Whether the whole message needs one P2P ack after its last byte. */
export function needsAck(flags: number): boolean {
  const kind = classify(flags);
  return kind === 'data' || kind === 'message';
}

/** The ack of a complete message (P2P.md §3.5); `identifier` is the acker's own next identifier. */
export function ackFor(acked: P2PHeader, identifier: number, prefix?: Buffer): Buffer {
  return encodePacket(
    {
      sessionId: acked.sessionId,
      identifier,
      offset: 0,
      totalSize: acked.totalSize,
      length: 0,
      flags: Flags.ACK,
      ackIdentifier: acked.identifier,
      ackUniqueId: acked.ackIdentifier,
      ackDataSize: acked.totalSize,
    },
    Buffer.alloc(0),
    0,
    prefix,
  );
}

/**
 * Whether bytes that are not a valid v1 packet look like a P2P v2 header (WLM 2009, P2P.md §6):
 * a header length of 8…252 in steps of 4 followed by a big-endian message length that fits.
 */
export function looksLikeV2(bin: Buffer): boolean {
  if (bin.length < 12) return false;
  const headerLength = bin[0] ?? 0;
  if (headerLength < 8 || headerLength > 252 || headerLength % 4 !== 0) return false;
  const messageLength = bin.readUInt16BE(2);
  return headerLength + messageLength + FOOTER_BYTES <= bin.length;
}

/** The SessionID of a v2 data header, when the packet has one. */
export function v2SessionId(bin: Buffer): number | undefined {
  const headerLength = bin[0] ?? 0;
  const messageLength = bin.length >= 4 ? bin.readUInt16BE(2) : 0;
  if (messageLength < 8 || bin.length < headerLength + 8) return undefined;
  return bin.readUInt32BE(headerLength + 4);
}
