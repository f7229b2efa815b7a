import { describe, expect, it } from 'vitest';
import { DEFAULT_FONT_SIZE, DEFAULT_FORMAT, parseOwnStyle, textStyle } from '../../../src/renderer/src/lib/format';

const format = {
  font: 'Comic Sans MS',
  effects: { bold: true, italic: true, underline: true, strikethrough: true },
  color: '#0000ff',
  charset: '0',
  pitchFamily: '42',
  rightToLeft: true,
};

describe('textStyle', () => {
  it('maps every part of X-MMS-IM-Format to CSS', () => {
    expect(textStyle(format)).toEqual({
      fontFamily: '"Comic Sans MS", cursive',
      color: '#0000ff',
      fontWeight: 'bold',
      fontStyle: 'italic',
      textDecoration: 'underline line-through',
      direction: 'rtl',
    });
  });

  it('uses the generic family of the pitch-and-family byte', () => {
    expect(textStyle({ ...format, font: 'Courier New', pitchFamily: '31' })?.fontFamily).toBe(
      '"Courier New", monospace',
    );
    expect(textStyle({ ...format, font: 'Times', pitchFamily: '12' })?.fontFamily).toBe('"Times", serif');
    expect(textStyle({ ...format, font: 'X', pitchFamily: '01' })?.fontFamily).toBe('"X", monospace');
  });

  it('cannot be escaped by a hostile font name', () => {
    const style = textStyle({ ...format, font: 'a"; background: url(x); "', pitchFamily: '22' });
    expect(style?.fontFamily).toBe('"a background urlx", sans-serif');
    expect(textStyle({ ...format, font: '";', pitchFamily: '22' })?.fontFamily).toBe('sans-serif');
  });

  it('is plain when no format came', () => {
    expect(textStyle(undefined)).toBeUndefined();
    expect(textStyle(DEFAULT_FORMAT)?.textDecoration).toBe('none');
  });
});

describe('parseOwnStyle', () => {
  it('reads a saved style and falls back for anything damaged', () => {
    expect(parseOwnStyle(JSON.stringify({ format, size: 14 }))).toEqual({ format, size: 14 });
    expect(parseOwnStyle(JSON.stringify({ format: { font: 1 }, size: 13 }))).toEqual({
      format: DEFAULT_FORMAT,
      size: DEFAULT_FONT_SIZE,
    });
    expect(parseOwnStyle('{nope')).toEqual({ format: DEFAULT_FORMAT, size: DEFAULT_FONT_SIZE });
    expect(parseOwnStyle(null)).toEqual({ format: DEFAULT_FORMAT, size: DEFAULT_FONT_SIZE });
  });
});
