// The services layer end to end: the app core (real engine, real settings file) signs in to the
// reference server, and another account, driven by the engine directly, talks to it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventName, EventPayload, IpcResult } from '../../src/shared/ipc';
import type { ServerConfig } from '../../src/shared/schemas';
import type { SoundName, Toast } from '../../src/main/app/alerts';
import { createAppCore, type AppCore } from '../../src/main/app/core';
import type { EngineOptions } from '../../src/main/app/session';
import type { CredentialStore } from '../../src/main/app/credentials';
import type { WindowHost } from '../../src/main/app/host';
import { RecordingFiles } from '../support/files';
import { createSettingsStore, type SettingsStore } from '../../src/main/app/settings';
import { MessengerClient } from '../../src/main/msnp/client';
import type { ConversationManager } from '../../src/main/msnp/conversation';
import { DEFAULT_FORMAT } from '../../src/main/msnp/format';
import { startServer, type RunningServer } from '../server/index';

const PEOPLE = ['alice', 'bob', 'carol'];
const ACCOUNTS = PEOPLE.map((name) => ({
  email: `${name}@example.com`,
  password: `${name}-pass-1`,
  displayName: name[0]?.toUpperCase() + name.slice(1),
  contacts: PEOPLE.filter((other) => other !== name).map((other) => `${other}@example.com`),
}));

let server: RunningServer;
let dirs: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function serverConfig(): ServerConfig {
  const [host = '', port = ''] = server.dispatch.split(':');
  return { host, port: Number(port), nexus: server.nexus, caFile: server.ca };
}

class MemoryCredentials implements CredentialStore {
  readonly saved = new Map<string, string>();
  async get(email: string): Promise<string | undefined> {
    return this.saved.get(email);
  }
  async save(email: string, password: string): Promise<{ saved: true }> {
    this.saved.set(email, password);
    return { saved: true };
  }
  async delete(email: string): Promise<void> {
    this.saved.delete(email);
  }
  unavailableReason(): undefined {
    return undefined;
  }
}

class RecordingWindows implements WindowHost {
  readonly opened: { conversationId: string; activate: boolean }[] = [];
  readonly flashed: string[] = [];
  readonly focused = new Set<string>();
  contactListShown = 0;
  showContactList(): void {
    this.contactListShown += 1;
  }
  openConversation(conversationId: string, options: { readonly activate: boolean }): void {
    this.opened.push({ conversationId, activate: options.activate });
  }
  conversationWindowState(conversationId: string): 'none' | 'background' | 'focused' {
    if (this.focused.has(conversationId)) return 'focused';
    return this.opened.some((o) => o.conversationId === conversationId) ? 'background' : 'none';
  }
  flashConversation(conversationId: string): void {
    this.flashed.push(conversationId);
  }
  async openExternal(): Promise<boolean> {
    return false;
  }
}

interface Harness {
  core: AppCore;
  settings: SettingsStore;
  credentials: MemoryCredentials;
  windows: RecordingWindows;
  toasts: Toast[];
  sounds: SoundName[];
  events: { name: EventName; payload: unknown }[];
  call<T = unknown>(channel: string, payload: unknown): Promise<IpcResult<T>>;
  next<E extends EventName>(name: E, where?: (p: EventPayload<E>) => boolean): Promise<EventPayload<E>>;
}

function harness(
  settingsDir = mkdtempSync(join(tmpdir(), 'core-')),
  credentials = new MemoryCredentials(),
  options: { dataDir?: string; engine?: EngineOptions } = {},
): Harness {
  dirs.push(settingsDir);
  const settings = createSettingsStore(new Conf({ cwd: settingsDir, configName: 'settings' }));
  const windows = new RecordingWindows();
  const toasts: Toast[] = [];
  const sounds: SoundName[] = [];
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'core-data-'));
  dirs.push(dataDir);
  const files = new RecordingFiles(dataDir);
  const core = createAppCore({
    settings,
    credentials,
    windows,
    dataDir,
    files,
    notifier: { show: (toast) => toasts.push(toast) },
    sounds: { play: (sound) => sounds.push(sound) },
    engine: { reconnect: false, ...options.engine },
  });
  cleanups.push(() => core.shutdown());
  const events: Harness['events'] = [];
  const waiters: { name: EventName; where: (p: never) => boolean; resolve: (p: unknown) => void }[] = [];
  core.onEvent((name, payload) => {
    events.push({ name, payload });
    for (const waiter of [...waiters]) {
      if (waiter.name === name && waiter.where(payload as never)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(payload);
      }
    }
  });
  return {
    core,
    settings,
    credentials,
    windows,
    toasts,
    sounds,
    events,
    call: (channel, payload) => core.dispatch(channel, payload, { senderId: 'test' }) as never,
    next: (name, where = () => true) =>
      new Promise((resolve) =>
        waiters.push({ name, where: where as (p: never) => boolean, resolve: resolve as never }),
      ),
  };
}

