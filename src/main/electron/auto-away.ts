// Feeds the system's idle time and screen lock to the Electron-free auto-away state machine.
import { powerMonitor } from 'electron';
import { AutoAway, type AutoAwayDecision } from '../app/auto-away';
import type { Status } from '../../shared/schemas';

/** Idle time is sampled this often; auto-away is set in minutes, so this is precise enough. */
const SAMPLE_MS = 15_000;

export class IdleWatcher {
  private readonly machine: AutoAway;
  private readonly timer: NodeJS.Timeout;
  private readonly onLock = (): void => this.apply(this.machine.lock());
  private readonly onUnlock = (): void => this.apply(this.machine.unlock());

  constructor(
    minutes: number,
    private readonly apply: (decision: AutoAwayDecision | undefined) => void,
  ) {
    this.machine = new AutoAway(minutes);
    this.timer = setInterval(() => this.apply(this.machine.idle(powerMonitor.getSystemIdleTime())), SAMPLE_MS);
    powerMonitor.on('lock-screen', this.onLock);
    powerMonitor.on('unlock-screen', this.onUnlock);
  }

  statusChanged(status: Status | undefined): void {
    this.machine.statusChanged(status);
  }

  setMinutes(minutes: number): void {
    this.apply(this.machine.setMinutes(minutes));
  }

  dispose(): void {
    clearInterval(this.timer);
    powerMonitor.off('lock-screen', this.onLock);
    powerMonitor.off('unlock-screen', this.onUnlock);
  }
}
