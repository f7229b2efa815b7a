// The Message History window: contacts on the left, the chosen contact's log (paged, drawn like
// the conversation window) or the search results on the right. Search finds words across all the
// history, or one contact's within dates; a result opens the log at its place. Everything a
// contact wrote, snippets included, is drawn as text.
import { pictureUrl } from '../../../../shared/pictures';
import { useCallback, useEffect, useState } from 'react';
import type {
  HistoryContact,
  HistoryConversation,
  HistoryRecord,
  LogPage,
  SearchHit,
  SearchPage,
} from '../../../../shared/history';
import { RichText } from '../../components/RichText';
import { call, errorText } from '../../lib/api';
import { textStyle } from '../../lib/format';
import { ConfirmDialog } from '../contacts/dialogs';

const PAGE = 50;

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const nameOf = (r: HistoryRecord): string => {
  const name = r.from?.displayName.trim();
  return name ? name : r.from?.email || 'Someone';
};

/** One record, as the conversation window showed it. */
function Record({
  record,
  first,
  focused,
}: {
  record: HistoryRecord;
  first: boolean;
  focused: boolean;
}): React.JSX.Element {
  const time = <span className="history-time">{timeFormat.format(record.at)}</span>;
  const className = `history-record${focused ? ' focused' : ''}`;
  switch (record.kind) {
    case 'message':
      return (
        <div className={className} data-record={record.id} data-delivery={record.delivery}>
          {first && (
            <div className="log-says">
              {record.picture && (
                <img
                  className="history-picture"
                  src={pictureUrl(record.picture)}
                  alt={`${nameOf(record)}'s display picture then`}
                  draggable={false}
                  // A picture since dropped from the cache is simply not shown.
                  onError={(e) => (e.currentTarget.style.display = 'none')}
                />
              )}
              <RichText text={nameOf(record)} /> says: {time}
            </div>
          )}
          <div className="log-text" style={textStyle(record.format)}>
            <RichText text={record.text} />
          </div>
          {record.offline && <div className="log-note">(sent while you were offline)</div>}
          {record.delivery === 'offline' && (
            <div className="log-note">Sent as an offline message, delivered when they sign in.</div>
          )}
          {record.delivery === 'failed' && (
            <div className="log-failed-reason">
              This message could not be delivered{record.failureReason ? `: ${record.failureReason}` : '.'}
            </div>
          )}
        </div>
      );
    case 'nudge':
      return (
        <div className={`${className} log-system log-nudge`} data-record={record.id}>
          {record.outgoing ? (
            'You sent a nudge.'
          ) : (
            <>
              <RichText text={nameOf(record)} /> sent you a nudge.
            </>
          )}{' '}
          {time}
        </div>
      );
    case 'join':
    case 'leave':
      return (
        <div className={`${className} log-system`} data-record={record.id}>
          <RichText text={nameOf(record)} /> has {record.kind === 'join' ? 'joined' : 'left'} the conversation. {time}
        </div>
      );
    case 'file':
      return (
        <div className={`${className} log-system`} data-record={record.id}>
          <RichText text={nameOf(record)} /> sent the file &quot;{record.file?.name ?? record.text}&quot; (
          {record.file?.outcome ?? 'offered'}). {time}
        </div>
      );
    case 'invitation':
    case 'invitation-response':
    case 'system':
      return (
        <div className={`${className} log-system`} data-record={record.id}>
          {record.text} {time}
        </div>
      );
  }
}

/** Records with the date between conversations and a "says:" line when the sender changes. */
export function Records({ records, focus }: { records: HistoryRecord[]; focus?: number }): React.JSX.Element {
  return (
    <>
      {records.map((r, i) => {
        const previous = records[i - 1];
        const newConversation = !previous || previous.conversationId !== r.conversationId;
        const first =
          newConversation ||
          previous.kind !== 'message' ||
          previous.from?.email !== r.from?.email ||
          previous.from?.displayName !== r.from?.displayName;
        return (
          <div key={r.id}>
            {newConversation && <div className="history-date">{dateFormat.format(r.at)}</div>}
            <Record record={r} first={first} focused={r.id === focus} />
          </div>
        );
      })}
    </>
  );
}

function Snippet({ hit }: { hit: SearchHit }): React.JSX.Element {
  return (
    <span className="history-snippet">
      {hit.snippet.map((piece, i) =>
        piece.hit ? <mark key={i}>{piece.text}</mark> : <span key={i}>{piece.text}</span>,
      )}
    </span>
  );
}

