// Switchboard message payloads: text with X-MMS-IM-Format, typing notifications, nudges, and the
// splitting of long text under the switchboard's payload limit. Pure functions, no I/O.
import { DEFAULT_FORMAT, type TextFormat } from '../../shared/schemas';
import { buildMime, decodeName, encodeName, mediaType, parseMime } from './codec';

/** Largest MSG payload a switchboard accepts; servers drop the connection above it. */
export const MAX_PAYLOAD_BYTES = 1664;

export { DEFAULT_FORMAT };

const FONT_MAX_CHARS = 64;
const WIRE_HEX = /^[0-9a-f]{1,4}$/i;

/** Wire colour (hex of a BGR integer, leading zeros dropped) → CSS `#rrggbb`. */
export function bgrToCss(value: string): string {
  const v = value.trim();
  if (!/^[0-9a-f]{1,8}$/i.test(v)) return DEFAULT_FORMAT.color;
  const n = parseInt(v, 16);
  const hex = (x: number): string => x.toString(16).padStart(2, '0');
  return `#${hex(n & 0xff)}${hex((n >>> 8) & 0xff)}${hex((n >>> 16) & 0xff)}`;
}

/** CSS `#rrggbb` → wire colour (BGR hex, lower case, no leading zeros). */
export function cssToBgr(color: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new RangeError(`not a #rrggbb colour: ${JSON.stringify(color)}`);
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => parseInt(x ?? '0', 16)) as [number, number, number];
  return ((b << 16) | (g << 8) | r).toString(16);
}

/**
 * Parses an `X-MMS-IM-Format` value. Keys may come in any order and case; unknown keys are
 * ignored and missing or malformed ones take the default, so a peer's odd header never loses
 * the message.
 */
export function parseImFormat(value: string): TextFormat {
  const fields = new Map<string, string>();
  for (const item of value.split(';')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim().toUpperCase();
    if (!fields.has(key)) fields.set(key, item.slice(eq + 1).trim());
  }
  const ef = (fields.get('EF') ?? '').toUpperCase();
  const font = decodeName(fields.get('FN') ?? '');
  const hexField = (key: string, fallback: string): string => {
    const v = fields.get(key) ?? '';
    return WIRE_HEX.test(v) ? v : fallback;
  };
  return {
    font: font.length > 0 ? truncate(font, FONT_MAX_CHARS) : DEFAULT_FORMAT.font,
    effects: {
      bold: ef.includes('B'),
      italic: ef.includes('I'),
      underline: ef.includes('U'),
      strikethrough: ef.includes('S'),
    },
    color: fields.has('CO') ? bgrToCss(fields.get('CO') ?? '') : DEFAULT_FORMAT.color,
    charset: hexField('CS', DEFAULT_FORMAT.charset),
    pitchFamily: hexField('PF', DEFAULT_FORMAT.pitchFamily),
    rightToLeft: fields.get('RL') === '1',
  };
}

/** At most `max` UTF-16 units (the schema's measure) without splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

/** Serialises a format in the official order (`FN` first: some servers insist). */
export function buildImFormat(format: TextFormat): string {
  const { bold, italic, underline, strikethrough } = format.effects;
  const ef = `${bold ? 'B' : ''}${italic ? 'I' : ''}${underline ? 'U' : ''}${strikethrough ? 'S' : ''}`;
  const charset = WIRE_HEX.test(format.charset) ? format.charset : DEFAULT_FORMAT.charset;
  const pitch = WIRE_HEX.test(format.pitchFamily) ? format.pitchFamily : DEFAULT_FORMAT.pitchFamily;
  const font = encodeName(format.font.length > 0 ? format.font : DEFAULT_FORMAT.font);
  const rl = format.rightToLeft ? '; RL=1' : '';
  return `FN=${font}; EF=${ef}; CO=${cssToBgr(format.color)}; CS=${charset}; PF=${pitch}${rl}`;
}

/** Line breaks travel as CRLF; the rest of the app uses LF. */
const toWireText = (text: string): string => text.replace(/\r?\n/g, '\r\n');
const fromWireText = (text: string): string => text.replace(/\r\n/g, '\n');

/** A `text/plain` payload. `text` uses LF line breaks; they are sent as CRLF. */
export function buildTextPayload(text: string, format: TextFormat): Buffer {
  return buildMime(textHeaders(format), toWireText(text));
}

function textHeaders(format: TextFormat): [string, string][] {
  return [
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=UTF-8'],
    ['X-MMS-IM-Format', buildImFormat(format)],
  ];
}

/** A typing notification (send with ack `U`). The body is a lone CRLF, as official clients send. */
export function buildTypingPayload(email: string): Buffer {
  return buildMime(
    [
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/x-msmsgscontrol'],
      ['TypingUser', email],
    ],
    '\r\n',
  );
}

