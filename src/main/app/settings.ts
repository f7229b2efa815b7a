// Settings: saved accounts, preferences and window state, in one versioned JSON document kept by
// electron-store (or `conf`, its engine, outside Electron). Passwords are never part of it.
//
// The document is checked against a zod schema section by section when it is opened: a section a
// hand edit broke falls back to its defaults without losing the others. Older documents are
// brought forward by the numbered migrations below; a document from a newer app version is read
// as far as it fits but never written over, so downgrading does not destroy it.
import { z } from 'zod';
import { Email, OwnEmoticon, PictureId, Preferences, ServerConfig, SettableStatus } from '../../shared/schemas';
import type { SavedWindowState } from './window-bounds';
import type { WindowStateKey } from './routes';

export const AccountRecord = z.object({
  email: Email,
  server: ServerConfig,
  signInAutomatically: z.boolean(),
  status: SettableStatus,
});
export type AccountRecord = z.infer<typeof AccountRecord>;

export const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(100).max(20_000),
  height: z.number().int().min(100).max(20_000),
  maximized: z.boolean(),
});

const Windows = z.object({
  contactList: WindowState.optional(),
  conversation: WindowState.optional(),
  options: WindowState.optional(),
  history: WindowState.optional(),
  inspector: WindowState.optional(),
});

export const DEFAULT_PREFERENCES: Preferences = {
  sounds: { signIn: true, message: true, nudge: true },
  notifications: { contactSignIn: true, message: true },
  autoAwayMinutes: 5,
  startMinimized: false,
  pictures: { showInContactList: true },
  transfers: {},
  // Conversations are private and computers are shared: history is kept only once the user asks.
  history: { keep: false, showRecent: 5 },
};

export const SettingsDocument = z.object({
  version: z.number().int().nonnegative(),
  /** Remembered accounts ("remember me"), most recently used first. */
  accounts: z.array(AccountRecord),
  preferences: Preferences,
  windows: Windows,
  /** Each account's own display picture (in the object cache), by e-mail. */
  ownPictures: z.record(Email, PictureId),
  /** The user's own custom emoticons, in the order they were made. */
  emoticons: z.array(OwnEmoticon),
});
export type SettingsDocument = z.infer<typeof SettingsDocument>;

type Raw = Record<string, unknown>;
export type Migration = (doc: Raw) => Raw;

/**
 * `MIGRATIONS[n]` turns a version-n document into version n+1, so the current version is the
 * length of the list. A document without a version is version 0. Migrations work on raw JSON:
 * an old document need not match today's schema. Append, never edit, when the layout changes.
 */
export const MIGRATIONS: readonly Migration[] = [
  // 0 → 1: a store written without a version (a new file, or one made by hand) is taken as it is;
  // whatever does not fit the schema is repaired below.
  (doc) => ({ ...doc, version: 1 }),
];
export const SETTINGS_VERSION = MIGRATIONS.length;

