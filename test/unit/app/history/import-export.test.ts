import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportContact } from '../../../../src/main/app/history/exporter';
import { attribute, importFolder } from '../../../../src/main/app/history/importer';
import { readLogFile, type LogItem, type LogProblem } from '../../../../src/main/app/history/msn-xml';
import { SqliteHistoryStore } from '../../../../src/main/app/history/store';
import type { ImportProgress } from '../../../../src/shared/history';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/history/folder');
const self = { email: 'alice@example.com', names: [] as string[] };
const knownContacts = ['bob@example.com', 'carol@example.org'];

let dir: string;
let store: SqliteHistoryStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-import-'));
  store = SqliteHistoryStore.open(join(dir, 'alice.sqlite'));
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reading MSN Messenger logs', () => {
  it('reads every kind of record of a log', async () => {
    const items: LogItem[] = [];
    const problems: LogProblem[] = [];
    await readLogFile(
      join(FIXTURES, 'alice@example.com/History/bob1234567890.xml'),
      (i) => items.push(i),
      (p) => problems.push(p),
    );
    expect(problems).toEqual([]);
    expect(items.map((i) => i.kind)).toEqual([
      'message',
      'message',
      'invitation',
      'invitation-response',
      'message',
      'join',
      'message',
      'message',
      'leave',
      'message',
      'message',
    ]);
    expect(items[0]).toMatchObject({
      at: Date.parse('2006-02-07T18:21:36.218Z'),
      sessionId: '1',
      from: ['Bob'],
      to: ['Alice'],
      text: 'Salut, ça va ? On se voit au café',
    });
    expect(items[1]?.text).toBe('Oui ! 東京に行きます 😀 <b>not bold</b>');
    expect(items[2]).toMatchObject({
      file: 'C:\\Documents and Settings\\Bob\\My Documents\\photo.jpg',
      application: 'File Transfer',
    });
    expect(items[5]).toMatchObject({ kind: 'join', from: ['Carol'], text: 'Carol has joined the conversation.' });
    expect(items[6]?.to).toEqual(['Alice', 'Bob ~ at work']);
  });

  it('reads MSN Messenger 6 dates, which have no DateTime', async () => {
    const items: LogItem[] = [];
    await readLogFile(
      join(FIXTURES, 'alice@example.com/History/dave3456789012.xml'),
      (i) => items.push(i),
      () => {},
    );
    expect(items[0]?.at).toBe(new Date(2004, 6, 2, 18, 21, 36).getTime());
  });

  it('reports broken records and reads the rest', async () => {
    const items: LogItem[] = [];
    const problems: LogProblem[] = [];
    await readLogFile(
      join(FIXTURES, 'alice@example.com/History/erin4567890123.xml'),
      (i) => items.push(i),
      (p) => problems.push(p),
    );
    expect(items.map((i) => i.text)).toEqual(['first, fine', 'second, fine']);
    expect(problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/^a malformed <Message> element/),
      'a <Message> element without a readable date',
      'a <Message> element that never ends',
    ]);
  });

  it('reads a huge log in bounded pieces, skipping a record too large to be real', async () => {
    const file = join(dir, 'huge1.xml');
    const fd = openSync(file, 'w');
    writeSync(fd, '<?xml version="1.0"?>\n<Log FirstSessionID="1" LastSessionID="1">');
    const line = (i: number): string =>
      `<Message Date="1/1/2007" Time="1:00:00 AM" DateTime="2007-01-01T01:00:${String(i % 60).padStart(2, '0')}.000Z" SessionID="1">` +
      `<From><User FriendlyName="Huge"/></From><To><User FriendlyName="Alice"/></To><Text Style="color:#000000; ">message number ${i} ${'padding '.repeat(20)}</Text></Message>\n`;
    let chunk = '';
    for (let i = 0; i < 40_000; i++) {
      chunk += line(i);
      if (i === 20_000)
        chunk += `<Message DateTime="2007-01-01T01:00:00.000Z" SessionID="1"><Text>${'x'.repeat(3 * 1024 * 1024)}</Text></Message>`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, `${chunk}</Log>\n`);
    closeSync(fd);
    let items = 0;
    const problems: LogProblem[] = [];
    await readLogFile(
      file,
      () => items++,
      (p) => problems.push(p),
    );
    expect(items).toBe(40_000);
    expect(problems.map((p) => p.reason)).toEqual(['a <Message> element longer than 1 MB']);
  });

  it('reads a log saved as UTF-16', async () => {
    const file = join(dir, 'wide1.xml');
    const xml =
      '<?xml version="1.0" encoding="UTF-16"?><Log FirstSessionID="1" LastSessionID="1"><Message DateTime="2009-09-09T09:09:09.000Z" SessionID="1">' +
      '<From><User FriendlyName="Wide"/></From><To><User FriendlyName="Alice"/></To><Text>wide ünïcode 字</Text></Message></Log>';
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
    const items: LogItem[] = [];
    await readLogFile(
      file,
      (i) => items.push(i),
      () => {},
    );
    expect(items.map((i) => i.text)).toEqual(['wide ünïcode 字']);
  });

  it('attributes a file to the known contact its name begins with', () => {
    expect(attribute('/x/bob1234567890.xml', knownContacts)).toBe('bob@example.com');
    expect(attribute('/x/Bob1234567890.XML', knownContacts)).toBe('bob@example.com');
    expect(attribute('/x/bobby1234567890.xml', knownContacts)).toBe('bobby');
    expect(attribute('/x/carol2345678901.xml', knownContacts)).toBe('carol@example.org');
  });
});

