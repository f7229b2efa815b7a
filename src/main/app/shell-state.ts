// The little the desktop shell (tray, auto-away, window closing) needs to know about the session,
// followed from the same validated events the windows receive.
import type { EventName, EventPayload } from '../../shared/ipc';
import type { SessionPhase, Status } from '../../shared/schemas';

export interface ShellState {
  readonly phase: SessionPhase;
  readonly email?: string;
  /** Our status while online. */
  readonly status?: Status;
  /** How many other places the account is signed in at (MSNP16+), once the server said. */
  readonly otherPlaces?: number;
}

export const INITIAL_SHELL_STATE: ShellState = { phase: 'signed-out' };

export function reduceShellState(state: ShellState, event: EventName, payload: unknown): ShellState {
  switch (event) {
    case 'session:phase': {
      const { phase } = payload as EventPayload<'session:phase'>;
      return phase === 'signed-out' ? INITIAL_SHELL_STATE : { ...state, phase };
    }
    case 'session:signed-in': {
      const { profile } = payload as EventPayload<'session:signed-in'>;
      return { phase: 'online', email: profile.email, status: profile.status };
    }
    case 'profile:changed': {
      const profile = payload as EventPayload<'profile:changed'>;
      return { ...state, email: profile.email, status: profile.status };
    }
    case 'session:places': {
      const { places } = payload as EventPayload<'session:places'>;
      return { ...state, otherPlaces: places.length };
    }
    case 'session:signed-out':
      return INITIAL_SHELL_STATE;
    default:
      return state;
  }
}
