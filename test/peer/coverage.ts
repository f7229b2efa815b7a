// Which byte ranges of a message have arrived, so chunks may come in any order and a repeated
// chunk is not counted twice.
export class Coverage {
  /** Sorted, disjoint [start, end) ranges. */
  private ranges: Array<[number, number]> = [];
  covered = 0;

  add(start: number, end: number): void {
    if (end <= start) return;
    const merged: Array<[number, number]> = [];
    let s = start;
    let e = end;
    for (const [a, b] of this.ranges) {
      if (b < s || a > e) merged.push([a, b]);
      else {
        s = Math.min(s, a);
        e = Math.max(e, b);
      }
    }
    merged.push([s, e]);
    merged.sort((x, y) => x[0] - y[0]);
    this.ranges = merged;
    this.covered = merged.reduce((n, [a, b]) => n + b - a, 0);
  }
}
