import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HistoryVersionError,
  MIGRATIONS,
  SCHEMA_VERSION,
  openHistoryDatabase,
  schemaVersion,
} from '../../../../src/main/app/history/database';
import { SqliteHistoryStore } from '../../../../src/main/app/history/store';
import { DEFAULT_FORMAT } from '../../../../src/shared/schemas';

const bob = { email: 'bob@example.com', displayName: 'Bob' };
const me = { email: 'me@example.com', displayName: 'Me' };
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

let dir: string;
let path: string;
let store: SqliteHistoryStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-store-'));
  path = join(dir, 'me.history.sqlite');
  store = SqliteHistoryStore.open(path);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function conversation(contact = bob, at = T0): number {
  return store.startConversation({ contact: contact.email, contactName: contact.displayName, at });
}

function say(conversationId: number, text: string, at: number, from = bob): number {
  return store.add({ conversationId, kind: 'message', at, from, outgoing: from === me, text }) as number;
}

const found = (text: string, extra: object = {}): string[] =>
  store.search({ text, ...extra }).hits.map((h) => h.record.text);

describe('schema', () => {
  it('opens in WAL mode at the current version', () => {
    const db = new DatabaseSync(path);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    db.close();
  });

  // A database left at every earlier version, holding what that version could hold, is brought
  // to the current version with its records intact and usable.
  for (let version = 0; version < SCHEMA_VERSION; version++) {
    it(`migrates a version-${version} database`, () => {
      const old = join(dir, `v${version}.sqlite`);
      const db = openHistoryDatabase(old, MIGRATIONS.slice(0, version));
      expect(schemaVersion(db)).toBe(version);
      if (version >= 1) {
        db.exec(`INSERT INTO contacts (id, email, name) VALUES (1, 'bob@example.com', 'Bob');
                 INSERT INTO conversations (id, contact_id, started_at) VALUES (1, 1, ${T0});
                 INSERT INTO senders (id, email, name) VALUES (1, 'bob@example.com', 'Bob');
                 INSERT INTO records (id, conversation_id, contact_id, kind, at, sender_id, text)
                   VALUES (${T0 * 1024}, 1, 1, 1, ${T0}, 1, 'written by version ${version}');
                 INSERT INTO record_index (rowid, body, who) VALUES (${T0 * 1024}, 'written by version ${version}', 'c1');`);
      }
      db.close();
      const migrated = SqliteHistoryStore.open(old);
      try {
        if (version >= 1) {
          expect(migrated.recent('bob@example.com', 10).map((r) => r.text)).toEqual([`written by version ${version}`]);
          expect(migrated.search({ text: 'written' }).hits).toHaveLength(1);
        }
        const conv = migrated.startConversation({ contact: 'bob@example.com', contactName: 'Bob', at: T0 + 1 });
        const id = migrated.addTransfer({
          conversationId: conv,
          at: T0 + 2,
          from: bob,
          outgoing: false,
          fileName: 'after.txt',
          outcome: 'completed',
        });
        expect(migrated.get(id)?.file?.name).toBe('after.txt');
      } finally {
        migrated.close();
      }
      const check = new DatabaseSync(old);
      expect(schemaVersion(check)).toBe(SCHEMA_VERSION);
      check.close();
    });
  }

  it('refuses, and leaves alone, a database from a newer version', () => {
    store.close();
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(path);
    expect(() => SqliteHistoryStore.open(path)).toThrow(HistoryVersionError);
    expect(readFileSync(path).equals(before)).toBe(true);
    store = SqliteHistoryStore.open(join(dir, 'other.sqlite'));
  });

  it('rolls a failed migration back whole', () => {
    const file = join(dir, 'failing.sqlite');
    expect(() =>
      openHistoryDatabase(file, [...MIGRATIONS, 'CREATE TABLE extra (x); SELECT nonsense FROM nowhere;']),
    ).toThrow();
    const db = new DatabaseSync(file);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toBeUndefined();
    db.close();
  });
});

