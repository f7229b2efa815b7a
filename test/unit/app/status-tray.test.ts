import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../src/shared/ipc';
import { SettableStatus, Status } from '../../../src/shared/schemas';
import { CHOOSABLE_STATUSES, STATUS_LABELS, STATUS_TONES } from '../../../src/shared/status';
import { menuStatusOf, statusIcon } from '../../../src/main/app/status';
import { contactListCloseAction, trayClick, trayEffect, trayView, type TrayMenuItem } from '../../../src/main/app/tray';

const labels = (menu: readonly TrayMenuItem[]): string[] => menu.map((i) => (i.type === 'separator' ? '—' : i.label));

describe('status mapping', () => {
  it('offers the seven statuses a user picks, in the classic order, without Idle', () => {
    expect(CHOOSABLE_STATUSES.map((s) => STATUS_LABELS[s])).toEqual([
      'Online',
      'Busy',
      'Be Right Back',
      'Away',
      'On the Phone',
      'Out to Lunch',
      'Appear Offline',
    ]);
    expect(CHOOSABLE_STATUSES).not.toContain('IDL');
    for (const s of CHOOSABLE_STATUSES) expect(SettableStatus.options).toContain(s);
  });

  it('draws every status with one of the four icon families', () => {
    expect(Status.options.map((s) => [s, statusIcon(s)])).toEqual([
      ['NLN', 'online'],
      ['BSY', 'busy'],
      ['IDL', 'away'],
      ['BRB', 'away'],
      ['AWY', 'away'],
      ['PHN', 'busy'],
      ['LUN', 'away'],
      ['HDN', 'offline'],
      ['FLN', 'offline'],
    ]);
    expect(statusIcon(undefined)).toBe('offline');
  });

  it('has the artwork for every icon family in resources', () => {
    for (const icon of STATUS_TONES) {
      expect(existsSync(resolve(import.meta.dirname, `../../../resources/tray/${icon}.png`))).toBe(true);
      expect(existsSync(resolve(import.meta.dirname, `../../../resources/tray/${icon}@2x.png`))).toBe(true);
    }
  });

  it('shows Idle as Away in the menu and offline as nothing checked', () => {
    expect(menuStatusOf('IDL')).toBe('AWY');
    expect(menuStatusOf('BSY')).toBe('BSY');
    expect(menuStatusOf('FLN')).toBeUndefined();
  });
});

