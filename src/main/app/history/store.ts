// One account's message history in SQLite: what the services record, what the viewer pages
// through and searches. Plain Node; nothing here knows about Electron or the privacy settings
// (`HistoryService` decides what may be written).
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type {
  HistoryContact,
  HistoryConversation,
  HistoryKind,
  HistoryRecord,
  LogPage,
  SearchPage,
  SearchQuery,
  TransferOutcome,
} from '../../../shared/history';
import type { DeliveryState, Participant, TextFormat } from '../../../shared/schemas';
import { TextFormat as TextFormatSchema } from '../../../shared/schemas';
import { openHistoryDatabase } from './database';
import { indexText, matchExpression, snippet } from './text-index';

const KINDS: readonly HistoryKind[] = [
  'message',
  'nudge',
  'join',
  'leave',
  'file',
  'system',
  'invitation',
  'invitation-response',
];
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i + 1]));
/** Kinds whose text is worth finding: what people wrote, and the names of files. */
const INDEXED: ReadonlySet<HistoryKind> = new Set(['message', 'file', 'invitation', 'invitation-response']);
// Stored as the index: new states go at the end.
const DELIVERY: readonly DeliveryState[] = ['sending', 'delivered', 'failed', 'queued', 'offline'];
const OUTGOING = 1;
const OFFLINE = 2;

/** Ids are milliseconds × SLOTS plus a counter: up to 1,024 records in one millisecond keep their order. */
const SLOTS = 1024;
/** Beyond this (year 2248) ids would no longer be exact JavaScript numbers. */
const MAX_AT = Math.floor(Number.MAX_SAFE_INTEGER / SLOTS) - 1;

export interface NewConversation {
  readonly contact: string;
  /** The contact's name now, shown in the viewer's list. */
  readonly contactName: string;
  readonly at: number;
  /** Imports: the same key again finds the same conversation instead of a new one. */
  readonly importKey?: string;
}

export interface NewRecord {
  readonly conversationId: number;
  readonly kind: HistoryKind;
  readonly at: number;
  readonly from?: Participant;
  readonly outgoing?: boolean;
  readonly offline?: boolean;
  readonly text?: string;
  readonly format?: TextFormat;
  readonly delivery?: DeliveryState;
  readonly failureReason?: string;
  readonly invitation?: { readonly application?: string; readonly file?: string };
  /** The sender's display picture at the time (hex SHA-1). */
  readonly picture?: string;
  /** Imports: a record with a key already stored is not added again. */
  readonly importKey?: Uint8Array;
}

export interface NewTransfer {
  readonly conversationId: number;
  readonly at: number;
  readonly from: Participant;
  readonly outgoing: boolean;
  readonly fileName: string;
  readonly size?: number;
  readonly outcome: TransferOutcome;
  readonly savedPath?: string;
}

export interface PageRequest {
  readonly before?: number;
  readonly after?: number;
  /** Centres the page on this record (a search result to jump to). */
  readonly around?: number;
  readonly conversationId?: number;
  readonly limit?: number;
}

/** One account's history, as the services and the viewer use it. */
export interface HistoryStore {
  startConversation(conversation: NewConversation): number;
  /** The new record's id; undefined when its import key was already stored. */
  add(record: NewRecord): number | undefined;
  addTransfer(transfer: NewTransfer): number;
  updateTransfer(id: number, outcome: TransferOutcome, savedPath?: string): void;
  setDelivery(id: number, state: DeliveryState, reason: string | undefined, at: number): void;
  /** The last `limit` records with a contact, oldest first. */
  recent(contact: string, limit: number): HistoryRecord[];
  page(contact: string, request: PageRequest): LogPage;
  get(id: number): HistoryRecord | undefined;
  conversations(contact: string, before?: number, limit?: number): HistoryConversation[];
  contacts(): HistoryContact[];
  search(query: SearchQuery): SearchPage;
  /** The name the contact goes by in the viewer's list. */
  nameContact(contact: string, name: string): void;
  keeps(contact: string): boolean;
  setKeep(contact: string, keep: boolean): void;
  deleteContact(contact: string): void;
  deleteAll(): void;
  /** Runs `work` in one transaction (imports write thousands of records at once). */
  transaction<T>(work: () => T): T;
  close(): void;
}

