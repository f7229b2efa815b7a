// Offline messages over SOAP (MSNP13-18.md §10): the Mail-Data document that announces them, the
// RSI requests that read and delete them (GetMetadata, GetMessage, DeleteMessages, with the web
// ticket split into the PassportCookie's `t` and `p`), and Store2, which sends one (the secure
// ticket, the lock key, the run id and sequence number). Requests are built from the templates,
// answers read by local names.
import type { OfflineMessageNotice } from '../events';
import { MsnpError } from '../errors';
import { decodeEncodedWords } from '../mime';
import type { SoapFault } from './fault';
import { child, childrenNamed, findAll, parseXml, type XmlElement } from './parse';
import { xml, type XmlFragment } from './xml';

const OIM_NS = 'http://messenger.msn.com/ws/2004/09/oim/';
const RSI_NS = 'http://www.hotmail.msn.com/ws/2004/09/oim/rsi';
export const STORE2_ACTION = 'http://messenger.live.com/ws/2006/09/oim/Store2';
export const RSI_ACTION = (action: 'GetMetadata' | 'GetMessage' | 'DeleteMessages'): string => `${RSI_NS}/${action}`;

/** Bound on a Mail-Data document or a GetMetadata answer. */
const MAX_MAIL_DATA_BYTES = 1024 * 1024;
/** `T` of an offline message in the Mail-Data (other types are e-mail). */
const OIM_TYPE = '11';
const GUID = /^[0-9A-F]{8}-(?:[0-9A-F]{4}-){3}[0-9A-F]{12}$/i;

export type MailData =
  | { readonly tooLarge: true }
  | { readonly tooLarge: false; readonly messages: OfflineMessageNotice[]; readonly skipped: number };

/**
 * The value of a `Mail-Data:` line: `too-large` (more than 25 messages: ask GetMetadata), or the
 * `<MD>` document. A document that is not XML is a MsnpError of kind `protocol`.
 */
export function parseMailData(value: string, now = Date.now()): MailData {
  const text = value.trim();
  if (text === 'too-large') return { tooLarge: true };
  return parseMetadata(parseXml(text, MAX_MAIL_DATA_BYTES), now);
}

/**
 * The offline messages of an `<MD>` element. Entries without an id or a sender cannot be
 * fetched or told apart: they are counted in `skipped`, for the caller to report.
 */
export function parseMetadata(md: XmlElement, now = Date.now()): MailData {
  if (md.name !== 'MD') throw new MsnpError('protocol', `Mail-Data is ${md.name}, not an MD document`);
  const messages: OfflineMessageNotice[] = [];
  let skipped = 0;
  for (const m of childrenNamed(md, 'M')) {
    if ((child(m, 'T')?.text ?? OIM_TYPE) !== OIM_TYPE) continue;
    const id = child(m, 'I')?.text.toUpperCase() ?? '';
    const from = child(m, 'E')?.text.toLowerCase() ?? '';
    if (!GUID.test(id) || !from.includes('@')) {
      skipped++;
      continue;
    }
    const received = Date.parse(child(m, 'RT')?.text ?? '');
    messages.push({
      id,
      from,
      fromName: decodedName(child(m, 'N')?.text, from),
      receivedAt: Number.isFinite(received) ? received : now,
    });
  }
  return { tooLarge: false, messages, skipped };
}

/** The sender's name as an encoded word (Escargot: with a stray space); the address when it cannot be read. */
function decodedName(word: string | undefined, from: string): string {
  if (word === undefined) return from;
  try {
    return decodeEncodedWords(word).trim() || from;
  } catch {
    return from;
  }
}

/** The `t` and `p` halves of a `t=…&p=…` ticket (`p` empty on Escargot). */
export function splitTicket(ticket: string): { t: string; p: string } {
  const bare = ticket.replace(/^t=/, '');
  const at = bare.indexOf('&p=');
  return at < 0 ? { t: bare, p: '' } : { t: bare.slice(0, at), p: bare.slice(at + 3) };
}