describe('records', () => {
  it('keeps every kind of record, in time order, with its details', () => {
    const c = conversation();
    const out = store.add({
      conversationId: c,
      kind: 'message',
      at: T0 + 1000,
      from: me,
      outgoing: true,
      text: 'hi',
      format: { ...DEFAULT_FORMAT, color: '#ff0000' },
      delivery: 'sending',
    }) as number;
    store.add({
      conversationId: c,
      kind: 'message',
      at: T0 + 500,
      from: bob,
      outgoing: false,
      offline: true,
      text: 'sent while you were away',
    });
    store.add({ conversationId: c, kind: 'nudge', at: T0 + 2000, from: bob, outgoing: false });
    store.add({
      conversationId: c,
      kind: 'join',
      at: T0 + 3000,
      from: { email: 'carol@example.com', displayName: 'Carol' },
    });
    store.add({
      conversationId: c,
      kind: 'leave',
      at: T0 + 4000,
      from: { email: 'carol@example.com', displayName: 'Carol' },
    });
    const file = store.addTransfer({
      conversationId: c,
      at: T0 + 5000,
      from: bob,
      outgoing: false,
      fileName: 'photo.jpg',
      size: 12345,
      outcome: 'offered',
    });
    store.setDelivery(out, 'failed', 'Bob went offline', T0 + 1500);
    store.updateTransfer(file, 'completed', '/home/me/Downloads/photo.jpg');

    const records = store.recent(bob.email, 50);
    expect(records.map((r) => r.kind)).toEqual(['message', 'message', 'nudge', 'join', 'leave', 'file']);
    expect(records[0]).toMatchObject({ offline: true, outgoing: false, text: 'sent while you were away' });
    expect(records[1]).toMatchObject({
      outgoing: true,
      delivery: 'failed',
      failureReason: 'Bob went offline',
      format: { color: '#ff0000' },
      from: me,
    });
    expect(records[3]?.from?.displayName).toBe('Carol');
    expect(records[5]?.file).toEqual({
      name: 'photo.jpg',
      size: 12345,
      outcome: 'completed',
      savedPath: '/home/me/Downloads/photo.jpg',
    });
    expect(store.search({ text: 'photo' }).hits.map((h) => h.record.kind)).toEqual(['file']);
  });

  it('keeps the picture a sender had when they wrote, and forgets it with their history', () => {
    const c = conversation();
    const then = 'a'.repeat(40);
    const now = 'b'.repeat(40);
    store.add({ conversationId: c, kind: 'message', at: T0, from: bob, outgoing: false, text: 'old', picture: then });
    store.add({
      conversationId: c,
      kind: 'message',
      at: T0 + 1,
      from: bob,
      outgoing: false,
      text: 'new',
      picture: now,
    });
    store.add({ conversationId: c, kind: 'message', at: T0 + 2, from: bob, outgoing: false, text: 'none' });
    expect(store.recent(bob.email, 10).map((r) => [r.text, r.picture])).toEqual([
      ['old', then],
      ['new', now],
      ['none', undefined],
    ]);
    store.deleteContact(bob.email);
    const db = new DatabaseSync(path);
    expect(db.prepare('SELECT COUNT(*) AS n FROM pictures').get()).toEqual({ n: 0 });
    db.close();
  });

  it('orders records written in the same millisecond as they came', () => {
    const c = conversation();
    for (let i = 0; i < 1500; i++) say(c, `n${i}`, T0);
    const texts = store.page(bob.email, { limit: 500, after: -1 }).records.map((r) => r.text);
    expect(texts.slice(0, 3)).toEqual(['n0', 'n1', 'n2']);
    expect(store.recent(bob.email, 2).map((r) => r.text)).toEqual(['n1498', 'n1499']);
  });

  it('pages a long log both ways and centres on a record', () => {
    const c = conversation();
    const ids = Array.from({ length: 120 }, (_, i) => say(c, `line ${i}`, T0 + i * 1000));
    const last = store.page(bob.email, { limit: 50 });
    expect(last.records.map((r) => r.text).at(-1)).toBe('line 119');
    expect(last.records).toHaveLength(50);
    expect(last.newer).toBeUndefined();
    const older = store.page(bob.email, { before: last.older as number, limit: 50 });
    expect(older.records[0]?.text).toBe('line 20');
    const oldest = store.page(bob.email, { before: older.older as number, limit: 50 });
    expect(oldest.records.map((r) => r.text)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i}`));
    expect(oldest.older).toBeUndefined();
    const around = store.page(bob.email, { around: ids[60] as number, limit: 10 });
    expect(around.records.map((r) => r.text)).toEqual([55, 56, 57, 58, 59, 60, 61, 62, 63, 64].map((i) => `line ${i}`));
    expect(around.older).toBeDefined();
    expect(around.newer).toBeDefined();
  });

  it('lists contacts and their conversations by date', () => {
    const first = conversation(bob, T0);
    say(first, 'one', T0);
    const second = conversation(bob, T0 + 86_400_000);
    say(second, 'two', T0 + 86_400_000);
    say(second, 'three', T0 + 86_400_001);
    conversation({ email: 'empty@example.com', displayName: 'Never wrote' });
    expect(store.contacts()).toEqual([
      { email: 'bob@example.com', displayName: 'Bob', records: 3, lastAt: T0 + 86_400_001, keep: true },
    ]);
    expect(store.conversations(bob.email).map((c) => [c.id, c.records])).toEqual([
      [second, 2],
      [first, 1],
    ]);
    expect(store.page(bob.email, { conversationId: first }).records.map((r) => r.text)).toEqual(['one']);
  });
});

describe('search', () => {
  it('ignores case and accents, and matches words by their beginning', () => {
    const c = conversation();
    say(c, 'On se voit au Café Zürich', T0);
    say(c, 'naïve résumé', T0 + 1);
    say(c, 'nothing here', T0 + 2);
    expect(found('cafe')).toEqual(['On se voit au Café Zürich']);
    expect(found('ZURICH')).toEqual(['On se voit au Café Zürich']);
    expect(found('resume naive')).toEqual(['naïve résumé']);
    expect(found('caf zur')).toEqual(['On se voit au Café Zürich']);
    expect(found('café nothing')).toEqual([]);
  });

  it('finds Chinese, Japanese and Korean words inside unspaced text', () => {
    const c = conversation();
    say(c, '明天我们去东京看樱花', T0);
    say(c, '東京に行きます', T0 + 1);
    say(c, '오늘 학교에서 만나요', T0 + 2);
    say(c, '京都', T0 + 3);
    expect(found('东京')).toEqual(['明天我们去东京看樱花']);
    expect(found('東京')).toEqual(['東京に行きます']);
    expect(found('行きます')).toEqual(['東京に行きます']);
    expect(found('학교')).toEqual(['오늘 학교에서 만나요']);
    // Characters must be side by side, not merely present.
    expect(found('京東')).toEqual([]);
    const snippet = store.search({ text: '樱花' }).hits[0]?.snippet;
    expect(snippet?.filter((p) => p.hit).map((p) => p.text)).toEqual(['樱花']);
  });

  it('finds emoji, whatever their skin tone', () => {
    const c = conversation();
    say(c, 'great 👍🏽', T0);
    say(c, 'party🎉time', T0 + 1);
    say(c, 'no emoji', T0 + 2);
    expect(found('👍')).toEqual(['great 👍🏽']);
    expect(found('🎉')).toEqual(['party🎉time']);
    expect(found('party')).toEqual(['party🎉time']);
  });

  it('treats what the user types as words, never as query syntax', () => {
    const c = conversation();
    say(c, 'he said "NEAR" AND OR NOT * ( ) :', T0);
    for (const q of ['"', 'NEAR(', 'AND', '*', 'body:', '"unbalanced', ')(']) {
      expect(() => store.search({ text: q })).not.toThrow();
    }
    expect(found('near')).toHaveLength(1);
    expect(found('"near"')).toHaveLength(1);
    expect(found(':)')).toEqual([]);
  });

  it('filters by contact and date, newest first, page after page', () => {
    const withBob = conversation(bob);
    const carol = { email: 'carol@example.com', displayName: 'Carol' };
    const withCarol = conversation(carol);
    for (let i = 0; i < 25; i++) say(withBob, `pizza ${i}`, T0 + i * 60_000);
    say(withCarol, 'pizza with carol', T0 + 10 * 60_000 + 1, carol);
    expect(found('pizza', { contact: carol.email })).toEqual(['pizza with carol']);
    expect(found('pizza', { contact: 'nobody@example.com' })).toEqual([]);
    expect(found('pizza', { from: T0 + 10 * 60_000, to: T0 + 11 * 60_000 })).toEqual([
      'pizza 11',
      'pizza with carol',
      'pizza 10',
    ]);
    const first = store.search({ text: 'pizza', contact: bob.email, limit: 10 });
    expect(first.hits.map((h) => h.record.text)).toEqual(Array.from({ length: 10 }, (_, i) => `pizza ${24 - i}`));
    const second = store.search({ text: 'pizza', contact: bob.email, limit: 10, before: first.next as number });
    expect(second.hits[0]?.record.text).toBe('pizza 14');
    const third = store.search({ text: 'pizza', contact: bob.email, limit: 10, before: second.next as number });
    expect(third.hits).toHaveLength(5);
    expect(third.next).toBeUndefined();
  });

  it('returns the snippet as text pieces with the matches marked', () => {
    const c = conversation();
    say(c, `${'word '.repeat(30)}the <b>Café</b> is open ${'more '.repeat(30)}`, T0);
    const [hit] = store.search({ text: 'cafe' }).hits;
    const pieces = hit?.snippet ?? [];
    expect(pieces.filter((p) => p.hit)).toEqual([{ text: 'Café', hit: true }]);
    expect(pieces.map((p) => p.text).join('')).toMatch(/^….*<b>Café<\/b> is open.*…$/);
  });
});

describe('privacy', () => {
  it('deletes one contact’s history from the records and the index', () => {
    const withBob = conversation(bob);
    const carol = { email: 'carol@example.com', displayName: 'Carol' };
    const withCarol = conversation(carol);
    say(withBob, 'secret with bob', T0);
    store.addTransfer({
      conversationId: withBob,
      at: T0 + 1,
      from: bob,
      outgoing: false,
      fileName: 'secret.txt',
      outcome: 'completed',
    });
    say(withCarol, 'secret with carol', T0 + 2, carol);
    store.deleteContact(bob.email);
    expect(found('secret')).toEqual(['secret with carol']);
    expect(store.recent(bob.email, 10)).toEqual([]);
    expect(store.contacts().map((c) => c.email)).toEqual(['carol@example.com']);
  });

  it('deletes everything but the choices not to keep history', () => {
    const c = conversation(bob);
    say(c, 'secret', T0);
    store.setKeep('carol@example.com', false);
    store.deleteAll();
    expect(found('secret')).toEqual([]);
    expect(store.contacts()).toEqual([
      { email: 'carol@example.com', displayName: 'carol@example.com', records: 0, keep: false },
    ]);
    expect(store.keeps('carol@example.com')).toBe(false);
    expect(store.keeps(bob.email)).toBe(true);
    store.close();
    // Nothing deleted is left readable in the file.
    const bytes = readFileSync(path);
    expect(bytes.includes(Buffer.from('secret'))).toBe(false);
    store = SqliteHistoryStore.open(path);
  });
});
