// MSNP13+ list operations against the reference server: adding and removing contacts (address
// book + ADL/RML), blocking and unblocking (sharing service + ADL/RML), answering someone who
// added you, and what the other side sees. A fresh server per test, since they change lists.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, failure, presenceOf, signOutAll, waitFor } from './engine-support';

let server: RunningServer;
let log: string[] = [];

beforeEach(async () => {
  log = [];
  server = await startServer({ accounts: ACCOUNTS, challenges: false, log: (line) => log.push(line) });
});
afterEach(async () => {
  await signOutAll();
  await server.close();
});

describe.each([13, 14, 15, 16, 17, 18])('MSNP%i', (dialect) => {
  it('adds and removes a contact, who is asked about it and sees it', async () => {
    const dave = clientFor(server, 'dave@example.com', { protocols: [dialect] });
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await Promise.all([dave.signIn(), alice.signIn()]);

    const asked = waitFor(dave, 'added-you');
    const added = await alice.addContact('dave@example.com');
    expect(added).toMatchObject({ email: 'dave@example.com', lists: ['FL', 'AL'] });
    expect(added.guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await asked).toMatchObject({ email: 'alice@example.com', displayName: 'Alice Smith' });
    await presenceOf(alice, 'dave@example.com', (c) => c.status === 'NLN');

    await dave.respondToAddition('alice@example.com', { allow: true, addToContacts: true });
    expect(dave.getContact('alice@example.com')?.lists).toEqual(['FL', 'AL', 'RL']);
    await presenceOf(dave, 'alice@example.com', (c) => c.status === 'NLN');

    const dropped = waitFor(
      dave,
      'list-changed',
      (c) => c.email === 'alice@example.com' && !c.contact?.lists.includes('RL'),
    );
    await alice.removeContact('dave@example.com');
    expect(alice.getContact('dave@example.com')?.lists).toEqual(['AL', 'RL']);
    await dropped;

    // What the server kept: a new session loads the same lists from the address book.
    await alice.signOut();
    const again = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await again.signIn();
    expect(again.getContact('dave@example.com')?.lists).toEqual(['AL', 'RL']);
  });

  it('blocks and unblocks: the blocked contact sees you go offline and come back', async () => {
    const bob = clientFor(server, 'bob@example.com', { protocols: [dialect] });
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await Promise.all([bob.signIn(), alice.signIn()]);
    await presenceOf(bob, 'alice@example.com', (c) => c.status === 'NLN');

    const hidden = presenceOf(bob, 'alice@example.com', (c) => c.status === 'FLN');
    await alice.blockContact('bob@example.com');
    expect(alice.getContact('bob@example.com')?.lists).toEqual(['FL', 'BL', 'RL']);
    await hidden;

    const back = presenceOf(bob, 'alice@example.com', (c) => c.status === 'NLN');
    await alice.unblockContact('bob@example.com');
    expect(alice.getContact('bob@example.com')?.lists).toEqual(['FL', 'AL', 'RL']);
    await back;
  });

  it('renames you with PRP MFN; contacts see the new name, and the address book keeps it', async () => {
    const bob = clientFor(server, 'bob@example.com', { protocols: [dialect] });
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await Promise.all([bob.signIn(), alice.signIn()]);
    const seen = presenceOf(bob, 'alice@example.com', (c) => c.displayName === 'Alice ☕ S.');
    await alice.setDisplayName('Alice ☕ S.');
    expect(alice.displayName).toBe('Alice ☕ S.');
    await seen;
    await alice.signOut();
    const again = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await again.signIn();
    expect(again.displayName).toBe('Alice ☕ S.');
  });

  it('keeps groups in the address book: create, rename, move contacts, delete', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await alice.signIn();
    const work = await alice.createGroup('Work & Play');
    expect(work.id).toMatch(/^[0-9a-f-]{36}$/);
    const friends = await alice.createGroup('Friends');
    await alice.moveContact('bob@example.com', undefined, work.id);
    await alice.moveContact('bob@example.com', work.id, friends.id);
    await alice.renameGroup(work.id, 'Office');
    const dave = await alice.addContact('dave@example.com', { groupId: work.id });
    expect(dave.groupIds).toEqual([work.id]);
    expect(await failure(alice.createGroup('Friends'))).toMatchObject({ kind: 'server' });

    await alice.signOut();
    const again = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await again.signIn();
    expect(again.groups).toEqual(
      expect.arrayContaining([
        { id: work.id, name: 'Office' },
        { id: friends.id, name: 'Friends' },
      ]),
    );
    expect(again.getContact('bob@example.com')?.groupIds).toEqual([friends.id]);
    expect(again.getContact('dave@example.com')?.groupIds).toEqual([work.id]);
    await again.deleteGroup(friends.id);
    expect(again.getContact('bob@example.com')?.groupIds).toEqual([]);
    expect(again.groups.map((g) => g.name)).toEqual(['Office']);
  });

  it('keeps privacy settings as annotations of your own address-book entry', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await alice.signIn();
    const changed = waitFor(alice, 'privacy-changed');
    await alice.setPrivacy({ blp: 'BL', gtc: 'N' });
    expect(await changed).toEqual({ blp: 'BL', gtc: 'N' });
    expect(alice.state).toBe('online');
    await alice.signOut();
    const again = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await again.signIn();
    expect(again.privacy).toEqual({ blp: 'BL', gtc: 'N' });
  });
});

describe.each([15, 16, 17, 18])('MSNP%i tokens', (dialect) => {
  it('renews an expired address-book token without signing out', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await alice.signIn();
    const rst = (): number => log.filter((l) => l.startsWith('soap /RST.srf')).length;
    expect(rst()).toBe(1);
    expect(server.expireTokens('alice@example.com')).toBeGreaterThan(0);
    expect(await alice.addContact('dave@example.com')).toMatchObject({ lists: ['FL', 'AL'] });
    expect(rst()).toBe(2);
    expect(alice.state).toBe('online');
  });
});
