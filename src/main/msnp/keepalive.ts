// PNG/QNG keep-alive for the notification server: ping on an interval (sooner when a QNG asks for
// it) and declare the connection dead when a ping goes unanswered.

export interface KeepAliveOptions {
  /** Longest time between pings. Default 50 s. */
  readonly intervalMs?: number;
  /** How long to wait for QNG before declaring the connection dead. Default 30 s. */
  readonly timeoutMs?: number;
}

export class KeepAlive {
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  private awaiting = false;
  private waiters: Array<(ok: boolean) => void> = [];

  constructor(
    options: KeepAliveOptions,
    private readonly sendPing: () => void,
    private readonly onDead: () => void,
  ) {
    this.intervalMs = options.intervalMs ?? 50_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /**
   * Pings now; resolves true on the next QNG, false if the connection was declared dead or
   * stopped. The answer starts the regular cycle.
   */
  ping(): Promise<boolean> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (!this.awaiting) this.fire();
    });
  }

  /** A QNG arrived; `seconds` is its optional "next ping within" hint (MSNP9+). */
  pong(seconds?: number): void {
    if (!this.awaiting) return;
    this.awaiting = false;
    this.settle(true);
    const hinted = seconds !== undefined && seconds > 0 ? seconds * 1000 : this.intervalMs;
    this.schedule(Math.min(this.intervalMs, hinted));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.awaiting = false;
    this.settle(false);
  }

  private fire(): void {
    clearTimeout(this.timer);
    this.awaiting = true;
    this.sendPing();
    this.timer = setTimeout(() => {
      this.stop();
      this.onDead();
    }, this.timeoutMs);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), delayMs);
  }

  private settle(ok: boolean): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(ok);
  }
}
