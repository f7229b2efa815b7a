import { describe, expect, it } from 'vitest';
import { KEYCHAIN_UNAVAILABLE, createKeytarCredentialStore, type KeytarApi } from '../../../src/main/app/credentials';

/** A keytar whose every call fails the way it does when no Secret Service answers. */
const broken: KeytarApi = {
  getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  setPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  deletePassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
};

describe('credential store without a keychain', () => {
  it('says it cannot save, and why, instead of saving anywhere else', async () => {
    const store = createKeytarCredentialStore('test.app', () => Promise.resolve(broken));
    expect(store.unavailableReason()).toBeUndefined();
    const result = await store.save('a@example.com', 'secret');
    expect(result).toEqual({ saved: false, reason: expect.stringContaining(KEYCHAIN_UNAVAILABLE) });
    expect(store.unavailableReason()).toContain('Cannot autolaunch D-Bus');
    expect(await store.get('a@example.com')).toBeUndefined();
    await expect(store.delete('a@example.com')).rejects.toThrow(KEYCHAIN_UNAVAILABLE);
  });

  it('reports a keytar that cannot even load as unavailable', async () => {
    const store = createKeytarCredentialStore('test.app', () =>
      Promise.reject(new Error('libsecret-1.so.0: cannot open')),
    );
    expect(await store.get('a@example.com')).toBeUndefined();
    expect(store.unavailableReason()).toContain('libsecret');
  });

  it('uses the app id as service and the lower-cased address as account', async () => {
    const calls: string[][] = [];
    const recording: KeytarApi = {
      getPassword: (s, a) => (calls.push(['get', s, a]), Promise.resolve(null)),
      setPassword: (s, a, p) => (calls.push(['set', s, a, p]), Promise.resolve()),
      deletePassword: (s, a) => (calls.push(['delete', s, a]), Promise.resolve(false)),
    };
    const store = createKeytarCredentialStore('org.example.app', () => Promise.resolve(recording));
    expect(await store.save(' A@Example.com', 'pw')).toEqual({ saved: true });
    expect(await store.get('a@example.com')).toBeUndefined();
    await store.delete('A@example.com');
    expect(calls).toEqual([
      ['set', 'org.example.app', 'a@example.com', 'pw'],
      ['get', 'org.example.app', 'a@example.com'],
      ['delete', 'org.example.app', 'a@example.com'],
    ]);
    expect(store.unavailableReason()).toBeUndefined();
  });
});
