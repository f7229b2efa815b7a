import { describe, expect, it } from 'vitest';
import { EMOTICONS, splitEmoticons } from '../../../src/renderer/src/lib/emoticons';

describe('splitEmoticons', () => {
  it('turns the classic shortcuts into emoticons between text runs', () => {
    expect(splitEmoticons('hi :) and (Y)!')).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'emoticon', id: 'smile', shortcut: ':)' },
      { kind: 'text', text: ' and ' },
      { kind: 'emoticon', id: 'thumbsup', shortcut: '(Y)' },
      { kind: 'text', text: '!' },
    ]);
  });

  it.each([
    [':(', 'sad'],
    [':D', 'grin'],
    [';)', 'wink'],
    [':P', 'tongue'],
    [':p', 'tongue'],
    ['(N)', 'thumbsdown'],
    ['(L)', 'heart'],
    [":'(", 'crying'],
  ])('knows %s', (shortcut, id) => {
    expect(splitEmoticons(shortcut)).toEqual([{ kind: 'emoticon', id, shortcut }]);
  });

  it('prefers the longest shortcut', () => {
    expect(splitEmoticons(':-)')).toEqual([{ kind: 'emoticon', id: 'smile', shortcut: ':-)' }]);
    expect(splitEmoticons("x:'(")).toEqual([
      { kind: 'text', text: 'x' },
      { kind: 'emoticon', id: 'crying', shortcut: ":'(" },
    ]);
  });

  it('leaves text without shortcuts alone, including markup', () => {
    expect(splitEmoticons('<b>no</b>')).toEqual([{ kind: 'text', text: '<b>no</b>' }]);
    expect(splitEmoticons('')).toEqual([]);
  });

  it('gives every shortcut exactly one emoticon', () => {
    const all = EMOTICONS.flatMap((e) => e.shortcuts);
    expect(new Set(all).size).toBe(all.length);
  });
});
