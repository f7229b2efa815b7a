// The specs test the built renderer; build it when there is none yet (`npm test` builds first).
// Screenshots of the previous run are cleared so the folder shows this run only.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RENDERER_DIR } from './bridge/bridge';
import { SCREENSHOT_DIR } from './harness';

export default function globalSetup(): void {
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  if (existsSync(join(RENDERER_DIR, 'index.html'))) return;
  const root = join(import.meta.dirname, '../..');
  execFileSync(join(root, 'node_modules/.bin/electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
}
