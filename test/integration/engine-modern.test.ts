// MSNP13+ sign-in against the reference server: Passport 1.4 (13/14) or SSO (15+), the address
// book and memberships over SOAP, the initial ADL, presence in these dialects' syntax, chat, and
// refused passwords.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT } from '../../src/main/msnp/format';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, failure, presenceOf, signOutAll, waitFor } from './engine-support';

let server: RunningServer;
const log: string[] = [];

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false, log: (line) => log.push(line) });
});
afterAll(() => server.close());
afterEach(() => signOutAll());

const MODERN_DIALECTS = [13, 14, 15, 16, 17, 18] as const;

describe.each(MODERN_DIALECTS)('MSNP%i (address book over SOAP)', (dialect) => {
  it('loads the list from the address book and follows presence both ways', async () => {
    const bob = clientFor(server, 'bob@example.com', {
      protocols: [dialect],
      status: 'BSY',
      personalMessage: 'on a call',
    });
    await bob.signIn();
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    const signedIn = waitFor(alice, 'signed-in');
    const list = waitFor(alice, 'contact-list');
    const soapBefore = log.filter((l) => /soap .*(FindMembership|ABFindAll)$/.test(l)).length;
    await alice.signIn();

    expect(await signedIn).toMatchObject({
      protocol: `MSNP${dialect}`,
      profile: { email: 'alice@example.com', displayName: 'Alice Smith', status: 'NLN' },
    });
    const { contacts } = await list;
    expect(contacts.map((c) => [c.email, c.displayName, c.lists, c.status])).toEqual([
      ['bob@example.com', 'Bob Ünicode ☺', ['FL', 'AL', 'RL'], 'BSY'],
      ['carol@example.com', 'Carol', ['FL', 'AL', 'RL'], 'FLN'],
    ]);
    expect(contacts.every((c) => c.guid !== undefined)).toBe(true);
    expect(log.filter((l) => /soap .*(FindMembership|ABFindAll)$/.test(l)).length - soapBefore).toBe(2);
    expect(alice.getContact('bob@example.com')?.personalMessage).toBe('on a call');
    await presenceOf(bob, 'alice@example.com', (c) => c.status === 'NLN' && c.displayName === 'Alice Smith');

    const away = presenceOf(alice, 'bob@example.com', (c) => c.status === 'AWY');
    await bob.setStatus('AWY');
    await away;
    const busy = presenceOf(bob, 'alice@example.com', (c) => c.status === 'BSY');
    await alice.setStatus('BSY');
    await busy;
    const mood = presenceOf(alice, 'bob@example.com', (c) => c.personalMessage === 'back soon');
    await bob.setPersonalMessage('back soon');
    await mood;
    const offline = presenceOf(alice, 'bob@example.com', (c) => c.status === 'FLN');
    await bob.signOut();
    await offline;
  });

  it('chats over the switchboard', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect] });
    const bob = clientFor(server, 'bob@example.com', { protocols: [dialect] });
    await Promise.all([alice.signIn(), bob.signIn()]);
    const id = alice.conversations.open('bob@example.com');
    const received = new Promise<{ conversationId: string; text: string; from: { email: string } }>((resolve) => {
      const off = bob.conversations.on('message', (m) => {
        off();
        resolve(m);
      });
    });
    const delivered = new Promise((resolve) => {
      const off = alice.conversations.on('delivery', (d) => {
        off();
        resolve(d.state);
      });
    });
    alice.conversations.send(id, 'hello from the address-book era ☺', DEFAULT_FORMAT);
    expect(await delivered).toBe('delivered');
    const message = await received;
    expect(message).toMatchObject({ text: 'hello from the address-book era ☺', from: { email: 'alice@example.com' } });
    const reply = new Promise<string>((resolve) => {
      const off = alice.conversations.on('message', (m) => {
        off();
        resolve(m.text);
      });
    });
    bob.conversations.send(message.conversationId, 'hi Alice', DEFAULT_FORMAT);
    expect(await reply).toBe('hi Alice');
    // From MSNP16 Bob's place joins as bob@example.com;{guid} and as the bare address: one person.
    expect(alice.conversations.participants(id)).toEqual([{ email: 'bob@example.com', displayName: 'Bob Ünicode ☺' }]);
    expect(bob.conversations.participants(message.conversationId)).toEqual([
      { email: 'alice@example.com', displayName: 'Alice Smith' },
    ]);
  });

  it('refuses a wrong password as refused credentials', async () => {
    const alice = clientFor(server, 'alice@example.com', { protocols: [dialect], password: 'wrong' });
    const signedOut = waitFor(alice, 'signed-out');
    expect(await failure(alice.signIn())).toMatchObject({ kind: 'auth' });
    expect(await signedOut).toMatchObject({ reason: 'wrong-credentials' });
  });
});

describe('SSO', () => {
  it('asks the login service once and signs in again with the kept token', async () => {
    const rst = (): number => log.filter((l) => l.startsWith('soap /RST.srf')).length;
    const before = rst();
    const alice = clientFor(server, 'alice@example.com', { protocols: [18, 17, 16, 15] });
    await alice.signIn();
    expect(alice.dialect).toBe(18);
    await alice.signOut();
    await alice.signIn();
    expect(rst() - before).toBe(1);
  });

  it('refuses a malformed machine GUID before connecting', () => {
    expect(() => clientFor(server, 'alice@example.com', { protocols: [16], machineGuid: 'laptop' })).toThrow(
      /machine GUID/,
    );
  });
});

describe('mixed dialects', () => {
  it('an MSNP14 and an MSNP12 client see each other', async () => {
    const bob = clientFor(server, 'bob@example.com', { protocols: [12] });
    const alice = clientFor(server, 'alice@example.com', { protocols: [14] });
    await Promise.all([bob.signIn(), alice.signIn()]);
    await presenceOf(alice, 'bob@example.com', (c) => c.status === 'NLN');
    await presenceOf(bob, 'alice@example.com', (c) => c.status === 'NLN');
  });
});
