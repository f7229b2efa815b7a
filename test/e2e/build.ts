// The end-to-end suites test the built bundles in out/; a build older than its sources would test
// yesterday's app, so they rebuild whenever any source is newer than any bundle.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What electron-vite builds from: everything under src/ and its config. */
const SOURCES = ['src', 'electron.vite.config.ts'];
/** One entry file of each bundle; electron-vite writes them all in one build. */
export const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

/** Newest modification time of a file, or of any file under a folder; 0 when it does not exist. */
function newest(path: string): number {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

export function buildIsStale(root: string): boolean {
  const built = BUILD_OUTPUTS.map((file) => newest(join(root, file)));
  if (built.some((time) => time === 0)) return true;
  const sources = Math.max(...SOURCES.map((source) => newest(join(root, source))));
  return sources > Math.min(...built);
}

export function buildIfStale(root: string): void {
  if (!buildIsStale(root)) return;
  execFileSync(join(root, 'node_modules/.bin/electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
}
