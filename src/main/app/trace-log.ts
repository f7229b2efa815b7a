// The protocol inspector's memory: the last entries of the engine's wire trace in a ring buffer
// of fixed size, recorded only while someone watches (the inspector window, a test), so an
// unwatched trace has no listener and the engine builds no entries at all.
import type { TraceEntry, WireTrace } from '../msnp/transport';

export const TRACE_CAPACITY = 10_000;

export class TraceLog {
  private readonly ring: (TraceEntry | undefined)[];
  /** Index of the oldest entry. */
  private start = 0;
  private count = 0;
  private readonly viewers = new Set<(entry: TraceEntry) => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly trace: WireTrace,
    readonly capacity = TRACE_CAPACITY,
  ) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('capacity must be a positive integer');
    this.ring = new Array<TraceEntry | undefined>(capacity);
  }

  /** Whether entries are being recorded. */
  get recording(): boolean {
    return this.unsubscribe !== undefined;
  }

  /**
   * Records from now on and tells `viewer` each new entry; the returned function stops that.
   * Recording stops with the last viewer; what was recorded stays until `clear`.
   */
  watch(viewer: (entry: TraceEntry) => void = () => {}): () => void {
    this.viewers.add(viewer);
    this.unsubscribe ??= this.trace.subscribe((entry) => this.add(entry));
    return () => {
      this.viewers.delete(viewer);
      if (this.viewers.size === 0) {
        this.unsubscribe?.();
        this.unsubscribe = undefined;
      }
    };
  }

  /** The recorded entries, oldest first. */
  entries(): TraceEntry[] {
    const out: TraceEntry[] = [];
    for (let i = 0; i < this.count; i++) {
      const entry = this.ring[(this.start + i) % this.capacity];
      if (entry) out.push(entry);
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.count = 0;
  }

  private add(entry: TraceEntry): void {
    if (this.count < this.capacity) {
      this.ring[(this.start + this.count) % this.capacity] = entry;
      this.count++;
    } else {
      this.ring[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
    for (const viewer of this.viewers) viewer(entry);
  }
}
