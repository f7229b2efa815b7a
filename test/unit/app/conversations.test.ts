// Conversations across the end of a notification session, with the engine's real conversation
// manager on a link that can be cut at will (no switchboard is ever reached).
import { describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../../src/shared/ipc';
import { CommandError, createEmitter } from '../../../src/shared/ipc';
import { ConversationsService } from '../../../src/main/app/conversations';
import { ConversationManager, type NotificationLink } from '../../../src/main/msnp/conversation';
import { MsnpError } from '../../../src/main/msnp/errors';
import { DEFAULT_FORMAT } from '../../../src/main/msnp/format';

function setup() {
  const ended: ((reason: string) => void)[] = [];
  const link: NotificationLink = {
    email: 'me@example.com',
    requestSwitchboard: () => Promise.reject(new MsnpError('state', 'Not signed in')),
    onInvitation: () => undefined,
    onEnded: (listener) => void ended.push(listener),
  };
  const manager = new ConversationManager(link);
  const events: { name: EventName; payload: unknown }[] = [];
  const waiters: { name: EventName; resolve: (payload: unknown) => void }[] = [];
  const service = new ConversationsService({
    emit: createEmitter((name, payload) => {
      events.push({ name, payload });
      const waiter = waiters.find((w) => w.name === name);
      if (waiter) waiters.splice(waiters.indexOf(waiter), 1)[0]?.resolve(payload);
    }),
    self: () => ({ email: 'me@example.com', displayName: 'Me' }),
    nameOf: (email) => (email === 'bob@example.com' ? 'Bob' : email),
    isOffline: (email) => email === 'carol@example.com',
    pictureOf: () => undefined,
    incoming: () => undefined,
    reportError: () => undefined,
    now: () => 1000,
  });
  service.attach(manager, undefined, 'me@example.com');
  service.connected();
  const endSession = (reason: string): void => ended.forEach((listener) => listener(reason));
  const next = <E extends EventName>(name: E): Promise<EventPayload<E>> =>
    new Promise((resolve) => waiters.push({ name, resolve: resolve as (payload: unknown) => void }));
  return { service, events, endSession, next };
}

describe('conversations service', () => {
  it('opens one conversation per contact, named from the contact list', () => {
    const { service, events } = setup();
    const id = service.open('Bob@example.com');
    expect(service.open('bob@example.com')).toBe(id);
    expect(service.open('carol@example.com')).not.toBe(id);
    expect(events[0]).toEqual({
      name: 'conversation:opened',
      payload: { conversationId: id, participants: [{ email: 'bob@example.com', displayName: 'Bob' }] },
    });
    expect(service.snapshot(id)).toEqual({
      conversationId: id,
      participants: [{ email: 'bob@example.com', displayName: 'Bob' }],
      entries: [],
    });
  });

  it('refuses, before asking for a switchboard, a message to someone offline, with the reason', () => {
    const { service, events } = setup();
    const id = service.open('carol@example.com');
    expect(() => service.send(id, 'are you there?', DEFAULT_FORMAT)).toThrow(
      'carol@example.com is offline. Your text is still in the box: send it once they sign in.',
    );
    // Nothing was recorded as sent, so nothing can be reported as failed later.
    expect(service.snapshot(id).entries).toEqual([]);
    expect(events.map((e) => e.name)).toEqual(['conversation:opened']);
  });

  it('refuses a conversation with yourself', () => {
    const { service } = setup();
    expect(() => service.open('me@example.com')).toThrow(CommandError);
  });

  it('keeps the conversation, its id and its history when the session drops', async () => {
    const { service, events, endSession, next } = setup();
    const id = service.open('bob@example.com');
    const failed = next('conversation:delivery');
    const [messageId] = service.send(id, 'first', DEFAULT_FORMAT);
    expect(await failed).toMatchObject({ conversationId: id, messageId, state: 'failed' });

    endSession('The connection was lost');
    expect(events.some((e) => e.name === 'conversation:closed')).toBe(false);
    expect(service.open('bob@example.com')).toBe(id);

    // The next message goes out on a new engine conversation, under the same id.
    const again = next('conversation:delivery');
    const [second] = service.send(id, 'second', DEFAULT_FORMAT);
    expect(await again).toMatchObject({ conversationId: id, messageId: second });
    expect(service.snapshot(id).entries).toMatchObject([
      {
        kind: 'message',
        id: messageId,
        text: 'first',
        outgoing: true,
        delivery: 'failed',
        failureReason: expect.any(String),
      },
      { kind: 'message', id: second, text: 'second', outgoing: true },
    ]);
  });

  it('ends every conversation on sign-out, keeping the history until the window closes', () => {
    const { service, events } = setup();
    const id = service.open('bob@example.com');
    service.endAll('You signed out');
    expect(events.at(-1)).toEqual({
      name: 'conversation:closed',
      payload: { conversationId: id, reason: 'You signed out' },
    });
    expect(service.snapshot(id).entries).toEqual([{ kind: 'system', text: 'You signed out', at: 1000 }]);
    expect(() => service.send(id, 'hello', DEFAULT_FORMAT)).toThrow('This conversation has ended');
    service.close(id);
    expect(() => service.snapshot(id)).toThrow('That conversation is not open');
    expect(events.filter((e) => e.name === 'conversation:closed')).toHaveLength(1);
  });

  it('closes a conversation when its window closes, once', () => {
    const { service, events } = setup();
    const id = service.open('bob@example.com');
    service.close(id);
    service.close(id);
    expect(events.filter((e) => e.name === 'conversation:closed')).toEqual([
      { name: 'conversation:closed', payload: { conversationId: id, reason: 'The conversation was closed' } },
    ]);
    expect(service.open('bob@example.com')).not.toBe(id);
  });
});
