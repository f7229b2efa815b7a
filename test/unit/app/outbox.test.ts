// The outbox file: what is written is read back by the next run, a damaged file is put aside
// and reported (never overwritten, never a crash), and a write that fails half-way leaves the
// previous file whole.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT } from '../../../src/shared/schemas';
import { Outbox, outboxFile, type OutboxEntry } from '../../../src/main/app/outbox';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  dirs.push(dir);
  const errors: string[] = [];
  const make = (): Outbox => new Outbox({ dir, reportError: (m) => errors.push(m), now: () => 1234 });
  return { dir, errors, make };
}

const entry = (id: string, text = `text ${id}`): OutboxEntry => ({
  id,
  to: ['bob@example.com'],
  text,
  format: DEFAULT_FORMAT,
  at: 1000,
  attempted: false,
});

describe('outbox', () => {
  it('keeps each account’s unsent messages, in order, for the next run', () => {
    const { errors, make } = setup();
    const outbox = make();
    expect(outbox.open('Me@Example.com')).toEqual([]);
    outbox.add(entry('a', 'first — ☺'));
    outbox.add(entry('b'));
    outbox.add(entry('c'));
    outbox.attempted('b');
    outbox.remove('c');

    const next = make();
    expect(next.open('me@example.com')).toEqual([entry('a', 'first — ☺'), { ...entry('b'), attempted: true }]);
    // Another account has its own file.
    expect(make().open('other@example.com')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('puts a damaged file aside, reports it and starts empty', () => {
    const { dir, errors, make } = setup();
    const file = outboxFile(dir, 'me@example.com');
    writeFileSync(file, '{"version":1,"entries":[{"id":"a"');
    const outbox = make();
    expect(outbox.open('me@example.com')).toEqual([]);
    expect(errors).toEqual([expect.stringMatching(/could not be read.*kept as .*unreadable-1234/)]);
    expect(readFileSync(`${file}.unreadable-1234`, 'utf8')).toBe('{"version":1,"entries":[{"id":"a"');

    // The outbox works on, in a fresh file.
    outbox.add(entry('b'));
    expect(make().open('me@example.com')).toEqual([entry('b')]);
  });

  it('does not take a file of the wrong shape for an empty outbox', () => {
    const { dir, errors, make } = setup();
    const file = outboxFile(dir, 'me@example.com');
    writeFileSync(file, JSON.stringify({ version: 1, entries: [{ id: 'a', to: [], text: '' }] }));
    expect(make().open('me@example.com')).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(readdirSync(dir).some((name) => name.includes('unreadable'))).toBe(true);
  });

  it('ignores what a write cut short left behind, keeping the last complete file', () => {
    const { dir, errors, make } = setup();
    const outbox = make();
    outbox.open('me@example.com');
    outbox.add(entry('a'));
    // A crash between writing the temporary file and renaming it leaves both.
    const file = outboxFile(dir, 'me@example.com');
    writeFileSync(`${file}.tmp`, '{"version":1,"entr');
    expect(make().open('me@example.com')).toEqual([entry('a')]);
    expect(errors).toEqual([]);
  });

  it('reports a disk that refuses the write and keeps the message in memory', () => {
    const { dir, errors } = setup();
    // A file where the folder should be: nothing can be written under it.
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, '');
    const outbox = new Outbox({ dir: blocked, reportError: (m) => errors.push(m), now: () => 0 });
    outbox.open('me@example.com');
    expect(outbox.add(entry('a'))).toBe(false);
    expect(errors.at(-1)).toMatch(/^Your unsent messages could not be saved: /);
    expect(outbox.entries()).toEqual([entry('a')]);
  });

  it('escapes what is unsafe in a file name', () => {
    expect(outboxFile('/data', 'a/b@x.com')).toBe(join('/data', 'a%2fb@x.com.outbox.json'));
  });
});
