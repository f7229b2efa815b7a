// The end-to-end suites rebuild the bundles whenever a source is newer, so none tests a stale app.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_OUTPUTS, buildIsStale } from '../e2e/build';

let root: string;

function file(path: string, secondsAgo: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, '');
  const time = Date.now() / 1000 - secondsAgo;
  utimesSync(full, time, time);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'build-freshness-'));
  file('src/main/index.ts', 100);
  file('src/renderer/src/App.tsx', 100);
  file('electron.vite.config.ts', 100);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('buildIsStale', () => {
  it('builds when there is no build', () => {
    expect(buildIsStale(root)).toBe(true);
  });

  it('builds when one bundle is missing', () => {
    for (const output of BUILD_OUTPUTS.slice(1)) file(output, 10);
    expect(buildIsStale(root)).toBe(true);
  });

  it('reuses a build newer than every source', () => {
    for (const output of BUILD_OUTPUTS) file(output, 10);
    expect(buildIsStale(root)).toBe(false);
  });

  it('rebuilds when a source deep in the tree changed after the build', () => {
    for (const output of BUILD_OUTPUTS) file(output, 10);
    file('src/renderer/src/screens/contacts/Header.tsx', 1);
    expect(buildIsStale(root)).toBe(true);
  });

  it('rebuilds when the build config changed after the build', () => {
    for (const output of BUILD_OUTPUTS) file(output, 10);
    file('electron.vite.config.ts', 1);
    expect(buildIsStale(root)).toBe(true);
  });

  it('rebuilds when one bundle is older than a source, even if the others are newer', () => {
    file(BUILD_OUTPUTS[0] as string, 200);
    for (const output of BUILD_OUTPUTS.slice(1)) file(output, 10);
    expect(buildIsStale(root)).toBe(true);
  });
});
