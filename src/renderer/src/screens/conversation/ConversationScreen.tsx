// A conversation window: toolbar, the "To:" bar, the log, the format toolbar with emoticons and
// nudge, the input with Send, and the status bar ("X is writing a message...").
import { useEffect, useMemo, useRef, useState } from 'react';
import { commands } from '../../../../shared/ipc';
import type { HistoryRecord } from '../../../../shared/history';
import type { Participant } from '../../../../shared/schemas';
import { DisplayPicture, Glyph, StatusIcon } from '../../components/art';
import { Emoticon } from '../../components/Emoticon';
import { RichText } from '../../components/RichText';
import { Dialog } from '../../components/ui';
import { call, errorText } from '../../lib/api';
import { createRateLimiter } from '../../lib/batch';
import { contactName, isBlocked } from '../../lib/contactList';
import { contactKey } from '../../lib/contactsState';
import { entryKey } from '../../lib/conversationLog';
import { EMOTICONS } from '../../lib/emoticons';
import { parseOwnStyle, textStyle, type OwnStyle } from '../../lib/format';
import { STATUS_LABELS, isOnline } from '../../../../shared/status';
import { lastMessageLine } from '../../lib/words';
import { playSound } from '../../sounds';
import { addOutgoing, appendEntry, shake, systemLine, useConversation } from '../../store/conversation';
import { useSession } from '../../store/session';
import { FontDialog } from './FontDialog';
import { Log } from './Log';

/** The longest message the contract accepts; main splits it into protocol-sized parts. */
const MAX_MESSAGE_LENGTH = commands['conversation:send'].input.shape.text.maxLength ?? 16384;
/** The counter appears once the text is this close to the limit. */
const COUNTER_FROM = 400;
/** The classic client refused a nudge sooner than this after the previous one. */
const NUDGE_INTERVAL_MS = 10_000;
/** Typing notices go out at most this often while the user types. */
const TYPING_INTERVAL_MS = 4_000;
const STYLE_KEY = 'message-style';
/** The nudge: the window jolts around its place for a moment. */
const SHAKE: Keyframe[] = [
  [0, 0],
  [-7, 3],
  [4, 4],
  [7, -3],
  [-4, -4],
  [-7, 3],
  [4, 4],
  [7, -3],
  [-4, -4],
  [-7, 3],
  [0, 0],
].map(([x, y]) => ({ transform: `translate(${x}px, ${y}px)` }));

const nameOf = (p: Participant): string => (p.displayName.trim() === '' ? p.email : p.displayName);

function ToBar({ participants }: { participants: Participant[] }): React.JSX.Element {
  const contacts = useSession((s) => s.contacts);
  return (
    <div className="to-bar" aria-label="To">
      <span className="to-label">To:</span>
      {participants.length === 0 && <span className="muted">Nobody else is in this conversation.</span>}
      {participants.map((p, i) => {
        const contact = contacts[contactKey(p.email)];
        const status = contact?.status ?? 'FLN';
        return (
          <span key={p.email} className="to-person">
            <StatusIcon status={status} />
            <span className="to-name">
              <RichText text={contact ? contactName(contact) : nameOf(p)} />
            </span>{' '}
            <span className="to-email">&lt;{p.email}&gt;</span>
            {status !== 'NLN' && <span className="to-status"> ({STATUS_LABELS[status]})</span>}
            {i < participants.length - 1 && ', '}
          </span>
        );
      })}
    </div>
  );
}

