// The command-line switches a user, a packager or CI uses without opening a window.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, appEnvironment, expect, runApp, test } from './app';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

test('--version prints the version and exits @smoke', async ({ desktop }) => {
  const result = await runApp(['--version'], appEnvironment({ profile: desktop.profile() }));
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`Revival Messenger ${version}\n`);
});

test('REVIVAL_SMOKE_TEST=1 quits with 0 once the contact list has loaded @smoke', async ({ desktop }) => {
  const env = { ...appEnvironment({ profile: desktop.profile() }), REVIVAL_SMOKE_TEST: '1' };
  const result = await runApp([], env);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('Smoke test passed');
});

test('the smoke test fails when it only reached a copy already running', async ({ desktop }) => {
  const profile = desktop.profile();
  await desktop.launch({ profile });
  const result = await runApp(['--smoke-test'], appEnvironment({ profile }));
  expect(result.code).toBe(3);
  expect(result.stderr).toContain('another copy of the app is running');
});
