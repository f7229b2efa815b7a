// MSN objects (P2P.md §2): the <msnobj/> descriptor, SHA1D and SHA1C.
import { createHash } from 'node:crypto';

const sha1 = (data: Buffer | string): string => createHash('sha1').update(data).digest('base64');

export interface MsnObject {
  readonly creator: string;
  readonly size: number;
  readonly type: number;
  readonly location: string;
  /** Already base64 (UTF-16LE name + NUL). */
  readonly friendly: string;
  readonly sha1d: string;
  readonly sha1c?: string;
  /** Every attribute as written, including ones this code does not know. */
  readonly attributes: ReadonlyMap<string, string>;
}

/** base64 of the UTF-16LE name with its terminating NUL: '' → 'AAA='. */
export const friendlyName = (name: string): string => Buffer.from(`${name}\0`, 'utf16le').toString('base64');

export function sha1c(attrs: {
  creator: string;
  size: number | string;
  type: number | string;
  location: string;
  friendly: string;
  sha1d: string;
}): string {
  return sha1(
    `Creator${attrs.creator}Size${attrs.size}Type${attrs.type}Location${attrs.location}Friendly${attrs.friendly}SHA1D${attrs.sha1d}`,
  );
}

/** The one-line XML for `data`, as it is advertised in CHG and echoed in INVITE Contexts. */
export function buildMsnObject(
  creator: string,
  data: Buffer,
  opts: { type?: number; location?: string; friendly?: string } = {},
): string {
  const a = {
    creator,
    size: data.length,
    type: opts.type ?? 3,
    location: opts.location ?? '0',
    friendly: friendlyName(opts.friendly ?? ''),
    sha1d: sha1(data),
  };
  return (
    `<msnobj Creator="${a.creator}" Size="${a.size}" Type="${a.type}" Location="${a.location}"` +
    ` Friendly="${a.friendly}" SHA1D="${a.sha1d}" SHA1C="${sha1c(a)}"/>`
  );
}

const unescapeXml = (v: string): string =>
  v.replace(
    /&(quot|amp|lt|gt|apos);/g,
    (_, e: string) => ({ quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" })[e] ?? '',
  );

/** Parses `<msnobj …/>`; null for `<msnobj/>`, junk, or an object without SHA1D. */
export function parseMsnObject(xml: string): MsnObject | null {
  const m = /^\s*<msnobj\s+([^>]*?)\s*\/?>\s*(?:<\/msnobj>)?\s*$/i.exec(xml.replace(/\0+$/, ''));
  if (!m?.[1]) return null;
  const attributes = new Map<string, string>();
  for (const a of m[1].matchAll(/([A-Za-z][\w-]*)\s*=\s*"([^"]*)"/g))
    attributes.set(a[1] ?? '', unescapeXml(a[2] ?? ''));
  const sha1d = attributes.get('SHA1D');
  const size = Number(attributes.get('Size'));
  if (!sha1d || !Number.isSafeInteger(size) || size < 0) return null;
  return {
    creator: (attributes.get('Creator') ?? '').toLowerCase(),
    size,
    type: Number(attributes.get('Type') ?? 0),
    location: attributes.get('Location') ?? '',
    friendly: attributes.get('Friendly') ?? '',
    sha1d,
    sha1c: attributes.get('SHA1C'),
    attributes,
  };
}

export const sha1d = (data: Buffer): string => sha1(data);

/** Percent-encodes every character outside A–Z a–z 0–9 - _ . ~ (P2P.md §2.3). */
export function percentEncode(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'))
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}