function isRaw(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface LoadedSettings {
  readonly settings: SettingsDocument;
  /** Whether the stored document must be rewritten (migrated or repaired). */
  readonly changed: boolean;
  /** The stored document comes from a newer version of the app: never write over it. */
  readonly readOnly: boolean;
}

/** Migrates and validates a stored document; never throws, whatever the input. */
export function loadSettings(stored: unknown, migrations: readonly Migration[] = MIGRATIONS): LoadedSettings {
  const current = migrations.length;
  let doc: Raw = isRaw(stored) ? stored : {};
  const version = typeof doc['version'] === 'number' && Number.isInteger(doc['version']) ? doc['version'] : 0;
  const readOnly = version > current;
  let changed = !isRaw(stored);
  for (const migrate of migrations.slice(Math.max(0, version))) {
    doc = migrate(doc);
    changed = true;
  }

  const accounts: AccountRecord[] = [];
  const rawAccounts: unknown[] = Array.isArray(doc['accounts']) ? doc['accounts'] : [];
  for (const raw of rawAccounts) {
    const parsed = AccountRecord.safeParse(raw);
    if (parsed.success && !accounts.some((a) => a.email === parsed.data.email)) accounts.push(parsed.data);
  }
  if (accounts.length !== rawAccounts.length || !Array.isArray(doc['accounts'])) changed = true;

  const preferences = repairPreferences(doc['preferences']);
  if (preferences.changed) changed = true;

  const windows: z.infer<typeof Windows> = {};
  const rawWindows = isRaw(doc['windows']) ? doc['windows'] : {};
  for (const key of ['contactList', 'conversation', 'options', 'history', 'inspector'] as const) {
    if (rawWindows[key] === undefined) continue;
    const parsed = WindowState.safeParse(rawWindows[key]);
    if (parsed.success) windows[key] = parsed.data;
    else changed = true;
  }
  if (!isRaw(doc['windows'])) changed = true;

  const ownPictures: Record<string, string> = {};
  const rawPictures = isRaw(doc['ownPictures']) ? doc['ownPictures'] : {};
  for (const [email, id] of Object.entries(rawPictures)) {
    if (Email.safeParse(email).success && PictureId.safeParse(id).success) ownPictures[email] = id as string;
    else changed = true;
  }
  if (!isRaw(doc['ownPictures'])) changed = true;

  const emoticons: OwnEmoticon[] = [];
  const rawEmoticons: unknown[] = Array.isArray(doc['emoticons']) ? doc['emoticons'] : [];
  for (const raw of rawEmoticons) {
    const parsed = OwnEmoticon.safeParse(raw);
    if (parsed.success && !emoticons.some((e) => e.shortcut === parsed.data.shortcut)) emoticons.push(parsed.data);
  }
  if (emoticons.length !== rawEmoticons.length || !Array.isArray(doc['emoticons'])) changed = true;

  return {
    settings: {
      version: readOnly ? version : current,
      accounts,
      preferences: preferences.value,
      windows,
      ownPictures,
      emoticons,
    },
    changed: changed && !readOnly,
    readOnly,
  };
}

/** Each preference group falls back to its defaults on its own. */
function repairPreferences(raw: unknown): { value: Preferences; changed: boolean } {
  const whole = Preferences.safeParse(raw);
  if (whole.success) return { value: whole.data, changed: false };
  const source = isRaw(raw) ? raw : {};
  const pick = <K extends keyof Preferences>(key: K): Preferences[K] => {
    const parsed = Preferences.shape[key].safeParse(source[key]);
    return parsed.success ? (parsed.data as Preferences[K]) : DEFAULT_PREFERENCES[key];
  };
  return {
    value: {
      sounds: pick('sounds'),
      notifications: pick('notifications'),
      autoAwayMinutes: pick('autoAwayMinutes'),
      startMinimized: pick('startMinimized'),
      pictures: pick('pictures'),
      transfers: pick('transfers'),
      history: pick('history'),
    },
    changed: true,
  };
}

/** What electron-store and conf both offer: the whole document, read and written at once. */
export interface DocumentBackend {
  store: Record<string, unknown>;
}

/** The settings as the services use them. */
export interface SettingsStore {
  accounts(): readonly AccountRecord[];
  /** Remembers an account and makes it the most recent one. */
  rememberAccount(account: AccountRecord): void;
  forgetAccount(email: string): void;
  preferences(): Preferences;
  setPreferences(preferences: Preferences): void;
  windowState(key: WindowStateKey): SavedWindowState | undefined;
  setWindowState(key: WindowStateKey, state: SavedWindowState): void;
  /** The account's own display picture id, if it chose one. */
  ownPicture(email: string): string | undefined;
  setOwnPicture(email: string, pictureId: string | undefined): void;
  emoticons(): readonly OwnEmoticon[];
  setEmoticons(emoticons: readonly OwnEmoticon[]): void;
}

export function createSettingsStore(
  backend: DocumentBackend,
  migrations: readonly Migration[] = MIGRATIONS,
): SettingsStore {
  const loaded = loadSettings(backend.store, migrations);
  let doc = loaded.settings;
  if (loaded.changed) backend.store = doc;

  const write = (next: SettingsDocument): void => {
    doc = SettingsDocument.parse(next);
    if (!loaded.readOnly) backend.store = doc;
  };

  return {
    accounts: () => doc.accounts,
    rememberAccount: (account) => {
      const parsed = AccountRecord.parse(account);
      write({ ...doc, accounts: [parsed, ...doc.accounts.filter((a) => a.email !== parsed.email)] });
    },
    forgetAccount: (email) => {
      const key = email.trim().toLowerCase();
      if (doc.accounts.some((a) => a.email === key)) {
        write({ ...doc, accounts: doc.accounts.filter((a) => a.email !== key) });
      }
    },
    preferences: () => doc.preferences,
    setPreferences: (preferences) => write({ ...doc, preferences }),
    windowState: (key) => doc.windows[key],
    setWindowState: (key, state) => write({ ...doc, windows: { ...doc.windows, [key]: WindowState.parse(state) } }),
    emoticons: () => doc.emoticons,
    setEmoticons: (emoticons) => write({ ...doc, emoticons: [...emoticons] }),
    ownPicture: (email) => doc.ownPictures[email.trim().toLowerCase()],
    setOwnPicture: (email, pictureId) => {
      const { [email.trim().toLowerCase()]: _previous, ...others } = doc.ownPictures;
      write({
        ...doc,
        ownPictures: pictureId === undefined ? others : { ...others, [email.trim().toLowerCase()]: pictureId },
      });
    },
  };
}
