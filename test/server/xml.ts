// XML for the server's SOAP endpoints and the XML payloads of ADL/RML/FQY/UUX: fast-xml-parser
// with entity expansion off (only the five predefined entities and character references are
// decoded, by hand), a size bound, and namespace prefixes dropped so `soap:Body` and `Body` match.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlNode {
  /** Local name, without a namespace prefix. */
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
  /** The element's own text (not its descendants'), untrimmed. */
  readonly text: string;
}

export class XmlError extends Error {
  override readonly name = 'XmlError';
}

const parser = new XMLParser({
  preserveOrder: true,
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  // SOAP envelopes nest a dozen levels; anything near this is an attack, not a request.
  maxNestedTags: 64,
});

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes predefined entities and character references; anything else is an error. */
export function unescapeXml(text: string): string {
  return text.replace(/&([^;&\s]{0,12});/g, (whole, ref: string) => {
    const named = PREDEFINED[ref];
    if (named !== undefined) return named;
    const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
    const code = m ? parseInt(m[1] ?? m[2] ?? '', m[1] ? 16 : 10) : NaN;
    if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) {
      throw new XmlError(`unknown entity ${whole}`);
    }
    return String.fromCodePoint(code);
  });
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

type Raw = Record<string, unknown>;

function convert(raw: Raw): XmlNode | string | null {
  if ('#text' in raw) return unescapeXml(String(raw['#text']));
  if ('#cdata' in raw) {
    const inner = raw['#cdata'];
    return Array.isArray(inner) ? inner.map((r) => String((r as Raw)['#text'] ?? '')).join('') : '';
  }
  const name = Object.keys(raw).find((k) => k !== ':@');
  if (name === undefined || name.startsWith('?') || name.startsWith('!')) return null;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries((raw[':@'] as Raw | undefined) ?? {})) {
    if (k.startsWith('xmlns')) continue;
    attrs[k] = unescapeXml(String(v));
  }
  const children: XmlNode[] = [];
  let text = '';
  for (const item of (raw[name] as Raw[] | undefined) ?? []) {
    const c = convert(item);
    if (typeof c === 'string') text += c;
    else if (c) children.push(c);
  }
  return { name, attrs, children, text };
}

/** Parses one document and returns its root element. Throws XmlError for anything unreadable. */
export function parseXml(input: string | Buffer, maxBytes = 256 * 1024): XmlNode {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > maxBytes) throw new XmlError(`XML of ${size} bytes is over the ${maxBytes}-byte limit`);
  const text = typeof input === 'string' ? input : input.toString('utf8');
  // No DTDs at all: that is where entity bombs and external entities live.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlError('DTDs are not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlError(`malformed XML: ${valid.err.msg}`);
  let parsed: Raw[];
  try {
    parsed = parser.parse(text) as Raw[];
  } catch (err) {
    throw new XmlError(`unreadable XML: ${(err as Error).message}`);
  }
  const roots = parsed.map(convert).filter((n): n is XmlNode => typeof n === 'object' && n !== null);
  const [root] = roots;
  if (!root || roots.length !== 1) throw new XmlError('expected exactly one root element');
  return root;
}

/** First child element called `name`. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

export function childrenNamed(node: XmlNode | undefined, name: string): XmlNode[] {
  return node?.children.filter((c) => c.name === name) ?? [];
}

/** Follows a path of child names. */
export function path(node: XmlNode | undefined, ...names: string[]): XmlNode | undefined {
  let at = node;
  for (const n of names) at = child(at, n);
  return at;
}

/** Trimmed text at a path of child names, or undefined when the element is missing. */
export function textAt(node: XmlNode | undefined, ...names: string[]): string | undefined {
  return path(node, ...names)?.text.trim();
}

/** Every descendant called `name`, depth first. */
export function descendants(node: XmlNode | undefined, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode) => {
    for (const c of n.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  if (node) walk(node);
  return out;
}
