// The conversation log as the window keeps it: snapshot entries, then live events. Outgoing
// messages remember every message id main gave them (long text is sent in parts), so delivery
// reports can be folded back into one entry.
import type { ConversationEntry } from '../../../shared/ipc';
import type { DeliveryState, Participant, TextFormat, Transfer } from '../../../shared/schemas';

export type LogEntry =
  | {
      kind: 'message';
      key: string;
      ids: string[];
      from: Participant;
      outgoing: boolean;
      text: string;
      format?: TextFormat;
      at: number;
      /** Delivery per message id; absent for received messages. */
      delivery?: Record<string, DeliveryState>;
      failureReason?: string;
      /** The failure may not be one: it went out and nothing confirmed it. */
      uncertain?: boolean;
      /** Custom emoticons the sender declared for this message. */
      emoticons?: Record<string, string | null>;
      /** Received as an offline message; `at` is when it was sent. */
      offline?: boolean;
    }
  | { kind: 'nudge'; key: string; from: Participant; outgoing: boolean; at: number }
  | { kind: 'system'; key: string; text: string; at: number }
  | { kind: 'transfer'; key: string; transfer: Transfer; at: number };

let nextKey = 0;
export const entryKey = (): string => `e${(nextKey += 1)}`;

export function fromSnapshotEntry(entry: ConversationEntry): LogEntry {
  if (entry.kind !== 'message') return { ...entry, key: entryKey() };
  const { id, delivery, failureReason, format, ...rest } = entry;
  return {
    ...rest,
    key: entryKey(),
    ids: [id],
    ...(format ? { format } : {}),
    ...(delivery ? { delivery: { [id]: delivery } } : {}),
    ...(failureReason ? { failureReason } : {}),
  };
}

/**
 * What an outgoing entry shows: failed if any part failed, delivered (or stored for when they
 * sign in) once every part is, waiting while any part waits for the connection.
 */
export function deliveryOf(entry: Extract<LogEntry, { kind: 'message' }>): DeliveryState | undefined {
  if (!entry.delivery) return undefined;
  const states = Object.values(entry.delivery);
  if (states.includes('failed')) return 'failed';
  if (states.includes('queued')) return 'queued';
  for (const final of ['delivered', 'offline'] as const) if (states.every((s) => s === final)) return final;
  return 'sending';
}

export function applyDelivery(
  entries: readonly LogEntry[],
  messageId: string,
  state: DeliveryState,
  reason: string | undefined,
  uncertain = false,
): LogEntry[] {
  return entries.map((entry) => {
    if (entry.kind !== 'message' || !entry.ids.includes(messageId)) return entry;
    return {
      ...entry,
      delivery: { ...entry.delivery, [messageId]: state },
      ...(reason === undefined ? {} : { failureReason: reason }),
      ...(uncertain ? { uncertain } : {}),
    };
  });
}

/** A declared custom emoticon arrived: its message shows the picture from now on. */
export function applyEmoticon(
  entries: readonly LogEntry[],
  messageId: string,
  shortcut: string,
  pictureId: string,
): LogEntry[] {
  return entries.map((entry) =>
    entry.kind === 'message' && entry.ids.includes(messageId) && entry.emoticons && shortcut in entry.emoticons
      ? { ...entry, emoticons: { ...entry.emoticons, [shortcut]: pictureId } }
      : entry,
  );
}

/** A transfer's entry updated in place, or added at the end the first time it is seen. */
export function applyTransfer(entries: readonly LogEntry[], transfer: Transfer, at: number): LogEntry[] {
  const index = entries.findIndex((e) => e.kind === 'transfer' && e.transfer.id === transfer.id);
  if (index < 0) return [...entries, { kind: 'transfer', key: entryKey(), transfer, at }];
  return entries.map((entry, i) => (i === index && entry.kind === 'transfer' ? { ...entry, transfer } : entry));
}

/** Consecutive messages from one person share a single "Name says:" line. */
export function startsBlock(entries: readonly LogEntry[], index: number): boolean {
  const entry = entries[index];
  const previous = entries[index - 1];
  if (entry?.kind !== 'message') return true;
  return previous?.kind !== 'message' || previous.from.email !== entry.from.email;
}
