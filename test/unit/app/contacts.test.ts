import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../src/shared/ipc';
import type { Contact, Status } from '../../../src/shared/schemas';
import { ContactBatcher, ContactsService, type Timers } from '../../../src/main/app/contacts';

/** Timers that fire only when the test says time has passed. */
class ManualTimers implements Timers {
  private now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.now) continue;
      this.pending.delete(id);
      timer.callback();
    }
  }
}

const contact = (n: number, status: Status = 'NLN', extra: Partial<Contact> = {}): Contact => ({
  email: `c${n}@example.com`,
  displayName: `Contact ${n}`,
  lists: ['FL', 'AL'],
  groupIds: [],
  status,
  personalMessage: '',
  phones: {},
  ...extra,
});

type Batch = EventPayload<'contacts:changed'>;

describe('contact batcher', () => {
  it('turns a burst of 600 presence changes into one event', () => {
    const timers = new ManualTimers();
    const batches: Batch[] = [];
    const batcher = new ContactBatcher((b) => batches.push(b), 50, timers);
    for (let i = 0; i < 600; i++) batcher.upsert(contact(i));
    expect(batches).toHaveLength(0);
    timers.advance(49);
    expect(batches).toHaveLength(0);
    timers.advance(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.upserted).toHaveLength(600);
  });

  it('keeps only the latest state of a contact that changed several times in the window', () => {
    const timers = new ManualTimers();
    const batches: Batch[] = [];
    const batcher = new ContactBatcher((b) => batches.push(b), 50, timers);
    batcher.upsert(contact(1, 'NLN'));
    batcher.upsert(contact(1, 'AWY'));
    batcher.upsert(contact(2, 'NLN'));
    batcher.remove('c2@example.com');
    batcher.remove('c3@example.com');
    batcher.upsert(contact(3, 'BSY'));
    timers.advance(50);
    expect(batches).toEqual([{ upserted: [contact(1, 'AWY'), contact(3, 'BSY')], removed: ['c2@example.com'] }]);
  });

  it('starts a new window after emitting, so a steady trickle is delivered in pieces', () => {
    const timers = new ManualTimers();
    const batches: Batch[] = [];
    const batcher = new ContactBatcher((b) => batches.push(b), 50, timers);
    for (let i = 0; i < 10; i++) {
      batcher.upsert(contact(i));
      timers.advance(20);
    }
    timers.advance(50);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flatMap((b) => b.upserted.map((c) => c.email))).toEqual(
      Array.from({ length: 10 }, (_, i) => `c${i}@example.com`),
    );
  });

  it('flushes on demand and discards on demand', () => {
    const timers = new ManualTimers();
    const batches: Batch[] = [];
    const batcher = new ContactBatcher((b) => batches.push(b), 50, timers);
    batcher.upsert(contact(1));
    batcher.flush();
    expect(batches).toHaveLength(1);
    batcher.upsert(contact(2));
    batcher.discard();
    timers.advance(100);
    expect(batches).toHaveLength(1);
    batcher.flush();
    expect(batches).toHaveLength(1);
  });
});

describe('contacts service', () => {
  function service() {
    const timers = new ManualTimers();
    const events = { loaded: [] as unknown[], changed: [] as Batch[], signedIn: [] as string[] };
    const contacts = new ContactsService(
      {
        loaded: (p) => events.loaded.push(p),
        changed: (b) => events.changed.push(b),
        signedIn: (c) => events.signedIn.push(c.email),
      },
      50,
      timers,
    );
    return { contacts, events, timers };
  }

  it('does not repeat the presence already in the loaded list, nor call it signing in', () => {
    const { contacts, events, timers } = service();
    contacts.load([contact(1, 'NLN'), contact(2, 'FLN')], [], { blp: 'AL', gtc: 'A' });
    contacts.update(contact(1, 'NLN'));
    timers.advance(50);
    expect(events.loaded).toHaveLength(1);
    expect(events.changed).toEqual([]);
    expect(events.signedIn).toEqual([]);
  });

  it('reports a contact going from offline to online as signing in, once', () => {
    const { contacts, events, timers } = service();
    contacts.load([contact(1, 'FLN')], [], { blp: 'AL', gtc: 'A' });
    contacts.update(contact(1, 'NLN'));
    contacts.update(contact(1, 'AWY'));
    contacts.update(contact(1, 'FLN'));
    contacts.update(contact(1, 'BSY'));
    timers.advance(50);
    expect(events.signedIn).toEqual(['c1@example.com', 'c1@example.com']);
    expect(events.changed).toEqual([{ upserted: [contact(1, 'BSY')], removed: [] }]);
  });

  it('keeps the snapshot current before the batch goes out', () => {
    const { contacts } = service();
    contacts.load([contact(1, 'FLN')], [{ id: '1', name: 'Friends' }], { blp: 'AL', gtc: 'A' });
    contacts.update(contact(1, 'NLN', { personalMessage: 'hi' }));
    expect(contacts.snapshot()).toEqual({
      contacts: [contact(1, 'NLN', { personalMessage: 'hi' })],
      groups: [{ id: '1', name: 'Friends' }],
      privacy: { blp: 'AL', gtc: 'A' },
    });
    expect(contacts.get('C1@example.com')?.status).toBe('NLN');
  });

  it('removes a contact that is on no list any more', () => {
    const { contacts, events, timers } = service();
    contacts.load([contact(1), contact(2)], [], { blp: 'AL', gtc: 'A' });
    contacts.listChanged('c2@example.com', undefined);
    contacts.listChanged('c9@example.com', undefined);
    timers.advance(50);
    expect(events.changed).toEqual([{ upserted: [], removed: ['c2@example.com'] }]);
    expect(contacts.snapshot().contacts.map((c) => c.email)).toEqual(['c1@example.com']);
  });

  it('drops pending changes when a new list replaces the old one', () => {
    const { contacts, events, timers } = service();
    contacts.load([contact(1, 'FLN')], [], { blp: 'AL', gtc: 'A' });
    contacts.update(contact(1, 'NLN'));
    contacts.load([contact(1, 'NLN')], [], { blp: 'AL', gtc: 'A' });
    timers.advance(50);
    expect(events.changed).toEqual([]);
    expect(events.loaded).toHaveLength(2);
  });
});
