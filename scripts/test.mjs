#!/usr/bin/env node
// `npm test`: every check and test runner that can run on this machine, in order, then one line
// `N passed, N failed` summing all runners (read from their JSON reports). Exits non-zero when
// anything failed or when no test ran at all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const reports = join(root, 'reports');
const ci = process.env.CI === 'true';
const bin = (name) => join(root, 'node_modules', '.bin', name);

rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

function run(label, command, args, options = {}) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) console.error(result.error.message);
  return result.status === 0;
}

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

// Keychain tests start their own D-Bus bus and gnome-keyring (test/keychain/secret-service.ts).
const keychainConfig = 'vitest.keychain.config.ts';
if (existsSync(join(root, keychainConfig))) {
  if (has('dbus-daemon') && has('dbus-send') && has('gnome-keyring-daemon')) {
    vitest(
      'keychain tests (private D-Bus session, gnome-keyring)',
      keychainConfig,
      join(reports, 'vitest-keychain.json'),
    );
  } else if (ci) {
    totals.failed += 1;
    problems.push('keychain tests: dbus-daemon, dbus-send or gnome-keyring-daemon missing');
  } else {
    console.log('\n▷ keychain tests skipped: install dbus and gnome-keyring to run them');
  }
}

// Browser end-to-end tests drive the system Chromium; a browser is never downloaded.
if (existsSync(join(root, 'playwright.config.ts'))) {
  if (existsSync('/usr/bin/chromium')) {
    const report = join(reports, 'playwright.json');
    const ok = run('browser end-to-end tests (Chromium)', bin('playwright'), ['test'], {
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
    });
    const stats = readJson(report)?.stats;
    if (!stats) {
      totals.failed += 1;
      problems.push('browser end-to-end tests: no report');
    } else {
      totals.passed += stats.expected + stats.flaky;
      totals.failed += stats.unexpected;
      totals.skipped += stats.skipped;
      if (stats.unexpected > 0 || !ok) problems.push('browser end-to-end tests');
      if (!ok && stats.unexpected === 0) totals.failed += 1;
    }
  } else if (ci) {
    totals.failed += 1;
    problems.push('browser end-to-end tests: /usr/bin/chromium missing');
  } else {
    console.log('\n▷ browser tests skipped: install Chromium (apt-get install chromium) to run them');
  }
}

console.log('');
if (problems.length > 0) console.log(`Failed: ${problems.join('; ')}`);
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
