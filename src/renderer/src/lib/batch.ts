// Coalesces bursts of updates (a presence storm at sign-in) so the store changes at most once per
// frame. The scheduler is injected: requestAnimationFrame in the page, a manual one in tests.

export type Scheduler = (flush: () => void) => void;

export function createBatcher<T>(flush: (items: T[]) => void, schedule: Scheduler): (item: T) => void {
  let pending: T[] = [];
  let scheduled = false;
  const run = (): void => {
    scheduled = false;
    const items = pending;
    pending = [];
    flush(items);
  };
  return (item) => {
    pending.push(item);
    if (!scheduled) {
      scheduled = true;
      schedule(run);
    }
  };
}

/** Allows an action at most once per `intervalMs` (the nudge button). */
export function createRateLimiter(intervalMs: number, now: () => number): () => boolean {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const t = now();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}