interface RecordRow {
  id: number;
  conversation_id: number;
  contact: string;
  kind: number;
  at: number;
  sender_email: string | null;
  sender_name: string | null;
  flags: number;
  text: string;
  format_id: number | null;
  delivery: number | null;
  delivery_reason: string | null;
  extra: string | null;
  picture: string | null;
  file_name: string | null;
  size: number | null;
  outcome: string | null;
  saved_path: string | null;
}

const SELECT_RECORD = `
  SELECT r.id, r.conversation_id, c.email AS contact, r.kind, r.at, s.email AS sender_email,
         s.name AS sender_name, r.flags, r.text, r.format_id, r.delivery, r.delivery_reason, r.extra,
         p.hash AS picture, t.file_name, t.size, t.outcome, t.saved_path
  FROM records r
  JOIN contacts c ON c.id = r.contact_id
  LEFT JOIN senders s ON s.id = r.sender_id
  LEFT JOIN pictures p ON p.id = r.picture_id
  LEFT JOIN transfers t ON t.record_id = r.id`;

export const normalizeContact = (email: string): string => email.trim().toLowerCase();

export class SqliteHistoryStore implements HistoryStore {
  private readonly statements = new Map<string, StatementSync>();
  private readonly formats = new Map<number, TextFormat | undefined>();
  private readonly formatIds = new Map<string, number>();
  private readonly pictureIds = new Map<string, number>();
  /** Ids read or written in this transaction, forgotten if it rolls back. */
  private readonly senderIds = new Map<string, number>();
  private readonly contactOf = new Map<number, number>();
  /** The largest record id there is: a record after it needs no look-up for a free id. */
  private maxId: number | undefined;
  private depth = 0;

  constructor(private readonly db: DatabaseSync) {}

  static open(path: string): SqliteHistoryStore {
    return new SqliteHistoryStore(openHistoryDatabase(path));
  }

  startConversation({ contact, contactName, at, importKey }: NewConversation): number {
    return this.transaction(() => {
      const contactId = this.contactId(contact, contactName);
      if (importKey !== undefined) {
        const found = this.sql('SELECT id FROM conversations WHERE import_key = ?').get(importKey) as
          { id: number } | undefined;
        if (found) return found.id;
      }
      return Number(
        this.sql('INSERT INTO conversations (contact_id, started_at, import_key) VALUES (?, ?, ?)').run(
          contactId,
          at,
          importKey ?? null,
        ).lastInsertRowid,
      );
    });
  }

