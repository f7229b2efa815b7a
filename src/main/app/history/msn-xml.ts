// MSN Messenger 6–7.5 and Windows Live Messenger 8–2009 history files: one XML file per contact,
//
//   <?xml version="1.0"?>
//   <?xml-stylesheet type='text/xsl' href='MessageLog.xsl'?>
//   <Log FirstSessionID="1" LastSessionID="3">
//     <Message Date="2/7/2006" Time="6:21:36 PM" DateTime="2006-02-07T18:21:36.218Z" SessionID="1">
//       <From><User FriendlyName="Bob"/></From><To><User FriendlyName="Alice"/></To>
//       <Text Style="font-family:Segoe UI; color:#000000; ">hello</Text>
//     </Message>
//     <Invitation …><From>…</From><File>C:\photo.jpg</File><Application>File Transfer</Application><Text>…</Text></Invitation>
//     <InvitationResponse …>same elements</InvitationResponse>
//     <Join …><User FriendlyName="Carol"/><Text>…</Text></Join>
//     <Leave …><User FriendlyName="Carol"/><Text>…</Text></Leave>
//   </Log>
//
// Files can be hundreds of megabytes, so they are read as a stream and cut into the top-level
// elements, each parsed on its own with fast-xml-parser: memory stays bounded, and one broken
// element is reported and skipped while the rest of the file is read.
import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DEFAULT_FORMAT, type TextFormat } from '../../../shared/schemas';

export type LogItemKind = 'message' | 'invitation' | 'invitation-response' | 'join' | 'leave';

export interface LogItem {
  readonly kind: LogItemKind;
  readonly at: number;
  readonly sessionId: string;
  /** Friendly names: the sender (the one who joined or left, for Join and Leave) and the recipients. */
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly text: string;
  readonly style?: string;
  readonly file?: string;
  readonly application?: string;
}

export interface LogProblem {
  /** Where in the file, in characters from its start. */
  readonly offset: number;
  readonly reason: string;
}

const ELEMENTS: Record<string, LogItemKind> = {
  Message: 'message',
  Invitation: 'invitation',
  InvitationResponse: 'invitation-response',
  Join: 'join',
  Leave: 'leave',
};
const START = /<(Message|InvitationResponse|Invitation|Join|Leave)(?=[\s/>])/g;
/** No single record of a real log comes near this; beyond it the element is taken as broken. */
export const MAX_ELEMENT_CHARS = 1024 * 1024;
/** How far into a file its <Log> element must start. */
const MAX_PROLOGUE_CHARS = 64 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => name === 'User',
});

export class NotAHistoryFile extends Error {}

/**
 * Reads a history file, calling `onItem` for each record and `onProblem` for each one that could
 * not be read. Rejects with `NotAHistoryFile` when the file is not a history log at all.
 */
export async function readLogFile(
  path: string,
  onItem: (item: LogItem) => void,
  onProblem: (problem: LogProblem) => void,
): Promise<void> {
  let buffer = '';
  /** Characters dropped from the front of `buffer` so far. */
  let consumed = 0;
  let started = false;
  let decoder: TextDecoder | undefined;

  const drain = (final: boolean): void => {
    if (!started) {
      const log = /<Log(?=[\s>/])[^>]*>/.exec(buffer);
      if (!log) {
        if (final || buffer.length > MAX_PROLOGUE_CHARS) {
          throw new NotAHistoryFile('not an MSN Messenger history file (no <Log> element)');
        }
        return;
      }
      started = true;
      consumed += log.index + log[0].length;
      buffer = buffer.slice(log.index + log[0].length);
    }
    let at = 0;
    for (;;) {
      START.lastIndex = at;
      const start = START.exec(buffer);
      if (!start) {
        // Keep a tail that could be the beginning of a start tag cut by the chunk boundary.
        at = Math.max(at, buffer.length - 32);
        break;
      }
      const name = start[1] as string;
      const close = `</${name}>`;
      const tagEnd = buffer.indexOf('>', start.index);
      const selfClosing = tagEnd !== -1 && buffer[tagEnd - 1] === '/';
      const end = selfClosing ? tagEnd + 1 : buffer.indexOf(close, start.index);
      if (tagEnd === -1 || (!selfClosing && end === -1)) {
        const tooLong = buffer.length - start.index > MAX_ELEMENT_CHARS;
        if (final || tooLong) {
          onProblem({
            offset: consumed + start.index,
            reason: tooLong ? `a <${name}> element longer than 1 MB` : `a <${name}> element that never ends`,
          });
          at = start.index + 1 + name.length;
          continue;
        }
        at = start.index;
        break;
      }
      const stop = selfClosing ? end : end + close.length;
      const xml = buffer.slice(start.index, stop);
      at = stop;
      const item = parseElement(name, xml);
      if (typeof item === 'string') onProblem({ offset: consumed + start.index, reason: item });
      else onItem(item);
    }
    consumed += at;
    buffer = buffer.slice(at);
  };

  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!decoder) decoder = new TextDecoder(sniffEncoding(chunk), { fatal: false });
    buffer += decoder.decode(chunk, { stream: true });
    drain(false);
  }
  buffer += decoder?.decode() ?? '';
  drain(true);
}

