// desktop-startup: the real app, where Electron runs. Value: milliseconds from launching the built
// app to its contact-list window being interactive (the sign-in form ready for typing), best of
// several launches with a fresh profile each. Baseline, in turn with it: a bare Electron app that
// opens one empty window, so the ratio is what this app adds to Electron's own start. The notes
// carry the resident memory (sum over every process of the app) idle, signed in with 200
// contacts. Targets: < 1.5 s to interactive, < 150 MB. Without an Electron binary it prints one
// row saying so.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from '@playwright/test';
import { startServer, type AccountSpec } from '../test/server';
import { buildIfStale } from '../test/e2e/build';
import { ROOT, appEnvironment, electronBinary } from '../test/electron/binary';
import { report, sleep } from './lib';

const LAUNCHES = 5;
const CONTACTS = 200;
/** Idle means the sign-in burst has settled: presence, the list drawn, caches warm. */
const SETTLE_MS = 5_000;

const BARE_APP = `const { app, BrowserWindow } = require('electron');
app.whenReady().then(() => {
  const win = new BrowserWindow({ show: true, webPreferences: { sandbox: true, contextIsolation: true } });
  win.loadURL('data:text/html,<button>ready</button>');
});
`;

function skipped(reason: string): void {
  report({ bench: 'desktop-startup', value: 0, unit: 'ms', baseline: 0, ratio: 0, notes: `skipped: ${reason}` });
}

function accounts(): AccountSpec[] {
  const contacts = Array.from({ length: CONTACTS }, (_, i) => `contact${i}@example.com`);
  return [
    { email: 'me@example.com', password: 'me-secret', displayName: 'Me', contacts },
    ...contacts.map((email, i) => ({ email, password: 'secret', displayName: `Contact ${i}`, contacts: [] })),
  ];
}

/** Resident memory of every process of the app, in MB. */
async function residentMB(app: ElectronApplication): Promise<number> {
  const kb = await app.evaluate(({ app: electronApp }) =>
    electronApp.getAppMetrics().reduce((sum, metric) => sum + metric.memory.workingSetSize, 0),
  );
  return kb / 1024;
}

export async function main(): Promise<void> {
  const binary = electronBinary();
  if (!binary.executablePath) return skipped('no Electron binary');
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    return skipped('no display (run it under xvfb-run)');
  }
  const executablePath = binary.executablePath;
  buildIfStale(ROOT);
  const server = await startServer({ accounts: accounts() });
  const bareDir = mkdtempSync(join(tmpdir(), 'bare-electron-'));
  writeFileSync(join(bareDir, 'main.js'), BARE_APP);
  writeFileSync(join(bareDir, 'package.json'), JSON.stringify({ name: 'bare', main: 'main.js' }));
  const profiles: string[] = [];
  const profile = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'revival-bench-'));
    profiles.push(dir);
    return dir;
  };

  /** Milliseconds from launch to the button being ready for a click. */
  const launch = async (args: readonly string[], env: Record<string, string>, button: string) => {
    const started = performance.now();
    const app = await _electron.launch({ executablePath, args: [...args], env });
    const page = await app.firstWindow();
    await page.getByRole('button', { name: button }).waitFor({ state: 'visible' });
    return { ms: performance.now() - started, app, page };
  };

  try {
    let best = Infinity;
    let bestBare = Infinity;
    for (let i = 0; i < LAUNCHES; i++) {
      const run = await launch(binary.args, appEnvironment({ profile: profile(), server }), 'Sign In');
      best = Math.min(best, run.ms);
      await run.app.close();
      const bare = await launch([bareDir], appEnvironment({ profile: profile() }), 'ready');
      bestBare = Math.min(bestBare, bare.ms);
      await bare.app.close();
    }

    // Signed in with 200 contacts, then left alone.
    const { app, page } = await launch(binary.args, appEnvironment({ profile: profile(), server }), 'Sign In');
    await page.getByLabel('E-mail address:').fill('me@example.com');
    await page.getByLabel('Password:').fill('me-secret');
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByRole('tree', { name: 'Contacts' }).waitFor({ state: 'visible' });
    await sleep(SETTLE_MS);
    const mb = await residentMB(app);
    await app.close();

    report({
      bench: 'desktop-startup',
      value: best,
      unit: 'ms',
      baseline: bestBare,
      notes:
        `launch to interactive contact-list window, best of ${LAUNCHES} (target < 1500 ms); baseline: bare ` +
        `Electron window; resident memory idle signed in with ${CONTACTS} contacts: ${Math.round(mb)} MB ` +
        `(all processes, target < 150 MB)`,
    });
  } finally {
    await server.close();
    for (const dir of [bareDir, ...profiles]) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}
