// Tools → Protocol Inspector…: the live wire traffic of the notification server, every
// switchboard and the HTTPS calls, as the engine traced it (secrets already masked there).
// Pause holds the view still while new lines keep being recorded; filters narrow by
// connection, command and text; copy and save take exactly what is shown.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TraceEntry } from '../../../shared/ipc';
import { formatTrace } from '../../../shared/trace-format';
import { call, errorText } from '../lib/api';

/** As many as the engine keeps; older lines fall off the top. */
const KEPT = 10_000;
/** Rows drawn at once; the rest are a scroll of text nobody reads live. */
const SHOWN = 2_000;

const ARROW = { out: '→', in: '←', info: '·' } as const;

function keep(list: TraceEntry[], more: readonly TraceEntry[]): TraceEntry[] {
  const next = list.concat(more);
  return next.length > KEPT ? next.slice(next.length - KEPT) : next;
}

function matches(entry: TraceEntry, connection: string, commands: string[], text: string): boolean {
  if (connection !== '' && entry.connection !== connection) return false;
  if (commands.length > 0) {
    const name = entry.line.split(' ', 1)[0]?.toUpperCase() ?? '';
    if (!commands.includes(name)) return false;
  }
  if (text !== '') {
    const haystack = `${entry.line}\n${entry.p2p ?? ''}\n${entry.payload ?? ''}`.toLowerCase();
    if (!haystack.includes(text)) return false;
  }
  return true;
}

function time(at: number): string {
  const d = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function Row({ entry }: { entry: TraceEntry }): React.JSX.Element {
  const [open, setOpen] = useState(false);
  const more = entry.payload !== undefined || entry.p2p !== undefined;
  return (
    <li className={`trace-row trace-${entry.direction}`} data-seq={entry.seq}>
      <button
        type="button"
        className="trace-line"
        aria-expanded={more ? open : undefined}
        disabled={!more}
        onClick={() => setOpen(!open)}
      >
        <span className="trace-time">{time(entry.at)}</span>
        <span className="trace-connection">{entry.connection}</span>
        <span className="trace-direction" aria-label={entry.direction}>
          {ARROW[entry.direction]}
        </span>
        <span className="trace-text">{entry.line}</span>
      </button>
      {open && (
        <pre className="trace-payload">
          {entry.p2p === undefined ? '' : `${entry.p2p}\n`}
          {entry.payloadEncoding === 'hex' ? (entry.payload ?? '').replace(/(..)/g, '$1 ').trim() : entry.payload}
        </pre>
      )}
    </li>
  );
}

export function InspectorScreen(): React.JSX.Element {
  const [entries, setEntries] = useState<TraceEntry[]>([]);
  const [held, setHeld] = useState<TraceEntry[]>([]);
  const [paused, setPaused] = useState(false);
  // Read by the event listener, which is set up once.
  const pausedRef = useRef(false);
  const [connection, setConnection] = useState('');
  const [command, setCommand] = useState('');
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Protocol Inspector';
    let live = true;
    const off = window.msn.on('inspector:entries', ({ entries: more }) => {
      if (!live) return;
      // Paused, new lines wait; otherwise they go straight to the view.
      if (pausedRef.current) setHeld((h) => keep(h, more));
      else setEntries((e) => keep(e, more));
    });
    call('inspector:watch', {}).then(
      ({ entries: recorded }) => {
        if (live) setEntries((e) => keep(recorded, e));
      },
      (e: unknown) => setNotice(errorText(e)),
    );
    const stop = (): void => void call('inspector:unwatch', {}).catch(() => undefined);
    window.addEventListener('pagehide', stop);
    return () => {
      live = false;
      off();
      window.removeEventListener('pagehide', stop);
      stop();
    };
  }, []);

  const togglePause = (): void => {
    pausedRef.current = !paused;
    if (paused) {
      setEntries((e) => keep(e, held));
      setHeld([]);
    }
    setPaused(!paused);
  };

  const connections = useMemo(() => [...new Set(entries.map((e) => e.connection))].sort(), [entries]);
  const commands = useMemo(
    () =>
      command
        .split(/[\s,]+/)
        .map((c) => c.trim().toUpperCase())
        .filter((c) => c !== ''),
    [command],
  );
  const shown = useMemo(
    () => entries.filter((e) => matches(e, connection, commands, text.trim().toLowerCase())),
    [entries, connection, commands, text],
  );
  const drawn = shown.length > SHOWN ? shown.slice(shown.length - SHOWN) : shown;

  const copy = (): void => {
    navigator.clipboard.writeText(formatTrace(shown)).then(
      () => setNotice(`Copied ${shown.length} lines`),
      (e: unknown) => setNotice(`Could not copy: ${errorText(e)}`),
    );
  };
  const save = (): void => {
    call('inspector:save', {}).then(
      ({ saved }) => setNotice(saved ? 'Saved' : null),
      (e: unknown) => setNotice(errorText(e)),
    );
  };
  const clear = (): void => {
    call('inspector:clear', {}).then(
      () => {
        setEntries([]);
        setHeld([]);
      },
      (e: unknown) => setNotice(errorText(e)),
    );
  };

  return (
    <div className="inspector">
      <div className="inspector-toolbar" role="toolbar" aria-label="Inspector">
        <button type="button" className="button" aria-pressed={paused} onClick={togglePause}>
          {paused ? `Resume${held.length > 0 ? ` (${held.length} new)` : ''}` : 'Pause'}
        </button>
        <label className="inspector-filter">
          <span>Connection</span>
          <select value={connection} onChange={(e) => setConnection(e.target.value)} aria-label="Connection">
            <option value="">All</option>
            {connections.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="inspector-filter">
          <span>Command</span>
          <input
            value={command}
            onChange={(e) => setCommand(e.target.value)}
            placeholder="MSG, USR"
            aria-label="Command"
            size={10}
          />
        </label>
        <label className="inspector-filter inspector-filter-text">
          <span>Text</span>
          <input value={text} onChange={(e) => setText(e.target.value)} aria-label="Text" />
        </label>
        <button type="button" className="button" onClick={copy}>
          Copy
        </button>
        <button type="button" className="button" onClick={save}>
          Save…
        </button>
        <button type="button" className="button" onClick={clear}>
          Clear
        </button>
      </div>
      <p className="inspector-status" role="status">
        {notice ??
          `${shown.length} of ${entries.length} lines${shown.length > SHOWN ? `, the last ${SHOWN} shown` : ''}`}
      </p>
      <ol className="trace" aria-label="Traffic">
        {drawn.map((e) => (
          <Row key={e.seq} entry={e} />
        ))}
      </ol>
    </div>
  );
}
