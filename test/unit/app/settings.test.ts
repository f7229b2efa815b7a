import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_PREFERENCES,
  SETTINGS_VERSION,
  createSettingsStore,
  loadSettings,
  type AccountRecord,
  type Migration,
} from '../../../src/main/app/settings';

const alice: AccountRecord = {
  email: 'alice@example.com',
  server: { host: 'msnmsgr.escargot.chat', port: 1863, nexus: 'https://msnmsgr.escargot.chat/rdr/pprdr.asp' },
  signInAutomatically: true,
  status: 'BSY',
};
const bob: AccountRecord = {
  email: 'bob@example.com',
  server: { host: '127.0.0.1', port: 1863 },
  signInAutomatically: false,
  status: 'NLN',
};

let dir: string;
const conf = (): Conf<Record<string, unknown>> => new Conf({ cwd: dir, configName: 'settings' });
const file = (): string => join(dir, 'settings.json');
const stored = (): Record<string, unknown> => JSON.parse(readFileSync(file(), 'utf8')) as Record<string, unknown>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('settings store (conf, as in electron-store)', () => {
  it('starts with defaults and writes a versioned document', () => {
    const settings = createSettingsStore(conf());
    expect(settings.accounts()).toEqual([]);
    expect(settings.preferences()).toEqual(DEFAULT_PREFERENCES);
    expect(stored()).toMatchObject({ version: SETTINGS_VERSION, accounts: [], windows: {} });
  });

  it('keeps accounts, preferences and window state across restarts', () => {
    const first = createSettingsStore(conf());
    first.rememberAccount(bob);
    first.rememberAccount(alice);
    first.setPreferences({ ...DEFAULT_PREFERENCES, autoAwayMinutes: 12, startMinimized: true });
    first.setWindowState('contactList', { x: 10, y: 20, width: 330, height: 700, maximized: false });

    const second = createSettingsStore(conf());
    expect(second.accounts()).toEqual([alice, bob]);
    expect(second.preferences().autoAwayMinutes).toBe(12);
    expect(second.preferences().startMinimized).toBe(true);
    expect(second.windowState('contactList')).toEqual({ x: 10, y: 20, width: 330, height: 700, maximized: false });
    expect(second.windowState('conversation')).toBeUndefined();
  });

  it('moves a re-remembered account to the front without duplicating it', () => {
    const settings = createSettingsStore(conf());
    settings.rememberAccount(alice);
    settings.rememberAccount(bob);
    settings.rememberAccount({ ...alice, status: 'AWY' });
    expect(settings.accounts().map((a) => [a.email, a.status])).toEqual([
      ['alice@example.com', 'AWY'],
      ['bob@example.com', 'NLN'],
    ]);
  });

  it('forgets an account by address, whatever its case', () => {
    const settings = createSettingsStore(conf());
    settings.rememberAccount(alice);
    settings.forgetAccount(' Alice@Example.com ');
    expect(settings.accounts()).toEqual([]);
    expect(createSettingsStore(conf()).accounts()).toEqual([]);
  });

  it('never stores a password, whatever it is handed', () => {
    const settings = createSettingsStore(conf());
    settings.rememberAccount({ ...alice, password: 'hunter2' } as AccountRecord);
    expect(readFileSync(file(), 'utf8')).not.toContain('hunter2');
  });

  it('refuses invalid values instead of storing them', () => {
    const settings = createSettingsStore(conf());
    expect(() => settings.setPreferences({ ...DEFAULT_PREFERENCES, autoAwayMinutes: -1 })).toThrow();
    expect(() => settings.rememberAccount({ ...alice, email: 'not an address' })).toThrow();
    expect(createSettingsStore(conf()).preferences()).toEqual(DEFAULT_PREFERENCES);
  });

  it('repairs a hand-broken section and keeps the rest', () => {
    writeFileSync(
      file(),
      JSON.stringify({
        version: SETTINGS_VERSION,
        accounts: [alice, { email: 'broken' }, alice],
        preferences: { ...DEFAULT_PREFERENCES, sounds: 'loud', autoAwayMinutes: 30 },
        windows: { contactList: { width: 'wide' }, conversation: { width: 500, height: 400, maximized: true } },
      }),
    );
    const settings = createSettingsStore(conf());
    expect(settings.accounts()).toEqual([alice]);
    expect(settings.preferences()).toEqual({ ...DEFAULT_PREFERENCES, autoAwayMinutes: 30 });
    expect(settings.windowState('contactList')).toBeUndefined();
    expect(settings.windowState('conversation')).toEqual({ width: 500, height: 400, maximized: true });
    expect(stored()['accounts']).toEqual([alice]);
  });

  it('gives preferences saved before the message history existed its defaults, history off', () => {
    const { history: _history, ...older } = DEFAULT_PREFERENCES;
    writeFileSync(
      file(),
      JSON.stringify({
        version: SETTINGS_VERSION,
        accounts: [],
        preferences: { ...older, autoAwayMinutes: 9 },
        windows: {},
      }),
    );
    const settings = createSettingsStore(conf());
    expect(settings.preferences()).toEqual({
      ...DEFAULT_PREFERENCES,
      autoAwayMinutes: 9,
      history: { keep: false, showRecent: 5 },
    });
  });
});

