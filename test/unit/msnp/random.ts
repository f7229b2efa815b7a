// Seeded pseudo-random numbers, so a failing randomised test replays the same way.

/** mulberry32: small, fast, good enough to shuffle test inputs. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

/** Splits `bytes` at random points into 1…`maxChunk`-byte pieces. */
export function chunk(random: () => number, bytes: Buffer, maxChunk: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = randomInt(random, 1, maxChunk);
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}