/** A nudge (send with ack `N`). */
export function buildNudgePayload(): Buffer {
  return buildMime(
    [
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/x-msnmsgr-datacast'],
    ],
    'ID: 1\r\n\r\n',
  );
}

/** What an incoming MSG payload means to a conversation. */
export type IncomingContent =
  | { readonly kind: 'text'; readonly text: string; readonly format: TextFormat | undefined }
  | { readonly kind: 'typing'; readonly email: string }
  | { readonly kind: 'nudge' }
  /** Plumbing other clients send that needs no reaction (capabilities, keep-alives, P2P). */
  | { readonly kind: 'ignored'; readonly contentType: string }
  /** Something a person sent that this client cannot show (file invitations, winks, …). */
  | { readonly kind: 'unsupported'; readonly contentType: string };

const SILENT_TYPES = new Set([
  'text/x-clientcaps',
  'text/x-keepalive',
  'text/x-mms-emoticon',
  'text/x-mms-animemoticon',
  'application/x-msnmsgrp2p',
]);

const utf8 = new TextDecoder('utf-8');

export function parseMessage(payload: Buffer): IncomingContent {
  const mime = parseMime(payload);
  const contentType = mediaType(mime.headers.get('content-type'));
  switch (contentType) {
    case 'text/plain': {
      const format = mime.headers.get('x-mms-im-format');
      return {
        kind: 'text',
        text: fromWireText(utf8.decode(mime.body)),
        format: format === undefined ? undefined : parseImFormat(format),
      };
    }
    case 'text/x-msmsgscontrol': {
      const email = mime.headers.get('typinguser');
      return email ? { kind: 'typing', email: email.toLowerCase() } : { kind: 'ignored', contentType };
    }
    case 'text/x-msnmsgr-datacast': {
      const id = parseMime(mime.body).headers.get('id');
      return id === '1' ? { kind: 'nudge' } : { kind: 'unsupported', contentType };
    }
    default:
      return SILENT_TYPES.has(contentType) ? { kind: 'ignored', contentType } : { kind: 'unsupported', contentType };
  }
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Splits text into the parts to send as separate messages, so that each part's whole `text/plain`
 * payload (headers included, line breaks counted as CRLF) fits in `maxPayloadBytes`.
 *
 * Long text is split rather than refused: a part never ends inside a UTF-8 character, nor inside
 * a user-perceived character (emoji sequences, accents) unless that character alone is too big.
 * When a cut is needed it prefers the last whitespace in the second half of the part, which stays
 * at the end of the earlier part, so `parts.join('')` is the text (with CRLF normalised to LF).
 * Text that fits is returned as a single part; empty text yields no parts.
 */
export function splitText(text: string, format: TextFormat, maxPayloadBytes = MAX_PAYLOAD_BYTES): string[] {
  const budget = maxPayloadBytes - buildMime(textHeaders(format)).length;
  // 4 bytes is the largest UTF-8 character: below that some text could never be sent.
  if (budget < 4) throw new RangeError(`the message headers leave no room for text in ${maxPayloadBytes} bytes`);
  const wire = toWireText(text);
  // Most messages fit: no need to find the user-perceived characters.
  if (wire === '') return [];
  if (Buffer.byteLength(wire, 'utf8') <= budget) return [fromWireText(wire)];
  const parts: string[] = [];
  let current: { unit: string; size: number }[] = [];
  let currentBytes = 0;
  const cut = (): void => {
    let count = current.length;
    let bytes = currentBytes; // bytes of current[0..i]
    for (let i = current.length - 1; i >= 0 && bytes * 2 >= budget; i--) {
      const item = current[i] as { unit: string; size: number };
      if (/^\s+$/.test(item.unit)) {
        count = i + 1;
        break;
      }
      bytes -= item.size;
    }
    if (count === current.length) bytes = currentBytes;
    parts.push(
      fromWireText(
        current
          .slice(0, count)
          .map((u) => u.unit)
          .join(''),
      ),
    );
    current = current.slice(count);
    currentBytes -= bytes;
  };
  for (const unit of units(wire, budget)) {
    const size = Buffer.byteLength(unit, 'utf8');
    while (current.length > 0 && currentBytes + size > budget) cut();
    current.push({ unit, size });
    currentBytes += size;
  }
  if (current.length > 0) parts.push(fromWireText(current.map((u) => u.unit).join('')));
  return parts;
}

/** Grapheme clusters, except that a cluster larger than `budget` is broken into code points. */
function* units(text: string, budget: number): Generator<string> {
  for (const { segment } of graphemes.segment(text)) {
    if (Buffer.byteLength(segment, 'utf8') <= budget) yield segment;
    else yield* segment;
  }
}
