// Two CLI processes exchange messages through the reference server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server/index';
import { startCli, stopClis, type CliRun } from '../support/cli';

const NAMES = ['alice', 'bob', 'carol'];
const ACCOUNTS = NAMES.map((name) => ({
  email: `${name}@example.com`,
  password: `${name}-pass-1`,
  displayName: name,
  contacts: NAMES.filter((n) => n !== name).map((n) => `${n}@example.com`),
}));

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false });
});
afterAll(() => server.close());
afterEach(() => stopClis());

const cli = (name: string, dialect: number, ...args: string[]): CliRun => startCli(server, name, dialect, ...args);

describe('CLI chat', () => {
  it.each([8, 12])('delivers a message from one process to another (MSNP%i)', async (dialect) => {
    const text = 'Olá André ☺ — Привет 世界 😀';
    const bob = cli('bob', dialect, '--wait-messages', '1', '--stay', '60');
    await bob.until((l) => l['event'] === 'signed-in');
    const alice = cli('alice', dialect, '--send-to', 'bob@example.com', '--text', text);
    expect(await alice.exited).toBe(0);
    expect(alice.lines).toContainEqual({ event: 'sent', to: 'bob@example.com', delivered: true });
    expect(await bob.exited).toBe(0);
    expect(bob.lines).toContainEqual({ event: 'message', from: 'alice@example.com', text });
    expect(bob.lines.find((l) => l['event'] === 'signed-in')).toMatchObject({ protocol: `MSNP${dialect}` });
  });

  it('waits for several messages, answering each invitation', async () => {
    const bob = cli('bob', 12, '--wait-messages', '2', '--stay', '60');
    await bob.until((l) => l['event'] === 'signed-in');
    const first = cli('alice', 12, '--send-to', 'bob@example.com', '--text', 'one');
    expect(await first.exited).toBe(0);
    const second = cli('carol', 8, '--send-to', 'bob@example.com', '--text', 'two');
    expect(await second.exited).toBe(0);
    expect(await bob.exited).toBe(0);
    expect(bob.lines.filter((l) => l['event'] === 'message')).toEqual([
      { event: 'message', from: 'alice@example.com', text: 'one' },
      { event: 'message', from: 'carol@example.com', text: 'two' },
    ]);
  });

  it('reports a message that could not be delivered', async () => {
    const alice = cli('alice', 12, '--send-to', 'carol@example.com', '--text', 'are you there?');
    expect(await alice.exited).toBe(4);
    expect(alice.lines).toContainEqual({
      event: 'sent',
      to: 'carol@example.com',
      delivered: false,
      reason: 'Could not reach carol@example.com: That person is offline or not accepting messages',
    });
  });

  it('gives up waiting after --stay seconds', async () => {
    const bob = cli('bob', 12, '--wait-messages', '1', '--stay', '1');
    expect(await bob.exited).toBe(4);
    expect(bob.lines.filter((l) => l['event'] === 'message')).toEqual([]);
  });
});
