// Shared helpers for the benchmarks: one JSON object per line, with a baseline measured in the
// same run so the ratio stays meaningful on a noisy machine.
export interface BenchRow {
  bench: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  notes: string;
}

export function report(row: Omit<BenchRow, 'ratio'> & { ratio?: number }): BenchRow {
  const ratio = row.ratio ?? (row.baseline === 0 ? 0 : row.value / row.baseline);
  const out: BenchRow = {
    bench: row.bench,
    value: round(row.value),
    unit: row.unit,
    baseline: round(row.baseline),
    ratio: round(ratio),
    notes: row.notes,
  };
  console.log(JSON.stringify(out));
  return out;
}

function round(n: number): number {
  return Math.abs(n) >= 100 ? Math.round(n * 10) / 10 : Math.round(n * 1000) / 1000;
}

/** Deterministic pseudo-random numbers, so every run measures the same input. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/**
 * Best of several runs of two measurements taken in turn (a, b, a, b, …): the least disturbed
 * figure of each, and a burst of load from elsewhere on the machine hits both alike.
 */
export function bestOfInTurn(runs: number, a: () => number, b: () => number): [number, number] {
  let bestA = Infinity;
  let bestB = Infinity;
  for (let i = 0; i < runs; i++) {
    bestA = Math.min(bestA, a());
    bestB = Math.min(bestB, b());
  }
  return [bestA, bestB];
}

/** Microseconds of CPU (user + system) this process has used. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` until it holds; rejects after `timeoutMs` with `what` in the message. */
export async function until(done: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** `heapUsed` after full collections, in MB; needs `node --expose-gc`. */
export async function settledHeapMB(): Promise<number> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  // Let pending callbacks drop their references before collecting.
  await sleep(50);
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}
