import { describe, expect, it } from 'vitest';
import { Contact } from '../../../src/shared/schemas';
import { ContactList, isPendingAddition, listsFromMask } from '../../../src/main/msnp/contact-list';

describe('ContactList', () => {
  it('maps LST bitmasks to list names in a fixed order', () => {
    expect(listsFromMask(11)).toEqual(['FL', 'AL', 'RL']);
    expect(listsFromMask(13)).toEqual(['FL', 'BL', 'RL']);
    expect(listsFromMask(16)).toEqual(['PL']);
    expect(listsFromMask(0)).toEqual([]);
  });

  it('builds contacts one list at a time, keyed case-insensitively', () => {
    const model = new ContactList('alice@example.com');
    model.addToList('Bob@Example.com', 'RL', { displayName: 'Bob' });
    model.addToList('bob@example.com', 'FL', { groupIds: ['1'] });
    model.addToList('bob@example.com', 'AL');
    expect(model.get('BOB@example.com')).toMatchObject({
      email: 'bob@example.com',
      displayName: 'Bob',
      lists: ['FL', 'AL', 'RL'],
      groupIds: ['1'],
      status: 'FLN',
    });
  });

  it('forgets a contact left on no list, and leaving FL drops its groups', () => {
    const model = new ContactList('alice@example.com');
    model.setLists('bob@example.com', ['FL', 'AL'], { groupIds: ['1', '2'] });
    expect(model.removeFromList('bob@example.com', 'FL', '1').contact?.groupIds).toEqual(['2']);
    expect(model.removeFromList('bob@example.com', 'FL').contact).toMatchObject({ lists: ['AL'], groupIds: [] });
    expect(model.removeFromList('bob@example.com', 'AL')).toEqual({ removed: true });
    expect(model.contacts()).toEqual([]);
    expect(model.removeFromList('nobody@example.com', 'AL')).toEqual({ removed: false });
  });

  it('keeps presence only for listed contacts and clears what an offline contact no longer has', () => {
    const model = new ContactList('alice@example.com');
    expect(model.setPresence('stranger@example.com', { status: 'NLN' })).toBeUndefined();
    model.setLists('bob@example.com', ['FL']);
    model.setPresence('bob@example.com', {
      status: 'BSY',
      displayName: 'Bob',
      clientId: 5,
      msnObject: '<msnobj Creator="b"/>',
    });
    expect(model.get('bob@example.com')).toMatchObject({ status: 'BSY', displayName: 'Bob', clientId: 5 });
    model.setPresence('bob@example.com', { status: 'NLN' });
    expect(model.get('bob@example.com')?.clientId).toBeUndefined();
    expect(model.get('bob@example.com')?.msnObject).toBeUndefined();
    expect(model.get('bob@example.com')?.displayName).toBe('Bob');
  });

  it('removes a deleted group from its members', () => {
    const model = new ContactList('alice@example.com');
    model.upsertGroup('1', 'Friends');
    model.setLists('bob@example.com', ['FL'], { groupIds: ['1'] });
    expect(model.removeGroup('1')).toBe(true);
    expect(model.removeGroup('1')).toBe(false);
    expect(model.get('bob@example.com')?.groupIds).toEqual([]);
  });

  it('applies a stream BPR to the last listed contact', () => {
    const model = new ContactList('alice@example.com');
    model.setLists('bob@example.com', ['FL']);
    model.setPhone(undefined, 'PHH', '555');
    model.setPhone('bob@example.com', 'PHW', '777');
    model.setPhone('bob@example.com', 'PHH', '');
    expect(model.get('bob@example.com')?.phones).toEqual({ PHW: '777' });
  });

  it('tells pending additions apart and resolves them', () => {
    const model = new ContactList('alice@example.com');
    const pending = model.setLists('dave@example.com', ['PL']);
    const oldStyle = model.setLists('erin@example.com', ['RL']);
    const allowed = model.setLists('fay@example.com', ['AL', 'RL']);
    expect([pending, oldStyle, allowed].map((c) => c !== undefined && isPendingAddition(c))).toEqual([
      true,
      true,
      false,
    ]);
    model.addToList('dave@example.com', 'AL');
    expect(model.resolvePending('dave@example.com')?.lists).toEqual(['AL', 'RL']);
  });

  it('clamps whatever a server sends so snapshots satisfy the shared schema', () => {
    const model = new ContactList('alice@example.com');
    model.setLists('bob@example.com', ['FL'], {
      displayName: 'x'.repeat(5000),
      guid: 'g'.repeat(100),
      groupIds: ['y'.repeat(100)],
    });
    model.setPersonalMessage('bob@example.com', 'p'.repeat(10_000));
    model.setPresence('bob@example.com', { status: 'NLN', msnObject: 'm'.repeat(10_000) });
    expect(model.setLists('z'.repeat(300), ['FL'])).toBeUndefined();
    expect(model.upsertGroup('q'.repeat(65), 'too long an id')).toBeUndefined();
    for (const contact of model.contacts()) expect(() => Contact.parse(contact)).not.toThrow();
  });

  it('hands out copies, never its own state', () => {
    const model = new ContactList('alice@example.com');
    model.setLists('bob@example.com', ['FL']);
    const copy = model.get('bob@example.com');
    copy?.lists.push('BL');
    expect(model.get('bob@example.com')?.lists).toEqual(['FL']);
  });
});
