// Display pictures, custom emoticons and file transfers through the services: two app cores
// (real engine, settings, object cache and P2P layer) signed in to the reference server, as two
// people's running apps would be, with the contract's commands and events between them.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '../../src/shared/ipc';
import type { Transfer } from '../../src/shared/schemas';
import { createAppCore, type AppCore } from '../../src/main/app/core';
import type { WindowHost } from '../../src/main/app/host';
import { createSettingsStore } from '../../src/main/app/settings';
import { DEFAULT_FORMAT } from '../../src/main/msnp/format';
import { memoryCredentials } from '../e2e/bridge/bridge';
import { RecordingFiles } from '../support/files';
import { startServer, type RunningServer } from '../server/index';

const ACCOUNTS = ['alice', 'bob'].map((name, i, all) => ({
  email: `${name}@example.com`,
  password: `${name}-pass-1`,
  displayName: name[0]?.toUpperCase() + name.slice(1),
  contacts: all.filter((other) => other !== name).map((other) => `${other}@example.com`),
}));

let server: RunningServer;
const dirs: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false });
});
afterAll(() => server.close());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A real PNG of the given size, with some noise so two pictures never share a hash. */
function png(side: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])));
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8;
  header[9] = 0;
  const rows = Buffer.concat(Array.from({ length: side }, () => Buffer.concat([Buffer.from([0]), randomBytes(side)])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const windows: WindowHost = {
  showContactList: () => {},
  openConversation: () => {},
  conversationWindowState: () => 'background',
  flashConversation: () => {},
  openExternal: () => Promise.resolve(false),
};

interface App {
  readonly core: AppCore;
  readonly files: RecordingFiles;
  readonly downloads: string;
  call<C extends CommandName>(channel: C, input: CommandInput<C>): Promise<CommandOutput<C>>;
  next<E extends EventName>(name: E, where?: (payload: EventPayload<E>) => boolean): Promise<EventPayload<E>>;
}

/** `name`'s app, signed in; with `keepHistory`, it keeps a message history. */
async function signedIn(name: string, keepHistory = false): Promise<App> {
  const dataDir = mkdtempSync(join(tmpdir(), `revival-p2p-${name}-`));
  dirs.push(dataDir);
  const files = new RecordingFiles(join(dataDir, 'Downloads'));
  mkdirSync(files.downloads);
  const settings = createSettingsStore({ store: {} });
  settings.setPreferences({ ...settings.preferences(), history: { keep: keepHistory, showRecent: 5 } });
  const core = createAppCore({
    settings,
    credentials: memoryCredentials(),
    windows,
    dataDir,
    files,
    historyDir: join(dataDir, 'history'),
    engine: { reconnect: false },
  });
  cleanups.push(() => core.shutdown());
  const seen: { name: EventName; payload: unknown }[] = [];
  const waiters: { name: EventName; where: (p: never) => boolean; resolve: (p: unknown) => void }[] = [];
  core.onEvent((event, payload) => {
    seen.push({ name: event, payload });
    for (const waiter of [...waiters]) {
      if (waiter.name === event && waiter.where(payload as never)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(payload);
      }
    }
  });
  const app: App = {
    core,
    files,
    downloads: files.downloads,
    call: async (channel, input) => {
      const result = await core.dispatch(channel, input, { senderId: 'test' });
      if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
      return result.value as never;
    },
    next: (event, where = () => true) =>
      new Promise((resolve) => {
        const past = seen.find((e) => e.name === event && where(e.payload as never));
        if (past) resolve(past.payload as never);
        else waiters.push({ name: event, where: where as (p: never) => boolean, resolve: resolve as never });
      }),
  };
  const [host = '', port = ''] = server.dispatch.split(':');
  await app.call('account:sign-in', {
    email: `${name}@example.com`,
    password: `${name}-pass-1`,
    status: 'NLN',
    server: { host, port: Number(port), nexus: server.nexus, caFile: server.ca },
    rememberMe: false,
    rememberPassword: false,
    signInAutomatically: false,
  });
  return app;
}

const transferDone = (t: Transfer): boolean => ['done', 'declined', 'cancelled', 'failed'].includes(t.state);

describe('MSNP2P through the services', () => {
  it("shows your new picture in your windows and, fetched over P2P, in your contact's", async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob', true);
    const picture = png(96);
    const changed = alice.next('profile:changed', (p) => p.pictureId !== undefined);
    await alice.call('profile:set-display-picture', { image: picture.toString('base64') });
    const { pictureId } = await changed;
    expect(pictureId).toBe(createHash('sha1').update(picture).digest('hex'));
    expect((await alice.core.servePicture('GET', `msn-picture://${pictureId}`)).body?.equals(picture)).toBe(true);

    // Bob's app learns of the picture from Alice's presence, and fetches it for the conversation.
    const arrived = bob.next('contacts:changed', (c) =>
      c.upserted.some((contact) => contact.email === 'alice@example.com' && contact.pictureId === pictureId),
    );
    await bob.call('conversation:open', { email: 'alice@example.com' });
    await arrived;
    const served = await bob.core.servePicture('GET', `msn-picture://${pictureId}`);
    expect(served.status).toBe(200);
    expect(served.body?.equals(picture)).toBe(true);
    expect(served.headers['Content-Type']).toBe('image/png');

    // Bob's history keeps the picture Alice had when she wrote.
    const { conversationId } = await alice.call('conversation:open', { email: 'bob@example.com' });
    const said = bob.next('conversation:message', (m) => m.text === 'see my picture?');
    await alice.call('conversation:send', { conversationId, text: 'see my picture?', format: DEFAULT_FORMAT });
    await said;
    await expect
      .poll(async () =>
        (await bob.call('history:page', { contact: 'alice@example.com' })).records.map((r) => r.picture),
      )
      .toEqual([pictureId]);
  });

  it('refuses a picture that is not an image, keeping the old one', async () => {
    const alice = await signedIn('alice');
    await expect(
      alice.call('profile:set-display-picture', { image: Buffer.from('<svg/>').toString('base64') }),
    ).rejects.toThrow('That picture cannot be used');
  });

  it('shows a custom emoticon in the message that declared it, and only there', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');
    const cat = png(19);
    await alice.call('emoticons:add', { image: cat.toString('base64'), shortcut: '(cat)', name: 'Cat' });
    const { conversationId } = await alice.call('conversation:open', { email: 'bob@example.com' });
    const message = bob.next('conversation:message', (m) => m.text.includes('(cat)'));
    await alice.call('conversation:send', { conversationId, text: 'look (cat)!', format: DEFAULT_FORMAT });
    const received = await message;
    expect(received.emoticons).toEqual({ '(cat)': expect.toBeOneOf([null, expect.any(String)]) });
    const id = createHash('sha1').update(cat).digest('hex');
    if (received.emoticons?.['(cat)'] === null) {
      const shown = await bob.next('conversation:emoticon', (e) => e.messageId === received.id);
      expect(shown).toMatchObject({ shortcut: '(cat)', pictureId: id });
    }
    expect((await bob.core.servePicture('GET', `msn-picture://${id}`)).body?.equals(cat)).toBe(true);

    // A later message with the same text but no declaration shows the shortcut as text.
    const plain = bob.next('conversation:message', (m) => m.text === 'no cat here');
    await alice.call('conversation:send', { conversationId, text: 'no cat here', format: DEFAULT_FORMAT });
    expect((await plain).emoticons).toBeUndefined();
  });

  it('sends a file the other side accepts, into their folder, byte for byte, and keeps it in the history', async () => {
    const alice = await signedIn('alice', true);
    const bob = await signedIn('bob', true);
    const source = join(mkdtempSync(join(tmpdir(), 'revival-send-')), 'holiday notes.bin');
    dirs.push(join(source, '..'));
    const content = randomBytes(300_000);
    writeFileSync(source, content);
    const { conversationId } = await alice.call('conversation:open', { email: 'bob@example.com' });
    alice.files.toChoose = [source];
    const offered = bob.next('transfer:changed', (e) => e.transfer.state === 'offered');
    const { transferIds } = await alice.call('transfer:choose-files', { conversationId });
    expect(transferIds).toHaveLength(1);
    const offer = (await offered).transfer;
    expect(offer).toMatchObject({ direction: 'receive', name: 'holiday notes.bin', size: content.length });

    const sent = alice.next('transfer:changed', (e) => e.transfer.id === transferIds[0] && transferDone(e.transfer));
    const received = bob.next('transfer:changed', (e) => e.transfer.id === offer.id && transferDone(e.transfer));
    await bob.call('transfer:accept', { transferId: offer.id });
    expect((await sent).transfer.state).toBe('done');
    const done = (await received).transfer;
    expect(done).toMatchObject({ state: 'done', bytes: content.length, savedAs: 'holiday notes.bin' });
    const saved = readFileSync(join(bob.downloads, 'holiday notes.bin'));
    expect(createHash('sha256').update(saved).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));

    // The log keeps the transfer for a window opened later, and Open opens the saved file.
    const snapshot = await bob.call('conversation:snapshot', { conversationId: (await offered).conversationId });
    expect(snapshot.entries.filter((e) => e.kind === 'transfer')).toHaveLength(1);
    await bob.call('transfer:open', { transferId: offer.id });
    expect(bob.files.opened).toEqual([join(bob.downloads, 'holiday notes.bin')]);

    // Both histories say what happened: offered, then completed (with where it was saved).
    const files = async (app: App): Promise<unknown[]> =>
      (await app.call('history:page', { contact: app === bob ? 'alice@example.com' : 'bob@example.com' })).records
        .filter((r) => r.kind === 'file')
        .map((r) => ({ outgoing: r.outgoing, file: r.file }));
    await expect
      .poll(() => files(bob))
      .toEqual([
        {
          outgoing: false,
          file: {
            name: 'holiday notes.bin',
            size: content.length,
            outcome: 'completed',
            savedPath: join(bob.downloads, 'holiday notes.bin'),
          },
        },
      ]);
    await expect
      .poll(() => files(alice))
      .toEqual([{ outgoing: true, file: { name: 'holiday notes.bin', size: content.length, outcome: 'completed' } }]);
  });

  it('tells the sender when the other side declines', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');
    const source = join(mkdtempSync(join(tmpdir(), 'revival-send-')), 'no thanks.txt');
    dirs.push(join(source, '..'));
    writeFileSync(source, 'not wanted');
    const { conversationId } = await alice.call('conversation:open', { email: 'bob@example.com' });
    const offered = bob.next('transfer:changed', (e) => e.transfer.state === 'offered');
    const [transferId = ''] = (await alice.call('transfer:send-paths', { conversationId, paths: [source] }))
      .transferIds;
    const declined = alice.next('transfer:changed', (e) => e.transfer.id === transferId && transferDone(e.transfer));
    await bob.call('transfer:decline', { transferId: (await offered).transfer.id });
    expect((await declined).transfer).toMatchObject({ state: 'declined', endedBy: 'them' });
  });
});
