import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, MsnApi } from '../../../src/shared/ipc';
import type { Contact } from '../../../src/shared/schemas';
import { connectSession, useSession } from '../../../src/renderer/src/store/session';

const contact = (i: number, status: Contact['status'] = 'NLN'): Contact => ({
  email: `c${i}@example.com`,
  displayName: `C${i}`,
  lists: ['FL'],
  groupIds: [],
  status,
  personalMessage: '',
  phones: {},
});

/** A window.msn whose events the test fires by hand and whose snapshot is empty. */
function fakeMsn(): { api: MsnApi; emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void } {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const values: Record<string, unknown> = {
    'session:snapshot': { phase: 'online', contacts: [], groups: [] },
    'emoticons:list': { emoticons: [] },
    'settings:get': {
      sounds: { signIn: true, message: true, nudge: true },
      notifications: { contactSignIn: true, message: true },
      autoAwayMinutes: 5,
      startMinimized: false,
      pictures: { showInContactList: true },
      transfers: {},
    },
  };
  const api = {
    invoke: async (channel: string) => ({ ok: true, value: values[channel] }),
    on: (event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as MsnApi;
  return { api, emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)) };
}

describe('session store', () => {
  let frames: (() => void)[];
  let disconnect: () => void;
  let msn: ReturnType<typeof fakeMsn>;

  beforeEach(async () => {
    frames = [];
    msn = fakeMsn();
    (globalThis as { window?: unknown }).window = { msn: msn.api };
    disconnect = connectSession((flush) => frames.push(flush));
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

  afterEach(() => {
    disconnect();
    delete (globalThis as { window?: unknown }).window;
  });

  it('applies a burst of 600 presence changes in one store update per frame', () => {
    let updates = 0;
    const stop = useSession.subscribe(() => (updates += 1));
    for (let i = 0; i < 600; i += 1) msn.emit('contacts:changed', { upserted: [contact(i)], removed: [] });
    expect(updates).toBe(0);
    expect(frames).toHaveLength(1);
    frames.shift()?.();
    expect(updates).toBe(1);
    expect(Object.keys(useSession.getState().contacts)).toHaveLength(600);

    msn.emit('contacts:changed', { upserted: [contact(5, 'BSY')], removed: ['c6@example.com'] });
    frames.shift()?.();
    expect(updates).toBe(2);
    expect(useSession.getState().contacts['c5@example.com']?.status).toBe('BSY');
    expect(useSession.getState().contacts['c6@example.com']).toBeUndefined();
    stop();
  });

  it('keeps the other places until they change or the session ends', () => {
    const place = { id: '{8a9ff87f-2222-4c58-9d4d-2a5a8e3c0b11}', name: 'Desktop', state: 'NLN' as const };
    expect(useSession.getState().places).toEqual([]);
    msn.emit('session:places', { places: [place] });
    expect(useSession.getState().places).toEqual([place]);
    msn.emit('session:signed-out', { reason: 'signed-in-elsewhere', message: 'x' });
    expect(useSession.getState().places).toEqual([]);
  });

  it('drops changes queued before a whole new list arrived', () => {
    msn.emit('contacts:changed', { upserted: [contact(1, 'AWY')], removed: [] });
    msn.emit('contacts:loaded', { contacts: [contact(1, 'NLN')], groups: [] });
    frames.shift()?.();
    expect(useSession.getState().contacts['c1@example.com']?.status).toBe('NLN');
  });

  it('keeps who was signed in and why the session ended', () => {
    msn.emit('session:signed-in', {
      protocol: 'MSNP12',
      profile: { email: 'me@example.com', displayName: 'Me', status: 'NLN', personalMessage: '' },
    });
    msn.emit('session:signed-out', { reason: 'signed-in-elsewhere', message: 'OUT OTH' });
    const state = useSession.getState();
    expect(state.phase).toBe('signed-out');
    expect(state.profile).toBeNull();
    expect(state.lastEmail).toBe('me@example.com');
    expect(state.signOut?.reason).toBe('signed-in-elsewhere');
    expect(state.settings?.autoAwayMinutes).toBe(5);
  });
});
