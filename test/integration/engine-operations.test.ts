// List, group, profile and privacy operations against the reference server, in each dialect
// family, checked both by what the other side sees and by what a fresh sign-in downloads.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessengerClient } from '../../src/main/msnp/client';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, failure, presenceOf, signOutAll, waitFor } from './engine-support';

let server: RunningServer;

beforeEach(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false });
});
afterEach(async () => {
  await signOutAll();
  await server.close();
});

async function online(email: string, dialect: number): Promise<MessengerClient> {
  const client = clientFor(server, email, { protocols: [dialect] });
  await client.signIn();
  return client;
}

describe.each([5, 7, 9, 10, 11, 12])('MSNP%i', (dialect) => {
  it('changes the display name and (MSNP11+) the personal message where contacts see them', async () => {
    const [alice, bob] = [await online('alice@example.com', dialect), await online('bob@example.com', dialect)];
    const renamed = presenceOf(bob, 'alice@example.com', (c) => c.displayName === 'Alice S. ☕');
    await alice.setDisplayName('Alice S. ☕');
    await renamed;
    expect(alice.displayName).toBe('Alice S. ☕');
    if (dialect >= 11) {
      const psm = presenceOf(bob, 'alice@example.com', (c) => c.personalMessage === 'tea & <cake>');
      await alice.setPersonalMessage('tea & <cake>');
      await psm;
      expect(alice.profile.personalMessage).toBe('tea & <cake>');
    }
  });

  it('adds a contact, who is asked and allows and adds back', async () => {
    const [alice, dave] = [await online('alice@example.com', dialect), await online('dave@example.com', dialect)];
    const asked = waitFor(dave, 'added-you');
    const added = await alice.addContact('dave@example.com');
    expect(added).toMatchObject({ email: 'dave@example.com', lists: ['FL', 'AL'], status: 'NLN' });
    expect(await asked).toEqual({ email: 'alice@example.com', displayName: 'Alice Smith' });

    const aliceSeesRl = waitFor(
      alice,
      'list-changed',
      (e) => e.email === 'dave@example.com' && !!e.contact?.lists.includes('RL'),
    );
    await dave.respondToAddition('alice@example.com', { allow: true, addToContacts: true });
    expect(dave.getContact('alice@example.com')?.lists).toEqual(['FL', 'AL', 'RL']);
    await aliceSeesRl;

    const fresh = clientFor(server, 'dave@example.com', { protocols: [dialect] });
    await dave.signOut();
    await fresh.signIn();
    expect(fresh.getContact('alice@example.com')?.lists).toEqual(['FL', 'AL', 'RL']);
  });

  it('asks at sign-in about someone who added you while you were offline', async () => {
    const alice = await online('alice@example.com', dialect);
    await alice.addContact('dave@example.com');
    const dave = clientFor(server, 'dave@example.com', { protocols: [dialect] });
    const asked = waitFor(dave, 'added-you');
    await dave.signIn();
    expect(await asked).toEqual({ email: 'alice@example.com', displayName: 'Alice Smith' });
  });

  it('blocks and unblocks: the blocked contact sees you go offline and come back', async () => {
    const [alice, bob] = [await online('alice@example.com', dialect), await online('bob@example.com', dialect)];
    const hidden = presenceOf(bob, 'alice@example.com', (c) => c.status === 'FLN');
    await alice.blockContact('bob@example.com');
    await hidden;
    expect(alice.getContact('bob@example.com')?.lists).toEqual(['FL', 'BL', 'RL']);
    const back = presenceOf(bob, 'alice@example.com', (c) => c.status === 'NLN');
    await alice.unblockContact('bob@example.com');
    await back;
    expect(alice.getContact('bob@example.com')?.lists).toEqual(['FL', 'AL', 'RL']);
  });

  it('removes a contact and changes privacy settings', async () => {
    const alice = await online('alice@example.com', dialect);
    await alice.removeContact('carol@example.com');
    expect(alice.getContact('carol@example.com')?.lists).toEqual(['AL', 'RL']);
    await alice.setPrivacy({ blp: 'BL', gtc: 'N' });
    expect(alice.privacy).toEqual({ blp: 'BL', gtc: 'N' });

    const fresh = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await alice.signOut();
    await fresh.signIn();
    expect(fresh.getContact('carol@example.com')?.lists).toEqual(['AL', 'RL']);
    expect(fresh.privacy).toEqual({ blp: 'BL', gtc: 'N' });
  });

  it('creates, renames and deletes groups and moves contacts between them (MSNP7+)', async () => {
    const alice = await online('alice@example.com', dialect);
    if (dialect < 7) {
      expect((await failure(alice.createGroup('Work'))).kind).toBe('unsupported');
      return;
    }
    const work = await alice.createGroup('Work & Play');
    expect(work.name).toBe('Work & Play');
    const from = alice.getContact('bob@example.com')?.groupIds[0];
    await alice.moveContact('bob@example.com', from, work.id);
    expect(alice.getContact('bob@example.com')?.groupIds).toEqual([work.id]);
    await alice.renameGroup(work.id, 'Work');
    const friends = await alice.createGroup('Friends');
    await alice.addContact('dave@example.com', { groupId: friends.id });
    expect(alice.getContact('dave@example.com')?.groupIds).toEqual([friends.id]);

    const fresh = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    await alice.signOut();
    await fresh.signIn();
    expect(fresh.groups).toEqual(expect.arrayContaining([{ id: work.id, name: 'Work' }, friends]));
    expect(fresh.getContact('bob@example.com')?.groupIds).toEqual([work.id]);
    expect(fresh.getContact('dave@example.com')?.groupIds).toEqual([friends.id]);

    await fresh.moveContact('bob@example.com', work.id, friends.id);
    await fresh.deleteGroup(work.id);
    expect(fresh.groups.some((g) => g.id === work.id)).toBe(false);
    expect(fresh.getContact('bob@example.com')?.groupIds).toEqual([friends.id]);
  });
});