describe('tray menu', () => {
  it('lists the statuses, Open, Sign out (here and at the other places) and Exit', () => {
    const view = trayView({ phase: 'online', status: 'NLN', email: 'me@example.com' });
    expect(labels(view.menu)).toEqual([
      'Online',
      'Busy',
      'Be Right Back',
      'Away',
      'On the Phone',
      'Out to Lunch',
      'Appear Offline',
      '—',
      'Open Revival Messenger',
      'Sign out',
      'Sign out of all other places',
      '—',
      'Exit',
    ]);
  });

  it('offers to sign out the other places only while there are some', () => {
    const item = (otherPlaces?: number) =>
      trayView({ phase: 'online', status: 'NLN', ...(otherPlaces === undefined ? {} : { otherPlaces }) }).menu.find(
        (i) => i.type === 'normal' && i.label === 'Sign out of all other places',
      );
    expect(item()).toMatchObject({ enabled: false });
    expect(item(0)).toMatchObject({ enabled: false });
    expect(item(2)).toMatchObject({ enabled: true, action: { type: 'sign-out-elsewhere' } });
    expect(
      trayView({ phase: 'reconnecting', status: 'NLN', otherPlaces: 2 }).menu.find(
        (i) => i.type === 'normal' && i.label === 'Sign out of all other places',
      ),
    ).toMatchObject({ enabled: false });
  });

  it('checks the current status and uses its icon', () => {
    const view = trayView({ phase: 'online', status: 'BSY', email: 'me@example.com' });
    const checked = view.menu.filter((i) => i.type === 'radio' && i.checked);
    expect(checked).toHaveLength(1);
    expect(checked[0]).toMatchObject({ label: 'Busy', action: { type: 'set-status', status: 'BSY' }, enabled: true });
    expect(view.icon).toBe('busy');
    expect(view.tooltip).toBe('Revival Messenger: me@example.com (Busy)');
  });

  it('checks Away while auto-away shows the user as Idle', () => {
    const view = trayView({ phase: 'online', status: 'IDL', email: 'me@example.com' });
    expect(view.menu.find((i) => i.type === 'radio' && i.checked)).toMatchObject({ label: 'Away' });
    expect(view.icon).toBe('away');
  });

  it('disables statuses and Sign out while signed out, and shows the offline icon', () => {
    const view = trayView({ phase: 'signed-out' });
    for (const item of view.menu) {
      if (item.type === 'radio') expect(item).toMatchObject({ enabled: false, checked: false });
    }
    expect(view.menu.find((i) => i.type === 'normal' && i.label === 'Sign out')).toMatchObject({ enabled: false });
    expect(view.menu.find((i) => i.type === 'normal' && i.label === 'Exit')).toMatchObject({ enabled: true });
    expect(view.icon).toBe('offline');
    expect(view.tooltip).toBe('Revival Messenger (not signed in)');
  });

  it('lets a sign-in in progress be cancelled with Sign out but not change status', () => {
    const view = trayView({ phase: 'authenticating', email: 'me@example.com' });
    expect(view.menu.filter((i) => i.type === 'radio' && i.enabled)).toEqual([]);
    expect(view.menu.find((i) => i.type === 'normal' && i.label === 'Sign out')).toMatchObject({
      enabled: true,
      action: { type: 'sign-out' },
    });
    expect(view.tooltip).toBe('Revival Messenger: signing in…');
  });

  it('maps the menu entries to their actions', () => {
    const actions = trayView({ phase: 'online', status: 'NLN' })
      .menu.filter((i) => i.type !== 'separator')
      .map((i) => ('action' in i ? i.action : undefined));
    expect(actions.slice(7)).toEqual([
      { type: 'open' },
      { type: 'sign-out' },
      { type: 'sign-out-elsewhere' },
      { type: 'exit' },
    ]);
    expect(actions[6]).toEqual({ type: 'set-status', status: 'HDN' });
  });

  it('toggles the contact list on click', () => {
    expect(trayClick({ visible: true, minimized: false })).toBe('hide');
    expect(trayClick({ visible: true, minimized: true })).toBe('show');
    expect(trayClick({ visible: false, minimized: false })).toBe('show');
  });

  it('hides the contact list to the tray on close while signed in, and closes it otherwise', () => {
    expect(contactListCloseAction('online', false)).toBe('hide');
    expect(contactListCloseAction('connecting', false)).toBe('hide');
    expect(contactListCloseAction('signed-out', false)).toBe('close');
    expect(contactListCloseAction('online', true)).toBe('close');
  });

  it('turns status choices and Sign out into contract commands, Open and Exit into shell actions', () => {
    expect(trayEffect({ type: 'set-status', status: 'LUN' })).toEqual({
      kind: 'command',
      channel: 'presence:set-status',
      payload: { status: 'LUN' },
    });
    expect(trayEffect({ type: 'sign-out' })).toEqual({ kind: 'command', channel: 'account:sign-out', payload: {} });
    expect(trayEffect({ type: 'sign-out-elsewhere' })).toEqual({
      kind: 'command',
      channel: 'session:sign-out-elsewhere',
      payload: {},
    });
    expect(trayEffect({ type: 'open' })).toEqual({ kind: 'show-contact-list' });
    expect(trayEffect({ type: 'exit' })).toEqual({ kind: 'quit' });
  });

  it('issues commands the contract accepts', () => {
    for (const status of CHOOSABLE_STATUSES) {
      const effect = trayEffect({ type: 'set-status', status });
      if (effect.kind !== 'command') throw new Error('expected a command');
      expect(commands[effect.channel].input.safeParse(effect.payload).success).toBe(true);
    }
    for (const type of ['sign-out', 'sign-out-elsewhere'] as const) {
      const effect = trayEffect({ type });
      if (effect.kind !== 'command') throw new Error('expected a command');
      expect(commands[effect.channel].input.safeParse(effect.payload).success).toBe(true);
    }
  });
});
