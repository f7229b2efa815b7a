// The specs test the built renderer: build it when there is none yet or a source is newer.
// Screenshots of the previous run are cleared so the folder shows this run only.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfStale } from './build';
import { SCREENSHOT_DIR } from './harness';

export default function globalSetup(): void {
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  buildIfStale(join(import.meta.dirname, '../..'));
}
