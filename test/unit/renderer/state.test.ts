import { describe, expect, it } from 'vitest';
import type { Contact, DeliveryState } from '../../../src/shared/schemas';
import { createBatcher, createRateLimiter } from '../../../src/renderer/src/lib/batch';
import { applyContactChanges, toContactMap } from '../../../src/renderer/src/lib/contactsState';
import {
  applyDelivery,
  deliveryOf,
  fromSnapshotEntry,
  startsBlock,
  type LogEntry,
} from '../../../src/renderer/src/lib/conversationLog';
import { parseRoute } from '../../../src/renderer/src/lib/route';
import { phaseMessage, signOutMessage } from '../../../src/renderer/src/lib/words';

const contact = (email: string, status: Contact['status'] = 'NLN'): Contact =>
  ({ email, displayName: email, status, groupIds: [], lists: ['FL'], personalMessage: '', phones: {} }) as Contact;

describe('createBatcher', () => {
  it('delivers everything queued before a frame in one flush', () => {
    const frames: (() => void)[] = [];
    const flushed: number[][] = [];
    const push = createBatcher<number>(
      (items) => flushed.push(items),
      (run) => frames.push(run),
    );
    for (let i = 0; i < 600; i += 1) push(i);
    expect(frames).toHaveLength(1);
    frames.shift()?.();
    push(600);
    frames.shift()?.();
    expect(flushed.map((f) => f.length)).toEqual([600, 1]);
  });
});

describe('createRateLimiter', () => {
  it('allows one action per interval', () => {
    let now = 1000;
    const allowed = createRateLimiter(10_000, () => now);
    expect(allowed()).toBe(true);
    now += 9_999;
    expect(allowed()).toBe(false);
    now += 1;
    expect(allowed()).toBe(true);
  });
});

describe('applyContactChanges', () => {
  it('applies a batch in order in one new map, keeping unchanged contacts as they were', () => {
    const before = toContactMap([contact('A@x.com'), contact('b@x.com')]);
    const after = applyContactChanges(before, [
      { upserted: [contact('a@x.com', 'BSY')], removed: [] },
      { upserted: [contact('c@x.com')], removed: ['B@x.com'] },
      { upserted: [contact('a@x.com', 'AWY')], removed: [] },
    ]);
    expect(Object.keys(after).sort()).toEqual(['a@x.com', 'c@x.com']);
    expect(after['a@x.com']?.status).toBe('AWY');
    expect(before['b@x.com']).toBeDefined();
    const same = applyContactChanges(after, [{ upserted: [contact('d@x.com')], removed: [] }]);
    expect(same['c@x.com']).toBe(after['c@x.com']);
    expect(applyContactChanges(after, [])).toBe(after);
  });
});

describe('conversation log', () => {
  const from = { email: 'me@x.com', displayName: 'Me' };
  const outgoing = (ids: string[]): Extract<LogEntry, { kind: 'message' }> => ({
    kind: 'message',
    key: 'k',
    ids,
    from,
    outgoing: true,
    text: 'hi',
    at: 1,
    delivery: Object.fromEntries(ids.map((id) => [id, 'sending' as const])),
  });

  it('is delivered only when every part is, and failed as soon as one part fails', () => {
    let entries: LogEntry[] = [outgoing(['m1', 'm2'])];
    entries = applyDelivery(entries, 'm1', 'delivered', undefined);
    expect(deliveryOf(entries[0] as Extract<LogEntry, { kind: 'message' }>)).toBe('sending');
    entries = applyDelivery(entries, 'm2', 'delivered', undefined);
    expect(deliveryOf(entries[0] as Extract<LogEntry, { kind: 'message' }>)).toBe('delivered');
    entries = applyDelivery([outgoing(['m3', 'm4'])], 'm4', 'failed', 'Nobody is there');
    expect(entries[0]).toMatchObject({ failureReason: 'Nobody is there' });
    expect(deliveryOf(entries[0] as Extract<LogEntry, { kind: 'message' }>)).toBe('failed');
  });

  it('waits while queued, stays stored for later, and keeps a failure that may not be one', () => {
    const one = (entries: LogEntry[]): DeliveryState | undefined =>
      deliveryOf(entries[0] as Extract<LogEntry, { kind: 'message' }>);
    expect(one(applyDelivery([outgoing(['q'])], 'q', 'queued', undefined))).toBe('queued');
    expect(one(applyDelivery([outgoing(['o'])], 'o', 'offline', undefined))).toBe('offline');
    const lost = applyDelivery([outgoing(['u'])], 'u', 'failed', 'No ACK: it may not have been delivered', true);
    expect(lost[0]).toMatchObject({ uncertain: true, failureReason: 'No ACK: it may not have been delivered' });
    expect(one(lost)).toBe('failed');
    expect(applyDelivery([outgoing(['n'])], 'n', 'failed', 'Refused')[0]).not.toHaveProperty('uncertain');
  });

  it('reads snapshot entries, keeping their delivery state and offline mark', () => {
    expect(
      fromSnapshotEntry({ kind: 'message', id: 'r1', from, outgoing: false, text: 'later', at: 3, offline: true }),
    ).toMatchObject({ ids: ['r1'], offline: true, at: 3 });

    const entry = fromSnapshotEntry({
      kind: 'message',
      id: 'm9',
      from,
      outgoing: true,
      text: 't',
      at: 2,
      delivery: 'failed',
    });
    expect(entry).toMatchObject({ ids: ['m9'], delivery: { m9: 'failed' } });
  });

  it('starts a new "says:" block when the sender changes or something else came between', () => {
    const other = { ...outgoing([]), from: { email: 'b@x.com', displayName: 'B' } };
    const entries: LogEntry[] = [
      outgoing([]),
      outgoing([]),
      other,
      { kind: 'system', key: 's', text: 'x', at: 1 },
      other,
    ];
    expect(entries.map((_, i) => startsBlock(entries, i))).toEqual([true, false, true, true, true]);
  });
});

describe('parseRoute', () => {
  it('reads the window hashes', () => {
    expect(parseRoute('')).toEqual({ kind: 'contact-list' });
    expect(parseRoute('#/')).toEqual({ kind: 'contact-list' });
    expect(parseRoute('#/options')).toEqual({ kind: 'options' });
    expect(parseRoute('#/conversation/a%20b')).toEqual({ kind: 'conversation', conversationId: 'a b' });
    expect(parseRoute('#/conversation/%E0%A4%A')).toEqual({ kind: 'contact-list' });
    expect(parseRoute(`#/conversation/${'x'.repeat(65)}`)).toEqual({ kind: 'contact-list' });
  });
});

describe('words', () => {
  it('explains every way a session can end except the user signing out', () => {
    expect(signOutMessage('user')).toBeNull();
    expect(signOutMessage('wrong-credentials')).toMatch(/password/);
    expect(signOutMessage('signed-in-elsewhere')).toMatch(/another location/);
    expect(signOutMessage('unreachable')).toMatch(/could not reach/);
    expect(signOutMessage('protocol-error')).toMatch(/does not understand/);
    expect(phaseMessage('syncing')).toBe('Getting your contact list...');
  });
});
