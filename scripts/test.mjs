#!/usr/bin/env node
// `npm test`: every check and test runner, in order, then one line `N passed, N failed, N skipped`
// summing all runners (read from their JSON reports). A suite whose tools are missing here is
// skipped, says why, and counts its tests as skipped; in CI a missing tool is a failure instead
// (the Electron suite skips itself where there is no Electron binary: see test/electron/app.ts).
// Exits non-zero when anything failed or when no test ran at all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const reports = join(root, 'reports');
const ci = process.env.CI === 'true';
const windows = process.platform === 'win32';
// On Windows the tools' launchers are .cmd scripts, which only a shell can start.
const bin = (name) => join(root, 'node_modules', '.bin', windows ? `${name}.cmd` : name);

rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

function run(label, command, args, options = {}) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: windows, ...options });
  if (result.error) console.error(result.error.message);
  return result.status === 0;
}

const linux = process.platform === 'linux';

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** A check that is not a test runner (typecheck, lint, build) counts as one test. */
function check(label, command, args) {
  if (run(label, command, args)) totals.passed += 1;
  else {
    totals.failed += 1;
    problems.push(label);
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A suite that cannot run here: its tests count as skipped, and the reason is printed. */
function skipSuite(label, reason, count) {
  console.log(`\n▷ ${label} skipped (${count} tests): ${reason}`);
  totals.skipped += count;
}

function vitestCount(config) {
  const listed = spawnSync(bin('vitest'), ['list', '--config', config, '--json'], {
    cwd: root,
    encoding: 'utf8',
    shell: windows,
  });
  try {
    return JSON.parse(listed.stdout).length;
  } catch {
    return 0;
  }
}

function playwrightCount(config) {
  const listed = spawnSync(bin('playwright'), ['test', '--config', config, '--list', '--reporter=json'], {
    cwd: root,
    encoding: 'utf8',
    shell: windows,
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: '' },
  });
  const count = (suite) =>
    (suite.specs ?? []).reduce((n, spec) => n + spec.tests.length, 0) +
    (suite.suites ?? []).reduce((n, child) => n + count(child), 0);
  try {
    return JSON.parse(listed.stdout).suites.reduce((n, suite) => n + count(suite), 0);
  } catch {
    return 0;
  }
}

/** Runs a Playwright config and adds its report to the totals; prints why tests were skipped. */
function playwright(label, config, report, wrapper = []) {
  const [command, ...args] = [...wrapper, bin('playwright'), 'test', '--config', config];
  const ok = run(label, command, args, { env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report } });
  const result = readJson(report);
  const stats = result?.stats;
  if (!stats) {
    totals.failed += 1;
    problems.push(`${label}: no report`);
    return;
  }
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
  if (stats.unexpected > 0 || !ok) problems.push(label);
  if (!ok && stats.unexpected === 0) totals.failed += 1;
  const reasons = new Set();
  const collect = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests)
        for (const note of test.annotations ?? [])
          if (note.type === 'skip' && note.description) reasons.add(note.description);
    for (const child of suite.suites ?? []) collect(child);
  };
  for (const suite of result.suites ?? []) collect(suite);
  if (stats.skipped > 0)
    console.log(`▷ ${label}: ${stats.skipped} skipped: ${[...reasons].join('; ') || 'no reason given'}`);
}

function countVitest(label, file, ok) {
  const report = readJson(file);
  if (!report) {
    totals.failed += 1;
    problems.push(`${label}: no report`);
    return;
  }
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  // A suite that fails to load reports no failed test but is still a failure.
  if (!ok && report.numFailedTests === 0) {
    totals.failed += 1;
    problems.push(`${label}: runner failed`);
  } else if (report.numFailedTests > 0) problems.push(label);
}

function vitest(label, config, report) {
  const ok = run(label, bin('vitest'), [
    'run',
    '--config',
    config,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]);
  countVitest(label, report, ok);
}

check('typecheck (main, preload, shared, tests)', bin('tsc'), ['-p', 'tsconfig.node.json']);
check('typecheck (renderer, shared)', bin('tsc'), ['-p', 'tsconfig.web.json']);
check('lint', bin('eslint'), ['.']);
check('format', bin('prettier'), ['--check', '.']);
check('build (main, preload, renderer bundles)', bin('electron-vite'), ['build']);

vitest('unit and integration tests', 'vitest.config.ts', join(reports, 'vitest.json'));

// Keychain tests start their own D-Bus bus and gnome-keyring (test/keychain/secret-service.ts):
// a Linux Secret Service; macOS and Windows keychains are exercised by the Electron suite.
const keychainConfig = 'vitest.keychain.config.ts';
if (existsSync(join(root, keychainConfig))) {
  const label = 'keychain tests (private D-Bus session, gnome-keyring)';
  const missing = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'].filter((tool) => !has(tool));
  if (!linux) skipSuite(label, 'the Secret Service is Linux only', vitestCount(keychainConfig));
  else if (missing.length === 0) vitest(label, keychainConfig, join(reports, 'vitest-keychain.json'));
  else if (ci) {
    totals.failed += 1;
    problems.push(`keychain tests: ${missing.join(', ')} missing`);
  } else skipSuite(label, `${missing.join(', ')} missing: install dbus and gnome-keyring`, vitestCount(keychainConfig));
}

// Browser end-to-end tests drive Debian's Chromium; a browser is never downloaded. They test the
// renderer, which is the same on every platform, so only Linux runs them.
if (existsSync(join(root, 'playwright.config.ts'))) {
  const label = 'browser end-to-end tests (Chromium)';
  if (existsSync('/usr/bin/chromium')) playwright(label, 'playwright.config.ts', join(reports, 'playwright.json'));
  else if (ci && linux) {
    totals.failed += 1;
    problems.push('browser end-to-end tests: /usr/bin/chromium missing');
  } else {
    const reason = linux ? 'install Chromium (apt-get install chromium) to run them' : 'they run on Linux';
    skipSuite(label, reason, playwrightCount('playwright.config.ts'));
  }
}

// Electron end-to-end tests start the real app; each skips itself, with the reason, where there
// is no Electron binary. On Linux without a display they run under Xvfb.
const electronConfig = 'playwright.electron.config.ts';
if (existsSync(join(root, electronConfig))) {
  const headless = linux && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  const wrapper = headless && has('xvfb-run') ? ['xvfb-run', '--auto-servernum'] : [];
  playwright('Electron end-to-end tests', electronConfig, join(reports, 'playwright-electron.json'), wrapper);
}

console.log('');
if (problems.length > 0) console.log(`Failed: ${problems.join('; ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
