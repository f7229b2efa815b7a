// Fixtures for the Electron end-to-end tests: the built app (or an installed one) started by
// Playwright with a fresh profile, against a fresh reference server, with helpers to reach its
// windows and its tray. Where there is no Electron binary the tests are skipped, and say why;
// where the binary must exist (REVIVAL_REQUIRE_ELECTRON=1, set by the CI workflow) a missing one
// fails them instead, so a broken install never passes as a skip.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, test as base, expect, type ElectronApplication, type Page } from '@playwright/test';
import { TEST_HOOKS_GLOBAL } from '../../src/main/electron/launch';
import { startServer, type AccountSpec, type RunningServer } from '../server';
import { ROOT, appEnvironment, electronBinary, type LaunchOptions } from './binary';

export { INSTALLED_BINARY_ENV, ROOT, appEnvironment, serverConfig } from './binary';

export const SCREENSHOT_DIR = join(ROOT, 'test-results/electron-screenshots');

/** Set where Electron is expected to run: then a missing binary fails the tests instead of skipping them. */
export const REQUIRE_ELECTRON_ENV = 'REVIVAL_REQUIRE_ELECTRON';

export const ELECTRON = electronBinary();
const REQUIRED = process.env[REQUIRE_ELECTRON_ENV] === '1';

/** What the main process's tray hooks return (src/main/electron/tray.ts, snapshot()). */
export interface TraySnapshot {
  icon: string;
  imageSize: { width: number; height: number };
  tooltip: string;
  menu: string[];
  checked?: string;
}

export interface WindowInfo {
  url: string;
  visible: boolean;
  focused: boolean;
}

/** One running copy of the app. */
export class RunningApp {
  constructor(
    readonly app: ElectronApplication,
    readonly contactList: Page,
  ) {}

  /** Every BrowserWindow the app has, in creation order. */
  async windows(): Promise<WindowInfo[]> {
    return this.app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows()
        .sort((a, b) => a.id - b.id)
        .map((w) => ({ url: w.webContents.getURL(), visible: w.isVisible(), focused: w.isFocused() })),
    );
  }

  async tray(): Promise<TraySnapshot | undefined> {
    return this.app.evaluate(
      (_electron, hooks) =>
        (globalThis as unknown as Record<string, { tray(): TraySnapshot | undefined }>)[hooks]?.tray(),
      TEST_HOOKS_GLOBAL,
    );
  }

  /** The webPreferences each window was created with. */
  async webPreferences(): Promise<Record<string, unknown>[]> {
    return this.app.evaluate(
      (_electron, hooks) =>
        (globalThis as unknown as Record<string, { webPreferences(): Record<string, unknown>[] }>)[
          hooks
        ]?.webPreferences() ?? [],
      TEST_HOOKS_GLOBAL,
    );
  }

  /** Chooses a tray menu item, as clicking it in the OS's menu does. */
  async chooseInTray(label: string): Promise<void> {
    const chosen = await this.app.evaluate(
      (_electron, [hooks, item]) =>
        (globalThis as unknown as Record<string, { chooseInTray(label: string): boolean }>)[
          hooks as string
        ]?.chooseInTray(item as string),
      [TEST_HOOKS_GLOBAL, label],
    );
    if (chosen !== true) throw new Error(`the tray menu has no enabled item "${label}"`);
  }

  /** The pid of every process of the app: main, GPU, utilities and renderers. */
  async pids(): Promise<number[]> {
    return this.app.evaluate(({ app }) => app.getAppMetrics().map((m) => m.pid));
  }

  /** Double-clicks a contact in the list; resolves with the conversation window the app opens for it. */
  async openConversation(email: string): Promise<Page> {
    const [page] = await Promise.all([
      this.app.waitForEvent('window'),
      this.contactList.locator(`[data-email="${email}"]`).dblclick(),
    ]);
    await expect(page.getByLabel('To')).toContainText(email);
    return page;
  }
}

/** Fills in the sign-in screen and waits for the contact list. */
export async function signIn(
  page: Page,
  account: AccountSpec,
  options: { rememberPassword?: boolean; signInAutomatically?: boolean } = {},
): Promise<void> {
  await expect(page.getByLabel('Server')).toHaveValue('environment');
  await page.getByLabel('E-mail address:').fill(account.email);
  await page.getByLabel('Password:').fill(account.password);
  if (options.rememberPassword || options.signInAutomatically) {
    await page.getByLabel('Remember me').check();
    await page.getByLabel('Remember my password').check();
  }
  if (options.signInAutomatically) await page.getByLabel('Sign me in automatically').check();
  await page.getByRole('button', { name: 'Sign In' }).click();
  await expect(page.getByRole('tree', { name: 'Contacts' })).toBeVisible();
}

/** Starts the app's executable outside Playwright and waits for it to exit: its code and output. */
export function runApp(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs = 45_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const executable = ELECTRON.executablePath;
  if (!executable) throw new Error(ELECTRON.reason);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(executable, [...ELECTRON.args, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the app did not exit within ${timeoutMs / 1000} s\n${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export interface Desktop {
  server(accounts: AccountSpec[]): Promise<RunningServer>;
  /** A fresh, empty profile folder, removed after the test. */
  profile(): string;
  launch(options: LaunchOptions): Promise<RunningApp>;
  screenshot(page: Page, name: string): Promise<void>;
  /** Fails the test if any window of this app logged an error or violated its CSP. */
  watch(app: RunningApp, name: string): void;
}

export const test = base.extend<{ desktop: Desktop }>({
  // Playwright reads the fixtures a function needs from its first parameter: this one needs none.
  // eslint-disable-next-line no-empty-pattern
  desktop: async ({}, use, testInfo) => {
    if (!ELECTRON.executablePath) {
      if (REQUIRED) throw new Error(`Electron tests cannot run: ${ELECTRON.reason}`);
      testInfo.skip(true, ELECTRON.reason);
    }
    const cleanups: (() => Promise<unknown>)[] = [];
    const problems: string[] = [];
    const desktop: Desktop = {
      server: async (accounts) => {
        const server = await startServer({ accounts });
        cleanups.push(() => server.close());
        return server;
      },
      profile: () => {
        const dir = mkdtempSync(join(tmpdir(), 'revival-electron-test-'));
        cleanups.push(async () => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));
        return dir;
      },
      launch: async (options) => {
        const app = await _electron.launch({
          executablePath: ELECTRON.executablePath,
          args: [...ELECTRON.args],
          env: appEnvironment(options),
          timeout: 30_000,
        });
        // Closed before the profile folders are removed (cleanups run last-in, first-out).
        cleanups.push(() => app.close());
        const contactList = await app.firstWindow();
        await contactList.waitForLoadState('domcontentloaded');
        return new RunningApp(app, contactList);
      },
      screenshot: async (page, name) => {
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
      },
      watch: (running, name) => {
        const attach = (page: Page): void => {
          page.on('pageerror', (error) => problems.push(`${name} ${page.url()}: ${error.message}`));
          page.on('console', (message) => {
            if (message.type() === 'error') problems.push(`${name} ${page.url()}: ${message.text()}`);
          });
        };
        for (const page of running.app.windows()) attach(page);
        running.app.on('window', attach);
      },
    };
    await use(desktop);
    const seen = [...problems];
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    expect(seen, 'errors in the windows').toEqual([]);
  },
});

export { expect };

export function account(name: string, contacts: string[] = []): AccountSpec {
  return {
    email: `${name.toLowerCase()}@example.com`,
    password: `${name.toLowerCase()}-secret`,
    displayName: name,
    contacts: contacts.map((c) => `${c.toLowerCase()}@example.com`),
  };
}
