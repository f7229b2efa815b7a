// File → Import Message History…: every MSN Messenger / Windows Live Messenger XML log under a
// folder, into the account's history.
//
// Each file is one contact's log, named after their sign-in name and a number
// ("bob1234567890.xml" for bob@…). Old logs name people only by their friendly name at the
// time, so which side of a conversation was the user is worked out: every <From> is on the other
// side of its <To>, which splits a file's names in two; the side whose names also appear in the
// other files of the folder (or match the account's name) is the user's. When nothing tells,
// records keep their names but are not marked as sent by the user.
//
// Importing is idempotent: each record carries a key made of what it holds, and a key already
// stored is not added again, so importing the same folder twice (or a log that grew) adds only
// what is new.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { ImportProgress, ImportReport } from '../../../shared/history';
import type { Participant } from '../../../shared/schemas';
import { NotAHistoryFile, readLogFile, styleToFormat, type LogItem, type LogProblem } from './msn-xml';
import { normalizeContact, type HistoryStore, type NewRecord } from './store';

export interface ImportOptions {
  /** The account: its e-mail, and names it is known to have used. */
  readonly self: { readonly email: string; readonly names: readonly string[] };
  /** E-mails of known contacts, to attribute "bob1234567890.xml" to bob@example.com. */
  readonly knownContacts: readonly string[];
  readonly onProgress?: (progress: ImportProgress) => void;
}

/** Records written per transaction: large enough to be fast, small enough to show progress. */
const BATCH = 2000;
/** Folders deeper than this below the chosen one are not searched. */
const MAX_DEPTH = 6;

export async function importFolder(store: HistoryStore, folder: string, options: ImportOptions): Promise<ImportReport> {
  const report: ImportReport = { files: 0, imported: 0, duplicates: 0, contacts: [], skipped: [] };
  let files: string[];
  try {
    files = await xmlFiles(folder, 0);
  } catch (err) {
    report.skipped.push({ file: folder, reason: `the folder could not be read: ${message(err)}` });
    return report;
  }
  files.sort();
  report.files = files.length;
  const name = (file: string): string => relative(folder, file) || basename(file);

  // First pass: who appears in which file, and on which side.
  const surveys = new Map<string, Survey>();
  const filesOfName = new Map<string, number>();
  for (const file of files) {
    try {
      const survey = await surveyFile(file);
      surveys.set(file, survey);
      for (const n of survey.sides.names()) filesOfName.set(n, (filesOfName.get(n) ?? 0) + 1);
    } catch (err) {
      report.skipped.push({
        file: name(file),
        reason: err instanceof NotAHistoryFile ? err.message : `it could not be read: ${message(err)}`,
      });
    }
  }

  const contacts = new Set<string>();
  let done = 0;
  for (const file of files) {
    const survey = surveys.get(file);
    if (survey) {
      const contact = attribute(file, options.knownContacts);
      try {
        const result = await importFile(store, file, survey, contact, filesOfName, options, (imported) =>
          options.onProgress?.({
            file: name(file),
            filesDone: done,
            filesTotal: files.length,
            imported: report.imported + imported,
          }),
        );
        report.imported += result.imported;
        report.duplicates += result.duplicates;
        if (result.imported + result.duplicates > 0) contacts.add(contact);
        if (result.problems.length > 0) {
          const first = result.problems[0] as LogProblem;
          report.skipped.push({
            file: name(file),
            reason:
              `${result.problems.length} record${result.problems.length === 1 ? '' : 's'} could not be read; ` +
              `the first, at character ${first.offset}: ${first.reason}`,
          });
        }
      } catch (err) {
        report.skipped.push({ file: name(file), reason: `it could not be imported: ${message(err)}` });
      }
    }
    done++;
    options.onProgress?.({ file: name(file), filesDone: done, filesTotal: files.length, imported: report.imported });
  }
  report.contacts = [...contacts].sort();
  return report;
}

async function xmlFiles(dir: string, depth: number): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth < MAX_DEPTH) out.push(...(await xmlFiles(path, depth + 1)));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.xml')) out.push(path);
  }
  return out;
}

/** The contact a log belongs to: a known e-mail whose name starts its file name, or that name. */
export function attribute(file: string, knownContacts: readonly string[]): string {
  const stem = basename(file)
    .replace(/\.xml$/i, '')
    .toLowerCase();
  let best: string | undefined;
  for (const email of knownContacts) {
    const local = normalizeContact(email).split('@')[0] ?? '';
    const rest = stem.slice(local.length);
    if (local !== '' && stem.startsWith(local) && /^\d*$/.test(rest) && (!best || local.length > best.length)) {
      best = normalizeContact(email);
    }
  }
  return best ?? (stem.replace(/\d+$/, '') || stem);
}

/** Names split in two sides of the conversation: union–find where each link says "opposite side". */
class Sides {
  private readonly parent = new Map<string, string>();
  /** Side relative to the parent: 0 same, 1 opposite. */
  private readonly flip = new Map<string, number>();

  add(name: string): void {
    if (!this.parent.has(name)) {
      this.parent.set(name, name);
      this.flip.set(name, 0);
    }
  }

  /** The name's group and its side within it. */
  find(name: string): [string, number] {
    this.add(name);
    let side = 0;
    let at = name;
    const path: string[] = [];
    while (this.parent.get(at) !== at) {
      path.push(at);
      side ^= this.flip.get(at) as number;
      at = this.parent.get(at) as string;
    }
    // Path compression, keeping each node's side relative to the root.
    let acc = side;
    for (const node of path) {
      const own = this.flip.get(node) as number;
      this.parent.set(node, at);
      this.flip.set(node, acc);
      acc ^= own;
    }
    return [at, side];
  }

