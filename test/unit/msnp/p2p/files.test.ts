// Received files: names a contact chose made safe, never overwriting, streamed through `.part`.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { candidateName, createDownload, sanitizeFileName } from '../../../../src/main/msnp/p2p/files';

describe('sanitizeFileName', () => {
  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Windows\\system32\\evil.dll', 'evil.dll'],
    ['..', 'file'],
    ['...', 'file'],
    ['', 'file'],
    ['.bashrc', 'bashrc'],
    ['  .hidden.txt', 'hidden.txt'],
    ['name. ', 'name'],
    ['a\u0000b\u001fc\u007f.txt', 'a_b_c_.txt'],
    ['what?<>|*:".txt', 'what_______.txt'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['com1.tar.gz', '_com1.tar.gz'],
    ['LPT9', '_LPT9'],
    ['console.log', 'console.log'],
    ['line\u2028break', 'line_break'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('keeps names within 200 UTF-8 bytes on a character boundary, extension kept', () => {
    const long = `${'é'.repeat(300)}.jpeg`;
    const clean = sanitizeFileName(long);
    expect(Buffer.byteLength(clean, 'utf8')).toBeLessThanOrEqual(200);
    expect(clean.endsWith('.jpeg')).toBe(true);
    expect(clean).not.toContain('\uFFFD');
    const emoji = sanitizeFileName('😀'.repeat(100));
    expect(Buffer.byteLength(emoji, 'utf8')).toBeLessThanOrEqual(200);
    expect([...emoji].every((c) => c === '😀')).toBe(true);
  });

  it('numbers candidates as "name (n).ext" within the limit', () => {
    expect(candidateName('a.txt', 0)).toBe('a.txt');
    expect(candidateName('a.txt', 2)).toBe('a (2).txt');
    expect(candidateName('README', 1)).toBe('README (1)');
    expect(Buffer.byteLength(candidateName('x'.repeat(200), 12), 'utf8')).toBeLessThanOrEqual(200);
  });
});

describe('createDownload', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'p2p-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams to name.part and renames after the size check', async () => {
    const sink = await createDownload(dir, 'report.txt');
    await sink.write(Buffer.from('hello '));
    expect(await readdir(dir)).toEqual(['report.txt.part']);
    await sink.write(Buffer.from('world'));
    const file = await sink.finish(11);
    expect(file).toBe(join(dir, 'report.txt'));
    expect(await readFile(file, 'utf8')).toBe('hello world');
    expect(await readdir(dir)).toEqual(['report.txt']);
  });

  it('never overwrites: existing names get (1), (2), …', async () => {
    await writeFile(join(dir, 'a.txt'), 'old');
    await writeFile(join(dir, 'a (1).txt'), 'old too');
    const sink = await createDownload(dir, '../a.txt');
    await sink.write(Buffer.from('new'));
    expect(await sink.finish(3)).toBe(join(dir, 'a (2).txt'));
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('old');
    // A file that appears while receiving is not replaced either.
    const second = await createDownload(dir, 'b.txt');
    await writeFile(join(dir, 'b.txt'), 'arrived meanwhile');
    await second.write(Buffer.from('x'));
    expect(await second.finish(1)).toBe(join(dir, 'b (1).txt'));
    expect(await readFile(join(dir, 'b.txt'), 'utf8')).toBe('arrived meanwhile');
  });

  it('discards the part file on a size mismatch or abort', async () => {
    const short = await createDownload(dir, 'short.bin');
    await short.write(Buffer.alloc(5));
    await expect(short.finish(6)).rejects.toThrow(/5 bytes instead of 6/);
    const aborted = await createDownload(dir, 'gone.bin');
    await aborted.write(Buffer.alloc(5));
    await aborted.abort();
    expect(await readdir(dir)).toEqual([]);
  });
});