interface LogRequest {
  before?: number;
  after?: number;
  around?: number;
  /** From the start of one conversation. */
  conversationId?: number;
}

interface Search {
  text: string;
  contact: string;
  from: string;
  to: string;
}

function dayStart(value: string): number | undefined {
  if (value === '') return undefined;
  const [y, m, d] = value.split('-').map(Number);
  return y && m && d ? new Date(y, m - 1, d).getTime() : undefined;
}

export function HistoryViewer({ initialContact }: { initialContact?: string }): React.JSX.Element {
  const [contacts, setContacts] = useState<HistoryContact[]>([]);
  const [selected, setSelected] = useState<string | undefined>(initialContact);
  const [log, setLog] = useState<LogPage | null>(null);
  const [conversations, setConversations] = useState<HistoryConversation[]>([]);
  const [focus, setFocus] = useState<number | undefined>();
  const [search, setSearch] = useState<Search>({ text: '', contact: '', from: '', to: '' });
  const [results, setResults] = useState<{ query: Search; page: SearchPage } | null>(null);
  const [keep, setKeep] = useState(true);
  const [confirm, setConfirm] = useState<'contact' | 'all' | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (e: unknown): void => setError(errorText(e));

  const loadContacts = useCallback((): void => {
    call('history:contacts', {}).then(setContacts, fail);
  }, []);
  useEffect(loadContacts, [loadContacts]);

  const fetchLog = useCallback((contact: string, request: LogRequest) => {
    call('history:page', { contact, limit: PAGE, ...request }).then(setLog, fail);
    call('history:contact', { contact }).then((c) => setKeep(c.keep), fail);
    call('history:conversations', { contact }).then(setConversations, fail);
  }, []);
  const openLog = (contact: string, request: LogRequest = {}): void => {
    setSelected(contact);
    setResults(null);
    setFocus(request.around);
    fetchLog(contact, request);
  };
  useEffect(() => {
    if (initialContact) fetchLog(initialContact, {});
  }, [initialContact, fetchLog]);

  // The record jumped to is brought into view once its page is drawn.
  useEffect(() => {
    if (focus === undefined || !log) return;
    document.querySelector(`[data-record="${focus}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus, log]);

  const runSearch = (query: Search, before?: number): void => {
    if (query.text.trim() === '') return;
    const from = dayStart(query.from);
    const toDay = dayStart(query.to);
    call('history:search', {
      text: query.text,
      limit: PAGE,
      ...(query.contact ? { contact: query.contact } : {}),
      ...(from === undefined ? {} : { from }),
      ...(toDay === undefined ? {} : { to: toDay + 86_399_999 }),
      ...(before === undefined ? {} : { before }),
    }).then(
      (page) =>
        setResults((previous) =>
          before !== undefined && previous
            ? { query, page: { ...page, hits: [...previous.page.hits, ...page.hits] } }
            : { query, page },
        ),
      fail,
    );
  };

  const exportAs = (format: 'xml' | 'text'): void => {
    if (!selected) return;
    call('history:export', { contact: selected, format }).then(
      (done) => done && setMessage(`Saved ${done.records} records to ${done.path}`),
      fail,
    );
  };

  const current = contacts.find((c) => c.email === selected);

  return (
    <div className="history-viewer">
      <form
        className="history-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          runSearch(search);
        }}
      >
        <input
          type="search"
          aria-label="Search the history"
          placeholder="Search for words..."
          value={search.text}
          onChange={(e) => setSearch({ ...search, text: e.target.value })}
        />
        <select
          aria-label="Search in"
          value={search.contact}
          onChange={(e) => setSearch({ ...search, contact: e.target.value })}
        >
          <option value="">All contacts</option>
          {contacts.map((c) => (
            <option key={c.email} value={c.email}>
              {c.displayName}
            </option>
          ))}
        </select>
        <label>
          From{' '}
          <input
            type="date"
            aria-label="From date"
            value={search.from}
            onChange={(e) => setSearch({ ...search, from: e.target.value })}
          />
        </label>
        <label>
          to{' '}
          <input
            type="date"
            aria-label="To date"
            value={search.to}
            onChange={(e) => setSearch({ ...search, to: e.target.value })}
          />
        </label>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <div className="history-main">
        <ul
          className="history-contacts"
          aria-label="Contacts with history"
          onKeyDown={(e) => {
            // Up and down move between contacts, as in a list box.
            if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
            const buttons = [...e.currentTarget.querySelectorAll('button')];
            const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
            const next = buttons[Math.max(0, Math.min(buttons.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
            e.preventDefault();
            next?.focus();
          }}
        >
          {contacts.length === 0 && <li className="muted">No history yet.</li>}
          {contacts.map((c) => (
            <li key={c.email}>
              <button
                type="button"
                className={c.email === selected && !results ? 'selected' : ''}
                aria-current={c.email === selected && !results}
                onClick={() => openLog(c.email)}
              >
                <RichText text={c.displayName} emoticons={false} />
                <span className="muted">
                  {c.records} · {c.lastAt === undefined ? '' : dateFormat.format(c.lastAt)}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <div className="history-pane">
          {results && (
            <div className="history-results" role="region" aria-label="Search results">
              <p className="muted">
                {results.page.hits.length === 0
                  ? `No messages contain "${results.query.text}".`
                  : `Messages with "${results.query.text}", newest first:`}
              </p>
              <ol>
                {results.page.hits.map((hit) => (
                  <li key={hit.record.id}>
                    <button
                      type="button"
                      className="history-hit"
                      onClick={() => openLog(hit.record.contact, { around: hit.record.id })}
                    >
                      <span className="history-hit-head">
                        {contacts.find((c) => c.email === hit.record.contact)?.displayName ?? hit.record.contact} ·{' '}
                        {dateFormat.format(hit.record.at)} {timeFormat.format(hit.record.at)} · {nameOf(hit.record)}
                      </span>
                      <Snippet hit={hit} />
                    </button>
                  </li>
                ))}
              </ol>
              {results.page.next !== undefined && (
                <button type="button" className="button" onClick={() => runSearch(results.query, results.page.next)}>
                  More results
                </button>
              )}
            </div>
          )}
          {!results && selected && log && (
            <div className="history-log-pane">
              <div className="history-actions">
                <button
                  type="button"
                  className="button"
                  disabled={log.older === undefined}
                  onClick={() => log.older !== undefined && openLog(selected, { before: log.older })}
                >
                  Older
                </button>
                <button
                  type="button"
                  className="button"
                  disabled={log.newer === undefined}
                  onClick={() => log.newer !== undefined && openLog(selected, { after: log.newer })}
                >
                  Newer
                </button>
                <select
                  aria-label="Go to the conversation of"
                  value=""
                  onChange={(e) => {
                    const id = Number(e.target.value);
                    if (Number.isInteger(id) && e.target.value !== '')
                      openLog(selected, { conversationId: id, after: -1 });
                  }}
                >
                  <option value="">Conversations...</option>
                  {conversations.map((c) => (
                    <option key={c.id} value={c.id}>
                      {dateFormat.format(c.startedAt)} {timeFormat.format(c.startedAt)} ({c.records})
                    </option>
                  ))}
                </select>
                <span className="history-actions-gap" />
                <button type="button" className="button" onClick={() => exportAs('xml')}>
                  Export XML...
                </button>
                <button type="button" className="button" onClick={() => exportAs('text')}>
                  Export Text...
                </button>
                <button type="button" className="button" onClick={() => setConfirm('contact')}>
                  Delete...
                </button>
              </div>
              <div className="log history-log" role="log" aria-label="Message history" tabIndex={0}>
                {log.records.length === 0 ? (
                  <p className="muted">No messages.</p>
                ) : (
                  <Records records={log.records} focus={focus} />
                )}
              </div>
              <label className="check">
                <input
                  type="checkbox"
                  checked={!keep}
                  onChange={(e) =>
                    call('history:set-keep', { contact: selected, keep: !e.target.checked }).then(
                      () => setKeep(!e.target.checked),
                      fail,
                    )
                  }
                />
                Do not keep history with {current?.displayName ?? selected}
              </label>
            </div>
          )}
          {!results && !selected && <p className="muted">Choose a contact, or search for words.</p>}
        </div>
      </div>
      {message && (
        <p className="history-message" role="status">
          {message}
        </p>
      )}
      {error && (
        <p className="dialog-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" className="button" onClick={() => setConfirm('all')}>
          Delete All History...
        </button>
      </div>
      {confirm && (
        <ConfirmDialog
          title="Delete History"
          message={
            confirm === 'all'
              ? 'Delete the history of all your conversations? This cannot be undone.'
              : `Delete your history with ${current?.displayName ?? selected}? This cannot be undone.`
          }
          confirmLabel="Delete"
          onConfirm={async () => {
            await call('history:delete', confirm === 'all' || !selected ? {} : { contact: selected });
            setLog(null);
            setSelected(undefined);
            setResults(null);
            loadContacts();
          }}
          onClose={() => setConfirm(null)}
        />
      )}
    </div>
  );
}
