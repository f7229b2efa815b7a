// Pure pieces of the engine: error table, reconnect back-off, keep-alive, command builders, OUT reasons.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Contact } from '../../../src/shared/schemas';
import { outcomeOf, signInFailureReason } from '../../../src/main/msnp/client';
import {
  addToGroupCommand,
  addToListCommand,
  createGroupCommand,
  displayNameCommand,
  removeFromGroupCommand,
  removeFromListCommand,
  renameGroupCommand,
  statusCommand,
} from '../../../src/main/msnp/commands';
import { MsnpError, serverError } from '../../../src/main/msnp/errors';
import { KeepAlive } from '../../../src/main/msnp/keepalive';
import { Backoff } from '../../../src/main/msnp/reconnect';

describe('serverError', () => {
  it('maps codes to kind, message and fatality', () => {
    expect(serverError(911, 'USR')).toMatchObject({ kind: 'auth', code: 911, fatal: true, command: 'USR' });
    expect(serverError(215)).toMatchObject({
      kind: 'server',
      code: 215,
      fatal: false,
      message: 'Already on that list',
    });
    expect(serverError(216).message).toBe('Not on that list');
    expect(serverError(540)).toMatchObject({ kind: 'server', fatal: true });
    expect(serverError(999)).toMatchObject({ kind: 'server', code: 999, fatal: false, message: 'Unknown error 999' });
    expect(serverError(911)).toBeInstanceOf(MsnpError);
  });

  it('words why a sign-in failed', () => {
    expect(signInFailureReason(serverError(911))).toBe('wrong-credentials');
    expect(signInFailureReason(new MsnpError('auth', 'bad password'))).toBe('wrong-credentials');
    expect(signInFailureReason(new MsnpError('timeout', 'slow'))).toBe('unreachable');
    expect(signInFailureReason(new MsnpError('network', 'refused'))).toBe('unreachable');
    expect(signInFailureReason(serverError(600))).toBe('server-error');
    expect(signInFailureReason(new MsnpError('protocol', 'garbage'))).toBe('protocol-error');
  });
});

describe('OUT reasons', () => {
  it('never reconnects after OUT OTH and reconnects after a shutdown', () => {
    expect(outcomeOf('OTH')).toMatchObject({ reason: 'signed-in-elsewhere', reconnect: false });
    expect(outcomeOf('SSD')).toMatchObject({ reason: 'server-shutdown', reconnect: true });
    expect(outcomeOf('RCT', '6')).toMatchObject({ reason: 'server-shutdown', reconnect: true, delayMs: 360_000 });
    expect(outcomeOf('TOU')).toMatchObject({ reason: 'server-error', reconnect: false });
    expect(outcomeOf(undefined)).toMatchObject({ reason: 'connection-lost', reconnect: true });
  });
});

describe('Backoff', () => {
  it('grows exponentially up to the cap and stops after the last attempt', () => {
    const backoff = new Backoff({ initialDelayMs: 1000, factor: 2, maxDelayMs: 5000, jitter: 0, maxAttempts: 5 });
    expect([0, 1, 2, 3, 4, 5].map((n) => backoff.delayFor(n))).toEqual([1000, 2000, 4000, 5000, 5000, undefined]);
  });

  it('spreads delays by the jitter fraction', () => {
    const low = new Backoff({ initialDelayMs: 1000, jitter: 0.5 }, () => 0);
    const high = new Backoff({ initialDelayMs: 1000, jitter: 0.5 }, () => 0.999999);
    expect(low.delayFor(0)).toBe(500);
    expect(high.delayFor(0)).toBe(1500);
  });

  it('honours a longer wait the server asked for', () => {
    const backoff = new Backoff({ initialDelayMs: 1000, maxDelayMs: 2000, jitter: 0 });
    expect(backoff.delayFor(0, 360_000)).toBe(360_000);
  });
});

describe('KeepAlive', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings on the interval, sooner when QNG asks, and declares the connection dead without QNG', () => {
    vi.useFakeTimers();
    const pings: number[] = [];
    let dead = false;
    const keepAlive = new KeepAlive(
      { intervalMs: 50_000, timeoutMs: 30_000 },
      () => pings.push(Date.now()),
      () => (dead = true),
    );
    const start = Date.now();
    void keepAlive.ping();
    keepAlive.pong();
    vi.advanceTimersByTime(50_000);
    expect(pings).toEqual([start, start + 50_000]);
    keepAlive.pong(20);
    vi.advanceTimersByTime(20_000);
    expect(pings).toEqual([start, start + 50_000, start + 70_000]);
    keepAlive.pong(600);
    vi.advanceTimersByTime(50_000);
    expect(pings).toHaveLength(4);
    expect(dead).toBe(false);
    vi.advanceTimersByTime(30_000);
    expect(dead).toBe(true);
    keepAlive.stop();
  });

  it('resolves an explicit ping with the answer, or false when stopped', async () => {
    vi.useFakeTimers();
    const keepAlive = new KeepAlive(
      {},
      () => undefined,
      () => undefined,
    );
    const answered = keepAlive.ping();
    keepAlive.pong();
    await expect(answered).resolves.toBe(true);
    const abandoned = keepAlive.ping();
    keepAlive.stop();
    await expect(abandoned).resolves.toBe(false);
  });
});

