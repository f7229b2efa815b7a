// The demo's sample accounts and bot, against the reference server, as `npm run demo` starts them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/shared/schemas';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  asksForFile,
  botReply,
  DEMO_FILE_NAME,
  DEMO_FILE_TEXT,
  startDemoBot,
  type DemoBot,
} from '../../src/main/demo/bot';
import { inspectImage } from '../../src/main/app/pictures/image';
import { createDownload } from '../../src/main/msnp/p2p/files';
import { P2P_CLIENT_ID, P2PManager } from '../../src/main/msnp/p2p/manager';
import { buildMsnObject, MsnObjectType, parseMsnObject } from '../../src/main/msnp/p2p/msnobj';
import { fileSource } from '../../src/main/msnp/p2p/source';
import { demoBuddyPicture } from '../../src/main/demo/picture';
import { DEMO_ACCOUNTS } from '../../src/main/demo/accounts';
import { MessengerClient } from '../../src/main/msnp/client';
import { DEFAULT_FORMAT } from '../../src/main/msnp/format';
import { startServer, type RunningServer } from '../server/index';

let server: RunningServer;
let config: ServerConfig;
let bot: DemoBot;
let you: MessengerClient;
let p2p: P2PManager;
let folder: string;
/** Your display picture: any PNG that is not Demo Buddy's own. */
const yourPicture = Buffer.concat([demoBuddyPicture(), Buffer.from('not the same bytes')]);
const yourObject = buildMsnObject({ creator: DEMO_ACCOUNTS[0].email, data: yourPicture, type: MsnObjectType.PICTURE });

beforeAll(async () => {
  server = await startServer({
    accounts: DEMO_ACCOUNTS.map((a) => ({ ...a, contacts: [...a.contacts] })),
    challenges: false,
  });
  const [host = '', port = ''] = server.dispatch.split(':');
  config = { host, port: Number(port), nexus: server.nexus, caFile: server.ca };
  const [first, second] = DEMO_ACCOUNTS;
  bot = await startDemoBot(config, second.email, second.password);
  folder = mkdtempSync(join(tmpdir(), 'revival-demo-test-'));
  you = new MessengerClient({
    server: config,
    email: first.email,
    password: first.password,
    reconnect: false,
    clientId: P2P_CLIENT_ID,
    msnObject: yourObject.xml,
  });
  p2p = new P2PManager(you.conversations, {
    email: first.email,
    objects: { get: (sha1d) => (sha1d === yourObject.sha1d ? yourPicture : undefined) },
  });
  await you.signIn();
});
afterAll(async () => {
  p2p.dispose();
  rmSync(folder, { recursive: true, force: true });
  await you.signOut();
  await bot.stop();
  await server.close();
});

describe('demo', () => {
  it('shows the demo contact online, with its personal message', () => {
    const buddy = you.getContact(DEMO_ACCOUNTS[1].email);
    expect(buddy?.status).toBe('NLN');
    expect(buddy?.personalMessage).toBe('I answer everything you write');
  });

  it('answers a message, greeting first', async () => {
    const id = you.conversations.open(DEMO_ACCOUNTS[1].email);
    const replies: string[] = [];
    const two = new Promise<void>((resolve) =>
      you.conversations.on('message', ({ conversationId, text }) => {
        if (conversationId !== id) return;
        replies.push(text);
        if (replies.length === 2) resolve();
      }),
    );
    you.conversations.send(id, 'Hello?', DEFAULT_FORMAT);
    you.conversations.send(id, 'Still there?', DEFAULT_FORMAT);
    await two;
    expect(replies).toEqual([botReply('Hello?', true), botReply('Still there?', false)]);
  });

  it('nudges back', async () => {
    const id = you.conversations.open(DEMO_ACCOUNTS[1].email);
    const nudged = new Promise<string>((resolve) =>
      you.conversations.on('nudge', ({ conversationId, from }) => {
        if (conversationId === id) resolve(from.email);
      }),
    );
    await you.conversations.nudge(id);
    expect(await nudged).toBe(DEMO_ACCOUNTS[1].email);
  });

  it('has a display picture of its own, a real 96×96 PNG', async () => {
    const buddy = you.getContact(DEMO_ACCOUNTS[1].email);
    const object = buddy?.msnObject === undefined ? undefined : parseMsnObject(buddy.msnObject);
    expect(object?.type).toBe(MsnObjectType.PICTURE);
    const data = await p2p.fetchObject({ ...(object as NonNullable<typeof object>), creator: DEMO_ACCOUNTS[1].email });
    expect(inspectImage(data)).toEqual({ mime: 'image/png', width: 96, height: 96 });
  });

  it('accepts a file you send and says so', async () => {
    const path = join(folder, 'for buddy.txt');
    writeFileSync(path, 'hello buddy');
    const id = you.conversations.open(DEMO_ACCOUNTS[1].email);
    const thanks = new Promise<string>((resolve) =>
      you.conversations.on('message', ({ conversationId, text }) => {
        if (conversationId === id && text.startsWith('Thanks!')) resolve(text);
      }),
    );
    const done = new Promise<string>((resolve) => p2p.on('transfer-completed', (e) => resolve(e.name)));
    p2p.sendFile(DEMO_ACCOUNTS[1].email, await fileSource(path), {});
    expect(await done).toBe('for buddy.txt');
    expect(await thanks).toBe('Thanks! I received “for buddy.txt” (11 bytes).');
  });

  it('sends you a file when you ask, and shows your picture back as its own', async () => {
    const id = you.conversations.open(DEMO_ACCOUNTS[1].email);
    const offered = new Promise<string>((resolve) =>
      p2p.on('file-offer', (offer) => {
        void createDownload(folder, offer.name).then((sink) => p2p.accept(offer.transferId, sink));
        resolve(offer.name);
      }),
    );
    const saved = new Promise<string>((resolve) =>
      p2p.on('transfer-completed', (e) => {
        if (e.direction === 'receive' && e.file) resolve(e.file);
      }),
    );
    // It fetches your picture once you write to it (it may have done so in an earlier test).
    const showsYours = (): boolean =>
      parseMsnObject(you.getContact(DEMO_ACCOUNTS[1].email)?.msnObject ?? '')?.sha1d === yourObject.sha1d;
    const mirrored = new Promise<void>((resolve) => {
      if (showsYours()) resolve();
      you.on('presence', () => {
        if (showsYours()) resolve();
      });
    });
    you.conversations.send(id, 'Please send me a file!', DEFAULT_FORMAT);
    expect(await offered).toBe(DEMO_FILE_NAME);
    expect(readFileSync(await saved, 'utf8')).toBe(DEMO_FILE_TEXT);
    await mirrored;
  });

  it('knows when it is asked for a file', () => {
    expect(asksForFile('could you SEND ME A FILE?')).toBe(true);
    expect(asksForFile('do not resend me a filet')).toBe(false);
  });

  it('words its replies', () => {
    expect(botReply('  hi  ', false)).toBe('You said: “hi”');
    expect(botReply('', false)).toBe('You sent an empty message.');
    expect(botReply('hi', true)).toMatch(/^Hi! I am the demo contact/);
  });
});