/** Old logs are UTF-8; a byte-order mark says otherwise. */
function sniffEncoding(head: Buffer): string {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isNode(value) && typeof value['#text'] === 'string') return value['#text'];
  return '';
}

function users(value: unknown): string[] {
  if (!isNode(value) || !Array.isArray(value['User'])) return [];
  return value['User'].flatMap((u: unknown) =>
    isNode(u) && typeof u['FriendlyName'] === 'string' ? [u['FriendlyName']] : [],
  );
}

/** A parsed record, or why it could not be read. */
export function parseElement(name: string, xml: string): LogItem | string {
  const kind = ELEMENTS[name];
  if (!kind) return `unknown element <${name}>`;
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return `a malformed <${name}> element: ${valid.err.msg}`;
  const root = (parser.parse(xml) as Node)[name];
  if (!isNode(root)) return `an empty <${name}> element`;
  const at = timeOf(root);
  if (at === undefined) return `a <${name}> element without a readable date`;
  const text = root['Text'];
  const style = isNode(text) && typeof text['Style'] === 'string' ? text['Style'] : undefined;
  const joinLeave = kind === 'join' || kind === 'leave';
  const from = joinLeave ? users(root) : users(root['From']);
  if (kind === 'message' && from.length === 0) return 'a <Message> element without a sender';
  const file = typeof root['File'] === 'string' ? root['File'] : undefined;
  const application = typeof root['Application'] === 'string' ? root['Application'] : undefined;
  return {
    kind,
    at,
    sessionId: typeof root['SessionID'] === 'string' ? root['SessionID'] : '0',
    from,
    to: joinLeave ? [] : users(root['To']),
    text: textOf(text),
    ...(style === undefined ? {} : { style }),
    ...(file === undefined ? {} : { file }),
    ...(application === undefined ? {} : { application }),
  };
}

/** `DateTime` (UTC, WLM and MSN 7) when there is one; otherwise the local `Date` and `Time`. */
function timeOf(root: Node): number | undefined {
  const iso = root['DateTime'];
  if (typeof iso === 'string') {
    const at = Date.parse(iso);
    if (Number.isFinite(at)) return at;
  }
  const date = root['Date'];
  const time = root['Time'];
  if (typeof date !== 'string') return undefined;
  return localTime(date, typeof time === 'string' ? time : '00:00:00');
}

/** Dates were written in the computer's short format: Y-M-D, M/D/Y, or D/M/Y when the day shows it. */
function localTime(date: string, time: string): number | undefined {
  const parts = date.split(/[/.-]/).map((p) => Number.parseInt(p, 10));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) return undefined;
  const [a, b, c] = parts as [number, number, number];
  let year: number, month: number, day: number;
  if (a > 31) [year, month, day] = [a, b, c];
  else if (a > 12) [day, month, year] = [a, b, c];
  else [month, day, year] = [a, b, c];
  if (year < 100) year += 2000;
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?/.exec(time.trim());
  if (!t) return undefined;
  let hour = Number(t[1]);
  const pm = t[4]?.toLowerCase() === 'pm';
  if (t[4] !== undefined && hour === 12) hour = 0;
  if (pm) hour += 12;
  const at = new Date(year, month - 1, day, hour, Number(t[2]), Number(t[3] ?? 0)).getTime();
  return Number.isFinite(at) && month >= 1 && month <= 12 && day >= 1 && day <= 31 ? at : undefined;
}

/** The CSS of `<Text Style>` as a message style. */
export function styleToFormat(style: string | undefined): TextFormat | undefined {
  if (style === undefined) return undefined;
  const props = new Map<string, string>();
  for (const decl of style.split(';')) {
    const colon = decl.indexOf(':');
    if (colon > 0) props.set(decl.slice(0, colon).trim().toLowerCase(), decl.slice(colon + 1).trim());
  }
  const color = props.get('color')?.toLowerCase();
  const decoration = props.get('text-decoration')?.toLowerCase() ?? '';
  const font = props
    .get('font-family')
    ?.replace(/^["']|["']$/g, '')
    .slice(0, 64);
  return {
    ...DEFAULT_FORMAT,
    font: font || DEFAULT_FORMAT.font,
    color: color && /^#[0-9a-f]{6}$/.test(color) ? color : DEFAULT_FORMAT.color,
    effects: {
      bold: props.get('font-weight')?.toLowerCase() === 'bold',
      italic: props.get('font-style')?.toLowerCase() === 'italic',
      underline: decoration.includes('underline'),
      strikethrough: decoration.includes('line-through'),
    },
  };
}

export function formatToStyle(format: TextFormat | undefined): string {
  const f = format ?? DEFAULT_FORMAT;
  const decoration = [f.effects.underline ? 'underline' : '', f.effects.strikethrough ? 'line-through' : '']
    .filter(Boolean)
    .join(' ');
  return (
    `font-family:${f.font}; color:${f.color}; ` +
    (f.effects.bold ? 'font-weight:bold; ' : '') +
    (f.effects.italic ? 'font-style:italic; ' : '') +
    (decoration ? `text-decoration:${decoration}; ` : '')
  );
}

/** Text safe inside XML 1.0 content and attributes (characters it cannot hold are dropped). */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
