// The message history through the whole services layer: the app core signs in to the reference
// server, other accounts (the engine alone) talk to it, and the history commands read back what
// the services recorded: messages both ways with their delivery states, a nudge, a join and a
// leave of a third person (Bob, the contact, coming and going is no event), a failure; and
// nothing at all while history is off.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { RecordingFiles } from '../support/files';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '../../src/shared/ipc';
import { createAppCore, type AppCore } from '../../src/main/app/core';
import { databaseFile } from '../../src/main/app/history/service';
import type { WindowHost } from '../../src/main/app/host';
import { DEFAULT_PREFERENCES, createSettingsStore, type SettingsStore } from '../../src/main/app/settings';
import { MessengerClient } from '../../src/main/msnp/client';
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
const dirs: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const windows: WindowHost = {
  showContactList: () => {},
  openConversation: () => {},
  conversationWindowState: () => 'background',
  flashConversation: () => {},
  openExternal: async () => false,
};

interface App {
  core: AppCore;
  settings: SettingsStore;
  historyDir: string;
  call<C extends CommandName>(channel: C, input: CommandInput<C>): Promise<CommandOutput<C>>;
  next<E extends EventName>(name: E, where?: (p: EventPayload<E>) => boolean): Promise<EventPayload<E>>;
}

function app(keep: boolean): App {
  const dir = mkdtempSync(join(tmpdir(), 'history-core-'));
  dirs.push(dir);
  const settings = createSettingsStore(new Conf({ cwd: dir, configName: 'settings' }));
  settings.setPreferences({ ...DEFAULT_PREFERENCES, history: { keep, showRecent: 5 } });
  const historyDir = join(dir, 'history');
  const core = createAppCore({
    settings,
    credentials: {
      get: async () => undefined,
      save: async () => ({ saved: true }),
      delete: async () => {},
      unavailableReason: () => undefined,
    },
    windows,
    dataDir: dir,
    files: new RecordingFiles(dir),
    engine: { reconnect: false },
    historyDir,
  });
  cleanups.push(() => core.shutdown());
  const waiters: { name: EventName; where: (p: never) => boolean; resolve: (p: unknown) => void }[] = [];
  core.onEvent((name, payload) => {
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
    historyDir,
    call: async (channel, input) => {
      const result = await core.dispatch(channel, input, { senderId: 'test' });
      if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
      return result.value as never;
    },
    next: (name, where = () => true) =>
      new Promise((resolve) =>
        waiters.push({ name, where: where as (p: never) => boolean, resolve: resolve as never }),
      ),
  };
}

async function signIn(target: App, name: string): Promise<void> {
  const [host = '', port = ''] = server.dispatch.split(':');
  await target.call('account:sign-in', {
    email: `${name}@example.com`,
    password: `${name}-pass-1`,
    status: 'NLN',
    server: { host, port: Number(port), nexus: server.nexus, caFile: server.ca },
    rememberMe: false,
    rememberPassword: false,
    signInAutomatically: false,
  });
}

async function person(name: string): Promise<MessengerClient> {
  const [host = '', port = ''] = server.dispatch.split(':');
  const client = new MessengerClient({
    server: { host, port: Number(port), nexus: server.nexus, caFile: server.ca },
    email: `${name}@example.com`,
    password: `${name}-pass-1`,
    reconnect: false,
  });
  await client.signIn();
  cleanups.push(() => client.signOut());
  return client;
}

describe('message history through the services', () => {
  it('records a real conversation, its delivery states, a nudge, a join and a leave', async () => {
    const alice = app(true);
    await signIn(alice, 'alice');
    const bob = await person('bob');
    const carol = await person('carol');

    // Bob writes first: the conversation is adopted, his message recorded.
    const opened = alice.next('conversation:opened');
    const first = alice.next('conversation:message');
    const bobSide = bob.conversations.open('alice@example.com');
    bob.conversations.send(bobSide, 'Salut Alice, un café ?', DEFAULT_FORMAT);
    const { conversationId } = await opened;
    await first;

    const delivered = alice.next('conversation:delivery', (d) => d.state === 'delivered');
    await alice.call('conversation:send', { conversationId, text: 'Oui ! 東京 👍', format: DEFAULT_FORMAT });
    await delivered;

    const nudged = alice.next('conversation:nudge');
    await bob.conversations.nudge(bobSide);
    await nudged;

    const joined = alice.next('conversation:joined');
    const carolOpened = new Promise<string>((resolve) =>
      carol.conversations.on('opened', ({ conversationId: id }) => resolve(id)),
    );
    await bob.conversations.invite(bobSide, 'carol@example.com');
    await joined;
    const left = alice.next('conversation:left', (l) => l.email === 'carol@example.com');
    carol.conversations.close(await carolOpened);
    await left;

    // Bob goes offline: the next message fails, and the history says why.
    const bobLeft = alice.next('conversation:left', (l) => l.email === 'bob@example.com');
    await bob.signOut();
    await bobLeft;
    const failed = alice.next('conversation:delivery', (d) => d.state === 'failed');
    await alice.call('conversation:send', { conversationId, text: 'still there?', format: DEFAULT_FORMAT });
    await failed;

    const page = await alice.call('history:page', { contact: 'bob@example.com' });
    expect(page.records.map((r) => [r.kind, r.from?.email, r.outgoing, r.text, r.delivery])).toEqual([
      ['message', 'bob@example.com', false, 'Salut Alice, un café ?', undefined],
      ['message', 'alice@example.com', true, 'Oui ! 東京 👍', 'delivered'],
      ['nudge', 'bob@example.com', false, '', undefined],
      ['join', 'carol@example.com', false, '', undefined],
      ['leave', 'carol@example.com', false, '', undefined],
      ['message', 'alice@example.com', true, 'still there?', 'failed'],
    ]);
    expect(page.records.at(-1)?.failureReason).toMatch(/offline/);
    expect(new Set(page.records.map((r) => r.conversationId)).size).toBe(1);

    const contacts = await alice.call('history:contacts', {});
    expect(contacts.map((c) => [c.email, c.records])).toEqual([['bob@example.com', 6]]);
    for (const text of ['cafe', '東京', '👍', 'STILL']) {
      const found = await alice.call('history:search', { text });
      expect(found.hits.map((h) => h.record.contact)).toEqual(['bob@example.com']);
    }

    // The window closes; a new conversation with Bob shows the last five, greyed.
    await alice.call('conversation:close', { conversationId });
    const again = await alice.call('conversation:open', { email: 'bob@example.com' });
    const recent = await alice.call('history:recent', again);
    expect(recent.records.map((r) => r.text || r.kind)).toEqual([
      'Oui ! 東京 👍',
      'nudge',
      'join',
      'leave',
      'still there?',
    ]);
  });

  it('writes nothing while history is off, nor with a contact left out', async () => {
    const alice = app(false);
    await signIn(alice, 'alice');
    const bob = await person('bob');
    const message = alice.next('conversation:message');
    bob.conversations.send(bob.conversations.open('alice@example.com'), 'not kept', DEFAULT_FORMAT);
    await message;
    expect(existsSync(alice.historyDir)).toBe(false);
    expect(await alice.call('history:search', { text: 'kept' })).toEqual({ hits: [] });

    alice.settings.setPreferences({ ...DEFAULT_PREFERENCES, history: { keep: true, showRecent: 5 } });
    await alice.call('history:set-keep', { contact: 'bob@example.com', keep: false });
    const second = alice.next('conversation:message');
    bob.conversations.send(bob.conversations.open('alice@example.com'), 'still not kept', DEFAULT_FORMAT);
    await second;
    expect(await alice.call('history:search', { text: 'kept' })).toEqual({ hits: [] });
    expect(await alice.call('history:contact', { contact: 'bob@example.com' })).toEqual({ keep: false });
    expect(existsSync(databaseFile(alice.historyDir, 'alice@example.com'))).toBe(true);
  });
});