function InviteDialog({ conversationId, onClose }: { conversationId: string; onClose: () => void }): React.JSX.Element {
  const contacts = useSession((s) => s.contacts);
  const participants = useConversation((s) => s.participants);
  const [error, setError] = useState<string | null>(null);
  const inside = new Set(participants.map((p) => p.email.toLowerCase()));
  const candidates = Object.values(contacts)
    .filter((c) => c.lists.includes('FL') && isOnline(c.status) && !isBlocked(c) && !inside.has(c.email.toLowerCase()))
    .sort((a, b) => contactName(a).localeCompare(contactName(b)));
  return (
    <Dialog title="Invite Someone to This Conversation" onClose={onClose}>
      <p>Choose a contact who is online:</p>
      {candidates.length === 0 && <p className="muted">None of your other contacts is online.</p>}
      <ul className="invite-list">
        {candidates.map((c) => (
          <li key={c.email}>
            <button
              type="button"
              className="invite-choice"
              onClick={() =>
                call('conversation:invite', { conversationId, email: c.email }).then(onClose, (e: unknown) =>
                  setError(errorText(e)),
                )
              }
            >
              <StatusIcon status={c.status} />
              <RichText text={contactName(c)} /> <span className="muted">&lt;{c.email}&gt;</span>
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="dialog-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

function EmoticonPicker({
  onPick,
  onClose,
}: {
  onPick: (shortcut: string) => void;
  onClose: () => void;
}): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector('button')?.focus();
    const outside = (e: MouseEvent): void => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [onClose]);
  return (
    <div
      ref={ref}
      className="emoticon-picker"
      role="dialog"
      aria-label="Emoticons"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      {EMOTICONS.map((e) => (
        <button
          key={e.id}
          type="button"
          title={`${e.label} ${e.shortcuts[0]}`}
          aria-label={`${e.label} ${e.shortcuts[0]}`}
          onClick={() => onPick(e.shortcuts[0])}
        >
          <Emoticon id={e.id} shortcut={e.shortcuts[0]} />
        </button>
      ))}
    </div>
  );
}

function StatusBar(): React.JSX.Element {
  const typing = useConversation((s) => s.typing);
  const participants = useConversation((s) => s.participants);
  const lastReceivedAt = useConversation((s) => s.lastReceivedAt);
  const names = typing.map((email) => {
    const p = participants.find((x) => x.email === email);
    return p ? nameOf(p) : email;
  });
  let text = '';
  if (names.length === 1) text = `${names[0]} is writing a message...`;
  else if (names.length > 1) text = `${names.join(', ')} are writing messages...`;
  else if (lastReceivedAt !== null) text = lastMessageLine(lastReceivedAt);
  return (
    <div className="status-bar" role="status" aria-live="polite">
      {text}
    </div>
  );
}

export function ConversationScreen({ conversationId }: { conversationId: string }): React.JSX.Element {
  const participants = useConversation((s) => s.participants);
  const nudges = useConversation((s) => s.nudges);
  const profile = useSession((s) => s.profile);
  const contacts = useSession((s) => s.contacts);
  const [draft, setDraft] = useState('');
  const [style, setStyle] = useState<OwnStyle>(() => parseOwnStyle(localStorage.getItem(STYLE_KEY)));
  const [panel, setPanel] = useState<'font' | 'emoticons' | 'invite' | null>(null);
  const [dropping, setDropping] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const nudgeAllowed = useMemo(() => createRateLimiter(NUDGE_INTERVAL_MS, Date.now), []);
  const typingAllowed = useMemo(() => createRateLimiter(TYPING_INTERVAL_MS, Date.now), []);
  // The last few messages of earlier conversations, shown greyed above this one.
  const [earlier, setEarlier] = useState<HistoryRecord[]>([]);
  useEffect(() => {
    call('history:recent', { conversationId }).then(
      (recent) => setEarlier(recent.records),
      (e: unknown) => systemLine(`Your message history could not be read: ${errorText(e)}`),
    );
  }, [conversationId]);

  useEffect(() => {
    if (nudges === 0 || matchMedia('(prefers-reduced-motion: reduce)').matches) return;
    root.current?.animate(SHAKE, { duration: 600, easing: 'linear' });
  }, [nudges]);

  const title = participants.map(nameOf).join(', ');
  useEffect(() => {
    document.title = title === '' ? 'Conversation' : `${title} - Conversation`;
  }, [title]);

  const offlineMessages = useSession((s) => s.offlineMessages);
  const only = participants.length === 1 ? contacts[contactKey(participants[0]?.email ?? '')] : undefined;

  const saveStyle = (next: OwnStyle): void => {
    localStorage.setItem(STYLE_KEY, JSON.stringify(next));
    setStyle(next);
    setPanel(null);
    input.current?.focus();
  };

  const insert = (text: string): void => {
    const box = input.current;
    const start = box?.selectionStart ?? draft.length;
    const end = box?.selectionEnd ?? draft.length;
    const next = (draft.slice(0, start) + text + draft.slice(end)).slice(0, MAX_MESSAGE_LENGTH);
    setDraft(next);
    setPanel(null);
    requestAnimationFrame(() => {
      box?.focus();
      box?.setSelectionRange(start + text.length, start + text.length);
    });
  };

  /** Our side of the conversation, as it was when the message went out. */
  const me = (): Participant => {
    const own = useSession.getState().profile;
    return { email: own?.email ?? '', displayName: own?.displayName ?? 'You' };
  };

  const send = (): void => {
    const text = draft;
    if (text.trim() === '') return;
    setDraft('');
    const { format } = style;
    call('conversation:send', { conversationId, text, format }).then(
      ({ messageIds }) =>
        addOutgoing({
          ids: messageIds,
          from: me(),
          outgoing: true,
          text,
          format,
          at: Date.now(),
        }),
      (e: unknown) => {
        // Give the text back so nothing typed is lost, keeping anything typed since.
        setDraft((current) => (current === '' ? text : `${text}\n${current}`));
        systemLine(`Your message could not be sent: ${errorText(e)}`);
      },
    );
  };

  const nudge = (): void => {
    if (!nudgeAllowed()) {
      systemLine('You cannot send a nudge so soon after the last one. Wait a few seconds, then try again.');
      return;
    }
    call('conversation:nudge', { conversationId }).then(
      () => {
        appendEntry({ kind: 'nudge', key: entryKey(), from: me(), outgoing: true, at: Date.now() });
        shake();
        // Main sounds only the nudges that arrive; the sender hears their own here (not when Busy).
        if (useSession.getState().settings?.sounds.nudge && profile?.status !== 'BSY') playSound('nudge');
      },
      (e: unknown) => systemLine(`Your nudge could not be sent: ${errorText(e)}`),
    );
  };

  const remaining = MAX_MESSAGE_LENGTH - draft.length;

  return (
    <div
      ref={root}
      className={`conversation${dropping ? ' dropping' : ''}`}
      data-nudges={nudges}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files') || !window.msn.pathOf) return;
        e.preventDefault();
        setDropping(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDropping(false);
      }}
      onDrop={(e) => {
        setDropping(false);
        const pathOf = window.msn.pathOf;
        if (!pathOf || e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        const paths = [...e.dataTransfer.files].map((f) => pathOf(f)).filter((p) => p !== '');
        if (paths.length > 0)
          call('transfer:send-paths', { conversationId, paths: paths.slice(0, 20) }).catch((err: unknown) =>
            systemLine(errorText(err)),
          );
      }}
    >
      <div className="conv-toolbar" role="toolbar" aria-label="Conversation">
        <button type="button" className="tool" onClick={() => setPanel('invite')}>
          <Glyph name="invite" />
          <span>Invite</span>
        </button>
        <button
          type="button"
          className="tool"
          title="Send a File or Photo"
          onClick={() =>
            call('transfer:choose-files', { conversationId }).catch((e: unknown) => systemLine(errorText(e)))
          }
        >
          <Glyph name="send-files" />
          <span>Send Files</span>
        </button>
        <button
          type="button"
          className="tool"
          onClick={() => {
            const first = participants[0];
            call('history:open', first ? { contact: first.email } : {}).catch((e: unknown) => systemLine(errorText(e)));
          }}
        >
          <Glyph name="search" />
          <span>History</span>
        </button>
        {only && (
          <button
            type="button"
            className="tool"
            onClick={() =>
              call(isBlocked(only) ? 'contacts:unblock' : 'contacts:block', { email: only.email }).catch((e: unknown) =>
                systemLine(errorText(e)),
              )
            }
          >
            <Glyph name="block" />
            <span>{isBlocked(only) ? 'Unblock' : 'Block'}</span>
          </button>
        )}
      </div>
      <ToBar participants={participants} />
      <div className="conv-main">
        <div className="conv-left">
          <Log ownSize={style.size} earlier={earlier} />
          <div className="format-bar" role="toolbar" aria-label="Formatting">
            <button
              type="button"
              className="tool-small"
              title="Change the font"
              aria-label="Change the font"
              onClick={() => setPanel('font')}
            >
              <Glyph name="font" />
            </button>
            <button
              type="button"
              className="tool-small"
              title="Select an emoticon"
              aria-label="Select an emoticon"
              aria-expanded={panel === 'emoticons'}
              onClick={() => setPanel(panel === 'emoticons' ? null : 'emoticons')}
            >
              <Glyph name="emoticon" />
              <Glyph name="chevron" />
            </button>
            <button type="button" className="tool-small" title="Send a nudge" aria-label="Send a nudge" onClick={nudge}>
              <Glyph name="nudge" />
            </button>
            {panel === 'emoticons' && <EmoticonPicker onPick={insert} onClose={() => setPanel(null)} />}
          </div>
          {only?.status === 'FLN' && (
            <div className="offline-notice" role="status">
              <RichText text={contactName(only)} /> appears to be offline.{' '}
              {offlineMessages
                ? 'Your messages will be delivered when they sign in.'
                : 'Messages cannot reach them until they sign in.'}
            </div>
          )}
          <div className="composer">
            <textarea
              ref={input}
              aria-label="Type your message"
              value={draft}
              maxLength={MAX_MESSAGE_LENGTH}
              style={{ ...textStyle(style.format), fontSize: `${style.size}pt` }}
              onChange={(e) => {
                setDraft(e.target.value);
                if (e.target.value !== '' && typingAllowed()) {
                  // A lost typing notice only means the other side shows nothing: not worth an error line.
                  call('conversation:typing', { conversationId }).catch(() => undefined);
                }
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                  e.preventDefault();
                  send();
                }
              }}
            />
            <div className="composer-side">
              <button type="button" className="send-button" disabled={draft.trim() === ''} onClick={send}>
                Send
              </button>
              {remaining <= COUNTER_FROM && (
                <span className={`counter${remaining <= 0 ? ' full' : ''}`} aria-live="polite">
                  {remaining} characters left
                </span>
              )}
            </div>
          </div>
        </div>
        <aside className="conv-pictures">
          <DisplayPicture
            status={only?.status ?? 'NLN'}
            size="small"
            pictureId={only?.pictureId}
            label={only ? `${only.displayName}'s display picture` : ''}
          />
          <DisplayPicture
            status={profile?.status ?? 'NLN'}
            size="small"
            pictureId={profile?.pictureId}
            label="Your display picture"
          />
        </aside>
      </div>
      <StatusBar />
      {panel === 'font' && <FontDialog style={style} onSave={saveStyle} onClose={() => setPanel(null)} />}
      {panel === 'invite' && <InviteDialog conversationId={conversationId} onClose={() => setPanel(null)} />}
    </div>
  );
}