  opposite(a: string, b: string): void {
    const [ra, sa] = this.find(a);
    const [rb, sb] = this.find(b);
    if (ra === rb) return;
    this.parent.set(rb, ra);
    this.flip.set(rb, sa ^ sb ^ 1);
  }

  names(): IterableIterator<string> {
    return this.parent.keys();
  }
}

interface Survey {
  readonly sides: Sides;
  /** The first time of each session, which keys its conversation. */
  readonly sessions: Map<string, number>;
}

async function surveyFile(file: string): Promise<Survey> {
  const sides = new Sides();
  const sessions = new Map<string, number>();
  await readLogFile(
    file,
    (item) => {
      if (!sessions.has(item.sessionId)) sessions.set(item.sessionId, item.at);
      for (const n of [...item.from, ...item.to]) sides.add(n);
      const sender = item.from[0];
      // Only one-to-one records say who is on which side: in a group, the others are all "not me".
      const [to, ...more] = item.to;
      if (sender !== undefined && to !== undefined && more.length === 0) sides.opposite(sender, to);
    },
    () => {},
  );
  return { sides, sessions };
}

interface FileResult {
  imported: number;
  duplicates: number;
  problems: LogProblem[];
}

async function importFile(
  store: HistoryStore,
  file: string,
  survey: Survey,
  contact: string,
  filesOfName: ReadonlyMap<string, number>,
  options: ImportOptions,
  progress: (imported: number) => void,
): Promise<FileResult> {
  const result: FileResult = { imported: 0, duplicates: 0, problems: [] };
  const selfNames = new Set(options.self.names);
  const selfSide = new Map<string, number | undefined>();
  // The user's names are those in every log (of a folder of several), or the account's own.
  let everywhere = 0;
  for (const n of filesOfName.values()) everywhere = Math.max(everywhere, n);
  const mine = (name: string): boolean =>
    selfNames.has(name) || (everywhere >= 2 && filesOfName.get(name) === everywhere);
  /** Which side of its group is the user's, or undefined when nothing tells. */
  const userSide = (group: string): number | undefined => {
    if (selfSide.has(group)) return selfSide.get(group);
    const found = [false, false];
    for (const n of survey.sides.names()) {
      const [g, side] = survey.sides.find(n);
      if (g === group && mine(n)) found[side] = true;
    }
    const chosen = found[0] === found[1] ? undefined : found[0] ? 0 : 1;
    selfSide.set(group, chosen);
    return chosen;
  };
  const isUser = (name: string): boolean | undefined => {
    const [group, side] = survey.sides.find(name);
    const mine = userSide(group);
    return mine === undefined ? undefined : mine === side;
  };

  // The contact's name: the last one they used in this file.
  let contactName = contact;
  const conversations = new Map<string, number>();
  const seen = new Map<string, number>();
  let batch: LogItem[] = [];

  const flush = (): void => {
    const items = batch;
    batch = [];
    store.transaction(() => {
      for (const item of items) {
        const sender = item.from[0];
        const user = sender === undefined ? undefined : isUser(sender);
        if (user === false && sender !== undefined && item.kind === 'message') contactName = sender;
        let conversationId = conversations.get(item.sessionId);
        if (conversationId === undefined) {
          const first = survey.sessions.get(item.sessionId) ?? item.at;
          conversationId = store.startConversation({
            contact,
            contactName,
            at: first,
            importKey: `msn-xml\n${contact}\n${item.sessionId}\n${first}`,
          });
          conversations.set(item.sessionId, conversationId);
        }
        const record = toRecord(item, conversationId, contact, user, options.self.email);
        const identity = [
          contact,
          item.sessionId,
          item.at,
          item.kind,
          item.from.join('\n'),
          item.text,
          item.file ?? '',
        ];
        const base = identity.join('\u0000');
        // Two identical records (same second, same words) are both kept, once each.
        const occurrence = (seen.get(base) ?? 0) + 1;
        seen.set(base, occurrence);
        const importKey = createHash('sha256').update(`${base}\u0000${occurrence}`).digest().subarray(0, 16);
        if (store.add({ ...record, importKey }) === undefined) result.duplicates++;
        else result.imported++;
      }
      // The list of contacts shows the name they used last.
      if (conversations.size > 0) store.nameContact(contact, contactName);
    });
    progress(result.imported);
  };

  await readLogFile(
    file,
    (item) => {
      batch.push(item);
      if (batch.length >= BATCH) flush();
    },
    (problem) => result.problems.push(problem),
  );
  if (batch.length > 0) flush();
  return result;
}

function toRecord(
  item: LogItem,
  conversationId: number,
  contact: string,
  user: boolean | undefined,
  selfEmail: string,
): Omit<NewRecord, 'importKey'> {
  const name = item.from[0];
  // In a group conversation the others' e-mails are unknown; one-to-one, it is the contact.
  const email = user === true ? selfEmail : user === false && item.to.length <= 1 ? contact : '';
  const from: Participant | undefined = name === undefined ? undefined : { email, displayName: name };
  const format = styleToFormat(item.style);
  const invitation =
    item.kind === 'invitation' || item.kind === 'invitation-response'
      ? {
          ...(item.application === undefined ? {} : { application: item.application }),
          ...(item.file === undefined ? {} : { file: item.file }),
        }
      : undefined;
  return {
    conversationId,
    kind: item.kind,
    at: item.at,
    ...(from ? { from } : {}),
    outgoing: user === true,
    text: item.text,
    ...(item.kind === 'message' && format ? { format } : {}),
    ...(invitation ? { invitation } : {}),
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
