// One account signed in at two places (MSNP16–18) against the reference server: each lists the
// other, signing out the other places ends that one (and only that one), and a second sign-in
// with the same machine GUID replaces the first.
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessengerClient, Place } from '../../src/main/msnp/client';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, signOutAll, waitFor } from './engine-support';

let server: RunningServer;
const log: string[] = [];

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false, log: (line) => log.push(line) });
});
afterAll(() => server.close());
afterEach(() => signOutAll());

const LAPTOP = '{E2E33006-1111-4C58-9D4D-2A5A8E3C0B11}';
const DESKTOP = '{8A9FF87F-2222-4C58-9D4D-2A5A8E3C0B11}';

/** Resolves once `client` lists places that satisfy `where`, now or later. */
async function placesOf(client: MessengerClient, where: (places: Place[]) => boolean): Promise<Place[]> {
  if (where(client.places)) return client.places;
  return waitFor(client, 'places', where);
}

describe.each([16, 18])('MSNP%i with two places', (dialect) => {
  const place = (machineGuid: string, placeName: string): MessengerClient =>
    clientFor(server, 'alice@example.com', { protocols: [dialect], machineGuid, placeName });

  it('lists each place to the other, with its name and status', async () => {
    const laptop = place(LAPTOP, 'Laptop');
    const atSignIn = waitFor(laptop, 'places');
    await laptop.signIn();
    expect(await atSignIn).toEqual([]);

    const desktop = place(DESKTOP, 'Desktop <home> & co');
    const desktopAtSignIn = waitFor(desktop, 'places');
    await desktop.signIn();
    expect(await desktopAtSignIn).toEqual([{ id: LAPTOP.toLowerCase(), name: 'Laptop', state: 'NLN' }]);
    expect(await placesOf(laptop, (p) => p[0]?.name === 'Desktop <home> & co')).toEqual([
      { id: DESKTOP.toLowerCase(), name: 'Desktop <home> & co', state: 'NLN' },
    ]);

    // A place's own status shows in the other's list.
    await desktop.setStatus('BSY');
    expect((await placesOf(laptop, (p) => p[0]?.state === 'BSY'))[0]?.name).toBe('Desktop <home> & co');

    // The other place signing out on its own empties the list.
    const gone = placesOf(laptop, (p) => p.length === 0);
    await desktop.signOut();
    await gone;
    expect(laptop.state).toBe('online');
  });

  it('shares the personal message: a new place starts with it, and set at one place it is the other’s too', async () => {
    const laptop = place(LAPTOP, 'Laptop');
    await laptop.signIn();
    await laptop.setPersonalMessage('at the office');
    const desktop = place(DESKTOP, 'Desktop');
    await desktop.signIn();
    // Signed in without one of its own, the new place shows the account's.
    if (desktop.profile.personalMessage !== 'at the office') {
      await waitFor(desktop, 'profile-changed', (p) => p.personalMessage === 'at the office');
    }
    const changed = waitFor(laptop, 'profile-changed', (p) => p.personalMessage === 'back home ☺ <3');
    await desktop.setPersonalMessage('back home ☺ <3');
    await changed;
    expect(laptop.profile.personalMessage).toBe('back home ☺ <3');
  });

  it('signs the other place out with the reason signed-in-elsewhere and stays online', async () => {
    const laptop = place(LAPTOP, 'Laptop');
    await laptop.signIn();
    const desktop = place(DESKTOP, 'Desktop');
    await desktop.signIn();
    await placesOf(laptop, (p) => p.length === 1);
    const ended = waitFor(laptop, 'signed-out');
    const reconnecting: unknown[] = [];
    laptop.on('session-ended', (e) => reconnecting.push(e));

    expect(await desktop.signOutElsewhere()).toBe(1);
    expect(log).toContainEqual(
      expect.stringMatching(new RegExp(`UUN \\d+ alice@example.com;${LAPTOP.replace(/[{}]/g, '\\$&')} 4 14`, 'i')),
    );
    expect(await ended).toEqual({
      reason: 'signed-in-elsewhere',
      message: 'You were signed out from your other place at Desktop',
    });
    expect(laptop.state).toBe('signed-out');
    expect(reconnecting).toEqual([]);
    await placesOf(desktop, (p) => p.length === 0);
    expect(desktop.state).toBe('online');
    // Nothing left to sign out.
    expect(await desktop.signOutElsewhere()).toBe(0);
  });

  it('names a place after its computer unless told otherwise, and refuses names that cannot be sent', async () => {
    const laptop = clientFor(server, 'alice@example.com', { protocols: [dialect], machineGuid: LAPTOP });
    await laptop.signIn();
    const desktop = place(DESKTOP, 'Desktop');
    await desktop.signIn();
    expect((await placesOf(desktop, (p) => p[0]?.name !== undefined && p[0].name !== ''))[0]?.name).toBe(
      hostname().trim().slice(0, 128) || 'Computer',
    );
    for (const placeName of ['', '  ', 'x'.repeat(129), 'tab\there']) {
      expect(() => place(LAPTOP, placeName)).toThrow(/place name/);
    }
  });

  it('replaces the older sign-in on the same machine with OUT OTH', async () => {
    const first = place(LAPTOP, 'Laptop');
    await first.signIn();
    const ended = waitFor(first, 'signed-out');
    const second = place(LAPTOP.toLowerCase(), 'Laptop');
    await second.signIn();
    expect(await ended).toMatchObject({ reason: 'signed-in-elsewhere' });
    expect(second.state).toBe('online');
    expect(second.places).toEqual([]);
  });
});

describe('places below MSNP16', () => {
  it('has none to list or sign out', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [15], machineGuid: LAPTOP });
    let reported = false;
    alice.on('places', () => (reported = true));
    await alice.signIn();
    expect(alice.places).toEqual([]);
    expect(reported).toBe(false);
    await expect(alice.signOutElsewhere()).rejects.toMatchObject({ kind: 'unsupported' });
  });
});
