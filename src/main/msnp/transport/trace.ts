// The wire trace: every line the engine sends and receives, on the notification server, each
// switchboard and the HTTP(S) calls, as entries for the protocol inspector and the CLI's
// --trace. Secrets are masked here (mask.ts), before any listener sees an entry. Nothing is
// built while nobody listens: callers check `active` first, so an unwatched trace costs a
// property read per line.
import { MASK, maskCommandLine, maskHttpHeaders, maskText, maskUrl } from './mask';

export type TraceDirection = 'out' | 'in' | 'info';

export interface TraceEntry {
  /** Increases by one per entry, per trace. */
  readonly seq: number;
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** `ns-1`, `sb-3`, `http-2`, … */
  readonly connection: string;
  readonly direction: TraceDirection;
  /** The command line (without CRLF), an HTTP request or status line, or a note. */
  readonly line: string;
  /** The payload or body, masked: UTF-8 text, or hex when it is not text. */
  readonly payload?: string;
  readonly payloadEncoding?: 'text' | 'hex';
  /** A one-line reading of an MSNP2P binary header, when the payload carries one. */
  readonly p2p?: string;
}

export type TraceListener = (entry: TraceEntry) => void;

/** How much of a payload is kept in an entry: bytes of binary, characters of (masked) text. */
const MAX_PAYLOAD_BYTES = 8 * 1024;
/** Whatever arrives, an entry stays small enough for the inspector's contract. */
const MAX_LINE_CHARS = 4096;
const MAX_PAYLOAD_CHARS = 32 * 1024;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

export class WireTrace {
  private readonly listeners = new Set<TraceListener>();
  private readonly counters = new Map<string, number>();
  private seq = 0;

  /** Whether anybody listens; check before building an entry. */
  get active(): boolean {
    return this.listeners.size > 0;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A fresh connection id such as `sb-4`. */
  open(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${kind}-${n}`;
  }

  note(connection: string, line: string): void {
    if (this.active) this.emit({ connection, direction: 'info', line });
  }

  /** An MSNP command: its name, params and payload as decoded or about to be encoded. */
  command(
    connection: string,
    direction: 'in' | 'out',
    name: string,
    params: readonly string[],
    payload?: Buffer,
  ): void {
    if (!this.active) return;
    this.emit({
      connection,
      direction,
      line: maskCommandLine(name, params),
      ...(payload === undefined ? {} : payloadView(name, payload)),
    });
  }

  /** Bytes an MSNP connection wrote: one command, possibly with its payload. */
  written(connection: string, bytes: Buffer): void {
    if (!this.active) return;
    const eol = bytes.indexOf('\r\n');
    const line = bytes.subarray(0, eol < 0 ? bytes.length : eol).toString('utf8');
    const [name = '', ...params] = line.split(' ');
    const payload = eol < 0 || eol + 2 >= bytes.length ? undefined : bytes.subarray(eol + 2);
    this.command(connection, 'out', name, params, payload);
  }

  /** An HTTP request or response: first line, headers and body, masked. */
  http(
    connection: string,
    direction: 'in' | 'out',
    first: string,
    headers: Readonly<Record<string, unknown>>,
    body?: Buffer | string,
  ): void {
    if (!this.active) return;
    const masked = maskHttpHeaders(headers);
    const headerText = Object.entries(masked)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    const bodyText = body === undefined || body.length === 0 ? '' : maskedText(Buffer.from(body));
    const text = bodyText === '' ? headerText : `${headerText}\r\n\r\n${bodyText}`;
    this.emit({
      connection,
      direction,
      line: maskRequestLine(first),
      ...(text === '' ? {} : { payload: text, payloadEncoding: 'text' as const }),
    });
  }

  private emit(entry: Omit<TraceEntry, 'seq' | 'at'>): void {
    const full: TraceEntry = {
      seq: ++this.seq,
      at: Date.now(),
      ...entry,
      connection: clip(entry.connection, 32),
      line: clip(entry.line, MAX_LINE_CHARS),
      ...(entry.payload === undefined ? {} : { payload: clip(entry.payload, MAX_PAYLOAD_CHARS) }),
      ...(entry.p2p === undefined ? {} : { p2p: clip(entry.p2p, 500) }),
    };
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch {
        // A failing listener must not break the connection it watches.
      }
    }
  }
}

/** `GET https://…?t=… HTTP/1.1` → the URL masked. */
function maskRequestLine(line: string): string {
  return line
    .split(' ')
    .map((part) =>
      /^https?:\/\//i.test(part) || part.startsWith('/')
        ? maskUrl(part.startsWith('/') ? `http://x${part}` : part).replace(/^http:\/\/x/, '')
        : part,
    )
    .join(' ');
}

/**
 * The text masked whole, then cut: cutting first could split a secret element and leave the
 * start of a token unmasked (SOAP answers are often longer than what an entry keeps).
 */
function maskedText(bytes: Buffer): string {
  const text = maskText(bytes.toString('utf8'));
  if (text.length <= MAX_PAYLOAD_BYTES) return text;
  return `${text.slice(0, MAX_PAYLOAD_BYTES)}\n… ${text.length - MAX_PAYLOAD_BYTES} more characters`;
}

function payloadView(name: string, payload: Buffer): Pick<TraceEntry, 'payload' | 'payloadEncoding' | 'p2p'> {
  // QRY carries the MD5 answer to a challenge.
  if (name === 'QRY') return { payload: MASK, payloadEncoding: 'text' };
  const headerEnd = payload.indexOf('\r\n\r\n');
  const head = payload.subarray(0, headerEnd < 0 ? Math.min(payload.length, 1024) : headerEnd).toString('latin1');
  if (/^content-type:\s*application\/x-msnmsgrp2p/im.test(head) && headerEnd >= 0) {
    const binary = payload.subarray(headerEnd + 4);
    const summary = p2pSummary(binary);
    const slp = summary ? binary.subarray(48, binary.length - 4) : Buffer.alloc(0);
    const readable = slp.length > 0 && isText(slp) ? `\r\n\r\n${maskText(slp.toString('utf8'))}` : '';
    return {
      payload: `${payload.subarray(0, headerEnd).toString('utf8')}${readable}`,
      payloadEncoding: 'text',
      ...(summary ? { p2p: summary } : {}),
    };
  }
  const kept = payload.subarray(0, MAX_PAYLOAD_BYTES);
  if (!isText(kept)) {
    return { payload: kept.toString('hex'), payloadEncoding: 'hex' };
  }
  return { payload: maskedText(payload), payloadEncoding: 'text' };
}

function isText(bytes: Buffer): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(bytes.toString('utf8'));
}

/** The 48-byte MSNP2P header, read as the protocol notes lay it out (little-endian). */
export function p2pSummary(binary: Buffer): string | undefined {
  if (binary.length < 48) return undefined;
  const u64 = (at: number): string => binary.readBigUInt64LE(at).toString();
  const flags = binary.readUInt32LE(28);
  const footer = binary.length >= 52 ? binary.readUInt32BE(binary.length - 4) : undefined;
  return (
    `P2P session=${binary.readUInt32LE(0)} id=${binary.readUInt32LE(4)} offset=${u64(8)} total=${u64(16)} ` +
    `size=${binary.readUInt32LE(24)} flags=0x${flags.toString(16).padStart(2, '0')} ackId=${binary.readUInt32LE(32)} ` +
    `ackUid=${binary.readUInt32LE(36)} ackSize=${u64(40)}${footer === undefined ? '' : ` footer=${footer}`}`
  );
}
