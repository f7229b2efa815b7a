// history-insert: 1,000,000 messages written into a new history database through the store, in
// transactions of 1,000 (as an import writes them; a live message is one short transaction), with
// the full-text index; messages per second and database bytes per message. Baseline: the same
// rows inserted into a bare table with no index at all, the floor SQLite itself sets.
import { mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteHistoryStore } from '../src/main/app/history/store';
import { benchDatabasePath, fill, messages, MESSAGES } from './history-data';
import { report } from './lib';

function bareInserts(dir: string): number {
  const db = new DatabaseSync(join(dir, 'bare.sqlite'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  db.exec('CREATE TABLE records (id INTEGER PRIMARY KEY, contact INTEGER, at INTEGER, outgoing INTEGER, text TEXT)');
  const insert = db.prepare('INSERT INTO records (contact, at, outgoing, text) VALUES (?, ?, ?, ?)');
  const start = performance.now();
  let n = 0;
  db.exec('BEGIN');
  for (const m of messages()) {
    insert.run(m.contact, m.at, m.outgoing ? 1 : 0, m.text);
    if (++n % 1000 === 0) db.exec('COMMIT; BEGIN');
  }
  db.exec('COMMIT');
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return seconds;
}

/** One message per transaction, as the conversations record them, on top of the full database. */
function liveInserts(store: SqliteHistoryStore, count: number): number {
  const conversationId = store.startConversation({ contact: 'live@example.com', contactName: 'Live', at: Date.now() });
  const from = { email: 'live@example.com', displayName: 'Live' };
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    store.add({
      conversationId,
      kind: 'message',
      at: Date.now(),
      from,
      outgoing: false,
      text: `live message ${i} café 东京`,
    });
  }
  return (performance.now() - start) / count;
}

export function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'history-insert-'));
  try {
    const path = join(dir, 'history.sqlite');
    const store = SqliteHistoryStore.open(path);
    const start = performance.now();
    fill(store);
    const seconds = (performance.now() - start) / 1000;
    const liveMs = liveInserts(store, 2000);
    store.close();
    const bytes = statSync(path).size;
    const bare = bareInserts(dir);
    const bareBytes = statSync(join(dir, 'bare.sqlite')).size;
    // The search and open benchmarks read this database; keep it instead of building it again.
    const kept = benchDatabasePath();
    for (const suffix of ['', '-wal', '-shm']) rmSync(kept + suffix, { force: true });
    renameSync(path, kept);
    report({
      bench: 'history-insert',
      value: MESSAGES / seconds,
      unit: 'messages/s',
      baseline: MESSAGES / bare,
      notes:
        `${(bytes / MESSAGES).toFixed(0)} database bytes per message (bare table: ${(bareBytes / MESSAGES).toFixed(0)}); ` +
        `${MESSAGES} messages in transactions of 1,000 with the full-text index, ${seconds.toFixed(1)} s; ` +
        `one message per transaction on the full database: ${liveMs.toFixed(2)} ms each`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