  add(record: NewRecord): number | undefined {
    return this.transaction(() => {
      if (record.importKey !== undefined) {
        const dup = this.sql('SELECT 1 FROM records WHERE import_key = ?').get(record.importKey);
        if (dup) return undefined;
      }
      const conv = this.sql('SELECT contact_id FROM conversations WHERE id = ?').get(record.conversationId) as
        { contact_id: number } | undefined;
      if (!conv) throw new Error(`No conversation ${record.conversationId} in the history`);
      const at = clampTime(record.at);
      const id = this.nextId(at);
      const text = record.text ?? '';
      const extra = record.invitation === undefined ? null : JSON.stringify(record.invitation);
      this.sql(
        `INSERT INTO records (id, conversation_id, contact_id, kind, at, sender_id, flags, text, format_id,
           delivery, delivery_reason, delivery_at, extra, import_key, picture_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        record.conversationId,
        conv.contact_id,
        KIND_CODE.get(record.kind) as number,
        at,
        record.from ? this.senderId(record.from) : null,
        (record.outgoing ? OUTGOING : 0) | (record.offline ? OFFLINE : 0),
        text,
        record.format ? this.formatId(record.format) : null,
        record.delivery === undefined ? null : DELIVERY.indexOf(record.delivery),
        record.failureReason ?? null,
        record.delivery === undefined ? null : at,
        extra,
        record.importKey ?? null,
        record.picture === undefined ? null : this.pictureId(record.picture),
      );
      const searchable =
        record.kind === 'invitation' && record.invitation?.file ? `${text} ${record.invitation.file}` : text;
      if (INDEXED.has(record.kind) && searchable !== '') {
        this.sql('INSERT INTO record_index (rowid, body, who) VALUES (?, ?, ?)').run(
          id,
          indexText(searchable),
          `c${conv.contact_id}`,
        );
      }
      return id;
    });
  }

  addTransfer(transfer: NewTransfer): number {
    return this.transaction(() => {
      const id = this.add({
        conversationId: transfer.conversationId,
        kind: 'file',
        at: transfer.at,
        from: transfer.from,
        outgoing: transfer.outgoing,
        text: transfer.fileName,
      }) as number;
      this.sql('INSERT INTO transfers (record_id, file_name, size, outcome, saved_path) VALUES (?, ?, ?, ?, ?)').run(
        id,
        transfer.fileName,
        transfer.size ?? null,
        transfer.outcome,
        transfer.savedPath ?? null,
      );
      return id;
    });
  }

  updateTransfer(id: number, outcome: TransferOutcome, savedPath?: string): void {
    this.sql('UPDATE transfers SET outcome = ?, saved_path = coalesce(?, saved_path) WHERE record_id = ?').run(
      outcome,
      savedPath ?? null,
      id,
    );
  }

  setDelivery(id: number, state: DeliveryState, reason: string | undefined, at: number): void {
    this.sql('UPDATE records SET delivery = ?, delivery_reason = ?, delivery_at = ? WHERE id = ?').run(
      DELIVERY.indexOf(state),
      reason ?? null,
      at,
      id,
    );
  }

  recent(contact: string, limit: number): HistoryRecord[] {
    return this.page(contact, { limit }).records;
  }

  page(contact: string, request: PageRequest): LogPage {
    const contactId = this.findContact(contact);
    const limit = Math.max(1, Math.min(500, request.limit ?? 50));
    if (contactId === undefined) return { records: [] };
    const scope =
      request.conversationId === undefined ? 'r.contact_id = ?' : 'r.contact_id = ? AND r.conversation_id = ?';
    const params: number[] = request.conversationId === undefined ? [contactId] : [contactId, request.conversationId];
    const older = (before: number, n: number): RecordRow[] =>
      (
        this.sql(`${SELECT_RECORD} WHERE ${scope} AND r.id < ? ORDER BY r.id DESC LIMIT ?`).all(
          ...params,
          before,
          n,
        ) as unknown as RecordRow[]
      ).reverse();
    const newer = (from: number, n: number): RecordRow[] =>
      this.sql(`${SELECT_RECORD} WHERE ${scope} AND r.id >= ? ORDER BY r.id ASC LIMIT ?`).all(
        ...params,
        from,
        n,
      ) as unknown as RecordRow[];

    let rows: RecordRow[];
    let moreBefore: boolean;
    let moreAfter: boolean;
    if (request.after !== undefined) {
      rows = newer(request.after + 1, limit + 1);
      moreAfter = rows.length > limit;
      rows = rows.slice(0, limit);
      moreBefore = true;
    } else if (request.around !== undefined) {
      const half = Math.floor(limit / 2);
      const before = older(request.around, half + 1);
      const after = newer(request.around, limit - half + 1);
      moreBefore = before.length > half;
      moreAfter = after.length > limit - half;
      rows = [...before.slice(moreBefore ? 1 : 0), ...after.slice(0, limit - half)];
    } else {
      rows = older(request.before ?? Number.MAX_SAFE_INTEGER, limit + 1);
      moreBefore = rows.length > limit;
      rows = rows.slice(moreBefore ? 1 : 0);
      moreAfter = request.before !== undefined;
    }
    const first = rows[0];
    const last = rows.at(-1);
    return {
      records: rows.map((row) => this.toRecord(row)),
      ...(moreBefore && first ? { older: first.id } : {}),
      ...(moreAfter && last ? { newer: last.id } : {}),
    };
  }

  get(id: number): HistoryRecord | undefined {
    const row = this.sql(`${SELECT_RECORD} WHERE r.id = ?`).get(id) as unknown as RecordRow | undefined;
    return row ? this.toRecord(row) : undefined;
  }

  conversations(contact: string, before = Number.MAX_SAFE_INTEGER, limit = 50): HistoryConversation[] {
    const contactId = this.findContact(contact);
    if (contactId === undefined) return [];
    const email = normalizeContact(contact);
    const rows = this.sql(
      `SELECT v.id, v.started_at,
              (SELECT max(at) FROM records WHERE conversation_id = v.id) AS last_at,
              (SELECT count(*) FROM records WHERE conversation_id = v.id) AS n
       FROM conversations v
       WHERE v.contact_id = ? AND v.started_at < ? AND EXISTS (SELECT 1 FROM records WHERE conversation_id = v.id)
       ORDER BY v.started_at DESC LIMIT ?`,
    ).all(contactId, before, Math.max(1, Math.min(500, limit))) as {
      id: number;
      started_at: number;
      last_at: number;
      n: number;
    }[];
    return rows.map((r) => ({ id: r.id, contact: email, startedAt: r.started_at, lastAt: r.last_at, records: r.n }));
  }

  contacts(): HistoryContact[] {
    const rows = this.sql(
      `SELECT c.email, c.name, c.keep,
              (SELECT count(*) FROM records WHERE contact_id = c.id) AS n,
              (SELECT at FROM records WHERE contact_id = c.id ORDER BY id DESC LIMIT 1) AS last_at
       FROM contacts c ORDER BY c.name COLLATE NOCASE, c.email`,
    ).all() as { email: string; name: string; keep: number; n: number; last_at: number | null }[];
    return rows
      .filter((r) => r.n > 0 || r.keep === 0)
      .map((r) => ({
        email: r.email,
        displayName: r.name || r.email,
        records: r.n,
        ...(r.last_at === null ? {} : { lastAt: r.last_at }),
        keep: r.keep !== 0,
      }));
  }

  search(query: SearchQuery): SearchPage {
    const expression = matchExpression(query.text);
    if (expression === undefined) return { hits: [] };
    const limit = query.limit ?? 50;
    let match = `body : (${expression})`;
    if (query.contact !== undefined) {
      const contactId = this.findContact(query.contact);
      if (contactId === undefined) return { hits: [] };
      match += ` AND who : "c${contactId}"`;
    }
    const low = query.from === undefined ? 0 : clampTime(query.from) * SLOTS;
    const high = Math.min(
      query.to === undefined ? Number.MAX_SAFE_INTEGER : clampTime(query.to) * SLOTS + SLOTS - 1,
      query.before === undefined ? Number.MAX_SAFE_INTEGER : query.before - 1,
    );
    const ids = (
      this.sql(
        'SELECT rowid AS id FROM record_index WHERE record_index MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid DESC LIMIT ?',
      ).all(match, low, high, limit + 1) as { id: number }[]
    ).map((r) => r.id);
    const page = ids.slice(0, limit);
    const rows = page.length
      ? (this.sql(`${SELECT_RECORD} WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.id DESC`).all(
          JSON.stringify(page),
        ) as unknown as RecordRow[])
      : [];
    const hits = rows.map((row) => {
      const record = this.toRecord(row);
      const text = record.invitation?.file ? `${record.text} ${record.invitation.file}` : record.text;
      return { record, snippet: snippet(text, query.text) };
    });
    const last = page.at(-1);
    return { hits, ...(ids.length > limit && last !== undefined ? { next: last } : {}) };
  }

  nameContact(contact: string, name: string): void {
    this.transaction(() => void this.contactId(contact, name));
  }

  keeps(contact: string): boolean {
    const row = this.sql('SELECT keep FROM contacts WHERE email = ?').get(normalizeContact(contact)) as
      { keep: number } | undefined;
    return row === undefined || row.keep !== 0;
  }

  setKeep(contact: string, keep: boolean): void {
    this.transaction(() => {
      const id = this.contactId(contact, '');
      this.sql('UPDATE contacts SET keep = ? WHERE id = ?').run(keep ? 1 : 0, id);
    });
  }

  deleteContact(contact: string): void {
    const contactId = this.findContact(contact);
    if (contactId === undefined) return;
    this.transaction(() => {
      const scope = 'SELECT id FROM records WHERE contact_id = ?';
      this.sql(`DELETE FROM record_index WHERE rowid IN (${scope})`).run(contactId);
      this.sql(`DELETE FROM transfers WHERE record_id IN (${scope})`).run(contactId);
      this.sql('DELETE FROM records WHERE contact_id = ?').run(contactId);
      this.sql('DELETE FROM conversations WHERE contact_id = ?').run(contactId);
      // The choice not to keep history with them outlives their history.
      this.sql('DELETE FROM contacts WHERE id = ? AND keep = 1').run(contactId);
      // Nor do the names they went by.
      this.sql('DELETE FROM senders WHERE id NOT IN (SELECT sender_id FROM records WHERE sender_id IS NOT NULL)').run();
      this.sql(
        'DELETE FROM pictures WHERE id NOT IN (SELECT picture_id FROM records WHERE picture_id IS NOT NULL)',
      ).run();
    });
    this.forget();
    this.scrub();
  }

  deleteAll(): void {
    this.transaction(() => {
      this.db.exec(`
        DELETE FROM record_index;
        DELETE FROM transfers;
        DELETE FROM records;
        DELETE FROM conversations;
        DELETE FROM senders;
        DELETE FROM pictures;
        DELETE FROM formats;
        DELETE FROM contacts WHERE keep = 1;
        UPDATE contacts SET name = '';
      `);
    });
    this.forget();
    this.scrub();
  }

  transaction<T>(work: () => T): T {
    if (this.depth > 0) return work();
    this.db.exec('BEGIN IMMEDIATE');
    this.depth++;
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
      this.forget();
      throw err;
    } finally {
      this.depth--;
    }
  }

  /** Cached ids may name rows that a rollback or a deletion removed. */
  private forget(): void {
    this.senderIds.clear();
    this.contactOf.clear();
    this.formatIds.clear();
    this.pictureIds.clear();
    this.formats.clear();
    this.maxId = undefined;
  }

  close(): void {
    if (!this.db.isOpen) return;
    this.statements.clear();
    this.db.close();
  }

  /** Deleted history leaves no copy behind in the write-ahead log or the index's old segments. */
  private scrub(): void {
    this.db.exec(`INSERT INTO record_index (record_index) VALUES ('optimize')`);
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private contactOfConversation(conversationId: number): number {
    const cached = this.contactOf.get(conversationId);
    if (cached !== undefined) return cached;
    const row = this.sql('SELECT contact_id FROM conversations WHERE id = ?').get(conversationId) as
      { contact_id: number } | undefined;
    if (!row) throw new Error(`No conversation ${conversationId} in the history`);
    this.contactOf.set(conversationId, row.contact_id);
    return row.contact_id;
  }

  private nextId(at: number): number {
    if (this.maxId === undefined) {
      const row = this.sql('SELECT max(id) AS id FROM records').get() as { id: number | null };
      this.maxId = row.id ?? -1;
    }
    const id = at * SLOTS > this.maxId ? at * SLOTS : this.freeId(at);
    this.maxId = Math.max(this.maxId, id);
    return id;
  }

  /** A free id in the millisecond `at`, or the first later one with room. */
  private freeId(at: number): number {
    for (let ms = at; ; ms++) {
      const base = ms * SLOTS;
      const last = this.sql('SELECT id FROM records WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1').get(
        base,
        base + SLOTS,
      ) as { id: number } | undefined;
      if (!last) return base;
      if (last.id < base + SLOTS - 1) return last.id + 1;
    }
  }

  private findContact(contact: string): number | undefined {
    const row = this.sql('SELECT id FROM contacts WHERE email = ?').get(normalizeContact(contact)) as
      { id: number } | undefined;
    return row?.id;
  }

  private contactId(contact: string, name: string): number {
    const email = normalizeContact(contact);
    const found = this.findContact(email);
    if (found !== undefined) {
      if (name !== '') this.sql('UPDATE contacts SET name = ? WHERE id = ? AND name != ?').run(name, found, name);
      return found;
    }
    return Number(this.sql('INSERT INTO contacts (email, name) VALUES (?, ?)').run(email, name).lastInsertRowid);
  }

  private senderId(who: Participant): number {
    const email = normalizeContact(who.email);
    const key = `${email}\n${who.displayName}`;
    const cached = this.senderIds.get(key);
    if (cached !== undefined) return cached;
    const id = this.lookUpSender(email, who.displayName);
    this.senderIds.set(key, id);
    return id;
  }

  private lookUpSender(email: string, displayName: string): number {
    const found = this.sql('SELECT id FROM senders WHERE email = ? AND name = ?').get(email, displayName) as
      { id: number } | undefined;
    if (found) return found.id;
    return Number(this.sql('INSERT INTO senders (email, name) VALUES (?, ?)').run(email, displayName).lastInsertRowid);
  }

  private pictureId(hash: string): number {
    const cached = this.pictureIds.get(hash);
    if (cached !== undefined) return cached;
    const found = this.sql('SELECT id FROM pictures WHERE hash = ?').get(hash) as { id: number } | undefined;
    const id = found ? found.id : Number(this.sql('INSERT INTO pictures (hash) VALUES (?)').run(hash).lastInsertRowid);
    this.pictureIds.set(hash, id);
    return id;
  }

  private formatId(format: TextFormat): number {
    const style = JSON.stringify(format);
    const cached = this.formatIds.get(style);
    if (cached !== undefined) return cached;
    const found = this.sql('SELECT id FROM formats WHERE style = ?').get(style) as { id: number } | undefined;
    const id = found ? found.id : Number(this.sql('INSERT INTO formats (style) VALUES (?)').run(style).lastInsertRowid);
    this.formatIds.set(style, id);
    return id;
  }

  private format(id: number | null): TextFormat | undefined {
    if (id === null) return undefined;
    if (!this.formats.has(id)) {
      const row = this.sql('SELECT style FROM formats WHERE id = ?').get(id) as { style: string } | undefined;
      const parsed = row ? TextFormatSchema.safeParse(JSON.parse(row.style)) : undefined;
      this.formats.set(id, parsed?.success ? parsed.data : undefined);
    }
    return this.formats.get(id);
  }

  private toRecord(row: RecordRow): HistoryRecord {
    const kind = KINDS[row.kind - 1] ?? 'system';
    const format = this.format(row.format_id);
    const delivery = row.delivery === null ? undefined : DELIVERY[row.delivery];
    let invitation: HistoryRecord['invitation'];
    if (row.extra !== null) {
      try {
        const parsed = JSON.parse(row.extra) as { application?: unknown; file?: unknown };
        invitation = {
          ...(typeof parsed.application === 'string' ? { application: parsed.application } : {}),
          ...(typeof parsed.file === 'string' ? { file: parsed.file } : {}),
        };
      } catch {
        invitation = undefined;
      }
    }
    return {
      id: row.id,
      conversationId: row.conversation_id,
      contact: row.contact,
      kind,
      at: row.at,
      ...(row.sender_email === null ? {} : { from: { email: row.sender_email, displayName: row.sender_name ?? '' } }),
      outgoing: (row.flags & OUTGOING) !== 0,
      offline: (row.flags & OFFLINE) !== 0,
      text: row.text,
      ...(format ? { format } : {}),
      ...(delivery ? { delivery } : {}),
      ...(row.delivery_reason === null ? {} : { failureReason: row.delivery_reason }),
      ...(row.file_name === null
        ? {}
        : {
            file: {
              name: row.file_name,
              ...(row.size === null ? {} : { size: row.size }),
              outcome: (row.outcome ?? 'failed') as TransferOutcome,
              ...(row.saved_path === null ? {} : { savedPath: row.saved_path }),
            },
          }),
      ...(invitation ? { invitation } : {}),
      ...(row.picture === null ? {} : { picture: row.picture }),
    };
  }
}

function clampTime(at: number): number {
  return Math.min(MAX_AT, Math.max(0, Math.floor(at)));
}
