// A contact's history written out as an MSN Messenger XML log (which the importer and the old
// MessageLog.xsl read back) or as plain text. Written page by page, so a long history never sits
// in memory whole, to a temporary file renamed into place at the end.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { HistoryRecord } from '../../../shared/history';
import type { Participant } from '../../../shared/schemas';
import { escapeXml, formatToStyle } from './msn-xml';
import type { HistoryStore } from './store';

export type ExportFormat = 'xml' | 'text';

const PAGE = 500;

export interface ExportResult {
  readonly records: number;
  readonly path: string;
}

/** Writes `contact`'s history to `path`; `self` names the user where a record does not. */
export function exportContact(
  store: HistoryStore,
  contact: string,
  format: ExportFormat,
  path: string,
  self: Participant,
): ExportResult {
  const info = store.contacts().find((c) => c.email === contact.toLowerCase());
  const contactName = info?.displayName ?? contact;
  const sessions = new Map<number, number>();
  for (let before: number | undefined; ;) {
    const page = store.conversations(contact, before, 500);
    for (const c of page) sessions.set(c.id, 0);
    const last = page.at(-1);
    if (!last || page.length < 500) break;
    before = last.startedAt;
  }

  const temporary = `${path}.part`;
  const fd = openSync(temporary, 'w');
  let records = 0;
  try {
    const write = (text: string): void => void writeSync(fd, text);
    if (format === 'xml') {
      write(`<?xml version="1.0"?>\n<?xml-stylesheet type='text/xsl' href='MessageLog.xsl'?>\n`);
      write(`<Log FirstSessionID="${sessions.size > 0 ? 1 : 0}" LastSessionID="${sessions.size}">`);
    } else {
      write(`Message history with ${contactName} (${contact})\n`);
    }
    let session = 0;
    let lastConversation: number | undefined;
    /** The names each side went by most recently, for the <To> of the other side's records. */
    let themName = contactName;
    let myName = self.displayName;
    for (let after = -1; ;) {
      const page = store.page(contact, { after, limit: PAGE });
      for (const record of page.records) {
        let number = sessions.get(record.conversationId);
        if (!number) {
          number = ++session;
          sessions.set(record.conversationId, number);
        }
        if (record.from) {
          if (record.outgoing) myName = record.from.displayName;
          else if (record.from.email === contact) themName = record.from.displayName;
        }
        if (format === 'xml') write(xmlRecord(record, number, record.outgoing ? themName : myName));
        else {
          if (record.conversationId !== lastConversation) write(`\nConversation of ${localDate(record.at)}\n`);
          write(textRecord(record));
        }
        lastConversation = record.conversationId;
        records++;
      }
      const last = page.records.at(-1);
      if (!last || page.newer === undefined) break;
      after = last.id;
    }
    if (format === 'xml') write('</Log>\n');
    closeSync(fd);
    renameSync(temporary, path);
  } catch (err) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw err;
  }
  return { records, path };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function localDate(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function localTime(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function attributes(record: HistoryRecord, session: number): string {
  const d = new Date(record.at);
  const date = `${pad(d.getMonth() + 1)}/${pad(d.getDate())}/${d.getFullYear()}`;
  return `Date="${date}" Time="${localTime(record.at)}" DateTime="${d.toISOString()}" SessionID="${session}"`;
}

const user = (name: string): string => `<User FriendlyName="${escapeXml(name)}"/>`;
const NOTICE_STYLE = 'color:#545454; ';

function xmlRecord(record: HistoryRecord, session: number, toName: string): string {
  const attrs = attributes(record, session);
  const who = record.from?.displayName ?? '';
  const text = (body: string, style = NOTICE_STYLE): string =>
    `<Text Style="${escapeXml(style)}">${escapeXml(body)}</Text>`;
  switch (record.kind) {
    case 'message':
      return (
        `<Message ${attrs}><From>${user(who)}</From><To>${user(toName)}</To>` +
        `${text(record.text, formatToStyle(record.format))}</Message>`
      );
    // The format has no nudge element; MSN Messenger wrote nudges as a notice in the log too.
    case 'nudge':
      return `<Message ${attrs}><From>${user(who)}</From><To>${user(toName)}</To>${text(`${who} sent a nudge.`)}</Message>`;
    case 'join':
      return `<Join ${attrs}>${user(who)}${text(record.text || `${who} has joined the conversation.`)}</Join>`;
    case 'leave':
      return `<Leave ${attrs}>${user(who)}${text(record.text || `${who} has left the conversation.`)}</Leave>`;
    case 'file': {
      const name = record.file?.name ?? record.text;
      const offer =
        `<Invitation ${attrs}><From>${user(who)}</From><File>${escapeXml(name)}</File>` +
        `<Application>File Transfer</Application>${text(`${who} sends ${name}`)}</Invitation>`;
      const outcome = record.file?.outcome;
      if (outcome === undefined || outcome === 'offered') return offer;
      const said =
        outcome === 'completed'
          ? `Transfer of "${name}" is complete.`
          : outcome === 'declined'
            ? `${name} was declined.`
            : `Transfer of "${name}" did not complete.`;
      return (
        offer +
        `<InvitationResponse ${attrs}><From>${user(who)}</From><File>${escapeXml(record.file?.savedPath ?? name)}</File>` +
        `<Application>File Transfer</Application>${text(said)}</InvitationResponse>`
      );
    }
    case 'invitation':
    case 'invitation-response': {
      const element = record.kind === 'invitation' ? 'Invitation' : 'InvitationResponse';
      const file = record.invitation?.file === undefined ? '' : `<File>${escapeXml(record.invitation.file)}</File>`;
      const app =
        record.invitation?.application === undefined
          ? ''
          : `<Application>${escapeXml(record.invitation.application)}</Application>`;
      return `<${element} ${attrs}><From>${user(who)}</From>${file}${app}${text(record.text)}</${element}>`;
    }
    case 'system':
      return '';
  }
}

function textRecord(record: HistoryRecord): string {
  const at = `[${localTime(record.at)}]`;
  const who = record.from?.displayName ?? '';
  switch (record.kind) {
    case 'message': {
      const failed = record.delivery === 'failed' ? ' (could not be delivered)' : '';
      return `${at} ${who}: ${record.text.replace(/\r?\n/g, '\n    ')}${failed}\n`;
    }
    case 'nudge':
      return `${at} ${who} sent a nudge.\n`;
    case 'join':
      return `${at} ${who} has joined the conversation.\n`;
    case 'leave':
      return `${at} ${who} has left the conversation.\n`;
    case 'file':
      return `${at} ${who} sent ${record.file?.name ?? record.text} (${record.file?.outcome ?? 'offered'})\n`;
    case 'invitation':
    case 'invitation-response':
    case 'system':
      return `${at} ${record.text}\n`;
  }
}
