// The classic text shortcuts and the emoticon each one stands for. Shortcuts stay plain text on
// the wire; only the display turns them into pictures (drawn in components/Emoticon.tsx).

export const EMOTICONS = [
  { id: 'smile', label: 'Smile', shortcuts: [':)', ':-)'] },
  { id: 'grin', label: 'Open-mouthed', shortcuts: [':D', ':-D', ':d', ':-d'] },
  { id: 'wink', label: 'Wink', shortcuts: [';)', ';-)'] },
  { id: 'surprised', label: 'Surprised', shortcuts: [':O', ':-O', ':o', ':-o'] },
  { id: 'tongue', label: 'Tongue out', shortcuts: [':P', ':-P', ':p', ':-p'] },
  { id: 'cool', label: 'Hot', shortcuts: ['(H)', '(h)'] },
  { id: 'angry', label: 'Angry', shortcuts: [':@', ':-@'] },
  { id: 'confused', label: 'Confused', shortcuts: [':S', ':-S', ':s', ':-s'] },
  { id: 'embarrassed', label: 'Embarrassed', shortcuts: [':$', ':-$'] },
  { id: 'sad', label: 'Sad', shortcuts: [':(', ':-('] },
  { id: 'crying', label: 'Crying', shortcuts: [":'("] },
  { id: 'disappointed', label: 'Disappointed', shortcuts: [':|', ':-|'] },
  { id: 'angel', label: 'Angel', shortcuts: ['(A)', '(a)'] },
  { id: 'devil', label: 'Devil', shortcuts: ['(6)'] },
  { id: 'nerd', label: 'Nerd', shortcuts: ['8-|'] },
  { id: 'sleepy', label: 'Sleepy', shortcuts: ['|-)'] },
  { id: 'thinking', label: 'Thinking', shortcuts: ['*-)'] },
  { id: 'eyeroll', label: 'Eye-rolling', shortcuts: ['8-)'] },
  { id: 'heart', label: 'Red heart', shortcuts: ['(L)', '(l)'] },
  { id: 'brokenheart', label: 'Broken heart', shortcuts: ['(U)', '(u)'] },
  { id: 'thumbsup', label: 'Thumbs up', shortcuts: ['(Y)', '(y)'] },
  { id: 'thumbsdown', label: 'Thumbs down', shortcuts: ['(N)', '(n)'] },
  { id: 'rose', label: 'Red rose', shortcuts: ['(F)', '(f)'] },
  { id: 'wilted', label: 'Wilted rose', shortcuts: ['(W)', '(w)'] },
  { id: 'kiss', label: 'Red lips', shortcuts: ['(K)', '(k)'] },
  { id: 'star', label: 'Star', shortcuts: ['(*)'] },
  { id: 'sun', label: 'Sun', shortcuts: ['(#)'] },
  { id: 'moon', label: 'Sleeping half-moon', shortcuts: ['(S)'] },
  { id: 'note', label: 'Note', shortcuts: ['(8)'] },
  { id: 'coffee', label: 'Coffee cup', shortcuts: ['(C)', '(c)'] },
  { id: 'beer', label: 'Beer mug', shortcuts: ['(B)', '(b)'] },
  { id: 'cake', label: 'Birthday cake', shortcuts: ['(^)'] },
  { id: 'gift', label: 'Gift with a bow', shortcuts: ['(G)', '(g)'] },
  { id: 'bulb', label: 'Light bulb', shortcuts: ['(I)', '(i)'] },
  { id: 'phone', label: 'Telephone receiver', shortcuts: ['(T)', '(t)'] },
  { id: 'mail', label: 'E-mail', shortcuts: ['(E)', '(e)'] },
  { id: 'clock', label: 'Clock', shortcuts: ['(O)', '(o)'] },
] as const satisfies readonly { id: string; label: string; shortcuts: readonly string[] }[];

export type EmoticonId = (typeof EMOTICONS)[number]['id'];

export type TextPiece = { kind: 'text'; text: string } | { kind: 'emoticon'; id: EmoticonId; shortcut: string };

const byShortcut = new Map<string, EmoticonId>();
for (const emoticon of EMOTICONS) for (const shortcut of emoticon.shortcuts) byShortcut.set(shortcut, emoticon.id);

// Longest shortcuts first so ':-)' wins over ':-' prefixes and '(*)' over '(' alone.
const escaped = [...byShortcut.keys()]
  .sort((a, b) => b.length - a.length)
  .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
const shortcutPattern = new RegExp(escaped.join('|'), 'g');

/** Splits text into plain runs and emoticons, matching shortcuts anywhere, as the classic client did. */
export function splitEmoticons(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(shortcutPattern)) {
    const id = byShortcut.get(match[0]);
    if (id === undefined) continue;
    if (match.index > last) pieces.push({ kind: 'text', text: text.slice(last, match.index) });
    pieces.push({ kind: 'emoticon', id, shortcut: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
}
