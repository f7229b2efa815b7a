import { describe, expect, it, vi } from 'vitest';
import {
  CommandError,
  commands,
  createDispatcher,
  createEmitter,
  type CommandName,
  type Handlers,
} from '../../../src/shared/ipc';

type Ctx = { senderId: string };

/** Handlers that fail loudly unless a test overrides the one it calls. */
function handlers(overrides: Partial<Handlers<Ctx>>): Handlers<Ctx> {
  const all = Object.fromEntries(
    (Object.keys(commands) as CommandName[]).map((name) => [
      name,
      () => {
        throw new Error(`unexpected call to ${name}`);
      },
    ]),
  ) as unknown as Handlers<Ctx>;
  return { ...all, ...overrides };
}

const ctx = { senderId: 'window-1' };

describe('createDispatcher', () => {
  it('passes a valid payload, parsed, to its handler and returns the result', async () => {
    const setStatus = vi.fn(async () => undefined);
    const dispatch = createDispatcher(handlers({ 'presence:set-status': setStatus }));
    expect(await dispatch('presence:set-status', { status: 'BSY' }, ctx)).toEqual({ ok: true, value: undefined });
    expect(setStatus).toHaveBeenCalledWith({ status: 'BSY' }, ctx);
  });

  it('normalises input through the schema before the handler sees it', async () => {
    const add = vi.fn(async () => undefined);
    const dispatch = createDispatcher(handlers({ 'contacts:add': add }));
    await dispatch('contacts:add', { email: '  Bob@Example.com ' }, ctx);
    expect(add).toHaveBeenCalledWith({ email: 'bob@example.com' }, ctx);
  });

  it.each([
    ['a wrong type', 'presence:set-status', { status: 'FLN' }],
    ['a missing field', 'profile:set-display-name', {}],
    ['an extra field', 'presence:set-status', { status: 'NLN', evil: true }],
    ['not an object', 'contacts:add', 'bob@example.com'],
    ['an invalid e-mail', 'contacts:add', { email: 'bob' }],
    ['a non-http link', 'shell:open-external', { url: 'file:///etc/passwd' }],
  ])('rejects %s without calling the handler', async (_what, channel, payload) => {
    const spy = vi.fn();
    const dispatch = createDispatcher(
      handlers({
        'presence:set-status': spy,
        'profile:set-display-name': spy,
        'contacts:add': spy,
        'shell:open-external': spy,
      }),
    );
    const result = await dispatch(channel, payload, ctx);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('invalid-payload');
    expect(spy).not.toHaveBeenCalled();
  });

  it.each([['system:exec'], ['__proto__'], ['toString'], [42]])('rejects the unknown channel %j', async (channel) => {
    const result = await createDispatcher(handlers({}))(channel, {}, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('turns a CommandError into a failed result with its detail code', async () => {
    const dispatch = createDispatcher(
      handlers({
        'contacts:add': async () => {
          throw new CommandError('Bob is already on your list.', 215);
        },
      }),
    );
    expect(await dispatch('contacts:add', { email: 'bob@example.com' }, ctx)).toEqual({
      ok: false,
      error: { code: 'failed', message: 'Bob is already on your list.', detail: 215 },
    });
  });

  it('refuses a handler result that breaks the contract', async () => {
    const dispatch = createDispatcher(
      handlers({ 'groups:create': async () => ({ id: 7 }) as unknown as { id: string } }),
    );
    expect(await dispatch('groups:create', { name: 'Friends' }, ctx)).toMatchObject({
      ok: false,
      error: { code: 'failed' },
    });
  });
});

describe('createEmitter', () => {
  it('delivers valid events to the transport', () => {
    const send = vi.fn();
    createEmitter(send)('conversation:typing', { conversationId: 'c1', email: 'bob@example.com' });
    expect(send).toHaveBeenCalledWith('conversation:typing', { conversationId: 'c1', email: 'bob@example.com' });
  });

  it('never sends an event that breaks the contract', () => {
    const send = vi.fn();
    const emit = createEmitter(send);
    expect(() => emit('session:phase', { phase: 'dancing' } as never)).toThrow();
    expect(send).not.toHaveBeenCalled();
  });
});
