// Auto-away: after the configured idle time, or when the screen locks, an Online user is shown
// as away (Idle, which other people see as Away, as the classic client did), and the previous
// status comes back on activity. A status the user picks meanwhile always wins: it is never
// overwritten by the restore.
import type { SettableStatus, Status } from '../../shared/schemas';

export interface AutoAwayDecision {
  readonly setStatus: SettableStatus;
}

/** Only Online turns into away: Busy, On the Phone and the rest already say more than "Away". */
const ELIGIBLE: ReadonlySet<Status> = new Set(['NLN']);
const AUTO_STATUS: SettableStatus = 'IDL';

export class AutoAway {
  private status: Status | undefined;
  /** Set while we are showing the user as away on their behalf. */
  private away: { readonly previous: SettableStatus; readonly cause: 'idle' | 'lock' } | undefined;
  private locked = false;

  constructor(private minutes: number) {}

  /** Our status as the session reports it; undefined while signed out. */
  statusChanged(status: Status | undefined): void {
    // Only a change counts: a repeat of the old status may still arrive before our own request lands.
    if (status === this.status) return;
    this.status = status;
    // Any change but the one we asked for means the user (or a sign-out) took over.
    if (this.away && status !== AUTO_STATUS) this.away = undefined;
  }

  /** 0 turns auto-away off; turning it off brings the user back at once. */
  setMinutes(minutes: number): AutoAwayDecision | undefined {
    this.minutes = minutes;
    return minutes === 0 ? this.restore() : undefined;
  }

  /** The system's idle time, sampled periodically. */
  idle(idleSeconds: number): AutoAwayDecision | undefined {
    if (this.minutes === 0) return undefined;
    if (idleSeconds >= this.minutes * 60) return this.goAway('idle');
    // Activity while the screen is locked is not the user coming back.
    return this.away?.cause === 'idle' && !this.locked ? this.restore() : undefined;
  }

  lock(): AutoAwayDecision | undefined {
    this.locked = true;
    return this.minutes === 0 ? undefined : this.goAway('lock');
  }

  unlock(): AutoAwayDecision | undefined {
    this.locked = false;
    return this.restore();
  }

  private goAway(cause: 'idle' | 'lock'): AutoAwayDecision | undefined {
    if (this.away || this.status === undefined || !ELIGIBLE.has(this.status)) return undefined;
    this.away = { previous: this.status as SettableStatus, cause };
    return { setStatus: AUTO_STATUS };
  }

  private restore(): AutoAwayDecision | undefined {
    const away = this.away;
    if (!away) return undefined;
    this.away = undefined;
    // Even if the away status has not been reported yet, commands run in order, so this undoes it.
    return { setStatus: away.previous };
  }
}
