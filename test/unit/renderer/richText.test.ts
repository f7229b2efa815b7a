import { describe, expect, it } from 'vitest';
import { linkTarget, splitRichText } from '../../../src/renderer/src/lib/richText';

describe('splitRichText', () => {
  it('finds http, https and www links and leaves emoticon shortcuts inside them alone', () => {
    expect(splitRichText('see https://example.com/a(b) now :)')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a(b)', url: 'https://example.com/a(b)' },
      { kind: 'text', text: ' now ' },
      { kind: 'emoticon', id: 'smile', shortcut: ':)' },
    ]);
    expect(splitRichText('www.example.com')).toEqual([
      { kind: 'link', text: 'www.example.com', url: 'http://www.example.com/' },
    ]);
  });

  it('drops punctuation and an unmatched bracket typed after a link', () => {
    expect(splitRichText('(go to http://example.com/x).')).toEqual([
      { kind: 'text', text: '(go to ' },
      { kind: 'link', text: 'http://example.com/x', url: 'http://example.com/x' },
      { kind: 'text', text: ').' },
    ]);
  });

  it("shows a sender's own emoticons in place of their shortcuts, before the standard ones", () => {
    const id = 'a'.repeat(40);
    expect(splitRichText('hi (cat) :) (ca', { custom: { '(cat)': id, ':)': null } })).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'custom', shortcut: '(cat)', pictureId: id },
      { kind: 'text', text: ' ' },
      // Declared but not arrived yet: the shortcut stands until it does, not the standard smile.
      { kind: 'custom', shortcut: ':)', pictureId: null },
      { kind: 'text', text: ' (ca' },
    ]);
  });

  it('matches the longest declared shortcut and treats regex characters literally', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    expect(splitRichText('x.*y x.*yz', { custom: { 'x.*y': a, 'x.*yz': b } })).toEqual([
      { kind: 'custom', shortcut: 'x.*y', pictureId: a },
      { kind: 'text', text: ' ' },
      { kind: 'custom', shortcut: 'x.*yz', pictureId: b },
    ]);
    expect(splitRichText('xxy', { custom: { 'x.*y': a } })).toEqual([{ kind: 'text', text: 'xxy' }]);
  });

  it('never links other schemes and keeps markup as text', () => {
    expect(splitRichText('javascript:alert(1) <a href="x">y</a>', { emoticons: false })).toEqual([
      { kind: 'text', text: 'javascript:alert(1) <a href="x">y</a>' },
    ]);
  });

  it('can leave emoticons as text', () => {
    expect(splitRichText('hi :)', { emoticons: false })).toEqual([{ kind: 'text', text: 'hi :)' }]);
  });
});

describe('linkTarget', () => {
  it('accepts only http(s)', () => {
    expect(linkTarget('https://example.com')).toBe('https://example.com/');
    expect(linkTarget('ftp://example.com')).toBeNull();
    expect(linkTarget('http://')).toBeNull();
  });
});
