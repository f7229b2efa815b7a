// Wire codec for MSNP: byte-level framing of command lines and length-prefixed payloads.
// The engine's own: the reference server frames the wire with code of its own, so that one
// misunderstanding of the format cannot pass both sides.

/** One decoded unit from the wire: a command line and, for payload commands, its payload bytes. */
export interface Frame {
  /** Three upper-case letters (`MSG`) or a three-digit error code (`911`). */
  readonly name: string;
  /** The tokens after the name, empty tokens dropped. */
  readonly params: readonly string[];
  readonly payload?: Buffer;
}

/** Decides from the command name and its params whether a payload follows the line. */
export type PayloadRule = (name: string, params: readonly string[]) => boolean;

const lastIsLength = (params: readonly string[]): boolean =>
  params.length > 0 && /^\d+$/.test(params[params.length - 1] ?? '');

// ADL/RML/FQY/UBN exist from MSNP13; `ADL trid OK` has no length, so it stays a plain reply.
const SERVER_TO_CLIENT_PAYLOAD = new Set(['MSG', 'NOT', 'IPG', 'UBX', 'UUX', 'GCF', 'ADL', 'RML', 'FQY', 'UBN']);
const CLIENT_TO_SERVER_PAYLOAD = new Set(['MSG', 'QRY', 'UUX']);

/** What a client reads: payload commands sent by the server (MSNP2–18). */
export const serverToClientPayload: PayloadRule = (name, params) =>
  SERVER_TO_CLIENT_PAYLOAD.has(name) && lastIsLength(params);

/**
 * What a server reads: payload commands sent by a client. The last token is always taken as the
 * length, even when it is not numeric, so that a lying length is reported instead of the payload
 * bytes being misread as command lines.
 */
export const clientToServerPayload: PayloadRule = (name) => CLIENT_TO_SERVER_PAYLOAD.has(name);

export class WireError extends Error {
  constructor(
    message: string,
    readonly kind: 'line-too-long' | 'bad-command' | 'bad-length' | 'payload-too-large',
  ) {
    super(message);
    this.name = 'WireError';
  }
}

export interface DecoderOptions {
  readonly payloadRule: PayloadRule;
  /** Longest command line accepted, in bytes, without its line end. */
  readonly maxLineBytes?: number;
  /** Largest payload accepted, in bytes. */
  readonly maxPayloadBytes?: number;
}

export interface DecodeResult {
  readonly frames: Frame[];
  /** Set once the stream is unreadable; the decoder then stays failed. */
  readonly error?: WireError;
}

const LF = 0x0a;
const CR = 0x0d;
const COMMAND_NAME = /^(?:[A-Z]{3}|\d{3})$/;

/**
 * Incremental decoder. `push` never throws: bytes that cannot be framed end in a `WireError`,
 * after which every later push reports the same error (the connection must be dropped).
 */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private failed: WireError | undefined;
  private readonly rule: PayloadRule;
  private readonly maxLine: number;
  private readonly maxPayload: number;

  constructor(options: DecoderOptions) {
    this.rule = options.payloadRule;
    this.maxLine = options.maxLineBytes ?? 16 * 1024;
    this.maxPayload = options.maxPayloadBytes ?? 1024 * 1024;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): DecodeResult {
    if (this.failed) return { frames: [], error: this.failed };
    const buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    for (;;) {
      const nl = buf.indexOf(LF, offset);
      if (nl < 0) {
        if (buf.length - offset > this.maxLine) {
          return this.fail(frames, new WireError('command line too long', 'line-too-long'));
        }
        break;
      }
      const lineEnd = nl > offset && buf[nl - 1] === CR ? nl - 1 : nl;
      if (lineEnd - offset > this.maxLine) {
        return this.fail(frames, new WireError('command line too long', 'line-too-long'));
      }
      const tokens = buf.toString('utf8', offset, lineEnd).split(' ');
      const name = tokens[0] ?? '';
      const params = tokens.slice(1).filter((t) => t.length > 0);
      if (!COMMAND_NAME.test(name)) {
        return this.fail(
          frames,
          new WireError(`malformed command ${JSON.stringify(name.slice(0, 16))}`, 'bad-command'),
        );
      }
      if (!this.rule(name, params)) {
        frames.push({ name, params });
        offset = nl + 1;
        continue;
      }
      const lenToken = params[params.length - 1] ?? '';
      if (!/^\d{1,10}$/.test(lenToken)) {
        return this.fail(
          frames,
          new WireError(`${name}: payload length ${JSON.stringify(lenToken)} is not a number`, 'bad-length'),
        );
      }
      const len = Number(lenToken);
      if (len > this.maxPayload) {
        return this.fail(
          frames,
          new WireError(`${name}: payload of ${len} bytes exceeds ${this.maxPayload}`, 'payload-too-large'),
        );
      }
      const start = nl + 1;
      if (buf.length - start < len) break;
      // Copy so a frame never pins the whole receive buffer in memory.
      frames.push({ name, params, payload: Buffer.from(buf.subarray(start, start + len)) });
      offset = start + len;
    }
    this.buf = offset === 0 ? buf : Buffer.from(buf.subarray(offset));
    return { frames };
  }

  private fail(frames: Frame[], error: WireError): DecodeResult {
    this.failed = error;
    this.buf = Buffer.alloc(0);
    return { frames, error };
  }
}

export type Param = string | number;

/**
 * Serialises one command. With a payload, its UTF-8 byte length is appended as the last param.
 * Params must already be wire-safe (no space, CR or LF): encode free text with `encodeName`.
 */
export function encodeCommand(name: string, params: readonly Param[] = [], payload?: Buffer | string): Buffer {
  const parts = [name, ...params.map(String)];
  for (const p of parts) {
    if (p.length === 0 || /[ \r\n]/.test(p)) throw new TypeError(`unsafe token ${JSON.stringify(p)} in ${name}`);
  }
  if (payload === undefined) return Buffer.from(`${parts.join(' ')}\r\n`, 'utf8');
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  parts.push(String(body.length));
  return Buffer.concat([Buffer.from(`${parts.join(' ')}\r\n`, 'utf8'), body]);
}

/** Percent-encodes free text (display names, group names, font names) as UTF-8. */
export function encodeName(text: string): string {
  return encodeURIComponent(text);
}

/**
 * Decodes percent-escapes as UTF-8 and leaves raw UTF-8 alone (Escargot only escapes `%`, space,
 * CR and LF). A malformed escape or invalid UTF-8 falls back to the raw text. Runs for every
 * name in every presence line, so it leans on the built-in decoder, which does exactly this for
 * well-formed text (all text read from the wire is).
 */
export function decodeName(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** An RFC-822-style MSG payload: header lines, an empty line, then the body. */
export interface MimeMessage {
  /** Header names lower-cased; the first occurrence wins. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export function parseMime(payload: Buffer): MimeMessage {
  const headers = new Map<string, string>();
  let sep = payload.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (sep < 0) {
    sep = payload.indexOf('\n\n');
    sepLen = 2;
  }
  const headEnd = sep < 0 ? payload.length : sep;
  for (const line of payload.toString('utf8', 0, headEnd).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(key)) headers.set(key, line.slice(colon + 1).trim());
  }
  const body = sep < 0 ? Buffer.alloc(0) : payload.subarray(sep + sepLen);
  return { headers, body };
}

/** Builds a MIME payload with CRLF line ends; the body gets no trailing CRLF. */
export function buildMime(headers: ReadonlyArray<readonly [string, string]>, body: string | Buffer = ''): Buffer {
  const head = headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  return Buffer.concat([Buffer.from(head, 'utf8'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
