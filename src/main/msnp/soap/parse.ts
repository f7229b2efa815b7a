// Reading SOAP responses with fast-xml-parser: namespace prefixes dropped (services disagree on
// them), no DTDs (a SOAP message must not carry one, and refusing them rules out entity bombs),
// entity expansion off (only the five predefined entities and character references are decoded,
// here), and a size bound. The result is a small element tree with lookups by local name.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MsnpError } from '../errors';
import { xmlUnescape } from '../lists';
import { SoapFault } from './fault';

/** Default bound on a response, in bytes: an address book of thousands of contacts fits easily. */
export const MAX_SOAP_BYTES = 4 * 1024 * 1024;

export interface XmlElement {
  /** Local name, without a namespace prefix. */
  readonly name: string;
  /** By local name; values decoded. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (and CDATA), decoded and trimmed. */
  readonly text: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Ordered = Record<string, unknown>;

function toElement(entry: Ordered): XmlElement | undefined {
  const name = Object.keys(entry).find((k) => k !== ':@' && k !== '#text' && k !== '#cdata');
  if (name === undefined) return undefined;
  const rawAttributes = (entry[':@'] ?? {}) as Record<string, unknown>;
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    attributes[key] = xmlUnescape(String(value));
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const item of (entry[name] ?? []) as Ordered[]) {
    if ('#text' in item) text += xmlUnescape(String(item['#text']));
    else if ('#cdata' in item) {
      for (const piece of item['#cdata'] as Ordered[]) text += String(piece['#text'] ?? '');
    } else {
      const child = toElement(item);
      if (child) children.push(child);
    }
  }
  return { name, attributes, children, text: text.trim() };
}

/** Parses an XML document into its root element; rejects DTDs, malformed XML and documents over `maxBytes`. */
export function parseXml(text: string, maxBytes = MAX_SOAP_BYTES): XmlElement {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new MsnpError('protocol', `The response is larger than ${maxBytes} bytes`);
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new MsnpError('protocol', 'The response carries a document type declaration, which SOAP does not allow');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new MsnpError('protocol', `The response is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  const roots = (parser.parse(text) as Ordered[]).map(toElement).filter((e): e is XmlElement => e !== undefined);
  const [root] = roots;
  if (!root || roots.length > 1) throw new MsnpError('protocol', 'The response has no single root element');
  return root;
}

/** The first child with this local name. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** Every child with this local name. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? [];
}

/** Follows a path of local names from `element`. */
export function descend(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let at = element;
  for (const name of path) at = child(at, name);
  return at;
}

/** Every descendant with this local name, depth first. */
export function findAll(element: XmlElement | undefined, name: string): XmlElement[] {
  if (!element) return [];
  return element.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}

/** Everything below an element as plain text, for fault details. */
function flatText(element: XmlElement): string {
  return [element.text, ...element.children.map(flatText)].filter((t) => t !== '').join(' ');
}

/** Every element below `element` that has text, by local name (the first of each name). */
function textFields(element: XmlElement, into = new Map<string, string>()): Map<string, string> {
  for (const c of element.children) {
    if (c.text !== '' && !into.has(c.name)) into.set(c.name, c.text);
    textFields(c, into);
  }
  return into;
}

/**
 * The Body of a SOAP envelope; a Fault in it (SOAP 1.1 `faultcode`/`faultstring`, or 1.2
 * `Code/Value`, `Reason/Text`) is thrown as a SoapFault naming `service`.
 */
export function soapBody(text: string, service: string, maxBytes = MAX_SOAP_BYTES): XmlElement {
  const envelope = parseXml(text, maxBytes);
  if (envelope.name !== 'Envelope') throw new MsnpError('protocol', `${service} did not answer with a SOAP envelope`);
  const body = child(envelope, 'Body');
  if (!body) throw new MsnpError('protocol', `${service} answered with an envelope without a Body`);
  const fault = child(body, 'Fault');
  if (fault) {
    const code = child(fault, 'faultcode')?.text ?? descend(fault, 'Code', 'Value')?.text ?? '';
    const reason = child(fault, 'faultstring')?.text ?? descend(fault, 'Reason', 'Text')?.text ?? '';
    const detail = child(fault, 'detail') ?? child(fault, 'Detail');
    throw new SoapFault(service, code, reason, detail ? flatText(detail) : undefined, detail && textFields(detail));
  }
  return body;
}
