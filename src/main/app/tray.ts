// The tray icon's model: which icon, tooltip and menu to show for the session state, and what a
// click means. The Electron tray only renders this and feeds the choices back as commands.
import type { SessionPhase, SettableStatus, Status } from '../../shared/schemas';
import { PRODUCT_NAME } from './identity';
import { CHOOSABLE_STATUSES, STATUS_LABELS } from '../../shared/status';
import { menuStatusOf, statusIcon, type StatusIcon } from './status';

export interface TrayState {
  readonly phase: SessionPhase;
  /** Our own status once signed in. */
  readonly status?: Status;
  readonly email?: string;
  /** Other places the account is signed in at (MSNP16+). */
  readonly otherPlaces?: number;
}

export type TrayAction =
  | { readonly type: 'set-status'; readonly status: SettableStatus }
  | { readonly type: 'open' }
  | { readonly type: 'sign-out' }
  | { readonly type: 'sign-out-elsewhere' }
  | { readonly type: 'exit' };

/** What a tray choice does: a command through the same validated path as the windows', or a shell action. */
export type TrayEffect =
  | { readonly kind: 'command'; readonly channel: 'presence:set-status'; readonly payload: { status: SettableStatus } }
  | {
      readonly kind: 'command';
      readonly channel: 'account:sign-out' | 'session:sign-out-elsewhere';
      readonly payload: Record<string, never>;
    }
  | { readonly kind: 'show-contact-list' }
  | { readonly kind: 'quit' };

export function trayEffect(action: TrayAction): TrayEffect {
  switch (action.type) {
    case 'set-status':
      return { kind: 'command', channel: 'presence:set-status', payload: { status: action.status } };
    case 'sign-out':
      return { kind: 'command', channel: 'account:sign-out', payload: {} };
    case 'sign-out-elsewhere':
      return { kind: 'command', channel: 'session:sign-out-elsewhere', payload: {} };
    case 'open':
      return { kind: 'show-contact-list' };
    case 'exit':
      return { kind: 'quit' };
  }
}

export type TrayMenuItem =
  | {
      readonly type: 'radio';
      readonly label: string;
      readonly checked: boolean;
      readonly enabled: boolean;
      readonly action: TrayAction;
    }
  | { readonly type: 'normal'; readonly label: string; readonly enabled: boolean; readonly action: TrayAction }
  | { readonly type: 'separator' };

export interface TrayView {
  readonly icon: StatusIcon;
  readonly tooltip: string;
  readonly menu: readonly TrayMenuItem[];
}

export function trayView(state: TrayState): TrayView {
  const online = state.phase === 'online' && state.status !== undefined;
  const checked = online && state.status !== undefined ? menuStatusOf(state.status) : undefined;
  const statusItems: TrayMenuItem[] = CHOOSABLE_STATUSES.map((status) => ({
    type: 'radio',
    label: STATUS_LABELS[status],
    checked: status === checked,
    enabled: online,
    action: { type: 'set-status', status },
  }));
  return {
    icon: online ? statusIcon(state.status) : 'offline',
    tooltip: tooltip(state),
    menu: [
      ...statusItems,
      { type: 'separator' },
      { type: 'normal', label: `Open ${PRODUCT_NAME}`, enabled: true, action: { type: 'open' } },
      { type: 'normal', label: 'Sign out', enabled: state.phase !== 'signed-out', action: { type: 'sign-out' } },
      {
        type: 'normal',
        label: 'Sign out of all other places',
        enabled: online && (state.otherPlaces ?? 0) > 0,
        action: { type: 'sign-out-elsewhere' },
      },
      { type: 'separator' },
      { type: 'normal', label: 'Exit', enabled: true, action: { type: 'exit' } },
    ],
  };
}

function tooltip(state: TrayState): string {
  switch (state.phase) {
    case 'signed-out':
      return `${PRODUCT_NAME} (not signed in)`;
    case 'online':
      return `${PRODUCT_NAME}: ${state.email ?? ''} (${STATUS_LABELS[state.status ?? 'NLN']})`;
    case 'reconnecting':
      return `${PRODUCT_NAME}: reconnecting…`;
    default:
      return `${PRODUCT_NAME}: signing in…`;
  }
}

/**
 * Clicking the tray icon hides the contact list when it is on screen and shows it otherwise. Focus
 * is no guide: on Windows the click itself takes focus from the window.
 */
export function trayClick(contactList: { readonly visible: boolean; readonly minimized: boolean }): 'show' | 'hide' {
  return contactList.visible && !contactList.minimized ? 'hide' : 'show';
}

/**
 * Closing the contact-list window: while signed in (or signing in) it only hides to the tray and
 * the session goes on; signed out, or when the app is quitting, it really closes.
 */
export function contactListCloseAction(phase: SessionPhase, quitting: boolean): 'hide' | 'close' {
  if (quitting) return 'close';
  return phase === 'signed-out' ? 'close' : 'hide';
}
