// Saved passwords live in the operating system's keychain (macOS Keychain, Windows Credential
// Manager, the Secret Service on Linux) through keytar: service = the app id, account = the
// e-mail address. Nothing else ever holds them. Without a keychain nothing is saved: there is
// deliberately no plaintext fallback.

export type SaveResult = { readonly saved: true } | { readonly saved: false; readonly reason: string };

export interface CredentialStore {
  /** The saved password, or undefined when there is none or the keychain cannot be reached. */
  get(email: string): Promise<string | undefined>;
  save(email: string, password: string): Promise<SaveResult>;
  /** Removes a saved password; succeeds when there was none. */
  delete(email: string): Promise<void>;
  /** Undefined while the keychain has worked (or not been tried); otherwise why it cannot be used. */
  unavailableReason(): string | undefined;
}

/** The part of keytar we use. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export const KEYCHAIN_UNAVAILABLE = 'No system keychain is available, so passwords cannot be saved on this computer.';

async function loadKeytar(): Promise<KeytarApi> {
  const mod = (await import('keytar')) as KeytarApi & { default?: KeytarApi };
  return mod.default ?? mod;
}

export function createKeytarCredentialStore(
  service: string,
  load: () => Promise<KeytarApi> = loadKeytar,
): CredentialStore {
  let keytar: Promise<KeytarApi> | undefined;
  let unavailable: string | undefined;
  const key = (email: string): string => email.trim().toLowerCase();

  /** Runs one keychain call; a failure marks the keychain unavailable and is reported, not thrown. */
  async function use<T>(call: (api: KeytarApi) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    try {
      keytar ??= load();
      const value = await call(await keytar);
      unavailable = undefined;
      return { ok: true, value };
    } catch (err) {
      unavailable = `${KEYCHAIN_UNAVAILABLE} (${err instanceof Error ? err.message : String(err)})`;
      return { ok: false };
    }
  }

  return {
    async get(email) {
      const result = await use((api) => api.getPassword(service, key(email)));
      return result.ok && result.value !== null && result.value !== '' ? result.value : undefined;
    },
    async save(email, password) {
      const result = await use((api) => api.setPassword(service, key(email), password));
      return result.ok ? { saved: true } : { saved: false, reason: unavailable ?? KEYCHAIN_UNAVAILABLE };
    },
    async delete(email) {
      const result = await use((api) => api.deletePassword(service, key(email)));
      if (!result.ok) throw new Error(unavailable ?? KEYCHAIN_UNAVAILABLE);
    },
    unavailableReason: () => unavailable,
  };
}
