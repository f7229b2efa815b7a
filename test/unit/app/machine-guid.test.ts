// The installation's machine GUID: made once, kept in the data folder, replaced when damaged.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installationGuid } from '../../../src/main/app/machine-guid';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'machine-guid-'));
  dirs.push(dir);
  return dir;
}

describe('installationGuid', () => {
  it('makes a GUID the first time and returns the same one afterwards', () => {
    const dir = join(dataDir(), 'not yet made');
    const first = installationGuid(dir);
    expect(first).toMatch(/^\{[0-9A-F]{8}-(?:[0-9A-F]{4}-){3}[0-9A-F]{12}\}$/);
    expect(readFileSync(join(dir, 'machine-guid'), 'utf8').trim()).toBe(first);
    expect(installationGuid(dir)).toBe(first);
  });

  it('replaces a damaged file, and says so when it cannot keep the GUID', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'machine-guid'), 'not a guid');
    const guid = installationGuid(dir);
    expect(guid).not.toBe('not a guid');
    expect(installationGuid(dir)).toBe(guid);

    const blocked = join(dataDir(), 'a file');
    writeFileSync(blocked, '');
    const errors: string[] = [];
    expect(installationGuid(blocked, (m) => errors.push(m))).toMatch(/^\{[0-9A-F-]{36}\}$/);
    expect(errors).toEqual([expect.stringContaining('could not be saved')]);
  });
});
