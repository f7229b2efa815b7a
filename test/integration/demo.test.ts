// The demo's sample accounts and bot, against the reference server, as `npm run demo` starts them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/shared/schemas';
import { botReply, startDemoBot, type DemoBot } from '../../src/main/demo/bot';
import { DEMO_ACCOUNTS } from '../../src/main/demo/accounts';
import { MessengerClient } from '../../src/main/msnp/client';
import { DEFAULT_FORMAT } from '../../src/main/msnp/format';
import { startServer, type RunningServer } from '../server/index';

let server: RunningServer;
let config: ServerConfig;
let bot: DemoBot;
let you: MessengerClient;

beforeAll(async () => {
  server = await startServer({
    accounts: DEMO_ACCOUNTS.map((a) => ({ ...a, contacts: [...a.contacts] })),
    challenges: false,
  });
  const [host = '', port = ''] = server.dispatch.split(':');
  config = { host, port: Number(port), nexus: server.nexus, caFile: server.ca };
  const [first, second] = DEMO_ACCOUNTS;
  bot = await startDemoBot(config, second.email, second.password);
  you = new MessengerClient({ server: config, email: first.email, password: first.password, reconnect: false });
  await you.signIn();
});
afterAll(async () => {
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

  it('words its replies', () => {
    expect(botReply('  hi  ', false)).toBe('You said: “hi”');
    expect(botReply('', false)).toBe('You sent an empty message.');
    expect(botReply('hi', true)).toMatch(/^Hi! I am the demo contact/);
  });
});