describe('importing a folder', () => {
  it('imports every log, attributed to its contact, and reports what it skipped', async () => {
    const progress: ImportProgress[] = [];
    const report = await importFolder(store, FIXTURES, { self, knownContacts, onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({ files: 5, imported: 18, duplicates: 0 });
    expect(report.contacts).toEqual(['bob@example.com', 'carol@example.org', 'dave', 'erin']);
    expect(report.skipped).toEqual([
      {
        file: join('alice@example.com', 'History', 'notes.xml'),
        reason: 'not an MSN Messenger history file (no <Log> element)',
      },
      {
        file: join('alice@example.com', 'History', 'erin4567890123.xml'),
        reason: expect.stringMatching(
          /^3 records could not be read; the first, at character \d+: a malformed <Message>/,
        ),
      },
    ]);
    expect(progress.at(-1)).toMatchObject({ filesDone: 5, filesTotal: 5, imported: 18 });

    const bob = store.page('bob@example.com', { limit: 100 }).records;
    expect(bob.map((r) => [r.kind, r.outgoing, r.from?.displayName])).toEqual([
      ['message', false, 'Bob'],
      ['message', true, 'Alice'],
      ['invitation', false, 'Bob'],
      ['invitation-response', true, 'Alice'],
      ['message', false, 'Bob ~ at work'],
      ['join', false, 'Carol'],
      ['message', false, 'Carol'],
      ['message', true, 'Alice'],
      ['leave', false, 'Carol'],
      ['message', true, 'Alice'],
      ['message', true, 'Alice'],
    ]);
    expect(bob[0]?.from?.email).toBe('bob@example.com');
    expect(bob[1]?.from?.email).toBe('alice@example.com');
    // In a group conversation the other people's e-mails are unknown.
    expect(bob[6]?.from?.email).toBe('');
    expect(bob[0]?.format).toMatchObject({ font: 'Tahoma', color: '#0000ff', effects: { bold: true } });
    expect(bob[2]?.invitation).toEqual({
      application: 'File Transfer',
      file: 'C:\\Documents and Settings\\Bob\\My Documents\\photo.jpg',
    });
    expect(store.conversations('bob@example.com')).toHaveLength(2);
    // Alice's other name is recognised as hers through the conversation with Carol.
    const carol = store.page('carol@example.org', {}).records;
    expect(carol.map((r) => r.outgoing)).toEqual([false, true, true]);
    expect(store.contacts().find((c) => c.email === 'bob@example.com')?.displayName).toBe('Bob ~ at work');
    expect(
      store
        .search({ text: 'cafe' })
        .hits.map((h) => h.record.contact)
        .sort(),
    ).toEqual(['bob@example.com', 'carol@example.org']);
    expect(store.search({ text: '東京' }).hits).toHaveLength(1);
    expect(store.search({ text: 'photo.jpg' }).hits).toHaveLength(2);
  });

  it('adds nothing the second time, and only what is new when a log grew', async () => {
    await importFolder(store, FIXTURES, { self, knownContacts });
    const again = await importFolder(store, FIXTURES, { self, knownContacts });
    expect(again).toMatchObject({ imported: 0, duplicates: 18 });
    expect(store.page('bob@example.com', { limit: 100 }).records).toHaveLength(11);

    const grown = join(dir, 'grown');
    mkdirSync(grown);
    const original = readFileSync(join(FIXTURES, 'alice@example.com/History/carol2345678901.xml'), 'utf8');
    writeFileSync(
      join(grown, 'carol2345678901.xml'),
      original.replace(
        '</Log>',
        '<Message DateTime="2007-04-03T10:00:00.000Z" SessionID="2"><From><User FriendlyName="Carol"/></From><To><User FriendlyName="Alice"/></To><Text>next day</Text></Message></Log>',
      ),
    );
    const grew = await importFolder(store, grown, { self: { email: self.email, names: ['Alice'] }, knownContacts });
    expect(grew).toMatchObject({ imported: 1, duplicates: 3 });
    expect(store.conversations('carol@example.org')).toHaveLength(2);
  });

  it('reports a folder it cannot read', async () => {
    const report = await importFolder(store, join(dir, 'missing'), { self, knownContacts });
    expect(report.files).toBe(0);
    expect(report.skipped[0]?.reason).toMatch(/^the folder could not be read/);
  });
});

describe('exporting', () => {
  it('writes a contact’s history as an MSN log that imports back the same', async () => {
    await importFolder(store, FIXTURES, { self, knownContacts });
    const file = join(dir, 'out', 'bob1234567890.xml');
    mkdirSync(join(dir, 'out'));
    expect(exportContact(store, 'bob@example.com', 'xml', file, { email: self.email, displayName: 'Alice' })).toEqual({
      records: 11,
      path: file,
    });
    const xml = readFileSync(file, 'utf8');
    expect(xml).toMatch(
      /^<\?xml version="1.0"\?>\n<\?xml-stylesheet type='text\/xsl' href='MessageLog.xsl'\?>\n<Log FirstSessionID="1" LastSessionID="2">/,
    );
    expect(xml).toContain('&lt;b&gt;not bold&lt;/b&gt;');

    const copy = SqliteHistoryStore.open(join(dir, 'copy.sqlite'));
    try {
      const report = await importFolder(copy, join(dir, 'out'), { self: { ...self, names: ['Alice'] }, knownContacts });
      expect(report).toMatchObject({ imported: 11, skipped: [] });
      const strip = (records: ReturnType<typeof store.recent>) =>
        records.map((r) => ({
          kind: r.kind,
          at: r.at,
          text: r.text,
          outgoing: r.outgoing,
          // The log names people only; who else was in a group conversation is not written.
          from: r.from?.displayName,
          format: r.format,
          invitation: r.invitation,
        }));
      expect(strip(copy.recent('bob@example.com', 100))).toEqual(strip(store.recent('bob@example.com', 100)));
    } finally {
      copy.close();
    }
  });

  it('writes plain text', async () => {
    await importFolder(store, FIXTURES, { self, knownContacts });
    const file = join(dir, 'carol.txt');
    exportContact(store, 'carol@example.org', 'text', file, { email: self.email, displayName: 'Alice' });
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n').slice(0, 3)).toEqual([
      'Message history with Carol (carol@example.org)',
      '',
      'Conversation of 2007-04-02',
    ]);
    expect(text).toMatch(/\] Carol: Привет! 안녕하세요 — naïve résumé\n/);
    expect(text).toMatch(/\] Alice ♥: 👍🏽 see you at the Café Zürich\n/);
  });
});
