// Offline messages between two app cores (real engine, real files) through the reference server:
// what one sends to the other while they are offline waits on the server, shows in their window
// at sign-in marked as sent while they were offline, goes to their history with that mark, and
// is deleted on the server only once shown.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../src/shared/ipc';
import { DEFAULT_FORMAT } from '../../src/shared/schemas';
import { createAppCore } from '../../src/main/app/core';
import type { CredentialStore } from '../../src/main/app/credentials';
import type { WindowHost } from '../../src/main/app/host';
import { createSettingsStore } from '../../src/main/app/settings';
import { RecordingFiles } from '../support/files';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, passwordOf, signOutAll, splitAddress } from './engine-support';

let server: RunningServer;
const serverLog: string[] = [];
const logWaiters: { match: string; resolve: () => void }[] = [];
const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startServer({
    accounts: ACCOUNTS,
    challenges: false,
    log: (line) => {
      serverLog.push(line);
      for (const waiter of [...logWaiters]) {
        if (!line.includes(waiter.match)) continue;
        logWaiters.splice(logWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
  });
});
afterAll(() => server.close());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await signOutAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const nextLog = (match: string): Promise<void> => new Promise((resolve) => logWaiters.push({ match, resolve }));

const noKeychain: CredentialStore = {
  get: () => Promise.resolve(undefined),
  save: () => Promise.resolve({ saved: false, reason: 'No keychain in this test' }),
  delete: () => Promise.resolve(),
  unavailableReason: () => undefined,
};

/** An app core signed in as `email` at `dialect`, with its history kept. */
async function app(email: string, dialect: number, status = 'NLN') {
  const dir = mkdtempSync(join(tmpdir(), 'app-offline-'));
  dirs.push(dir);
  const opened: string[] = [];
  const windows: WindowHost = {
    showContactList: () => undefined,
    openConversation: (conversationId) => void opened.push(conversationId),
    conversationWindowState: () => 'none',
    flashConversation: () => undefined,
    openExternal: () => Promise.resolve(false),
  };
  const settings = createSettingsStore(new Conf({ cwd: dir, configName: 'settings' }));
  settings.setPreferences({ ...settings.preferences(), history: { keep: true, showRecent: 5 } });
  const core = createAppCore({
    settings,
    credentials: noKeychain,
    windows,
    dataDir: join(dir, 'data'),
    historyDir: join(dir, 'history'),
    files: new RecordingFiles(dir),
    engine: { reconnect: false, protocols: [dialect] },
  });
  cleanups.push(() => core.shutdown());
  const events: { name: EventName; payload: unknown }[] = [];
  const waiters: { name: EventName; where: (p: never) => boolean; resolve: (p: unknown) => void }[] = [];
  core.onEvent((name, payload) => {
    events.push({ name, payload });
    for (const waiter of [...waiters]) {
      if (waiter.name !== name || !waiter.where(payload as never)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(payload);
    }
  });
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    const result = await core.dispatch(channel, payload, { senderId: 'test' });
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value as T;
  };
  const next = <E extends EventName>(name: E, where: (p: EventPayload<E>) => boolean = () => true) =>
    new Promise<EventPayload<E>>((resolve) =>
      waiters.push({ name, where: where as (p: never) => boolean, resolve: resolve as (p: unknown) => void }),
    );
  const of = <E extends EventName>(name: E): EventPayload<E>[] =>
    events.filter((e) => e.name === name).map((e) => e.payload as EventPayload<E>);
  return {
    call,
    next,
    of,
    opened,
    signIn: () =>
      call('account:sign-in', {
        email,
        password: passwordOf(email),
        status,
        server: { ...splitAddress(server.dispatch), nexus: server.nexus, caFile: server.ca },
        rememberMe: false,
        rememberPassword: false,
        signInAutomatically: false,
      }),
    signOut: () => call('account:sign-out', {}),
  };
}

describe.each([15, 18])('MSNP%i offline messages between two apps', (dialect) => {
  it('stores what is sent to an offline contact and shows it, in order, at their next sign-in', async () => {
    const alice = await app('alice@example.com', dialect);
    await alice.signIn();
    const { conversationId } = await alice.call<{ conversationId: string }>('conversation:open', {
      email: 'bob@example.com',
    });
    const texts = ['are you there? ☺', 'second — Привет'];
    for (const text of texts) {
      const stored = alice.next('conversation:delivery', (d) => d.state !== 'sending');
      const { messageIds } = await alice.call<{ messageIds: string[] }>('conversation:send', {
        conversationId,
        text,
        format: DEFAULT_FORMAT,
      });
      expect(await stored).toEqual({ conversationId, messageId: messageIds[0], state: 'offline' });
    }
    const snapshot = await alice.call<{ entries: unknown[] }>('conversation:snapshot', { conversationId });
    expect(snapshot.entries).toMatchObject(texts.map((text) => ({ text, outgoing: true, delivery: 'offline' })));

    const bob = await app('bob@example.com', dialect);
    const deleted = nextLog('rsi.asmx DeleteMessages');
    const shown = bob.next('conversation:message', (m) => m.text === texts[1]);
    await bob.signIn();
    await shown;
    const received = bob.of('conversation:message');
    expect(received).toMatchObject(
      texts.map((text) => ({ text, offline: true, from: { email: 'alice@example.com', displayName: 'Alice Smith' } })),
    );
    expect(new Set(received.map((m) => m.conversationId)).size).toBe(1);
    const bobsConversation = received[0]?.conversationId ?? '';
    expect(bob.opened).toContain(bobsConversation);
    for (const m of received) expect(Math.abs(m.at - Date.now())).toBeLessThan(10 * 60_000);
    expect(
      await bob.call<{ entries: unknown[] }>('conversation:snapshot', { conversationId: bobsConversation }),
    ).toMatchObject({ entries: texts.map((text) => ({ kind: 'message', text, outgoing: false, offline: true })) });

    // The history keeps them, marked as offline messages.
    const { records } = await bob.call<{ records: { text?: string; offline?: boolean }[] }>('history:page', {
      contact: 'alice@example.com',
    });
    expect(records.map((r) => [r.text, r.offline])).toEqual(texts.map((text) => [text, true]));

    // Deleted on the server once shown: the next sign-in finds none.
    await deleted;
    await bob.signOut();
    const later = clientFor(server, 'bob@example.com', { protocols: [dialect] });
    await later.signIn();
    expect(later.pendingOfflineMessages()).toEqual([]);
    expect(bob.of('session:error')).toEqual([]);
    expect(alice.of('session:error')).toEqual([]);
  });

  it('delivers one at once to a contact who appears offline, as a message sent while they were offline', async () => {
    const bob = await app('bob@example.com', dialect, 'HDN');
    await bob.signIn();
    const alice = await app('alice@example.com', dialect);
    await alice.signIn();
    const { conversationId } = await alice.call<{ conversationId: string }>('conversation:open', {
      email: 'bob@example.com',
    });
    const stored = alice.next('conversation:delivery', (d) => d.state !== 'sending');
    const shown = bob.next('conversation:message');
    await alice.call('conversation:send', { conversationId, text: 'hidden, are you?', format: DEFAULT_FORMAT });
    expect(await stored).toMatchObject({ state: 'offline' });
    expect(await shown).toMatchObject({
      text: 'hidden, are you?',
      offline: true,
      from: { email: 'alice@example.com' },
    });
  });
});
