// Custom-emoticon announcements (P2P.md §5.3): `text/x-mms-emoticon` (or -animemoticon) sent
// before the text that uses them, body `shortcut TAB msnobj TAB …`.
import { buildMime } from '../codec';

export interface EmoticonDeclaration {
  /** 1–7 characters, as typed in the message. */
  readonly shortcut: string;
  /** The msnobj XML (Type 2) of the picture. */
  readonly msnObject: string;
}

export const MAX_SHORTCUT_LENGTH = 7;

/** The announcement to send (ack `N`) before a text that uses these emoticons. */
export function buildEmoticonPayload(emoticons: readonly EmoticonDeclaration[], animated = false): Buffer {
  for (const e of emoticons) {
    const length = [...e.shortcut].length;
    if (length < 1 || length > MAX_SHORTCUT_LENGTH || /[\t\r\n]/.test(e.shortcut)) {
      throw new RangeError(`not an emoticon shortcut: ${JSON.stringify(e.shortcut)}`);
    }
    if (/[\t\r\n]/.test(e.msnObject)) throw new RangeError('an msnobj must be one line');
  }
  return buildMime(
    [
      ['MIME-Version', '1.0'],
      ['Content-Type', animated ? 'text/x-mms-animemoticon' : 'text/x-mms-emoticon'],
    ],
    emoticons.map((e) => `${e.shortcut}\t${e.msnObject}\t`).join(''),
  );
}

/** The (shortcut, msnobj) pairs of an announcement body; percent-encoded objects are decoded. */
export function parseEmoticonBody(body: string): EmoticonDeclaration[] {
  const tokens = body.replace(/\r?\n$/, '').split('\t');
  const out: EmoticonDeclaration[] = [];
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const shortcut = tokens[i] ?? '';
    let msnObject = (tokens[i + 1] ?? '').trim();
    if (/^%3C/i.test(msnObject)) {
      try {
        msnObject = decodeURIComponent(msnObject);
      } catch {
        continue;
      }
    }
    const length = [...shortcut].length;
    if (length < 1 || length > 32 || !msnObject.startsWith('<msnobj')) continue;
    out.push({ shortcut, msnObject });
  }
  return out;
}
