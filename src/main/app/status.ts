// Status decisions of the desktop shell: which tray icon and which checked menu entry.
import type { SettableStatus, Status } from '../../shared/schemas';
import { statusTone, type StatusTone } from '../../shared/status';

/** One tray icon per tone, in `resources/tray/<icon>.png`. */
export type StatusIcon = StatusTone;

/** The icon for our own status; `undefined` means signed out. */
export function statusIcon(status: Status | undefined): StatusIcon {
  return status === undefined ? 'offline' : statusTone(status);
}

/** The menu entry that shows as checked: Idle is shown as the Away the user would recognise. */
export function menuStatusOf(status: Status): SettableStatus | undefined {
  if (status === 'IDL') return 'AWY';
  if (status === 'FLN') return undefined;
  return status;
}
