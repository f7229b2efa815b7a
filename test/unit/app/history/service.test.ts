import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryService, databaseFile } from '../../../../src/main/app/history/service';
import type { HistoryPreferences } from '../../../../src/shared/schemas';

const me = { email: 'me@example.com', displayName: 'Me' };
const bob = { email: 'bob@example.com', displayName: 'Bob' };
const carol = { email: 'carol@example.com', displayName: 'Carol' };

let dir: string;
let prefs: HistoryPreferences;
let errors: string[];
let clock: number;
let history: HistoryService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-service-'));
  prefs = { keep: true, showRecent: 5 };
  errors = [];
  clock = Date.UTC(2026, 5, 1);
  history = new HistoryService({
    dir: join(dir, 'history'),
    preferences: () => prefs,
    reportError: (m) => errors.push(m),
    now: () => clock,
  });
  history.signedIn(me);
});

afterEach(() => {
  history.signedOut();
  rmSync(dir, { recursive: true, force: true });
});

const message = (text: string, from = bob, extra: object = {}) =>
  ({ kind: 'message', from, outgoing: from === me, text, at: ++clock, ...extra }) as const;

describe('HistoryService', () => {
  it('writes nothing, and creates no database, while history is off', () => {
    prefs = { keep: false, showRecent: 5 };
    history.record('c1', bob, message('not kept'));
    history.record('c1', bob, { kind: 'nudge', from: bob, outgoing: false, at: ++clock });
    expect(
      history.fileTransfer('c1', bob, { from: bob, outgoing: false, fileName: 'a.txt', outcome: 'offered', at: 1 }),
    ).toBeUndefined();
    expect(existsSync(join(dir, 'history'))).toBe(false);
    expect(history.contacts()).toEqual([]);
    expect(history.search({ text: 'kept' }).hits).toEqual([]);
  });

  it('keeps one database per account, in the data folder', () => {
    history.record('c1', bob, message('for me'));
    history.signedIn({ email: 'other@example.com', displayName: 'Other' });
    history.record('c2', bob, message('for other'));
    expect(
      readdirSync(join(dir, 'history'))
        .filter((f) => f.endsWith('.sqlite'))
        .sort(),
    ).toEqual(['me@example.com.history.sqlite', 'other@example.com.history.sqlite']);
    expect(history.search({ text: 'for' }).hits.map((h) => h.record.text)).toEqual(['for other']);
    history.signedIn(me);
    expect(history.search({ text: 'for' }).hits.map((h) => h.record.text)).toEqual(['for me']);
    expect(databaseFile('/data', 'We/ird@Example.com')).toBe('/data/we%2fird@example.com.history.sqlite');
  });

  it('records nothing with a contact the user opted out for, and keeps recording the others', () => {
    history.setKeep(bob.email, false);
    history.record('c1', bob, message('private'));
    history.record('c2', carol, message('kept', carol));
    expect(history.keeps(bob.email)).toBe(false);
    expect(history.search({ text: 'private' }).hits).toEqual([]);
    expect(history.search({ text: 'kept' }).hits).toHaveLength(1);
    history.setKeep(bob.email, true);
    history.record('c1', bob, message('private again'));
    expect(history.search({ text: 'private' }).hits).toHaveLength(1);
  });

  it('follows a message’s delivery, a nudge, joins, leaves and a file transfer', () => {
    history.record('c1', bob, message('hello', me, { messageId: 'm1', delivery: 'sending' }));
    history.record('c1', bob, message('lost', me, { messageId: 'm2', delivery: 'sending' }));
    history.delivery('c1', 'm1', 'delivered');
    history.delivery('c1', 'm2', 'failed', 'Bob is offline');
    history.record('c1', bob, { kind: 'nudge', from: bob, outgoing: false, at: ++clock });
    history.record('c1', bob, { kind: 'join', who: carol, at: ++clock });
    history.record('c1', bob, { kind: 'leave', who: carol, at: ++clock });
    const id = history.fileTransfer('c1', bob, {
      from: bob,
      outgoing: false,
      fileName: 'holiday.png',
      size: 2048,
      outcome: 'offered',
      at: ++clock,
    });
    history.transferEnded(id as number, 'completed', '/downloads/holiday.png');
    const records = history.page(bob.email, {}).records;
    expect(records.map((r) => [r.kind, r.delivery ?? r.file?.outcome ?? r.from?.displayName])).toEqual([
      ['message', 'delivered'],
      ['message', 'failed'],
      ['nudge', 'Bob'],
      ['join', 'Carol'],
      ['leave', 'Carol'],
      ['file', 'completed'],
    ]);
    expect(records[1]?.failureReason).toBe('Bob is offline');
    expect(new Set(records.map((r) => r.conversationId)).size).toBe(1);
  });

  it('updates, after a restart, the record of a message that was still owed', () => {
    const recordId = history.record(
      'c1',
      bob,
      message('before the crash', me, { messageId: 'm1', delivery: 'queued' }),
    );
    expect(recordId).toEqual(expect.any(Number));
    history.signedOut();
    // The next run: a new conversation id, and nothing recorded yet, so no database open.
    history.signedIn(me);
    history.resume('c9', 'm1', recordId as number);
    history.delivery('c9', 'm1', 'delivered');
    expect(history.page(bob.email, {}).records.map((r) => [r.text, r.delivery])).toEqual([
      ['before the crash', 'delivered'],
    ]);
  });

  it('shows the last few records from earlier conversations, as the setting says', () => {
    for (let i = 0; i < 30; i++) history.record('old', bob, message(`old ${i}`));
    history.ended('old');
    history.record('new', bob, message('in this conversation'));
    expect(history.recent('new', bob.email).map((r) => r.text)).toEqual([25, 26, 27, 28, 29].map((i) => `old ${i}`));
    prefs = { keep: true, showRecent: 20 };
    expect(history.recent('new', bob.email)).toHaveLength(20);
    prefs = { keep: true, showRecent: 0 };
    expect(history.recent('new', bob.email)).toEqual([]);
    prefs = { keep: false, showRecent: 20 };
    expect(history.recent('new', bob.email)).toEqual([]);
  });

  it('deletes one contact, or everything', () => {
    history.record('c1', bob, message('from bob'));
    history.record('c2', carol, message('from carol', carol));
    history.delete(bob.email);
    expect(history.contacts().map((c) => c.email)).toEqual([carol.email]);
    history.delete();
    expect(history.contacts()).toEqual([]);
  });

  it('reports a database it cannot use once, and the conversation goes on', () => {
    history.signedOut();
    const broken = new HistoryService({
      dir: join(dir, 'history'),
      preferences: () => prefs,
      reportError: (m) => errors.push(m),
      now: () => clock,
      openStore: () => {
        throw new Error('disk full');
      },
    });
    broken.signedIn(me);
    expect(() => broken.record('c1', bob, message('one'))).not.toThrow();
    broken.record('c1', bob, message('two'));
    expect(errors).toEqual(['Your message history could not be saved: disk full']);
  });

  it('has no place for passwords, tickets or tokens in its schema', () => {
    history.record('c1', bob, message('hello'));
    history.signedOut();
    const db = new DatabaseSync(databaseFile(join(dir, 'history'), me.email));
    const schema = (db.prepare('SELECT sql FROM sqlite_master WHERE sql IS NOT NULL').all() as { sql: string }[])
      .map((r) => r.sql)
      .join('\n');
    db.close();
    expect(schema).toMatch(/CREATE TABLE records/);
    expect(schema).not.toMatch(/\b(password|passwd|ticket|tokens?|secret|credentials?)\b/i);
  });
});
