// How our own and our contacts' statuses are named and drawn. One table so the tray, the
// notifications and the tooltips never disagree.
import type { SettableStatus, Status } from '../../shared/schemas';

export const STATUS_LABELS: Readonly<Record<Status, string>> = {
  NLN: 'Online',
  BSY: 'Busy',
  // Idle is what auto-away sets; other people see it as Away, as in the classic client.
  IDL: 'Away',
  BRB: 'Be Right Back',
  AWY: 'Away',
  PHN: 'On the Phone',
  LUN: 'Out to Lunch',
  HDN: 'Appear Offline',
  FLN: 'Offline',
};

/** The statuses a user picks from, in menu order. Idle is left out: only auto-away sets it. */
export const CHOOSABLE_STATUSES: readonly SettableStatus[] = ['NLN', 'BSY', 'BRB', 'AWY', 'PHN', 'LUN', 'HDN'];

/** Artwork families: one tray icon each, in `resources/tray/<icon>.png`. */
export type StatusIcon = 'online' | 'busy' | 'away' | 'offline';
export const STATUS_ICONS: readonly StatusIcon[] = ['online', 'busy', 'away', 'offline'];

const ICON_OF: Readonly<Record<Status, StatusIcon>> = {
  NLN: 'online',
  BSY: 'busy',
  PHN: 'busy',
  IDL: 'away',
  BRB: 'away',
  AWY: 'away',
  LUN: 'away',
  HDN: 'offline',
  FLN: 'offline',
};

/** The icon for our own status; `undefined` means signed out. */
export function statusIcon(status: Status | undefined): StatusIcon {
  return status === undefined ? 'offline' : ICON_OF[status];
}

/** The menu entry that shows as checked: Idle is shown as the Away the user would recognise. */
export function menuStatusOf(status: Status): SettableStatus | undefined {
  if (status === 'IDL') return 'AWY';
  if (status === 'FLN') return undefined;
  return status;
}

/** Whether someone with this status can be seen as present (FLN and HDN cannot). */
export function isOnline(status: Status): boolean {
  return status !== 'FLN' && status !== 'HDN';
}