describe('command builders', () => {
  const bob: Contact = {
    email: 'bob@example.com',
    displayName: 'Bob B',
    lists: ['FL'],
    groupIds: [],
    guid: '5b5c0c2d-0000-4a6e-9b3a-0f4e8a3c1d22',
    status: 'FLN',
    personalMessage: '',
    phones: {},
  };

  it('CHG carries the client id from MSNP8', () => {
    expect(statusCommand(7, 'AWY', 5)).toEqual({ name: 'CHG', params: ['AWY'] });
    expect(statusCommand(8, 'AWY', 5)).toEqual({ name: 'CHG', params: ['AWY', 5] });
    expect(statusCommand(15, 'AWY', 5)).toEqual({ name: 'CHG', params: ['AWY', 5] });
    // MSNP16+: caps:capsEx, with no extended capability claimed.
    expect(statusCommand(16, 'AWY', 5)).toEqual({ name: 'CHG', params: ['AWY', '5:0'] });
    expect(statusCommand(18, 'NLN', 0, '<msnobj/>')).toEqual({
      name: 'CHG',
      params: ['NLN', '0:0', '%3Cmsnobj%2F%3E'],
    });
  });

  it('renames with REA up to MSNP9 and PRP MFN from MSNP10', () => {
    expect(displayNameCommand(9, 'alice@example.com', 'Alice S.')).toEqual({
      name: 'REA',
      params: ['alice@example.com', 'Alice%20S.'],
    });
    expect(displayNameCommand(10, 'alice@example.com', 'Alice S.')).toEqual({
      name: 'PRP',
      params: ['MFN', 'Alice%20S.'],
    });
  });

  it('edits lists with ADD/REM up to MSNP9 and ADC/REM by GUID from MSNP10', () => {
    expect(addToListCommand(6, 'FL', 'bob@example.com', '1').params).toEqual([
      'FL',
      'bob@example.com',
      'bob@example.com',
    ]);
    expect(addToListCommand(7, 'FL', 'bob@example.com', '1').params).toEqual([
      'FL',
      'bob@example.com',
      'bob@example.com',
      '1',
    ]);
    expect(addToListCommand(9, 'BL', 'bob@example.com', '1').params).toEqual([
      'BL',
      'bob@example.com',
      'bob@example.com',
    ]);
    expect(addToListCommand(11, 'FL', 'bob@example.com')).toEqual({
      name: 'ADC',
      params: ['FL', 'N=bob@example.com', 'F=bob@example.com'],
    });
    expect(addToListCommand(11, 'AL', 'bob@example.com').params).toEqual(['AL', 'N=bob@example.com']);
    expect(addToGroupCommand(9, bob, '2').params).toEqual(['FL', 'bob@example.com', 'Bob%20B', '2']);
    expect(addToGroupCommand(12, bob, 'g').params).toEqual(['FL', `C=${bob.guid}`, 'g']);
    expect(removeFromListCommand(12, 'FL', bob).params).toEqual(['FL', bob.guid]);
    expect(removeFromListCommand(12, 'BL', bob).params).toEqual(['BL', 'bob@example.com']);
    expect(removeFromListCommand(9, 'FL', bob).params).toEqual(['FL', 'bob@example.com']);
    expect(removeFromGroupCommand(9, bob, '2').params).toEqual(['FL', 'bob@example.com', '2']);
    expect(removeFromGroupCommand(11, bob, 'g').params).toEqual(['FL', bob.guid, 'g']);
    const { guid: _guid, ...noGuid } = bob;
    expect(() => removeFromListCommand(11, 'FL', noGuid)).toThrow(MsnpError);
  });

  it('manages groups by number (MSNP7–9) or GUID (MSNP10+)', () => {
    expect(createGroupCommand(9, 'New Group')).toEqual({ name: 'ADG', params: ['New%20Group', 0] });
    expect(createGroupCommand(11, 'New Group')).toEqual({ name: 'ADG', params: ['New%20Group'] });
    expect(renameGroupCommand(9, '2', 'Family')).toEqual({ name: 'REG', params: ['2', 'Family', 0] });
    expect(renameGroupCommand(12, 'g', 'Family')).toEqual({ name: 'REG', params: ['g', 'Family'] });
  });
});
