// The tests start the built app: build it when there is none yet or a source is newer. An
// installed app (REVIVAL_ELECTRON_BINARY) is tested as it is.
import { rmSync } from 'node:fs';
import { buildIfStale } from '../e2e/build';
import { INSTALLED_BINARY_ENV, ROOT, SCREENSHOT_DIR } from './app';

export default function globalSetup(): void {
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  if (!process.env[INSTALLED_BINARY_ENV]) buildIfStale(ROOT);
}
