// Sign-in, contact list and presence for every dialect, over real TCP and HTTPS against the
// reference server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DaLoginCache } from '../../src/main/msnp/passport';
import { startServer, type RunningServer } from '../server/index';
import {
  ACCOUNTS,
  ALL_DIALECTS,
  clientFor,
  failure,
  presenceOf,
  signOutAll,
  splitAddress,
  waitFor,
} from './engine-support';

let server: RunningServer;
const log: string[] = [];

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false, log: (line) => log.push(line) });
});
afterAll(() => server.close());
afterEach(() => signOutAll());

describe.each(ALL_DIALECTS)('MSNP%i', (dialect) => {
  it('signs in through the dispatch server, lists contacts and follows presence', async () => {
    const bob = clientFor(server, 'bob@example.com', {
      protocols: [dialect],
      status: 'BSY',
      personalMessage: 'on a call',
    });
    await bob.signIn();
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    const signedIn = waitFor(alice, 'signed-in');
    const list = waitFor(alice, 'contact-list');
    const firstPresence = waitFor(alice, 'presence');
    await alice.signIn();

    expect(await signedIn).toMatchObject({
      protocol: `MSNP${dialect}`,
      profile: { email: 'alice@example.com', displayName: 'Alice Smith', status: 'NLN' },
    });
    const { contacts, groups } = await list;
    expect(contacts.map((c) => [c.email, c.displayName, c.lists, c.status])).toEqual([
      ['bob@example.com', 'Bob Ünicode ☺', ['FL', 'AL', 'RL'], 'BSY'],
      ['carol@example.com', 'Carol', ['FL', 'AL', 'RL'], 'FLN'],
    ]);
    if (dialect >= 7 && dialect <= 9) expect(groups).toEqual([{ id: '0', name: 'Other Contacts' }]);
    if (dialect >= 10) expect(contacts.every((c) => c.guid !== undefined)).toBe(true);
    expect(await firstPresence).toMatchObject({ email: 'bob@example.com', status: 'BSY' });
    if (dialect >= 11) expect(alice.getContact('bob@example.com')?.personalMessage).toBe('on a call');

    const away = presenceOf(alice, 'bob@example.com', (c) => c.status === 'AWY');
    await bob.setStatus('AWY');
    await away;
    const offline = presenceOf(alice, 'bob@example.com', (c) => c.status === 'FLN');
    await bob.signOut();
    await offline;
  });
});

describe('sign-in paths', () => {
  it('signs in at the notification server directly (no dispatch hop), old and new dialects', async () => {
    for (const dialect of [12, 7]) {
      const alice = clientFor(server, 'alice@example.com', { address: server.notification, protocols: [dialect] });
      await alice.signIn();
      expect(alice.protocol).toBe(`MSNP${dialect}`);
      await alice.signOut();
    }
  });

  it('negotiates the highest common dialect from the default list (MSNP18…MSNP8)', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: undefined });
    await alice.signIn();
    expect(alice.dialect).toBe(18);
  });

  it('learns the Passport login address once per nexus', async () => {
    const cache = new DaLoginCache();
    const nexusHits = (): number => log.filter((l) => l.includes('passport GET /rdr/pprdr.asp')).length;
    const before = nexusHits();
    for (let i = 0; i < 2; i++) {
      const alice = clientFor(server, 'alice@example.com', { protocols: [9], daLoginCache: cache });
      await alice.signIn();
      await alice.signOut();
    }
    expect(nexusHits() - before).toBe(1);
  });

  it('refuses a wrong password with MD5 (911)', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [7], password: 'wrong' });
    const signedOut = waitFor(alice, 'signed-out');
    expect(await failure(alice.signIn())).toMatchObject({ kind: 'auth', code: 911 });
    expect(await signedOut).toMatchObject({ reason: 'wrong-credentials' });
  });

  it('refuses a wrong password with Passport (401)', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [12], password: 'wrong' });
    const signedOut = waitFor(alice, 'signed-out');
    expect(await failure(alice.signIn())).toMatchObject({ kind: 'auth', message: expect.stringMatching(/password/) });
    expect(await signedOut).toMatchObject({ reason: 'wrong-credentials' });
  });

  it('does not trust the Passport certificate without the server CA', async () => {
    const untrusting = clientFor(server, 'alice@example.com', {
      protocols: [12],
      server: { ...splitAddress(server.dispatch), nexus: server.nexus },
    });
    const err = await failure(untrusting.signIn());
    expect(err.kind).toBe('passport');
    expect(err.message).toMatch(/certificate/);
  });
});

describe('Passport redirect', () => {
  let redirecting: RunningServer;
  beforeAll(async () => {
    redirecting = await startServer({ accounts: ACCOUNTS, challenges: false, passportRedirect: true });
  });
  afterAll(() => redirecting.close());

  it('follows the 302 to the second login address', async () => {
    const alice = clientFor(redirecting, 'alice@example.com', { protocols: [9] });
    await alice.signIn();
    expect(alice.state).toBe('online');
  });
});
