// The history the history benchmarks measure: 1,000,000 messages with 200 contacts, in
// conversations of 10 to 90 messages over five years, words drawn from a Zipf-like vocabulary
// (a few very common words, a long tail of rare ones) in English, French with accents, Chinese
// and Japanese, with emoji. The same every run (seeded).
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from '../src/main/app/history/database';
import { SqliteHistoryStore } from '../src/main/app/history/store';
import { rng } from './lib';

export const MESSAGES = 1_000_000;
export const CONTACTS = 200;
const START = Date.UTC(2021, 0, 1);
const SPAN = 5 * 365 * 86_400_000;
const BATCH = 1000;

const LATIN = (
  'the be to of and a in that have it for not on with he as you do at this but his by from they we say her she or ' +
  'an will my one all would there their what so up out if about who get which go me when make can like time no just ' +
  'him know take people into year your good some could them see other than then now look only come its over think ' +
  'also back after use two how our work first well way even new want because any these give day most us ' +
  'café déjà élève garçon naïve résumé crème brûlée façade où très bientôt hôtel forêt château noël ' +
  'pizza movie tonight weekend homework football concert birthday holiday message picture music game'
).split(' ');
const CJK = '东京 北京 上海 学校 朋友 电影 音乐 今天 明天 谢谢 ありがとう こんにちは 日本語 勉強 先生'.split(' ');
const EMOJI = ['😀', '👍', '🎉', '❤️', '😂', '🙏'];

/** A vocabulary of common words, then rare made-up ones, so queries range from frequent to rare. */
export function vocabulary(): string[] {
  const rare = Array.from({ length: 20_000 }, (_, i) => `${LATIN[i % LATIN.length]}${i.toString(36)}`);
  return [...LATIN, ...CJK, ...EMOJI, ...rare];
}

export function* messages(
  count = MESSAGES,
): Generator<{ contact: number; at: number; text: string; outgoing: boolean; newConversation: boolean }> {
  const random = rng(14);
  const words = vocabulary();
  // Zipf-like: index = floor(n^(u^k)) favours the first words.
  const pick = (): string =>
    words[Math.min(words.length - 1, Math.floor(Math.pow(words.length, random() ** 2.2)) - 1)] as string;
  let left = 0;
  let contact = 0;
  let at = START;
  for (let i = 0; i < count; i++) {
    const newConversation = left === 0;
    if (newConversation) {
      left = 10 + Math.floor(random() * 80);
      contact = Math.floor(random() * random() * CONTACTS);
      at = START + Math.floor((i / count) * SPAN);
    }
    left--;
    at += 1000 + Math.floor(random() * 30_000);
    const length = 2 + Math.floor(random() * random() * 25);
    const text = Array.from({ length }, pick).join(' ');
    yield { contact, at, text, outgoing: random() < 0.5, newConversation };
  }
}

export const contactEmail = (i: number): string => `contact${i}@example.com`;
const self = { email: 'me@example.com', displayName: 'Me' };

/** Writes `count` messages into `store` in transactions of 1,000, as an import would. */
export function fill(store: SqliteHistoryStore, count = MESSAGES): void {
  const conversations = new Map<number, number>();
  let batch: (() => void)[] = [];
  const flush = (): void => {
    store.transaction(() => {
      for (const write of batch) write();
    });
    batch = [];
  };
  for (const m of messages(count)) {
    batch.push(() => {
      if (m.newConversation || !conversations.has(m.contact)) {
        conversations.set(
          m.contact,
          store.startConversation({ contact: contactEmail(m.contact), contactName: `Contact ${m.contact}`, at: m.at }),
        );
      }
      const from = m.outgoing ? self : { email: contactEmail(m.contact), displayName: `Contact ${m.contact}` };
      store.add({
        conversationId: conversations.get(m.contact) as number,
        kind: 'message',
        at: m.at,
        from,
        outgoing: m.outgoing,
        text: m.text,
      });
    });
    if (batch.length >= BATCH) flush();
  }
  if (batch.length > 0) flush();
}

/** Named after the schema it was built with, so a schema change builds a new one. */
export const benchDatabasePath = (): string =>
  join(
    tmpdir(),
    `revival-history-bench-${createHash('sha256').update(MIGRATIONS.join('\n')).digest('hex').slice(0, 12)}.sqlite`,
  );

/**
 * The 1 M database the search and open benchmarks read, built once (by history-insert, or here)
 * and kept in the temporary folder between runs.
 */
export function benchDatabase(): string {
  const path = benchDatabasePath();
  if (existsSync(path)) {
    const db = new DatabaseSync(path, { readOnly: true });
    const n = (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
    db.close();
    if (n === MESSAGES) return path;
  }
  const building = `${path}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  const store = SqliteHistoryStore.open(building);
  fill(store);
  store.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  renameSync(building, path);
  return path;
}
