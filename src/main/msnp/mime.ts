// Reading the MIME texts offline messages come as (MSNP13-18.md §10.1, §10.4): RFC 822 headers
// with folded lines, RFC 2047 encoded words (B or Q, several in a row, Escargot's stray space
// before `?=`), a base64 body possibly wrapped or a quoted-printable one, and the charset the
// message names. LF-only line ends are tolerated. Pure functions: whatever cannot be read is a
// MimeError saying why, never a guess.
import { TextDecoder } from 'node:util';
import { MsnpError } from './errors';

export class MimeError extends MsnpError {
  constructor(message: string) {
    super('protocol', message);
    this.name = 'MimeError';
  }
}

export interface MimeText {
  /** By lower-case name, unfolded; the first of repeated headers. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  /** Whether an empty line separated headers and body. */
  readonly hasBody: boolean;
}

/** Splits headers from body at the first empty line and unfolds continuation lines. */
export function parseMimeText(text: string): MimeText {
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text.replace(/\r?\n$/, '');
  const body = end ? text.slice(end.index + end[0].length) : '';
  const headers = new Map<string, string>();
  // The header continuation lines extend; undefined while skipping a repeated one.
  let last: string | undefined;
  let started = false;
  for (const line of head === '' ? [] : head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      // A folded header: the line break goes, the white space stays (RFC 5322 §2.2.3).
      if (!started) throw new MimeError('The message starts with a continuation line');
      if (last !== undefined) headers.set(last, `${headers.get(last) ?? ''}${line}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[!-9;-~]+$/.test(line.slice(0, colon))) {
      throw new MimeError(`Not a header line: ${JSON.stringify(line.slice(0, 40))}`);
    }
    started = true;
    const name = line.slice(0, colon).toLowerCase();
    if (headers.has(name)) {
      last = undefined;
      continue;
    }
    headers.set(name, line.slice(colon + 1).replace(/^[ \t]+/, ''));
    last = name;
  }
  return { headers, body, hasBody: end !== null };
}

/** Bytes in `charset` as text; an unknown charset or bytes that are not valid in it are a MimeError. */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset.trim(), { fatal: true });
  } catch {
    throw new MimeError(`Unknown character set ${JSON.stringify(charset)}`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new MimeError(`The text is not valid ${charset}`);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 with white space (line wrapping) ignored; missing padding is tolerated, other garbage is not. */
export function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1 || (compact.includes('=') && compact.length % 4 !== 0)) {
    throw new MimeError('The text is not valid base64');
  }
  return Buffer.from(compact, 'base64');
}

/** Quoted-printable (RFC 2045 §6.7): `=XX` bytes, `=` at a line end joins lines; literal characters as UTF-8. */
export function decodeQuotedPrintable(text: string): Buffer {
  const joined = text.replace(/=[ \t]*\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i] as string;
    if (c === '=') {
      const hex = joined.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new MimeError('The text is not valid quoted-printable');
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?]*)\?=/g;

/**
 * Decodes the RFC 2047 encoded words in a header value. White space between two encoded words
 * goes; adjacent words in the same charset are decoded together (encoders split characters
 * across words). A malformed word is a MimeError.
 */
export function decodeEncodedWords(value: string): string {
  let out = '';
  let at = 0;
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  const flush = (): void => {
    if (pending) out += decodeCharset(Buffer.concat(pending.bytes), pending.charset);
    pending = undefined;
  };
  for (const m of value.matchAll(ENCODED_WORD)) {
    const gap = value.slice(at, m.index);
    // RFC 2231 language suffix: `utf-8*en`.
    const charset = (m[1] as string).replace(/\*.*$/, '').toLowerCase();
    const encoding = (m[2] as string).toUpperCase();
    // Escargot puts a space before `?=`; white space belongs in neither form.
    const data = (m[3] as string).replace(/\s+$/, '');
    if (/\s/.test(data)) throw new MimeError(`Malformed encoded word ${JSON.stringify(m[0])}`);
    const bytes = encoding === 'B' ? decodeBase64(data) : decodeQuotedPrintable(data.replace(/_/g, '=20'));
    const adjacent = pending !== undefined && gap.trim() === '';
    if (!adjacent) {
      flush();
      out += gap;
    } else if (pending?.charset !== charset) {
      flush();
    }
    pending ??= { charset, bytes: [] };
    pending.bytes.push(bytes);
    at = (m.index ?? 0) + m[0].length;
  }
  flush();
  return out + value.slice(at);
}

/** `text/plain; charset="UTF-8"` → the type and its parameters (lower-case names). */
export function parseContentType(value: string | undefined): { type: string; params: Map<string, string> } {
  const [type = '', ...rest] = (value ?? 'text/plain').split(';');
  const params = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    params.set(
      part.slice(0, eq).trim().toLowerCase(),
      part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return { type: type.trim().toLowerCase(), params };
}

/** An offline message's text and what orders it. */
export interface DecodedOfflineMessage {
  readonly from?: string;
  /** The sender's name from `From`, when it has one that could be read. */
  readonly fromName?: string;
  readonly text: string;
  /** `Date`, ms since the epoch. */
  readonly date?: number;
  /** `X-OIM-Run-Id`, upper case. */
  readonly runId?: string;
  readonly sequence?: number;
}

/** Decodes a GetMessage result (MSNP13-18.md §10.4); anything unreadable is a MimeError. */
export function decodeOfflineMessage(raw: string): DecodedOfflineMessage {
  const { headers, body, hasBody } = parseMimeText(raw);
  if (!hasBody || headers.size === 0) throw new MimeError('The message has no headers and body');
  const { type, params } = parseContentType(headers.get('content-type'));
  if (!type.startsWith('text/')) throw new MimeError(`Not a text message (${type || 'no type'})`);
  const charset = params.get('charset') ?? 'utf-8';
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  let text: string;
  if (encoding === 'base64') text = decodeCharset(decodeBase64(body), charset);
  else if (encoding === 'quoted-printable') text = decodeCharset(decodeQuotedPrintable(body), charset);
  else if (encoding === '7bit' || encoding === '8bit' || encoding === 'binary') text = body;
  else throw new MimeError(`Unknown transfer encoding ${JSON.stringify(encoding)}`);
  const sender = parseAddress(headers.get('from'));
  const date = Date.parse(headers.get('date') ?? '');
  const runId = headers.get('x-oim-run-id')?.trim().toUpperCase();
  const sequence = headers.get('x-oim-sequence-num')?.trim();
  return {
    ...sender,
    text,
    ...(Number.isFinite(date) ? { date } : {}),
    ...(runId ? { runId } : {}),
    ...(sequence !== undefined && /^\d{1,9}$/.test(sequence) ? { sequence: Number(sequence) } : {}),
  };
}

/** `Name <addr>` or a bare address; a name that cannot be decoded is left out, the address stays. */
function parseAddress(value: string | undefined): { from?: string; fromName?: string } {
  if (value === undefined) return {};
  const m = /^(.*?)\s*<([^<>\s]+)>\s*$/.exec(value.trim());
  const from = (m ? m[2] : value.trim())?.toLowerCase();
  let fromName: string | undefined;
  try {
    fromName = m?.[1]
      ? decodeEncodedWords(m[1])
          .replace(/^"(.*)"$/, '$1')
          .trim()
      : undefined;
  } catch {
    fromName = undefined;
  }
  return { ...(from ? { from } : {}), ...(fromName ? { fromName } : {}) };
}
