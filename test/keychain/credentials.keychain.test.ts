// Against a real Secret Service (gnome-keyring on a private D-Bus session bus): what the app saves
// is really in the keychain, under the app id, and really gone after "forget me".
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeytarCredentialStore } from '../../src/main/app/credentials';
import { APP_ID } from '../../src/main/app/identity';
import { startSecretService, type SecretService } from './secret-service';

// A service of our own per run, so the test never touches the app's real entries.
const service = `${APP_ID}.test-${randomUUID()}`;
const store = createKeytarCredentialStore(service);

let secrets: SecretService;
beforeAll(async () => {
  secrets = await startSecretService();
});
afterAll(async () => {
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
  await secrets.stop();
});

describe('credential store in the Secret Service', () => {
  it('saves a password in the keychain and reads it back', async () => {
    expect(await store.save('Alice@Example.com', 'pässwörd ☺')).toEqual({ saved: true });
    expect(await keytar.getPassword(service, 'alice@example.com')).toBe('pässwörd ☺');
    expect(await store.get('alice@example.com')).toBe('pässwörd ☺');
    expect(store.unavailableReason()).toBeUndefined();
  });

  it('replaces a saved password', async () => {
    await store.save('bob@example.com', 'first');
    await store.save('bob@example.com', 'second');
    expect(await store.get('bob@example.com')).toBe('second');
    expect((await keytar.findCredentials(service)).filter((c) => c.account === 'bob@example.com')).toHaveLength(1);
  });

  it('forgets a password for good', async () => {
    await store.save('carol@example.com', 'secret');
    await store.delete('carol@example.com');
    expect(await store.get('carol@example.com')).toBeUndefined();
    expect(await keytar.getPassword(service, 'carol@example.com')).toBeNull();
    await store.delete('carol@example.com');
  });

  it('keeps accounts apart', async () => {
    await store.save('dave@example.com', 'd');
    await store.save('erin@example.com', 'e');
    expect(await store.get('dave@example.com')).toBe('d');
    expect(await store.get('erin@example.com')).toBe('e');
    expect(await store.get('nobody@example.com')).toBeUndefined();
  });

  it('reports the keychain unavailable, and saves nothing, when no Secret Service answers', () => {
    // A process of its own whose D-Bus address leads nowhere, like a Linux desktop without one.
    const script = `
      import { createKeytarCredentialStore } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/main/app/credentials.ts'))};
      const store = createKeytarCredentialStore(${JSON.stringify(service)});
      const result = await store.save('frank@example.com', 'secret');
      console.log(JSON.stringify({ result, reason: store.unavailableReason() }));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: '' },
      encoding: 'utf8',
      cwd: resolve(import.meta.dirname, '../..'),
    });
    expect(child.stderr).toBe('');
    const out = JSON.parse(child.stdout) as { result: { saved: boolean; reason?: string }; reason?: string };
    expect(out.result.saved).toBe(false);
    expect(out.reason).toMatch(/No system keychain is available/);
  });

  it('did not save the password when the keychain was unavailable', async () => {
    expect(await keytar.getPassword(service, 'frank@example.com')).toBeNull();
  });
});
