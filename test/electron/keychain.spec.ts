// "Remember my password" in the real app: the password goes to the system keychain (on Linux a
// private D-Bus session with its own gnome-keyring, as in the keychain tests), never to the
// settings file, and the next launch signs in with it by itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ID } from '../../src/main/app/identity';
import { startSecretService, type SecretService } from '../keychain/secret-service';
import { ROOT, account, expect, signIn, test } from './app';

const alice = account('Alice');
const CI = process.env['CI'] === 'true';
const linux = process.platform === 'linux';
const has = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const keyringTools = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'];

function keychainUnavailable(): string | undefined {
  if (CI) return undefined;
  if (linux) {
    const missing = keyringTools.filter((tool) => !has(tool));
    return missing.length > 0 ? `${missing.join(', ')} missing: install dbus and gnome-keyring` : undefined;
  }
  return 'runs only in CI on this platform: it would write to your login keychain';
}

/** Reads (or deletes) the app's keychain entry from a separate Node process on the same session bus. */
function keychain(op: 'get' | 'delete', email: string, env: NodeJS.ProcessEnv): string | null {
  const script =
    op === 'get'
      ? `require('keytar').getPassword(${JSON.stringify(APP_ID)}, ${JSON.stringify(email)}).then((p) => process.stdout.write(JSON.stringify(p)))`
      : `require('keytar').deletePassword(${JSON.stringify(APP_ID)}, ${JSON.stringify(email)}).then(() => process.stdout.write('null'))`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`keytar ${op} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string | null;
}

test('Remember my password keeps it in the keychain and the next launch signs in by itself', async ({ desktop }) => {
  const reason = keychainUnavailable();
  test.skip(reason !== undefined, reason);

  let secrets: SecretService | undefined;
  const env: Record<string, string> = {};
  const before = process.env['DBUS_SESSION_BUS_ADDRESS'];
  if (linux) {
    secrets = await startSecretService();
    env['DBUS_SESSION_BUS_ADDRESS'] = process.env['DBUS_SESSION_BUS_ADDRESS'] ?? '';
    // The helper points this process at its bus; only the app and the keytar child use it.
    if (before === undefined) delete process.env['DBUS_SESSION_BUS_ADDRESS'];
    else process.env['DBUS_SESSION_BUS_ADDRESS'] = before;
  }
  const keytarEnv = { ...process.env, ...env };
  try {
    const server = await desktop.server([alice]);
    const profile = desktop.profile();
    const first = await desktop.launch({ profile, server, env });
    desktop.watch(first, 'first launch');
    await signIn(first.contactList, alice, { signInAutomatically: true });
    await expect.poll(() => keychain('get', alice.email, keytarEnv)).toBe(alice.password);
    await first.chooseInTray('Exit');
    await first.app.waitForEvent('close');
    expect(readFileSync(join(profile, 'settings.json'), 'utf8')).not.toContain(alice.password);

    const second = await desktop.launch({ profile, server, env });
    desktop.watch(second, 'second launch');
    await expect(second.contactList.getByRole('tree', { name: 'Contacts' })).toBeVisible();
    await expect(second.contactList.getByRole('button', { name: 'Your display name' })).toHaveText('Alice');
  } finally {
    if (!linux) keychain('delete', alice.email, keytarEnv);
    await secrets?.stop();
  }
});
