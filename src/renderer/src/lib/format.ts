// Message styles from X-MMS-IM-Format (decoded by main into TextFormat) turned into CSS, plus the
// user's own style. Font size never travels on the wire, so it is a local display choice.
import { DEFAULT_FORMAT, TextFormat, type TextFormat as Format } from '../../../shared/schemas';

export const FONTS: readonly { name: string; pitchFamily: string }[] = [
  { name: 'Arial', pitchFamily: '22' },
  { name: 'Comic Sans MS', pitchFamily: '42' },
  { name: 'Courier New', pitchFamily: '31' },
  { name: 'Georgia', pitchFamily: '12' },
  { name: 'Microsoft Sans Serif', pitchFamily: '22' },
  { name: 'Segoe UI', pitchFamily: '22' },
  { name: 'Tahoma', pitchFamily: '22' },
  { name: 'Times New Roman', pitchFamily: '12' },
  { name: 'Trebuchet MS', pitchFamily: '22' },
  { name: 'Verdana', pitchFamily: '22' },
];

export const FONT_SIZES: readonly number[] = [8, 9, 10, 11, 12, 14, 16, 18, 20];

/** The classic palette offered by the colour picker. */
export const COLORS: readonly string[] = [
  '#000000',
  '#808080',
  '#800000',
  '#ff0000',
  '#808000',
  '#ff8000',
  '#008000',
  '#00a000',
  '#008080',
  '#0000ff',
  '#000080',
  '#800080',
  '#ff00ff',
  '#c0c0c0',
];

export { DEFAULT_FORMAT };

export const DEFAULT_FONT_SIZE = 10;

export interface TextStyle {
  fontFamily: string;
  color: string;
  fontWeight: 'bold' | 'normal';
  fontStyle: 'italic' | 'normal';
  textDecoration: string;
  direction: 'rtl' | 'ltr';
}

/** The generic family Windows' pitch-and-family byte asks for (high nibble), as a CSS fallback. */
function genericFamily(pitchFamily: string): string {
  const family = Number.parseInt(pitchFamily, 16) >> 4;
  switch (family) {
    case 1:
      return 'serif';
    case 3:
      return 'monospace';
    case 4:
      return 'cursive';
    case 5:
      return 'fantasy';
    default:
      return Number.parseInt(pitchFamily, 16) % 16 === 1 ? 'monospace' : 'sans-serif';
  }
}

export function textStyle(format: Format | undefined): TextStyle | undefined {
  if (!format) return undefined;
  // A font name is someone else's text: keep only characters font names use, then quote it.
  const font = format.font.replace(/[^\p{L}\p{N} _-]/gu, '').trim();
  const decorations = [format.effects.underline && 'underline', format.effects.strikethrough && 'line-through'];
  return {
    fontFamily: font === '' ? genericFamily(format.pitchFamily) : `"${font}", ${genericFamily(format.pitchFamily)}`,
    color: format.color,
    fontWeight: format.effects.bold ? 'bold' : 'normal',
    fontStyle: format.effects.italic ? 'italic' : 'normal',
    textDecoration: decorations.filter(Boolean).join(' ') || 'none',
    direction: format.rightToLeft ? 'rtl' : 'ltr',
  };
}

export interface OwnStyle {
  format: Format;
  size: number;
}

/** Reads the user's saved style, falling back to the default for anything missing or damaged. */
export function parseOwnStyle(saved: string | null): OwnStyle {
  if (saved === null) return { format: DEFAULT_FORMAT, size: DEFAULT_FONT_SIZE };
  try {
    const raw = JSON.parse(saved) as { format?: unknown; size?: unknown };
    const format = TextFormat.safeParse(raw.format);
    const size = typeof raw.size === 'number' && FONT_SIZES.includes(raw.size) ? raw.size : DEFAULT_FONT_SIZE;
    return { format: format.success ? format.data : DEFAULT_FORMAT, size };
  } catch {
    return { format: DEFAULT_FORMAT, size: DEFAULT_FONT_SIZE };
  }
}
