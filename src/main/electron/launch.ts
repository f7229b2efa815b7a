// What the command line and environment ask of this launch, read before Electron does anything.
// Electron-free, so the rules are unit-tested; index.ts carries them out.

/** `REVIVAL_SMOKE_TEST=1`: start, wait for the contact-list window, then quit (CI and packaging checks). */
export const SMOKE_TEST_ENV = 'REVIVAL_SMOKE_TEST';
export const SMOKE_TEST_SWITCH = '--smoke-test';
/** A smoke test whose window has not loaded by then fails. */
export const SMOKE_TEST_TIMEOUT_MS = 30_000;

/**
 * `REVIVAL_MESSENGER_TEST_HOOKS=1` (the Electron end-to-end tests only) puts a few read-and-click
 * hooks for the tray on the main process's globalThis, which only a debugger attached to the main
 * process can reach: the tray menu is drawn by the OS and cannot be clicked from a test.
 */
export const TEST_HOOKS_ENV = 'REVIVAL_MESSENGER_TEST_HOOKS';
export const TEST_HOOKS_GLOBAL = '__revivalMessengerTestHooks';

/** Exit codes of a failed smoke test, so a CI log says which way it failed. */
export const SMOKE_EXIT = { failedToLoad: 1, timedOut: 2, alreadyRunning: 3 } as const;

export interface LaunchOptions {
  /** `--version`: print the version and exit. */
  readonly printVersion: boolean;
  readonly smokeTest: boolean;
  readonly testHooks: boolean;
}

const on = (value: string | undefined): boolean => value === '1' || value === 'true';

/** `argv` is process.argv: the executable, then (unpackaged) the app folder, then the switches. */
export function launchOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LaunchOptions {
  const args = argv.slice(1);
  return {
    printVersion: args.includes('--version'),
    smokeTest: args.includes(SMOKE_TEST_SWITCH) || on(env[SMOKE_TEST_ENV]),
    testHooks: on(env[TEST_HOOKS_ENV]),
  };
}

export function versionLine(productName: string, version: string): string {
  return `${productName} ${version}\n`;
}
