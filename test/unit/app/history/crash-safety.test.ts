import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteHistoryStore } from '../../../../src/main/app/history/store';

const WRITER = join(import.meta.dirname, 'crash-writer.ts');
const ROUNDS = 6;
const dir = mkdtempSync(join(tmpdir(), 'history-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until it has reported `atLeast` messages plus a random extra, then SIGKILLs it. */
function writeAndKill(path: string, seed: number): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(seed)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const stored = new Map<number, string>();
    let tail = '';
    // Kill after a random number of reports, so the kill lands anywhere in a transaction.
    const killAfter = 50 + Math.floor(Math.random() * 2000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (tail + chunk).split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) {
        const [id, word] = line.split(' ');
        stored.set(Number(id), word as string);
      }
      if (stored.size >= killAfter && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(stored);
      else reject(new Error(`the writer stopped by itself (${code ?? signal})`));
    });
  });
}

describe('crash safety', () => {
  it('keeps every message reported as stored when the writer is killed at random moments', async () => {
    const path = join(dir, 'crash.history.sqlite');
    const everything = new Map<number, string>();
    for (let round = 1; round <= ROUNDS; round++) {
      const stored = await writeAndKill(path, round);
      expect(stored.size).toBeGreaterThan(0);
      for (const [id, word] of stored) everything.set(id, word);

      const db = new DatabaseSync(path);
      expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
      expect(() => db.exec("INSERT INTO record_index (record_index) VALUES ('integrity-check')")).not.toThrow();
      const present = new Set((db.prepare('SELECT id FROM records').all() as { id: number }[]).map((r) => r.id));
      db.close();
      const missing = [...everything.keys()].filter((id) => !present.has(id));
      expect(missing).toEqual([]);
    }
    // And each is still found by the index, through the store as the app opens it.
    const store = SqliteHistoryStore.open(path);
    try {
      const sample = [...everything].filter((_, i) => i % 97 === 0);
      for (const [id, word] of sample) {
        expect(store.search({ text: word }).hits.map((h) => h.record.id)).toEqual([id]);
      }
    } finally {
      store.close();
    }
  }, 120_000);
});
