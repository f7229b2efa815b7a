// The server's XML reading: prefixes dropped, only predefined entities and character references
// decoded, no DTDs, bounded size and depth.
import { describe, expect, it } from 'vitest';
import { escapeXml, parseXml, textAt, XmlError } from './xml';

describe('server XML', () => {
  it('drops namespace prefixes and decodes predefined entities and character references', () => {
    const root = parseXml(
      '<?xml version="1.0"?><s:Envelope xmlns:s="x"><s:Body a="1 &amp; 2"><v>Tom &amp; Jerry &#x3C;3 &#9786;</v><c><![CDATA[<raw &amp;>]]></c></s:Body></s:Envelope>',
    );
    expect(root.name).toBe('Envelope');
    expect(root.children[0]?.attrs).toEqual({ a: '1 & 2' });
    expect(textAt(root, 'Body', 'v')).toBe('Tom & Jerry <3 ☺');
    expect(textAt(root, 'Body', 'c')).toBe('<raw &amp;>');
  });

  it.each([
    ['a DTD', '<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>', /DTD/],
    ['an unknown entity', '<a>&nbsp;</a>', /unknown entity/],
    ['a bad character reference', '<a>&#xD800;</a>', /unknown entity/],
    ['unbalanced tags', '<a><b></a>', /malformed/],
    ['two roots', '<a/><b/>', /malformed|root/],
    ['deep nesting', `${'<a>'.repeat(100)}${'</a>'.repeat(100)}`, /nested/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseXml(text)).toThrow(XmlError);
    expect(() => parseXml(text)).toThrow(message);
  });

  it('refuses documents over the size bound', () => {
    expect(() => parseXml(`<a>${'x'.repeat(100)}</a>`, 64)).toThrow(/over the 64-byte limit/);
  });

  it('escapes the five special characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