describe('settings migrations', () => {
  it('adopts a document written without a version', () => {
    const loaded = loadSettings({ accounts: [alice], preferences: DEFAULT_PREFERENCES });
    expect(loaded).toMatchObject({ changed: true, readOnly: false });
    expect(loaded.settings.version).toBe(SETTINGS_VERSION);
    expect(loaded.settings.accounts).toEqual([alice]);
  });

  it('runs every migration from the stored version up, in order, and writes the result', () => {
    // A layout history: v1 kept "host:port" strings, v2 moved them into { host, port }.
    const migrations: Migration[] = [
      (doc) => ({ ...doc, version: 1 }),
      (doc) => ({
        ...doc,
        version: 2,
        accounts: (doc['accounts'] as { server: string }[]).map((a) => {
          const [host = '', port = '1863'] = a.server.split(':');
          return { ...a, server: { host, port: Number(port) } };
        }),
      }),
      (doc) => ({ ...doc, version: 3, seen: [...((doc['seen'] as number[] | undefined) ?? []), 3] }),
    ];
    writeFileSync(
      file(),
      JSON.stringify({
        version: 1,
        accounts: [{ ...alice, server: 'example.org:1864' }],
        preferences: DEFAULT_PREFERENCES,
      }),
    );
    const settings = createSettingsStore(conf(), migrations);
    expect(settings.accounts()[0]?.server).toEqual({ host: 'example.org', port: 1864 });
    expect(stored()['version']).toBe(3);
    // Migrated once: a second start does not run the migrations again.
    createSettingsStore(conf(), migrations);
    expect(stored()['version']).toBe(3);
  });

  it('leaves a document from a newer version of the app untouched on disk', () => {
    const future = {
      version: SETTINGS_VERSION + 1,
      accounts: [alice],
      preferences: DEFAULT_PREFERENCES,
      windows: {},
      extra: 1,
    };
    writeFileSync(file(), JSON.stringify(future));
    const settings = createSettingsStore(conf());
    expect(settings.accounts()).toEqual([alice]);
    settings.rememberAccount(bob);
    settings.setPreferences({ ...DEFAULT_PREFERENCES, autoAwayMinutes: 1 });
    expect(stored()).toEqual(future);
    expect(settings.accounts().map((a) => a.email)).toEqual(['bob@example.com', 'alice@example.com']);
  });

  it('survives anything at all in the file', () => {
    for (const junk of [null, 42, 'text', [], { version: 'x' }, { accounts: 'none', windows: [] }]) {
      const loaded = loadSettings(junk);
      expect(loaded.settings.accounts).toEqual([]);
      expect(loaded.settings.preferences).toEqual(DEFAULT_PREFERENCES);
      expect(loaded.changed).toBe(true);
    }
  });

  it('does not rewrite a current, valid document', () => {
    const doc = {
      version: SETTINGS_VERSION,
      accounts: [alice],
      preferences: DEFAULT_PREFERENCES,
      windows: {},
      ownPictures: {},
      emoticons: [],
    };
    expect(loadSettings(doc).changed).toBe(false);
  });
});
