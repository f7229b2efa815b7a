// The reference server's own MSNP framing: command lines, length-prefixed payloads, URL-encoded
// names and MIME payloads. Written independently of the client engine on purpose, so that a
// misreading of the protocol cannot hide by being shared by both sides.

export interface Frame {
  readonly name: string;
  readonly params: readonly string[];
  readonly payload?: Buffer;
}

export type Param = string | number;

/** Commands a client sends with a payload (the length is the last token). */
export const CLIENT_PAYLOAD_COMMANDS: ReadonlySet<string> = new Set([
  'MSG',
  'QRY',
  'UUX',
  'ADL',
  'RML',
  'FQY',
  'UUN',
  'UUM',
  'PUT',
  'SDG',
]);

/** Commands a server sends with a payload (when the last token is a number). */
export const SERVER_PAYLOAD_COMMANDS: ReadonlySet<string> = new Set([
  'MSG',
  'NOT',
  'IPG',
  'UBX',
  'UUX',
  'GCF',
  'ADL',
  'RML',
  'FQY',
  'UBN',
  'UBM',
  'NFY',
  'SDG',
]);

export interface DecoderLimits {
  /** Longest command line, without its line end. */
  readonly maxLineBytes: number;
  readonly maxPayloadBytes: number;
}

/**
 * Splits a byte stream into frames. `hasPayload` decides, from the parsed line, whether a payload
 * follows. Once the stream is unreadable, `push` keeps returning the same error.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private broken: Error | undefined;

  constructor(
    private readonly hasPayload: (name: string, params: readonly string[]) => boolean,
    private readonly limits: DecoderLimits,
  ) {}

  get pendingBytes(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): { frames: Frame[]; error?: Error } {
    const frames: Frame[] = [];
    if (this.broken) return { frames, error: this.broken };
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const lf = data.indexOf(0x0a);
      if (lf < 0) {
        if (data.length > this.limits.maxLineBytes) return this.breakWith(frames, 'command line too long');
        break;
      }
      const end = lf > 0 && data[lf - 1] === 0x0d ? lf - 1 : lf;
      if (end > this.limits.maxLineBytes) return this.breakWith(frames, 'command line too long');
      const [name = '', ...rest] = data.toString('utf8', 0, end).split(' ');
      const params = rest.filter((t) => t !== '');
      if (!/^([A-Z]{3}|[0-9]{3})$/.test(name)) return this.breakWith(frames, `not a command: ${name.slice(0, 16)}`);
      if (!this.hasPayload(name, params)) {
        frames.push({ name, params });
        data = data.subarray(lf + 1);
        continue;
      }
      const lengthToken = params.at(-1) ?? '';
      if (!/^[0-9]{1,9}$/.test(lengthToken)) return this.breakWith(frames, `${name}: bad payload length`);
      const length = Number(lengthToken);
      if (length > this.limits.maxPayloadBytes) return this.breakWith(frames, `${name}: payload of ${length} bytes`);
      if (data.length - (lf + 1) < length) break;
      frames.push({ name, params, payload: Buffer.from(data.subarray(lf + 1, lf + 1 + length)) });
      data = data.subarray(lf + 1 + length);
    }
    this.pending = Buffer.from(data);
    return { frames };
  }

  private breakWith(frames: Frame[], message: string): { frames: Frame[]; error: Error } {
    this.broken = new Error(message);
    this.pending = Buffer.alloc(0);
    return { frames, error: this.broken };
  }
}

/** What the server reads: the last token of a payload command is always its length. */
export const clientPayload = (name: string): boolean => CLIENT_PAYLOAD_COMMANDS.has(name);

/** What a test client reads. `ADL 5 OK` has no payload, `ADL 0 79` has one. */
export const serverPayload = (name: string, params: readonly string[]): boolean =>
  SERVER_PAYLOAD_COMMANDS.has(name) && /^[0-9]+$/.test(params.at(-1) ?? '');

/** One command line, plus the payload with its byte length appended to the line. */
export function encodeCommand(name: string, params: readonly Param[] = [], payload?: Buffer | string): Buffer {
  const tokens = [name, ...params.map((p) => String(p))];
  const bad = tokens.find((t) => t === '' || /[\s]/.test(t));
  if (bad !== undefined) throw new TypeError(`${name}: token ${JSON.stringify(bad)} cannot go on the wire`);
  if (payload === undefined) return Buffer.from(`${tokens.join(' ')}\r\n`);
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  return Buffer.concat([Buffer.from(`${tokens.join(' ')} ${body.length}\r\n`), body]);
}

/** URL-encodes free text for a command token. */
export function encodeName(text: string): string {
  return encodeURIComponent(text);
}

/** Decodes a URL-encoded token; text with broken escapes is taken as it is. */
export function decodeName(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    return token;
  }
}

export interface Mime {
  /** Lower-cased header names; the first of repeated headers wins. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export function parseMime(payload: Buffer): Mime {
  const text = payload.toString('latin1');
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  const [split, gap] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2];
  const head = Buffer.from(text.slice(0, split < 0 ? text.length : split), 'latin1').toString('utf8');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const m = /^([^:\s][^:]*):\s*(.*)$/.exec(line);
    if (m?.[1] && !headers.has(m[1].trim().toLowerCase())) headers.set(m[1].trim().toLowerCase(), (m[2] ?? '').trim());
  }
  return { headers, body: split < 0 ? Buffer.alloc(0) : payload.subarray(split + gap) };
}

export function buildMime(headers: ReadonlyArray<readonly [string, string]>, body: string | Buffer = ''): Buffer {
  const head = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return Buffer.concat([Buffer.from(`${head}\r\n`), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}

/** `text/plain; charset=UTF-8` → `text/plain`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').replace(/;.*$/s, '').trim().toLowerCase();
}
