// The CLI and offline messages (MSNP13+): --send-to a contact who is offline stores an offline
// message, the recipient's next sign-in prints them in order and deletes them only after
// printing, --keep-offline-messages leaves them on the server, and a refusal is a failed send.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server/index';
import { CLI_TIMEOUT_MS, startCli, stopClis, type CliLine } from '../support/cli';

const NAMES = ['alice', 'bob', 'carol'];
const ACCOUNTS = NAMES.map((name) => ({
  email: `${name}@example.com`,
  password: `${name}-pass-1`,
  displayName: name,
  contacts: NAMES.filter((n) => n !== name).map((n) => `${n}@example.com`),
}));
const QUOTA = 2;

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false, oimQuota: QUOTA });
});
afterAll(() => server.close());
afterEach(() => stopClis());

const messages = (lines: CliLine[]): CliLine[] => lines.filter((l) => l['event'] === 'message');
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe.each([15, 18])('CLI offline messages at MSNP%i', (dialect) => {
  it(
    'leaves messages for an offline contact, shown at their next sign-in and deleted only after',
    async () => {
      const texts = ['are you there? ☺', 'call me — Привет'];
      for (const text of texts) {
        const alice = startCli(server, 'alice', dialect, '--send-to', 'bob@example.com', '--text', text);
        expect(await alice.exited).toBe(0);
        expect(alice.lines).toContainEqual({ event: 'sent', to: 'bob@example.com', delivered: 'offline-message' });
      }
      const refused = startCli(server, 'carol', dialect, '--send-to', 'bob@example.com', '--text', 'and me');
      expect(await refused.exited).toBe(4);
      expect(refused.lines).toContainEqual({
        event: 'sent',
        to: 'bob@example.com',
        delivered: false,
        reason: 'bob@example.com has too many offline messages waiting',
      });

      const kept = startCli(server, 'bob', dialect, '--keep-offline-messages');
      expect(await kept.exited).toBe(0);
      const shown = messages(kept.lines);
      expect(shown.map((l) => [l['from'], l['text'], l['offline']])).toEqual(
        texts.map((text) => ['alice@example.com', text, true]),
      );
      for (const line of shown) expect(line['sentAt']).toMatch(ISO);
      expect(kept.lines.findIndex((l) => l['event'] === 'message')).toBeGreaterThan(
        kept.lines.findIndex((l) => l['event'] === 'contact'),
      );

      const bob = startCli(server, 'bob', dialect);
      expect(await bob.exited).toBe(0);
      expect(messages(bob.lines)).toEqual(shown);
      expect(bob.lines.filter((l) => l['event'] === 'error')).toEqual([]);

      const after = startCli(server, 'bob', dialect);
      expect(await after.exited).toBe(0);
      expect(messages(after.lines)).toEqual([]);
    },
    CLI_TIMEOUT_MS * 3,
  );

  it(
    'counts offline messages among those --wait-messages awaits',
    async () => {
      const alice = startCli(
        server,
        'alice',
        dialect,
        '--send-to',
        'carol@example.com',
        '--text',
        'while you were out',
      );
      expect(await alice.exited).toBe(0);
      const carol = startCli(server, 'carol', dialect, '--wait-messages', '1', '--stay', '30');
      expect(await carol.exited).toBe(0);
      expect(messages(carol.lines)).toMatchObject([{ from: 'alice@example.com', text: 'while you were out' }]);
      const again = startCli(server, 'carol', dialect);
      expect(await again.exited).toBe(0);
      expect(messages(again.lines)).toEqual([]);
    },
    CLI_TIMEOUT_MS * 2,
  );

  it(
    'leaves a message for a contact who appears offline, printed by them at once',
    async () => {
      const bob = startCli(server, 'bob', dialect, '--status', 'HDN', '--wait-messages', '1', '--stay', '60');
      await bob.until((l) => l['event'] === 'signed-in');
      const alice = startCli(server, 'alice', dialect, '--send-to', 'bob@example.com', '--text', 'you look offline');
      expect(await alice.exited).toBe(0);
      expect(alice.lines).toContainEqual({ event: 'sent', to: 'bob@example.com', delivered: 'offline-message' });
      expect(await bob.exited).toBe(0);
      expect(messages(bob.lines)).toMatchObject([
        { from: 'alice@example.com', text: 'you look offline', offline: true },
      ]);
      const again = startCli(server, 'bob', dialect);
      expect(await again.exited).toBe(0);
      expect(messages(again.lines)).toEqual([]);
    },
    CLI_TIMEOUT_MS * 2,
  );
});
