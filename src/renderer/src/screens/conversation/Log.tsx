// The conversation log: "Name says:" blocks in each sender's own font and colour, nudges, system
// lines, and the classic notice under a message that did not reach everyone.
import { useEffect, useMemo, useRef } from 'react';
import { RichText } from '../../components/RichText';
import { deliveryOf, startsBlock, type LogEntry } from '../../lib/conversationLog';
import { textStyle } from '../../lib/format';
import { call, errorText } from '../../lib/api';
import { sentWhileOfflineLine } from '../../lib/words';
import { addOutgoing, systemLine, useConversation } from '../../store/conversation';
import { useSession } from '../../store/session';
import { TransferEntry } from './TransferEntry';
import type { HistoryRecord } from '../../../../shared/history';
import { Records } from '../history/HistoryViewer';

const nameOf = (p: { displayName: string; email: string }): string =>
  p.displayName.trim() === '' ? p.email : p.displayName;

function Message({
  entry,
  first,
  ownSize,
}: {
  entry: Extract<LogEntry, { kind: 'message' }>;
  first: boolean;
  ownSize: number;
}): React.JSX.Element {
  const delivery = deliveryOf(entry);
  const style = textStyle(entry.format);
  const own = useSession((s) => s.ownEmoticons);
  // Our own messages show our own emoticons as we sent them; received ones what their sender declared.
  const custom = useMemo(
    () =>
      entry.outgoing
        ? Object.fromEntries(own.filter((e) => entry.text.includes(e.shortcut)).map((e) => [e.shortcut, e.pictureId]))
        : entry.emoticons,
    [entry.outgoing, entry.emoticons, entry.text, own],
  );
  return (
    <div
      className={`log-message${entry.outgoing ? ' outgoing' : ' incoming'}`}
      data-delivery={delivery}
      {...(entry.offline ? { 'data-offline': '' } : {})}
    >
      {first && (
        <div className="log-says">
          <RichText text={nameOf(entry.from)} /> says:
        </div>
      )}
      <div
        className={`log-text${delivery === 'sending' || delivery === 'queued' ? ' sending' : ''}`}
        style={{ ...style, ...(entry.outgoing ? { fontSize: `${ownSize}pt` } : {}) }}
      >
        <RichText text={entry.text} custom={custom} />
      </div>
      {entry.offline && <div className="log-note">{sentWhileOfflineLine(entry.at)}</div>}
      {delivery === 'queued' && (
        <div className="log-note">You are not connected: this message will be sent when the connection is back.</div>
      )}
      {delivery === 'offline' && <WhenTheySignIn />}
      {delivery === 'failed' && (
        <div className="log-failed" role="alert">
          <div>
            {entry.uncertain
              ? 'The following message may not have been delivered to all recipients:'
              : 'The following message could not be delivered to all recipients:'}
          </div>
          <div className="log-failed-text">{entry.text}</div>
          {entry.failureReason && <div className="log-failed-reason">{entry.failureReason}</div>}
          <button type="button" className="link-button log-resend" onClick={() => sendAgain(entry)}>
            Send again
          </button>
        </div>
      )}
    </div>
  );
}

/** An offline message the server stored: it reaches them at their next sign-in. */
function WhenTheySignIn(): React.JSX.Element {
  const who = useConversation((s) => s.participants[0]);
  return (
    <div className="log-note">
      This message will be delivered when {who ? <RichText text={nameOf(who)} /> : 'they'} signs in.
    </div>
  );
}

/** "Send again": the same text as a new message, under the old one's notice. */
function sendAgain(entry: Extract<LogEntry, { kind: 'message' }>): void {
  const { conversationId } = useConversation.getState();
  const messageId = entry.ids.find((id) => entry.delivery?.[id] === 'failed') ?? entry.ids[0] ?? '';
  call('conversation:resend', { conversationId, messageId }).then(
    ({ messageIds }) =>
      addOutgoing({
        ids: messageIds,
        from: entry.from,
        outgoing: true,
        text: entry.text,
        ...(entry.format ? { format: entry.format } : {}),
        at: Date.now(),
      }),
    (e: unknown) => systemLine(`Your message could not be sent again: ${errorText(e)}`),
  );
}

export function Log({ ownSize, earlier = [] }: { ownSize: number; earlier?: HistoryRecord[] }): React.JSX.Element {
  const entries = useConversation((s) => s.entries);
  const ref = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  // Follow new lines unless the user scrolled up to read.
  useEffect(() => {
    const log = ref.current;
    if (log && pinned.current) log.scrollTop = log.scrollHeight;
  }, [entries, earlier]);

  return (
    <div
      ref={ref}
      className="log"
      role="log"
      aria-label="Conversation"
      aria-live="polite"
      tabIndex={0}
      onScroll={(e) => {
        const log = e.currentTarget;
        pinned.current = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
      }}
    >
      {earlier.length > 0 && (
        <div className="log-earlier" aria-label="Earlier messages">
          <Records records={earlier} />
        </div>
      )}
      {entries.map((entry, i) => {
        switch (entry.kind) {
          case 'message':
            return <Message key={entry.key} entry={entry} first={startsBlock(entries, i)} ownSize={ownSize} />;
          case 'nudge':
            return (
              <div key={entry.key} className="log-system log-nudge">
                {entry.outgoing ? (
                  'You have just sent a nudge.'
                ) : (
                  <>
                    <RichText text={nameOf(entry.from)} /> has just sent you a nudge.
                  </>
                )}
              </div>
            );
          case 'system':
            return (
              <div key={entry.key} className="log-system">
                {entry.text}
              </div>
            );
          case 'transfer':
            return <TransferEntry key={entry.key} transfer={entry.transfer} />;
        }
      })}
    </div>
  );
}