function signInInput(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    email: `${name}@example.com`,
    password: `${name}-pass-1`,
    status: 'NLN',
    server: serverConfig(),
    rememberMe: true,
    rememberPassword: true,
    signInAutomatically: false,
    ...extra,
  };
}

/** Another person, signed in with the engine alone. */
async function person(name: string): Promise<{ client: MessengerClient; conversations: ConversationManager }> {
  const [host = '', port = ''] = server.dispatch.split(':');
  const client = new MessengerClient({
    server: { host, port: Number(port), nexus: server.nexus, caFile: server.ca },
    email: `${name}@example.com`,
    password: `${name}-pass-1`,
    reconnect: false,
  });
  await client.signIn();
  cleanups.push(() => client.signOut());
  return { client, conversations: client.conversations };
}

describe('app core against the reference server', () => {
  it('signs in, loads the contact list and remembers the account and password as asked', async () => {
    const app = harness();
    const loaded = app.next('contacts:loaded');
    const result = await app.call('account:sign-in', signInInput('alice'));
    expect(result).toEqual({ ok: true, value: undefined });
    const phases = app.events
      .filter((e) => e.name === 'session:phase')
      .map((e) => (e.payload as { phase: string }).phase);
    expect(phases).toEqual(['connecting', 'authenticating', 'syncing', 'online']);
    expect((await loaded).contacts.map((c) => c.email).sort()).toEqual(['bob@example.com', 'carol@example.com']);

    const snapshot = await app.call<{ phase: string; profile: { email: string }; contacts: unknown[] }>(
      'session:snapshot',
      {},
    );
    expect(snapshot.ok && snapshot.value).toMatchObject({ phase: 'online', profile: { email: 'alice@example.com' } });
    expect(snapshot.ok && snapshot.value.contacts).toHaveLength(2);
    expect(app.settings.accounts()).toEqual([
      { email: 'alice@example.com', server: serverConfig(), signInAutomatically: false, status: 'NLN' },
    ]);
    expect(app.credentials.saved.get('alice@example.com')).toBe('alice-pass-1');

    const list = await app.call<{ accounts: { email: string; hasSavedPassword: boolean }[] }>('account:list', {});
    expect(list.ok && list.value.accounts).toMatchObject([{ email: 'alice@example.com', hasSavedPassword: true }]);
  });

  it('does not keep the account or the password when the user did not ask', async () => {
    const app = harness();
    await app.credentials.save('alice@example.com', 'old');
    app.settings.rememberAccount({
      email: 'alice@example.com',
      server: serverConfig(),
      signInAutomatically: true,
      status: 'NLN',
    });
    expect(
      await app.call('account:sign-in', signInInput('alice', { rememberMe: false, rememberPassword: false })),
    ).toMatchObject({
      ok: true,
    });
    expect(app.settings.accounts()).toEqual([]);
    expect(app.credentials.saved.size).toBe(0);
  });

  it('refuses a wrong password with the reason, and returns to the sign-in screen', async () => {
    const app = harness();
    const signedOut = app.next('session:signed-out');
    const result = await app.call('account:sign-in', signInInput('alice', { password: 'wrong' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(await signedOut).toMatchObject({ reason: 'wrong-credentials' });
    expect(app.settings.accounts()).toEqual([]);
    expect(app.credentials.saved.size).toBe(0);
  });

  it('says the server is unreachable when nothing listens there', async () => {
    const app = harness();
    const signedOut = app.next('session:signed-out');
    const result = await app.call('account:sign-in', signInInput('alice', { server: { host: '127.0.0.1', port: 9 } }));
    expect(result.ok).toBe(false);
    expect(await signedOut).toMatchObject({ reason: 'unreachable' });
  });

  it('validates every payload before anything runs', async () => {
    const app = harness();
    expect(await app.call('account:sign-in', { ...signInInput('alice'), email: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(await app.call('account:sign-in', { ...signInInput('alice'), extra: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(await app.call('presence:set-status', { status: 'FLN' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(await app.call('account:delete-everything', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown-channel' },
    });
    expect(app.events.filter((e) => e.name === 'session:phase')).toEqual([]);
  });

  it('signs in automatically at start with the saved password, and with no user action', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'core-'));
    const credentials = new MemoryCredentials();
    const first = harness(dir, credentials);
    await first.call('account:sign-in', signInInput('alice', { signInAutomatically: true, status: 'BSY' }));
    await first.core.shutdown();

    const second = harness(dir, credentials);
    const signedIn = second.next('session:signed-in');
    await second.core.start();
    expect(await signedIn).toMatchObject({ profile: { email: 'alice@example.com', status: 'BSY' } });
  });

  it('brings back the sign-in screen with the reason when automatic sign-in fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'core-'));
    const credentials = new MemoryCredentials();
    const first = harness(dir, credentials);
    await first.call('account:sign-in', signInInput('alice', { signInAutomatically: true }));
    await first.core.shutdown();
    credentials.saved.set('alice@example.com', 'changed-elsewhere');

    const second = harness(dir, credentials);
    const signedOut = second.next('session:signed-out');
    await second.core.start();
    expect(await signedOut).toMatchObject({ reason: 'wrong-credentials' });
    expect(second.windows.contactListShown).toBeGreaterThan(0);
  });

  it('does not try an automatic sign-in whose password is gone from the keychain, and says so', async () => {
    const app = harness();
    app.settings.rememberAccount({
      email: 'alice@example.com',
      server: serverConfig(),
      signInAutomatically: true,
      status: 'NLN',
    });
    const signedOut = app.next('session:signed-out');
    await app.core.start();
    expect(await signedOut).toMatchObject({
      reason: 'wrong-credentials',
      message: expect.stringContaining('saved password'),
    });
    expect(app.events.some((e) => e.name === 'session:phase')).toBe(false);
    expect(app.windows.contactListShown).toBe(1);
  });

  it('reports a second sign-in from the same installation (several places, one per computer)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'core-data-'));
    const here = harness(undefined, undefined, { dataDir });
    await here.call('account:sign-in', signInInput('alice'));
    const kicked = here.next('session:signed-out');
    const there = harness(undefined, undefined, { dataDir });
    await there.call('account:sign-in', signInInput('alice'));
    expect(await kicked).toMatchObject({ reason: 'signed-in-elsewhere' });
  });

  it('reports a second sign-in elsewhere (one place at a time, as up to MSNP15)', async () => {
    const here = harness(undefined, undefined, { engine: { protocols: [12] } });
    await here.call('account:sign-in', signInInput('alice'));
    const kicked = here.next('session:signed-out');
    const there = harness(undefined, undefined, { engine: { protocols: [12] } });
    await there.call('account:sign-in', signInInput('alice'));
    expect(await kicked).toMatchObject({ reason: 'signed-in-elsewhere' });
  });

  it('batches presence, and toasts and sounds a contact signing in', async () => {
    const app = harness();
    await app.call('account:sign-in', signInInput('alice'));
    const changed = app.next('contacts:changed', (b) =>
      b.upserted.some((c) => c.email === 'bob@example.com' && c.status === 'NLN'),
    );
    await person('bob');
    await changed;
    expect(app.toasts).toContainEqual({ title: 'Bob has just signed in', body: 'bob@example.com' });
    expect(app.sounds).toContain('sign-in');
    const snapshot = await app.call<{ contacts: { email: string; status: string }[] }>('session:snapshot', {});
    expect(snapshot.ok && snapshot.value.contacts.find((c) => c.email === 'bob@example.com')?.status).toBe('NLN');
  });

  it('changes status for the tray and the shell', async () => {
    const app = harness();
    await app.call('account:sign-in', signInInput('alice'));
    const changed = app.next('profile:changed', (p) => p.status === 'AWY');
    expect(await app.call('presence:set-status', { status: 'AWY' })).toEqual({ ok: true, value: undefined });
    await changed;
  });

  it('opens a conversation window for an incoming message, keeps its history and answers', async () => {
    const app = harness();
    await app.call('account:sign-in', signInInput('alice'));
    const bob = await person('bob');
    const opened = app.next('conversation:opened');
    const message = app.next('conversation:message');
    const bobConversation = bob.conversations.open('alice@example.com');
    bob.conversations.send(bobConversation, 'Hi Alice!', DEFAULT_FORMAT);
    const { conversationId } = await opened;
    expect(await message).toMatchObject({ conversationId, from: { email: 'bob@example.com' }, text: 'Hi Alice!' });

    // The window opens in the background and flashes; a toast and a sound tell the user.
    expect(app.windows.opened).toContainEqual({ conversationId, activate: false });
    expect(app.windows.flashed).toContain(conversationId);
    expect(app.toasts).toContainEqual({ title: 'Bob says:', body: 'Hi Alice!', conversationId });
    expect(app.sounds).toContain('message');

    // The window, opening late, gets everything so far.
    const snapshot = await app.call<{ entries: { kind: string; text?: string }[] }>('conversation:snapshot', {
      conversationId,
    });
    expect(snapshot.ok && snapshot.value.entries).toMatchObject([
      { kind: 'message', text: 'Hi Alice!', outgoing: false },
    ]);

    // Double-clicking Bob in the list reuses the same conversation (and window).
    const again = await app.call<{ conversationId: string }>('conversation:open', { email: 'bob@example.com' });
    expect(again).toEqual({ ok: true, value: { conversationId } });
    expect(app.windows.opened.at(-1)).toEqual({ conversationId, activate: true });

    // The answer is delivered and recorded.
    const reply = new Promise<string>((resolve) => bob.conversations.on('message', ({ text }) => resolve(text)));
    const delivered = app.next('conversation:delivery', (d) => d.conversationId === conversationId);
    const sent = await app.call<{ messageIds: string[] }>('conversation:send', {
      conversationId,
      text: 'Hello Bob',
      format: DEFAULT_FORMAT,
    });
    expect(sent.ok).toBe(true);
    expect(await reply).toBe('Hello Bob');
    expect(await delivered).toMatchObject({ state: 'delivered' });
    const after = await app.call<{ entries: { kind: string; text?: string; delivery?: string }[] }>(
      'conversation:snapshot',
      { conversationId },
    );
    expect(after.ok && after.value.entries.at(-1)).toMatchObject({
      text: 'Hello Bob',
      outgoing: true,
      delivery: 'delivered',
    });
  });

  it('stays quiet for a message in the focused window, and starts conversations from the list', async () => {
    const app = harness();
    await app.call('account:sign-in', signInInput('alice'));
    const carol = await person('carol');
    // Written to only once the list shows her online: to someone offline nothing is sent.
    await vi.waitFor(() => expect(app.toasts).toHaveLength(1));
    const opened = await app.call<{ conversationId: string }>('conversation:open', { email: 'carol@example.com' });
    if (!opened.ok) throw new Error(opened.error.message);
    const { conversationId } = opened.value;
    expect(app.windows.opened).toEqual([{ conversationId, activate: true }]);
    app.windows.focused.add(conversationId);

    const incoming = new Promise<string>((resolve) =>
      carol.conversations.on('message', ({ conversationId: id }) => resolve(id)),
    );
    await app.call('conversation:send', { conversationId, text: 'Lunch?', format: DEFAULT_FORMAT });
    const carolConversation = await incoming;
    const answer = app.next('conversation:message');
    carol.conversations.send(carolConversation, 'Sure', DEFAULT_FORMAT);
    expect(await answer).toMatchObject({ conversationId, text: 'Sure' });
    // Carol signing in was worth a toast; her message in the focused window is not.
    expect(app.toasts).toEqual([{ title: 'Carol has just signed in', body: 'carol@example.com' }]);
    expect(app.sounds).toEqual(['sign-in']);
    expect(app.windows.flashed).toEqual([]);
  });

  it('ends conversations and tells why when signing out', async () => {
    const app = harness();
    await app.call('account:sign-in', signInInput('alice'));
    await person('bob');
    const opened = await app.call<{ conversationId: string }>('conversation:open', { email: 'bob@example.com' });
    if (!opened.ok) throw new Error(opened.error.message);
    const closed = app.next('conversation:closed');
    const signedOut = app.next('session:signed-out');
    expect(await app.call('account:sign-out', {})).toEqual({ ok: true, value: undefined });
    expect(await signedOut).toEqual({ reason: 'user', message: 'Signed out' });
    expect(await closed).toEqual({ conversationId: opened.value.conversationId, reason: 'You signed out' });
    expect(app.windows.contactListShown).toBe(0);
    expect(await app.call('conversation:send', { ...opened.value, text: 'x', format: DEFAULT_FORMAT })).toMatchObject({
      ok: false,
      error: { message: 'This conversation has ended' },
    });
    expect(await app.call('presence:set-status', { status: 'BSY' })).toMatchObject({
      ok: false,
      error: { message: 'You are not signed in' },
    });
  });

  it('forgets an account and its saved password', async () => {
    const app = harness();
    await app.call('account:sign-in', signInInput('alice'));
    await app.call('account:sign-out', {});
    expect(await app.call('account:forget', { email: 'alice@example.com' })).toEqual({ ok: true, value: undefined });
    expect(app.settings.accounts()).toEqual([]);
    expect(app.credentials.saved.size).toBe(0);
  });

  it('stores preferences and announces them', async () => {
    const app = harness();
    const current = await app.call<Record<string, unknown>>('settings:get', {});
    if (!current.ok) throw new Error(current.error.message);
    const next = { ...current.value, autoAwayMinutes: 15 };
    const changed = app.next('settings:changed');
    expect(await app.call('settings:set', next)).toEqual({ ok: true, value: undefined });
    expect(await changed).toMatchObject({ autoAwayMinutes: 15 });
    expect(app.settings.preferences().autoAwayMinutes).toBe(15);
  });
});

describe('app core with several places (MSNP18)', () => {
  const DESKTOP = '{8A9FF87F-2222-4C58-9D4D-2A5A8E3C0B11}';

  /** Alice at another place, with the engine alone. */
  async function otherPlace(guid: string, placeName: string): Promise<MessengerClient> {
    const [host = '', port = ''] = server.dispatch.split(':');
    const client = new MessengerClient({
      server: { host, port: Number(port), nexus: server.nexus, caFile: server.ca },
      email: 'alice@example.com',
      password: 'alice-pass-1',
      protocols: [18],
      machineGuid: guid,
      placeName,
      reconnect: false,
    });
    await client.signIn();
    cleanups.push(() => client.signOut());
    return client;
  }

  it('lists the other place, signs it out, and keeps its own GUID across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'core-data-'));
    const app = harness(undefined, undefined, { dataDir, engine: { protocols: [18] } });
    expect(await app.call('account:sign-in', signInInput('alice'))).toEqual({ ok: true, value: undefined });
    const guid = readFileSync(join(dataDir, 'machine-guid'), 'utf8').trim();
    expect(guid).toMatch(/^\{[0-9A-F-]{36}\}$/);

    const listed = app.next('session:places', ({ places }) => places[0]?.name === 'Desktop');
    const desktop = await otherPlace(DESKTOP, 'Desktop');
    expect((await listed).places).toEqual([{ id: DESKTOP.toLowerCase(), name: 'Desktop', state: 'NLN' }]);
    expect(desktop.places.map((p) => p.id)).toEqual([guid.toLowerCase()]);
    const snapshot = await app.call<{ places?: unknown[] }>('session:snapshot', {});
    expect(snapshot.ok && snapshot.value.places).toHaveLength(1);

    const desktopEnded = new Promise((resolve) => desktop.once('signed-out', resolve));
    const emptied = app.next('session:places', ({ places }) => places.length === 0);
    expect(await app.call('session:sign-out-elsewhere', {})).toEqual({ ok: true, value: { places: 1 } });
    expect(await desktopEnded).toMatchObject({ reason: 'signed-in-elsewhere' });
    await emptied;
    expect((await app.call<{ phase: string }>('session:snapshot', {})).ok).toBe(true);
    expect(app.events.filter((e) => e.name === 'session:signed-out')).toEqual([]);

    // Restarted: the same installation signs in as the same place.
    await app.core.shutdown();
    const observer = await otherPlace(DESKTOP, 'Desktop');
    const again = harness(undefined, undefined, { dataDir, engine: { protocols: [18] } });
    const seen = new Promise((resolve) =>
      observer.on('places', (places) => {
        if (places.length > 0) resolve(places.map((p) => p.id));
      }),
    );
    await again.call('account:sign-in', signInInput('alice'));
    expect(await seen).toEqual([guid.toLowerCase()]);
    expect(readFileSync(join(dataDir, 'machine-guid'), 'utf8').trim()).toBe(guid);
  });

  it('refuses to sign out other places where the dialect has none', async () => {
    const app = harness(undefined, undefined, { engine: { protocols: [12] } });
    await app.call('account:sign-in', signInInput('alice'));
    expect(await app.call('session:sign-out-elsewhere', {})).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/MSNP16/) },
    });
  });
});
