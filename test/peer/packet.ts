// MSNP2P v1 transport (P2P.md §3): the 48-byte little-endian header, the big-endian footer, and
// the MIME envelope that carries a packet inside a switchboard MSG.

export const HEADER_BYTES = 48;
export const FOOTER_BYTES = 4;
/** Data bytes per packet on the switchboard (§3.1). */
export const CHUNK_BYTES = 1202;

export const Flags = {
  normal: 0x0,
  nak: 0x1,
  ack: 0x2,
  waiting: 0x4,
  binaryError: 0x8,
  msnObjectData: 0x20,
  close: 0x40,
  transportError: 0x80,
  wlmCompat: 0x01000000,
  wlmObjectData: 0x01000020,
  fileData: 0x01000030,
} as const;

export const Footer = { slp: 0, msnObject: 1, file: 2, emoticon: 11, picture: 12 } as const;

export interface Header {
  readonly sessionId: number;
  readonly identifier: number;
  readonly offset: bigint;
  readonly totalSize: bigint;
  readonly length: number;
  readonly flags: number;
  /** Field 32: a per-message value on data, the acked Identifier on an ack. */
  readonly ackIdentifier: number;
  /** Field 36: 0 on data, the acked message's field 32 on an ack. */
  readonly ackUniqueId: number;
  readonly ackDataSize: bigint;
}

export interface Packet {
  readonly header: Header;
  readonly payload: Buffer;
  readonly footer: number;
}

/** A P2P packet that cannot be read; it ends the session it belongs to, never the reader. */
export class P2PError extends Error {
  constructor(
    message: string,
    readonly sessionId?: number,
  ) {
    super(message);
    this.name = 'P2PError';
  }
}

export function encodeHeader(h: Header): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.writeUInt32LE(h.sessionId >>> 0, 0);
  b.writeUInt32LE(h.identifier >>> 0, 4);
  b.writeBigUInt64LE(h.offset, 8);
  b.writeBigUInt64LE(h.totalSize, 16);
  b.writeUInt32LE(h.length >>> 0, 24);
  b.writeUInt32LE(h.flags >>> 0, 28);
  b.writeUInt32LE(h.ackIdentifier >>> 0, 32);
  b.writeUInt32LE(h.ackUniqueId >>> 0, 36);
  b.writeBigUInt64LE(h.ackDataSize, 40);
  return b;
}

export function decodeHeader(b: Buffer): Header {
  if (b.length < HEADER_BYTES) throw new P2PError(`P2P header of ${b.length} bytes`);
  return {
    sessionId: b.readUInt32LE(0),
    identifier: b.readUInt32LE(4),
    offset: b.readBigUInt64LE(8),
    totalSize: b.readBigUInt64LE(16),
    length: b.readUInt32LE(24),
    flags: b.readUInt32LE(28),
    ackIdentifier: b.readUInt32LE(32),
    ackUniqueId: b.readUInt32LE(36),
    ackDataSize: b.readBigUInt64LE(40),
  };
}

export function encodePacket(header: Header, payload: Buffer, footer: number): Buffer {
  if (payload.length !== header.length) throw new RangeError('payload length differs from the header');
  const f = Buffer.alloc(FOOTER_BYTES);
  f.writeUInt32BE(footer >>> 0, 0);
  return Buffer.concat([encodeHeader(header), payload, f]);
}

/** Reads the binary part of a P2P message and checks its lengths against each other. */
export function decodePacket(binary: Buffer): Packet {
  if (binary.length < HEADER_BYTES + FOOTER_BYTES) throw new P2PError(`P2P body of ${binary.length} bytes`);
  const header = decodeHeader(binary);
  const sid = header.sessionId;
  if (header.length !== binary.length - HEADER_BYTES - FOOTER_BYTES) {
    throw new P2PError(`MessageLength ${header.length} but ${binary.length - 52} bytes present`, sid);
  }
  if (header.offset + BigInt(header.length) > header.totalSize) {
    throw new P2PError(`chunk at ${header.offset}+${header.length} beyond TotalSize ${header.totalSize}`, sid);
  }
  return {
    header,
    payload: binary.subarray(HEADER_BYTES, HEADER_BYTES + header.length),
    footer: binary.readUInt32BE(binary.length - FOOTER_BYTES),
  };
}

export const isAck = (flags: number): boolean => flags === Flags.ack;
export const isData = (flags: number): boolean =>
  flags === Flags.msnObjectData || flags === Flags.wlmObjectData || flags === Flags.fileData;
export const needsAck = (flags: number): boolean =>
  flags === Flags.normal || flags === Flags.wlmCompat || isData(flags);
export const isAbort = (flags: number): boolean =>
  (flags & (Flags.close | Flags.transportError | Flags.binaryError)) !== 0;

/** The ack of a complete message (§3.5). */
export function ackFor(acked: Header, identifier: number): Header {
  return {
    sessionId: acked.sessionId,
    identifier,
    offset: 0n,
    totalSize: acked.totalSize,
    length: 0,
    flags: Flags.ack,
    ackIdentifier: acked.identifier,
    ackUniqueId: acked.ackIdentifier,
    ackDataSize: acked.totalSize,
  };
}

/** The switchboard payload: exactly the three headers official clients send, then the packet. */
export function envelope(dest: string, packet: Buffer): Buffer {
  const head = `MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\nP2P-Dest: ${dest}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), packet]);
}