/** An RSI envelope: the ticket as PassportCookie (`t` first, as Escargot needs it) around `body`. */
export function rsiEnvelope(ticket: string, body: XmlFragment): XmlFragment {
  const { t, p } = splitTicket(ticket);
  return xml`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><PassportCookie xmlns="${RSI_NS}"><t>${t}</t><p>${p}</p></PassportCookie></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** GetMetadata; Escargot fails an action element without children, so it carries a harmless one. */
export function getMetadataEnvelope(ticket: string): XmlFragment {
  return rsiEnvelope(ticket, xml`<GetMetadata xmlns="${RSI_NS}"><x/></GetMetadata>`);
}

export function getMessageEnvelope(ticket: string, id: string): XmlFragment {
  return rsiEnvelope(
    ticket,
    xml`<GetMessage xmlns="${RSI_NS}"><messageId>${id}</messageId><alsoMarkAsRead>false</alsoMarkAsRead></GetMessage>`,
  );
}

export function deleteMessagesEnvelope(ticket: string, ids: readonly string[]): XmlFragment {
  const list = ids.map((id) => xml`<messageId>${id}</messageId>`);
  return rsiEnvelope(ticket, xml`<DeleteMessages xmlns="${RSI_NS}"><messageIds>${list}</messageIds></DeleteMessages>`);
}

/** The RFC 822 text of a GetMessage response's Body. */
export function parseGetMessage(body: XmlElement): string {
  const result = findAll(body, 'GetMessageResult')[0];
  if (!result || result.text === '') throw new MsnpError('protocol', 'GetMessage answered without the message');
  return result.text;
}

/** The messages of a GetMetadata response's Body: an `<MD>` element, or (Escargot) its escaped text. */
export function parseGetMetadata(body: XmlElement, now = Date.now()): MailData {
  const response = findAll(body, 'GetMetadataResponse')[0] ?? body;
  const md = findAll(response, 'MD')[0];
  if (md) return parseMetadata(md, now);
  const text = [response, ...findAll(response, 'GetMetadataResult')].map((e) => e.text).find((t) => t !== '');
  if (text === undefined) throw new MsnpError('protocol', 'GetMetadata answered without a mailbox');
  return parseMailData(text, now);
}

/** A string as one RFC 2047 B word in UTF-8, as `friendlyName` is sent. */
export function encodedWord(text: string): string {
  return `=?utf-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** The MIME text of one offline message: headers, then the UTF-8 text in base64 lines of 76 characters. */
export function oimContent(runId: string, sequence: number, text: string): string {
  const base64 = Buffer.from(text, 'utf8').toString('base64');
  const lines = base64.match(/.{1,76}/g) ?? [];
  return [
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    'X-OIM-Message-Type: OfflineMessage',
    `X-OIM-Run-Id: ${runId}`,
    `X-OIM-Sequence-Num: ${sequence}`,
    '',
    ...lines,
  ].join('\r\n');
}

export interface Store2Request {
  readonly from: string;
  readonly friendlyName: string;
  readonly to: string;
  /** The secure (`MBI_SSL`) ticket, `t=…&p=…`. */
  readonly ticket: string;
  /** The product id whose key made the lock key. */
  readonly appId: string;
  /** Empty until the service has challenged. */
  readonly lockKey: string;
  /** `MSNP15`. */
  readonly protocol: string;
  readonly build: string;
  /** Equal to the content's `X-OIM-Sequence-Num`. */
  readonly sequence: number;
  /** As `oimContent` builds it. */
  readonly content: string;
}

export function store2Envelope(r: Store2Request): XmlFragment {
  return xml`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><From memberName="${r.from}" friendlyName="${encodedWord(r.friendlyName)}" xml:lang="en-US" proxy="MSNMSGR" xmlns="${OIM_NS}" msnpVer="${r.protocol}" buildVer="${r.build}"/><To memberName="${r.to}" xmlns="${OIM_NS}"/><Ticket passport="${r.ticket}" appid="${r.appId}" lockkey="${r.lockKey}" xmlns="${OIM_NS}"/><Sequence xmlns="http://schemas.xmlsoap.org/ws/2003/03/rm"><Identifier xmlns="http://schemas.xmlsoap.org/ws/2002/07/utility">http://messenger.msn.com</Identifier><MessageNumber>${r.sequence}</MessageNumber></Sequence></soap:Header><soap:Body><MessageType xmlns="${OIM_NS}">text</MessageType><Content xmlns="${OIM_NS}">${r.content}</Content></soap:Body></soap:Envelope>`;
}

/** The challenge a Store2 fault asks the lock key for, if it asks. */
export function lockKeyChallenge(fault: SoapFault): string | undefined {
  const challenge = fault.detailFields.get('LockKeyChallenge')?.trim();
  return challenge !== undefined && /^\d{1,20}$/.test(challenge) ? challenge : undefined;
}

/** Why the service refused an offline message, in words. */
export function store2Reason(fault: SoapFault, to: string): string {
  switch (fault.faultName) {
    case 'SystemUnavailable':
      return `${to} cannot get offline messages from you (unknown address, or not accepting your messages)`;
    case 'QuotaExceeded':
    case 'MailboxFull':
      return `${to} has too many offline messages waiting`;
    case 'MessageTooLarge':
      return 'The message is too long for an offline message';
    case 'SenderThrottleLimitExceeded':
      return 'Too many offline messages sent in a short time; try again later';
    case 'InvalidContent':
      return `The offline-message service refused the message as malformed${fault.faultText ? ` (${fault.faultText})` : ''}`;
    case 'AuthenticationFailed':
      return 'The offline-message service did not accept this session’s ticket';
    default:
      return `The offline-message service refused the message: ${fault.faultText || fault.faultName || 'SOAP fault'}`;
  }
}
