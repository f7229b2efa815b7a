#!/usr/bin/env node
// Runs before every command that launches the app (`npm start`, `npm run dev`, `npm run demo`).
// The electron package has no install script: its binary arrives only when something runs the
// package's own installer, and electron-vite gives up ("Electron uninstall") when it is missing.
// So this runs that installer (the electron package's install.js, with its mirror, cache and
// checksum settings and its progress bar) when the binary is missing, and turns a failed
// download into one sentence instead of a stack trace.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const electronDir = dirname(require.resolve('electron/package.json'));
const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));

/** What the installer itself checks: the unpacked version and the binary path.txt names. */
function installed() {
  try {
    const unpacked = readFileSync(join(electronDir, 'dist', 'version'), 'utf8')
      .trim()
      .replace(/^v/, '');
    const binary = readFileSync(join(electronDir, 'path.txt'), 'utf8');
    return unpacked === version && existsSync(join(electronDir, 'dist', binary));
  } catch {
    return false;
  }
}

/** The first line of what the installer printed, without the stack trace under it. */
function reasonOf(printed) {
  const first = printed.map((line) => line.trim()).find((line) => line !== '' && !line.startsWith('at '));
  return (first ?? 'the installer stopped without saying why').replace(/^\w*Error: /, '');
}

if (!installed()) {
  console.log(`Downloading Electron ${version} for ${platform()}-${arch()} (first launch only, about 100 MB)…`);
  const printed = [];
  // The installer reports a failure with console.error(err.stack) and then process.exit(1): keep
  // that for the sentence below. Its progress bar writes to stderr directly, so it still shows.
  console.error = (...parts) => printed.push(...parts.map(String).join(' ').split('\n'));
  process.on('exit', (code) => {
    if (code === 0) {
      console.log(`Electron ${version} is ready.`);
      return;
    }
    process.stderr.write(
      `Could not download Electron ${version} (${reasonOf(printed)}): check the internet connection ` +
        `(or set HTTPS_PROXY with ELECTRON_GET_USE_PROXY=1, or ELECTRON_MIRROR), then run the command again.\n`,
    );
  });
  try {
    require(join(electronDir, 'install.js'));
  } catch (error) {
    printed.push(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
