// Offline messages (MSNP13+) against the reference server: Store2 to a contact who is offline,
// the messages announced and read in order at their next sign-in and kept on the server until
// deleted, live notices while appearing offline or online, faults while storing, and the state
// error below MSNP13.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MessengerClient } from '../../src/main/msnp/client';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, failure, presenceOf, signOutAll, waitFor } from './engine-support';

let server: RunningServer;
const log: string[] = [];
const QUOTA = 3;

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false, oimQuota: QUOTA, log: (l) => log.push(l) });
});
afterAll(() => server.close());
afterEach(() => signOutAll());

/** The names of the events `client` emits from now on. */
function record(client: MessengerClient): string[] {
  const seen: string[] = [];
  for (const name of ['signed-in', 'contact-list', 'offline-messages'] as const) client.on(name, () => seen.push(name));
  return seen;
}

/** Signs `email` in at `dialect`, deletes whatever offline messages wait, and signs out. */
async function emptyMailbox(email: string, dialect: number): Promise<void> {
  const c = clientFor(server, email, { protocols: [dialect] });
  await c.signIn();
  const ids = c.pendingOfflineMessages().map((m) => m.id);
  if (ids.length > 0) await c.deleteOfflineMessages(ids);
  await c.signOut();
}

describe.each([15, 18])('MSNP%i offline messages', (dialect) => {
  it('stores messages for an offline contact and delivers them in order at their next sign-in', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await alice.signIn();
    expect(alice.supportsOfflineMessages).toBe(true);
    expect(alice.getContact('bob@example.com')?.status).toBe('FLN');
    const texts = ['first ☺', 'second — Привет', 'third, a long one: ' + 'x'.repeat(300)];
    for (const text of texts) await alice.sendOfflineMessage('bob@example.com', text);

    const bob = clientFor(server, 'bob@example.com', { protocols: [dialect] });
    const seen = record(bob);
    const announced = waitFor(bob, 'offline-messages');
    await bob.signIn();
    const { messages, atSignIn } = await announced;
    expect(seen).toEqual(['signed-in', 'contact-list', 'offline-messages']);
    expect(atSignIn).toBe(true);
    expect(messages.map((m) => [m.from, m.fromName])).toEqual(Array(3).fill(['alice@example.com', 'Alice Smith']));
    expect(bob.pendingOfflineMessages()).toEqual(messages);

    const fetched = await bob.fetchOfflineMessages();
    expect(fetched.failures).toEqual([]);
    expect(fetched.messages.map((m) => m.text)).toEqual(texts);
    for (const m of fetched.messages) {
      expect(m.from).toBe('alice@example.com');
      expect(Math.abs(m.sentAt - Date.now())).toBeLessThan(10 * 60_000);
    }
    // Fetching deletes nothing: the next sign-in is told about the same messages.
    await bob.signOut();
    const again = clientFor(server, 'bob@example.com', { protocols: [dialect] });
    await again.signIn();
    expect(
      again
        .pendingOfflineMessages()
        .map((m) => m.id)
        .sort(),
    ).toEqual(messages.map((m) => m.id).sort());
    const one = await again.fetchOfflineMessages([messages[1]?.id ?? '']);
    expect(one.messages.map((m) => m.text)).toEqual([texts[1]]);

    await again.deleteOfflineMessages(messages.map((m) => m.id));
    expect(again.pendingOfflineMessages()).toEqual([]);
    expect((await again.fetchOfflineMessages()).messages).toEqual([]);
    await again.signOut();
    const last = clientFor(server, 'bob@example.com', { protocols: [dialect] });
    const later = record(last);
    await last.signIn();
    expect(last.pendingOfflineMessages()).toEqual([]);
    expect(later).toEqual(['signed-in', 'contact-list']);
  });

  it('tells a contact who appears offline at once', async () => {
    const bob = clientFor(server, 'bob@example.com', { protocols: [dialect], status: 'HDN' });
    await bob.signIn();
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await alice.signIn();
    expect(alice.getContact('bob@example.com')?.status).toBe('FLN');
    const live = waitFor(bob, 'offline-messages');
    await alice.sendOfflineMessage('bob@example.com', 'are you hiding?');
    const { messages, atSignIn } = await live;
    expect(atSignIn).toBe(false);
    expect(messages).toMatchObject([{ from: 'alice@example.com', fromName: 'Alice Smith' }]);
    const fetched = await bob.fetchOfflineMessages(messages.map((m) => m.id));
    expect(fetched.messages.map((m) => m.text)).toEqual(['are you hiding?']);
    await bob.deleteOfflineMessages(messages.map((m) => m.id));
    expect(bob.pendingOfflineMessages()).toEqual([]);
  });

  it('tells a recipient who is online, and every place of theirs follows a deletion', async () => {
    const guid = (n: number): string => `{0000000${n}-0000-4000-8000-000000000000}`;
    const bob = clientFor(server, 'bob@example.com', { protocols: [dialect], machineGuid: guid(1) });
    await bob.signIn();
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await alice.signIn();
    await presenceOf(alice, 'bob@example.com', (c) => c.status === 'NLN');
    const live = waitFor(bob, 'offline-messages');
    await alice.sendOfflineMessage('bob@example.com', 'stored although you are online');
    const [notice] = (await live).messages;
    expect(notice?.from).toBe('alice@example.com');
    if (dialect === 18) {
      // A second place of the same account sees the message at sign-in, and loses it when the first deletes it.
      const home = clientFor(server, 'bob@example.com', { protocols: [dialect], machineGuid: guid(2) });
      await home.signIn();
      expect(home.pendingOfflineMessages().map((m) => m.id)).toEqual([notice?.id]);
      await bob.deleteOfflineMessages([notice?.id ?? '']);
      await vi.waitUntil(() => home.pendingOfflineMessages().length === 0, { timeout: 5000 });
    } else {
      await bob.deleteOfflineMessages([notice?.id ?? '']);
    }
    expect(bob.pendingOfflineMessages()).toEqual([]);
  });

  it('rejects with the reason when the service refuses to store', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await alice.signIn();
    const unknown = await failure(alice.sendOfflineMessage('nobody@example.com', 'hello?'));
    expect(unknown.message).toBe(
      'nobody@example.com cannot get offline messages from you (unknown address, or not accepting your messages)',
    );
    // A new lock-key challenge mid-session is answered again.
    await alice.sendOfflineMessage('carol@example.com', 'one');
    server.renewLockKeys();
    for (let i = 1; i < QUOTA; i++) await alice.sendOfflineMessage('carol@example.com', `more ${i}`);
    const full = await failure(alice.sendOfflineMessage('carol@example.com', 'one too many'));
    expect(full.kind).toBe('server');
    expect(full.message).toBe('carol@example.com has too many offline messages waiting');
    const tooLong = await failure(alice.sendOfflineMessage('carol@example.com', 'x'.repeat(9000)));
    expect(tooLong.kind).toBe('invalid');
    await alice.signOut();
    await emptyMailbox('carol@example.com', dialect);
  });

  it('renews an expired ticket once and goes on', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await alice.signIn();
    server.expireTokens('alice@example.com');
    await alice.sendOfflineMessage('carol@example.com', 'after renewal');
    await alice.signOut();
    const carol = clientFor(server, 'carol@example.com', { protocols: [dialect] });
    await carol.signIn();
    server.expireTokens('carol@example.com');
    const { messages } = await carol.fetchOfflineMessages();
    expect(messages.map((m) => m.text)).toEqual(['after renewal']);
    await carol.deleteOfflineMessages(messages.map((m) => m.id));
  });
});

describe('below MSNP13', () => {
  it('has no offline messages', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [12] });
    expect(alice.supportsOfflineMessages).toBe(false);
    await alice.signIn();
    expect(alice.supportsOfflineMessages).toBe(false);
    expect((await failure(alice.sendOfflineMessage('bob@example.com', 'hi'))).kind).toBe('state');
    expect((await failure(alice.fetchOfflineMessages())).kind).toBe('state');
    expect(alice.pendingOfflineMessages()).toEqual([]);
  });
});
