// Reconnection after an unexpected loss: exponential back-off with jitter, so that many clients
// dropped by one server restart do not all come back in the same second, and the attempts.
import type { SignOutReason } from '../../shared/schemas';

export interface BackoffOptions {
  /** Delay before the first attempt. Default 1 s. */
  readonly initialDelayMs?: number;
  /** Upper bound for any delay. Default 5 min. */
  readonly maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /** Fraction of the delay that is randomised, 0…1. Default 0.2. */
  readonly jitter?: number;
  /** Attempts before giving up; `Infinity` never gives up. Default 10. */
  readonly maxAttempts?: number;
}

export class Backoff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  readonly jitter: number;
  readonly maxAttempts: number;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialDelayMs = options.initialDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
    this.factor = options.factor ?? 2;
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  /**
   * Delay before attempt `attempt` (0-based), or undefined once attempts are used up.
   * `minimumMs` lets the server ask for a longer wait (`OUT RCT <minutes>`).
   */
  delayFor(attempt: number, minimumMs = 0): number | undefined {
    if (attempt >= this.maxAttempts) return undefined;
    const base = Math.min(this.maxDelayMs, this.initialDelayMs * this.factor ** attempt);
    const spread = base * this.jitter;
    const delay = base - spread + 2 * spread * this.random();
    return Math.round(Math.max(minimumMs, Math.min(this.maxDelayMs, delay)));
  }
}

/** Why a session was lost, as reported when reconnecting gives up. */
export interface SessionLoss {
  readonly reason: SignOutReason;
  readonly message: string;
}

export interface ReconnectHooks {
  /** One attempt at signing in again. */
  attempt(signal: AbortSignal): Promise<void>;
  /** After a failed attempt: true to try again, false when the failure ends it (or it was cancelled). */
  retry(error: unknown, signal: AbortSignal): boolean;
  /** Every attempt failed. */
  gaveUp(loss: SessionLoss): void;
}

/** Schedules sign-in attempts after a lost session, with the back-off's delays, until one succeeds. */
export class Reconnector {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly backoff: Backoff,
    private readonly hooks: ReconnectHooks,
  ) {}

  /** Starts attempting; `minimumMs` is a wait the server asked for (`OUT RCT`). Cancelled through `signal` or `cancel`. */
  start(signal: AbortSignal, loss: SessionLoss, minimumMs = 0): void {
    this.schedule(signal, 0, loss, minimumMs);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(signal: AbortSignal, attempt: number, loss: SessionLoss, minimumMs = 0): void {
    const delay = this.backoff.delayFor(attempt, minimumMs);
    if (delay === undefined) {
      this.hooks.gaveUp(loss);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.hooks.attempt(signal).catch((err: unknown) => {
        if (this.hooks.retry(err, signal)) this.schedule(signal, attempt + 1, loss);
      });
    }, delay);
  }
}
