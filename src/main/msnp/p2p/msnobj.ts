// MSN objects (P2P.md §2): the `<msnobj/>` descriptor of a picture or emoticon, its SHA1D
// (identity of the bytes) and SHA1C (checksum of the descriptor), and the wire encodings.
import { createHash } from 'node:crypto';

export const MsnObjectType = { EMOTICON: 2, PICTURE: 3, BACKGROUND: 5, WINK: 8 } as const;

export interface MsnObject {
  readonly creator: string;
  readonly size: number;
  readonly type: number;
  readonly location: string;
  readonly friendly: string;
  readonly sha1d: string;
  readonly sha1c?: string;
  /** The XML exactly as received or built: echo this back in a request Context. */
  readonly xml: string;
}

/** base64(SHA-1(bytes)), the object's identity. */
export function sha1d(data: Buffer): string {
  return createHash('sha1').update(data).digest('base64');
}

/** The Friendly attribute: base64 of the name in UTF-16LE with a terminating NUL. */
export function friendlyValue(name: string): string {
  return Buffer.concat([Buffer.from(name, 'utf16le'), Buffer.alloc(2)]).toString('base64');
}

/** The friendly name from a Friendly attribute; empty when it cannot be read. */
export function friendlyName(value: string): string {
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('utf16le', 0, bytes.length - (bytes.length % 2)).replace(/\0+$/, '');
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

function unescapeAttr(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

const SHA1C_ORDER = ['Creator', 'Size', 'Type', 'Location', 'Friendly', 'SHA1D'] as const;

/** SHA1C over the attribute names and values as written in the XML (P2P.md §2.1). */
export function sha1c(written: Readonly<Record<(typeof SHA1C_ORDER)[number], string>>): string {
  const input = SHA1C_ORDER.map((name) => `${name}${written[name]}`).join('');
  return createHash('sha1').update(input, 'utf8').digest('base64');
}

export interface BuildOptions {
  readonly creator: string;
  readonly data: Buffer;
  readonly type: number;
  readonly location?: string;
  /** Friendly name; pictures leave it empty. */
  readonly name?: string;
}

/** Builds the descriptor of `data` owned by `creator`, on one line as official clients write it. */
export function buildMsnObject(options: BuildOptions): MsnObject {
  const written = {
    Creator: escapeAttr(options.creator),
    Size: String(options.data.length),
    Type: String(options.type),
    Location: escapeAttr(options.location ?? '0'),
    Friendly: friendlyValue(options.name ?? ''),
    SHA1D: sha1d(options.data),
  };
  const checksum = sha1c(written);
  const xml =
    `<msnobj Creator="${written.Creator}" Size="${written.Size}" Type="${written.Type}" ` +
    `Location="${written.Location}" Friendly="${written.Friendly}" SHA1D="${written.SHA1D}" SHA1C="${checksum}"/>`;
  return {
    creator: options.creator,
    size: options.data.length,
    type: options.type,
    location: options.location ?? '0',
    friendly: written.Friendly,
    sha1d: written.SHA1D,
    sha1c: checksum,
    xml,
  };
}

const ATTRIBUTE = /([A-Za-z][A-Za-z0-9]*)\s*=\s*"([^"]*)"/g;

/** The attributes of an `<msnobj …/>` as written (not unescaped); undefined when it is not one. */
export function msnObjectAttributes(xml: string): Map<string, string> | undefined {
  const text = xml.replace(/\0+$/, '').trim();
  if (!/^<msnobj\b[^>]*\/?>(?:\s*<\/msnobj>)?$/i.test(text)) return undefined;
  const attrs = new Map<string, string>();
  for (const m of text.matchAll(ATTRIBUTE)) {
    const [, name, value] = m;
    if (name !== undefined && value !== undefined && !attrs.has(name)) attrs.set(name, value);
  }
  return attrs;
}

/**
 * Parses a descriptor; undefined for `<msnobj/>` (no picture), unreadable XML, a missing or
 * malformed SHA1D, or a size that is not a plain number. Accepts the percent-encoded form.
 */
export function parseMsnObject(text: string): MsnObject | undefined {
  let xml = text.trim();
  if (/^%3C/i.test(xml)) {
    try {
      xml = decodeURIComponent(xml);
    } catch {
      return undefined;
    }
  }
  xml = xml.replace(/\0+$/, '');
  const attrs = msnObjectAttributes(xml);
  const digest = attrs?.get('SHA1D');
  const size = attrs?.get('Size');
  if (!attrs || digest === undefined || !/^[A-Za-z0-9+/]{27}=$/.test(digest)) return undefined;
  if (size === undefined || !/^\d{1,12}$/.test(size)) return undefined;
  const type = attrs.get('Type') ?? '';
  const sha1cValue = attrs.get('SHA1C');
  return {
    creator: unescapeAttr(attrs.get('Creator') ?? '').toLowerCase(),
    size: Number(size),
    type: /^\d{1,4}$/.test(type) ? Number(type) : 0,
    location: unescapeAttr(attrs.get('Location') ?? ''),
    friendly: attrs.get('Friendly') ?? '',
    sha1d: digest,
    ...(sha1cValue === undefined ? {} : { sha1c: sha1cValue }),
    xml,
  };
}

/** Whether the descriptor's SHA1C matches its attributes (optional for receivers to check). */
export function checksumMatches(xml: string): boolean {
  const attrs = msnObjectAttributes(xml);
  if (!attrs) return false;
  const written = Object.fromEntries(SHA1C_ORDER.map((n) => [n, attrs.get(n) ?? ''])) as Record<
    (typeof SHA1C_ORDER)[number],
    string
  >;
  return attrs.get('SHA1C') === sha1c(written);
}

/** Every character outside `A–Z a–z 0–9 - _ . ~` percent-encoded, as `CHG` carries it. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
