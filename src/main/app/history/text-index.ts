// What the full-text index sees of a message, how a search box's words become an FTS5 query,
// and where a found message's snippet is highlighted.
//
// The index uses SQLite's unicode61 tokenizer (case- and diacritics-insensitive). It splits words
// on spaces and punctuation, which Chinese and Japanese text does not have: a whole CJK sentence
// would be one token and no word inside it could be found. So before indexing, every CJK
// character and every symbol (emoji) is set apart by spaces and becomes a token of its own; a CJK
// word in the search box becomes the phrase of its characters, which matches them side by side.
import type { Snippet } from '../../../shared/history';

/** Characters indexed one by one: CJK ideographs, kana, Hangul, and symbols (emoji included). */
const SINGLE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{So}]/u;
const SINGLE_ALL = new RegExp(SINGLE.source, 'gu');
/** A token as the tokenizer sees it: a single character of the above, or a run of word characters. */
const TOKEN = new RegExp(`${SINGLE.source}|(?:(?!${SINGLE.source})[\\p{L}\\p{N}\\p{Co}])+`, 'gu');

/** The shortest word searched as a prefix; the index keeps prefixes of this length (`prefix = '3'`). */
export const MIN_PREFIX = 3;

/** The tokenizer options; `So` is a token category so that emoji can be searched for. */
export const TOKENIZER = `unicode61 remove_diacritics 2 categories 'L* N* Co So'`;

/** The text handed to the index for a message. */
export function indexText(text: string): string {
  return text.normalize('NFC').replace(SINGLE_ALL, ' $& ');
}

interface Token {
  readonly start: number;
  readonly end: number;
  readonly folded: string;
  readonly single: boolean;
}

function fold(token: string): string {
  // Recomposed after the accents go, or Hangul syllables would stay split into their letters.
  return token.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC').toLowerCase();
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index;
    out.push({ start, end: start + m[0].length, folded: fold(m[0]), single: SINGLE.test(m[0]) });
  }
  return out;
}

/** A word of the search box: the tokens that must follow each other; the last may be a prefix. */
interface Term {
  readonly tokens: readonly string[];
  readonly prefix: boolean;
}

function terms(query: string): Term[] {
  const out: Term[] = [];
  for (const word of query.normalize('NFC').split(/\s+/u)) {
    const found = tokens(word);
    const last = found.at(-1);
    if (!last) continue;
    // Prefixes of three letters and more, which the index keeps ready: a shorter one would match
    // much of the history. CJK and emoji tokens are whole already.
    out.push({ tokens: found.map((t) => t.folded), prefix: !last.single && [...last.folded].length >= MIN_PREFIX });
  }
  return out;
}

/**
 * The FTS5 expression for what the user typed: every word must appear, each word matching as a
 * prefix ("hel" finds "hello"). Undefined when there is nothing to search for (only punctuation).
 * Each token is quoted, so nothing the user types is read as FTS5 syntax.
 */
export function matchExpression(query: string): string | undefined {
  const parts = terms(query).map((t) => `"${t.tokens.join(' ').replaceAll('"', '""')}"${t.prefix ? '*' : ''}`);
  return parts.length === 0 ? undefined : parts.join(' AND ');
}

const SNIPPET_CONTEXT = 40;

/**
 * The part of `text` around its first match, as plain-text pieces with the matching words marked.
 * Matching follows the index: case and accents do not count, the last token of each word is a prefix.
 */
export function snippet(text: string, query: string, context = SNIPPET_CONTEXT): Snippet {
  const wanted = terms(query);
  const found = tokens(text);
  const hits: [number, number][] = [];
  for (let i = 0; i < found.length; i++) {
    for (const term of wanted) {
      const n = term.tokens.length;
      if (i + n > found.length) continue;
      let ok = true;
      for (let k = 0; k < n && ok; k++) {
        const have = (found[i + k] as Token).folded;
        const want = term.tokens[k] as string;
        ok = k === n - 1 && term.prefix ? have.startsWith(want) : have === want;
      }
      if (ok) {
        hits.push([(found[i] as Token).start, (found[i + n - 1] as Token).end]);
        break;
      }
    }
  }
  const first = hits[0];
  if (!first) return [{ text: cut(text, 0, context * 2), hit: false }];
  const from = Math.max(0, first[0] - context);
  const lastHit = hits.filter(([s]) => s < first[0] + context * 3).at(-1) ?? first;
  const to = Math.min(text.length, lastHit[1] + context);
  const pieces: Snippet = [];
  const start = wordStart(text, from);
  if (start > 0) pieces.push({ text: '…', hit: false });
  let at = start;
  for (const [s, e] of hits) {
    if (s < at || e > to) continue;
    if (s > at) pieces.push({ text: text.slice(at, s), hit: false });
    pieces.push({ text: text.slice(s, e), hit: true });
    at = e;
  }
  const end = wordEnd(text, to);
  if (end > at) pieces.push({ text: text.slice(at, end), hit: false });
  if (end < text.length) pieces.push({ text: '…', hit: false });
  return pieces;
}

/** Moves a cut forward to the next space so that no word is split (unless there is none near). */
function wordStart(text: string, at: number): number {
  if (at === 0) return 0;
  const space = text.indexOf(' ', at);
  return space === -1 || space - at > 15 ? safeIndex(text, at) : space + 1;
}

function wordEnd(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const space = text.lastIndexOf(' ', at);
  return space === -1 || at - space > 15 ? safeIndex(text, at) : space;
}

/** Never cuts a surrogate pair in half. */
function safeIndex(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at + 1 : at;
}

function cut(text: string, from: number, length: number): string {
  if (text.length <= length) return text;
  return `${text.slice(from, wordEnd(text, from + length))}…`;
}
