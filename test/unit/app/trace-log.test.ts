import { describe, expect, it } from 'vitest';
import { TRACE_CAPACITY, TraceLog } from '../../../src/main/app/trace-log';
import { WireTrace } from '../../../src/main/msnp/transport';

describe('TraceLog', () => {
  it('records only while watched, so an unwatched trace has no listener', () => {
    const trace = new WireTrace();
    const log = new TraceLog(trace);
    expect(trace.active).toBe(false);
    trace.note('ns-1', 'before');
    const seen: string[] = [];
    const stop = log.watch((e) => seen.push(e.line));
    const stopAnother = log.watch();
    expect(trace.active).toBe(true);
    trace.note('ns-1', 'during');
    stop();
    expect(trace.active).toBe(true);
    stopAnother();
    expect(trace.active).toBe(false);
    trace.note('ns-1', 'after');
    expect(seen).toEqual(['during']);
    expect(log.entries().map((e) => e.line)).toEqual(['during']);
  });

  it('keeps the last 10,000 entries by default, oldest first', () => {
    const trace = new WireTrace();
    const log = new TraceLog(trace);
    expect(log.capacity).toBe(TRACE_CAPACITY);
    expect(TRACE_CAPACITY).toBe(10_000);
    log.watch();
    for (let i = 0; i < TRACE_CAPACITY + 25; i++) trace.note('ns-1', `line ${i}`);
    const entries = log.entries();
    expect(entries).toHaveLength(TRACE_CAPACITY);
    expect(entries[0]?.line).toBe('line 25');
    expect(entries.at(-1)?.line).toBe(`line ${TRACE_CAPACITY + 24}`);
    log.clear();
    expect(log.entries()).toEqual([]);
  });

  it('wraps around a small buffer', () => {
    const trace = new WireTrace();
    const log = new TraceLog(trace, 3);
    log.watch();
    for (const n of [1, 2, 3, 4, 5]) trace.note('sb-1', String(n));
    expect(log.entries().map((e) => e.line)).toEqual(['3', '4', '5']);
    expect(() => new TraceLog(trace, 0)).toThrow(RangeError);
  });
});
