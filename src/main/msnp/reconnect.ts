// Reconnect policy after an unexpected loss: exponential back-off with jitter, so that many
// clients dropped by one server restart do not all come back in the same second.

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
