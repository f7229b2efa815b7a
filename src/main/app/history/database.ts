// The history database: one SQLite file per account, opened through Node's built-in `node:sqlite`
// (also in Electron's main process, so there is no native module to rebuild). WAL journal, so a
// crash loses nothing committed and readers never wait for the writer. The schema version is
// `PRAGMA user_version`; `MIGRATIONS[n]` brings a version-n database to n+1, each in one
// transaction. Append, never edit.
import { DatabaseSync } from 'node:sqlite';
import { TOKENIZER } from './text-index';

export const MIGRATIONS: readonly string[] = [
  // 0 → 1: contacts, conversations and their records, and the full-text index.
  `
  CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    keep INTEGER NOT NULL DEFAULT 1
  );
  CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    started_at INTEGER NOT NULL,
    import_key TEXT UNIQUE
  );
  CREATE INDEX conversations_by_contact ON conversations(contact_id, started_at);
  -- A person as they were named at the time; interned, as most records share a handful.
  CREATE TABLE senders (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (email, name)
  );
  CREATE TABLE formats (id INTEGER PRIMARY KEY, style TEXT NOT NULL UNIQUE);
  -- id is the time in milliseconds × 1024 plus a counter, so the primary key (and the index's
  -- rowid) is in time order: the newest matches and the latest records come first from the index.
  CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    kind INTEGER NOT NULL,
    at INTEGER NOT NULL,
    sender_id INTEGER REFERENCES senders(id),
    flags INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL DEFAULT '',
    format_id INTEGER REFERENCES formats(id),
    delivery INTEGER,
    delivery_reason TEXT,
    delivery_at INTEGER,
    extra TEXT,
    import_key BLOB
  );
  CREATE INDEX records_by_contact ON records(contact_id, id);
  CREATE INDEX records_by_conversation ON records(conversation_id, id);
  CREATE UNIQUE INDEX records_by_import_key ON records(import_key) WHERE import_key IS NOT NULL;
  -- Contentless: the text lives once, in records; the index holds only tokens. 'who' carries the
  -- contact, so a search within one contact's history is answered by the index alone.
  CREATE VIRTUAL TABLE record_index USING fts5(
    body, who,
    tokenize = "${TOKENIZER}",
    prefix = '3',
    content = '',
    contentless_delete = 1
  );
  `,
  // 1 → 2: file transfers (name, size, outcome, where it was saved), one row per 'file' record.
  `
  CREATE TABLE transfers (
    record_id INTEGER PRIMARY KEY REFERENCES records(id),
    file_name TEXT NOT NULL,
    size INTEGER,
    outcome TEXT NOT NULL,
    saved_path TEXT
  );
  `,
  // 2 → 3: the display picture a message's sender had when they wrote it (its hex SHA-1, as in the
  // picture cache), interned like senders and formats.
  `
  CREATE TABLE pictures (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE);
  ALTER TABLE records ADD COLUMN picture_id INTEGER REFERENCES pictures(id);
  `,
];
export const SCHEMA_VERSION = MIGRATIONS.length;

export class HistoryVersionError extends Error {
  constructor(readonly found: number) {
    super(
      `This message history was written by a newer version of Revival Messenger (schema ${found}); ` +
        'it is left untouched. Update the app to read it.',
    );
    this.name = 'HistoryVersionError';
  }
}

export function schemaVersion(db: DatabaseSync): number {
  return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
}

/**
 * Opens (creating if needed) a history database and brings its schema up to date. A database from
 * a newer app is never written to: it throws `HistoryVersionError` before touching it.
 */
export function openHistoryDatabase(path: string, migrations: readonly string[] = MIGRATIONS): DatabaseSync {
  const db = new DatabaseSync(path);
  try {
    const found = schemaVersion(db);
    if (found > migrations.length) throw new HistoryVersionError(found);
    db.exec('PRAGMA journal_mode = WAL');
    // With WAL, NORMAL loses no committed transaction when the process dies (only on power loss
    // can the last few go), and spares an fsync per message.
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    // Deleted history is overwritten, not left readable in free pages.
    db.exec('PRAGMA secure_delete = ON');
    db.exec('PRAGMA busy_timeout = 5000');
    for (let version = found; version < migrations.length; version++) {
      db.exec('BEGIN IMMEDIATE');
      try {
        db.exec(migrations[version] as string);
        db.exec(`PRAGMA user_version = ${version + 1}`);
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
