// Turns a contact's text into display pieces: plain text, emoticons and links. Everything stays
// data here; components render pieces as text nodes, so markup in a message never becomes HTML.
import { splitEmoticons, type TextPiece } from './emoticons';

export type RichPiece =
  | TextPiece
  | { kind: 'link'; text: string; url: string }
  /** A contact's own emoticon: its picture once it has arrived (`null` until then: the shortcut shows). */
  | { kind: 'custom'; shortcut: string; pictureId: string | null };

/** Shortcuts a message declared, with their pictures as they arrive. */
export type CustomEmoticons = Readonly<Record<string, string | null>>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const linkPattern = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const trailingPunctuation = /[.,;:!?'"]+$/;

/** Drops sentence punctuation and an unmatched ')' that people type right after a link. */
function trimLink(raw: string): string {
  let link = raw.replace(trailingPunctuation, '');
  while (link.endsWith(')') && (link.match(/\(/g)?.length ?? 0) < (link.match(/\)/g)?.length ?? 0)) {
    link = link.slice(0, -1).replace(trailingPunctuation, '');
  }
  return link;
}

/** The http(s) URL a link piece opens; anything else is not a link. */
export function linkTarget(text: string): string | null {
  const url = /^www\./i.test(text) ? `http://${text}` : text;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function splitRichText(
  text: string,
  { emoticons = true, custom }: { emoticons?: boolean; custom?: CustomEmoticons } = {},
): RichPiece[] {
  const pieces: RichPiece[] = [];
  const standard = (run: string): void => {
    if (emoticons) pieces.push(...splitEmoticons(run));
    else pieces.push({ kind: 'text', text: run });
  };
  // A sender's own shortcuts win over the standard ones, longest first (as the official client did).
  const shortcuts = Object.keys(custom ?? {}).sort((a, b) => b.length - a.length);
  const customPattern =
    shortcuts.length > 0 && emoticons ? new RegExp(shortcuts.map(escapeRegExp).join('|'), 'g') : undefined;
  const pushText = (run: string): void => {
    if (run === '') return;
    if (!customPattern || !custom) {
      standard(run);
      return;
    }
    let at = 0;
    for (const match of run.matchAll(customPattern)) {
      if (match.index > at) standard(run.slice(at, match.index));
      pieces.push({ kind: 'custom', shortcut: match[0], pictureId: custom[match[0]] ?? null });
      at = match.index + match[0].length;
    }
    if (at < run.length) standard(run.slice(at));
  };
  let last = 0;
  for (const match of text.matchAll(linkPattern)) {
    const link = trimLink(match[0]);
    const url = linkTarget(link);
    if (url === null) continue;
    pushText(text.slice(last, match.index));
    pieces.push({ kind: 'link', text: link, url });
    last = match.index + link.length;
  }
  pushText(text.slice(last));
  return pieces;
}
