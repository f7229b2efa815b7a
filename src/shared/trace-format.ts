// How a protocol-inspector line reads as text: for copying, saving and the CLI alike.
import type { TraceEntry } from './ipc';

const ARROWS = { out: '>>', in: '<<', info: '--' } as const;

function clock(at: number): string {
  const d = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** `12:00:01.250 ns-1 >> VER 1 MSNP12 CVR0`, then the P2P summary and payload lines, indented. */
export function formatTraceEntry(entry: TraceEntry): string {
  const head = `${clock(entry.at)} ${entry.connection} ${ARROWS[entry.direction]} ${entry.line}`;
  const more = [
    ...(entry.p2p === undefined ? [] : [entry.p2p]),
    ...(entry.payload === undefined ? [] : entry.payload.split(/\r?\n/)),
  ];
  return [head, ...more.map((l) => `    ${l}`)].join('\n');
}

export function formatTrace(entries: readonly TraceEntry[]): string {
  return entries.map(formatTraceEntry).join('\n') + (entries.length > 0 ? '\n' : '');
}
