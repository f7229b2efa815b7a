// Building SOAP requests: a tagged template whose interpolated values are XML-escaped (with the
// engine's one escaping helper) unless they are fragments built by the same template, so a user
// name or a password can never change a request's structure.
import { xmlEscape } from '../lists';

/** XML text that is already well-formed and escaped. */
export class XmlFragment {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

export type XmlValue = string | number | XmlFragment | readonly XmlFragment[];

function render(value: XmlValue): string {
  if (value instanceof XmlFragment) return value.text;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return xmlEscape(value);
  return value.map((fragment) => fragment.text).join('');
}

/** `xml\`<Username>${email}</Username>\`` escapes `email`; nested `xml` fragments go in as they are. */
export function xml(strings: TemplateStringsArray, ...values: readonly XmlValue[]): XmlFragment {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new XmlFragment(out);
}
