// How each presence status is named and drawn, in the classic client's words.
import type { SettableStatus, Status } from '../../../shared/schemas';

export const STATUS_LABELS: Record<Status, string> = {
  NLN: 'Online',
  BSY: 'Busy',
  IDL: 'Away',
  BRB: 'Be Right Back',
  AWY: 'Away',
  PHN: 'On the Phone',
  LUN: 'Out to Lunch',
  HDN: 'Appear Offline',
  FLN: 'Offline',
};

/** The statuses the status menu offers, in the classic order (Idle is set automatically, not chosen). */
export const MENU_STATUSES: readonly SettableStatus[] = ['NLN', 'BSY', 'BRB', 'AWY', 'PHN', 'LUN', 'HDN'];

export type StatusTone = 'online' | 'busy' | 'away' | 'offline';

export function statusTone(status: Status): StatusTone {
  switch (status) {
    case 'NLN':
      return 'online';
    case 'BSY':
      return 'busy';
    case 'IDL':
    case 'BRB':
    case 'AWY':
    case 'PHN':
    case 'LUN':
      return 'away';
    case 'HDN':
    case 'FLN':
      return 'offline';
  }
}

export function isOnline(status: Status): boolean {
  return status !== 'FLN' && status !== 'HDN';
}
