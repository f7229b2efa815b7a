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
