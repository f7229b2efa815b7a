// The conversation log: "Name says:" blocks in each sender's own font and colour, nudges, system
// lines, and the classic notice under a message that did not reach everyone.
import { useEffect, useMemo, useRef } from 'react';
import { RichText } from '../../components/RichText';
import { deliveryOf, startsBlock, type LogEntry } from '../../lib/conversationLog';
import { textStyle } from '../../lib/format';
import { useConversation } from '../../store/conversation';
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
    <div className={`log-message${entry.outgoing ? ' outgoing' : ' incoming'}`} data-delivery={delivery}>
      {first && (
        <div className="log-says">
          <RichText text={nameOf(entry.from)} /> says:
        </div>
      )}
      <div
        className={`log-text${delivery === 'sending' ? ' sending' : ''}`}
        style={{ ...style, ...(entry.outgoing ? { fontSize: `${ownSize}pt` } : {}) }}
      >
        <RichText text={entry.text} custom={custom} />
      </div>
      {delivery === 'failed' && (
        <div className="log-failed" role="alert">
          <div>The following message could not be delivered to all recipients:</div>
          <div className="log-failed-text">{entry.text}</div>
          {entry.failureReason && <div className="log-failed-reason">{entry.failureReason}</div>}
        </div>
      )}
    </div>
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
