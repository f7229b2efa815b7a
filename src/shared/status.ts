// How presence statuses are named and drawn, in the classic client's words. One table for the
// tray, the notifications and the renderer, so they never disagree.
import type { SettableStatus, Status } from './schemas';

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

/** Artwork families: the classic client drew On the Phone like Busy and Lunch like Away. */
export type StatusTone = 'online' | 'busy' | 'away' | 'offline';
export const STATUS_TONES: readonly StatusTone[] = ['online', 'busy', 'away', 'offline'];

const TONE_OF: Readonly<Record<Status, StatusTone>> = {
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

export function statusTone(status: Status): StatusTone {
  return TONE_OF[status];
}

/** Whether someone with this status can be seen as present (FLN and HDN cannot). */
export function isOnline(status: Status): boolean {
  return status !== 'FLN' && status !== 'HDN';
}
