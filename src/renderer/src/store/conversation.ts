// One conversation window's state: who is in it, the log and who is typing. Events for other
// conversations are ignored; events that arrive before the snapshot are applied after it.
import { create } from 'zustand';
import type { EventName, EventPayload } from '../../../shared/ipc';
import type { DeliveryState, Participant } from '../../../shared/schemas';
import { call, errorText } from '../lib/api';
import {
  applyDelivery,
  applyEmoticon,
  applyTransfer,
  entryKey,
  fromSnapshotEntry,
  type LogEntry,
} from '../lib/conversationLog';
import { useSession } from './session';

/** How long "X is writing a message..." stays after the last typing notice (the classic client used ~6 s). */
export const TYPING_SHOWN_MS = 6000;

export interface ConversationState {
  conversationId: string;
  loaded: boolean;
  participants: Participant[];
  entries: LogEntry[];
  /** Emails of people typing now. */
  typing: string[];
  /** Bumped on every nudge so the window shakes again. */
  nudges: number;
  lastReceivedAt: number | null;
}

export const useConversation = create<ConversationState>()(() => ({
  conversationId: '',
  loaded: false,
  participants: [],
  entries: [],
  typing: [],
  nudges: 0,
  lastReceivedAt: null,
}));

export function appendEntry(entry: LogEntry): void {
  useConversation.setState((s) => ({ entries: [...s.entries, entry] }));
}

export function systemLine(text: string): void {
  appendEntry({ kind: 'system', key: entryKey(), text, at: Date.now() });
}

// A delivery report can overtake the reply that tells this window the message ids; keep it
// until the entry exists.
const early = new Map<string, { state: DeliveryState; reason: string | undefined; uncertain: boolean }>();

export function addOutgoing(entry: Omit<Extract<LogEntry, { kind: 'message' }>, 'kind' | 'key' | 'delivery'>): void {
  let entries: LogEntry[] = [
    ...useConversation.getState().entries,
    {
      ...entry,
      kind: 'message',
      key: entryKey(),
      delivery: Object.fromEntries(entry.ids.map((id) => [id, 'sending' as const])),
    },
  ];
  for (const id of entry.ids) {
    const report = early.get(id);
    if (!report) continue;
    early.delete(id);
    entries = applyDelivery(entries, id, report.state, report.reason, report.uncertain);
  }
  useConversation.setState({ entries });
}

export function shake(): void {
  useConversation.setState((s) => ({ nudges: s.nudges + 1 }));
}

const nameOf = (p: Participant): string => (p.displayName.trim() === '' ? p.email : p.displayName);

function isMe(email: string): boolean {
  return useSession.getState().profile?.email.toLowerCase() === email.toLowerCase();
}

/** Subscribes to this conversation's events and loads its history. */
export function connectConversation(conversationId: string): () => void {
  const set = useConversation.setState;
  set({ conversationId, loaded: false, participants: [], entries: [], typing: [], nudges: 0, lastReceivedAt: null });
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const stopTyping = (email: string): void => {
    clearTimeout(typingTimers.get(email));
    typingTimers.delete(email);
    set((s) => ({ typing: s.typing.filter((t) => t !== email) }));
  };

  const handlers: { [E in EventName]?: (payload: EventPayload<E>) => void } = {
    'conversation:opened': ({ participants }) => set({ participants }),
    'conversation:joined': ({ participant }) => {
      // The person a conversation was started with joins it too; only newcomers are announced.
      const known = useConversation.getState().participants.some((p) => p.email === participant.email);
      set((s) => ({ participants: [...s.participants.filter((p) => p.email !== participant.email), participant] }));
      if (!known) systemLine(`${nameOf(participant)} has joined the conversation.`);
    },
    'conversation:left': ({ email }) => {
      const { participants } = useConversation.getState();
      const who = participants.find((p) => p.email === email);
      // The last person stays on the To: bar: the next message invites them again.
      if (participants.length > 1) set({ participants: participants.filter((p) => p.email !== email) });
      stopTyping(email);
      systemLine(`${who ? nameOf(who) : email} has left the conversation.`);
    },
    'conversation:message': ({ id, from, text, format, at, emoticons, offline }) => {
      stopTyping(from.email);
      const outgoing = isMe(from.email);
      appendEntry({
        kind: 'message',
        key: entryKey(),
        ids: [id],
        from,
        outgoing,
        text,
        ...(format ? { format } : {}),
        at,
        ...(emoticons ? { emoticons } : {}),
        ...(offline ? { offline } : {}),
      });
      if (!outgoing) set({ lastReceivedAt: at });
    },
    'conversation:typing': ({ email }) => {
      if (isMe(email)) return;
      clearTimeout(typingTimers.get(email));
      typingTimers.set(
        email,
        setTimeout(() => stopTyping(email), TYPING_SHOWN_MS),
      );
      set((s) => (s.typing.includes(email) ? s : { typing: [...s.typing, email] }));
    },
    'conversation:nudge': ({ from }) => {
      appendEntry({ kind: 'nudge', key: entryKey(), from, outgoing: false, at: Date.now() });
      shake();
    },
    'conversation:delivery': ({ messageId, state, reason, uncertain = false }) => {
      const { entries } = useConversation.getState();
      if (entries.some((e) => e.kind === 'message' && e.ids.includes(messageId))) {
        set({ entries: applyDelivery(entries, messageId, state, reason, uncertain) });
      } else early.set(messageId, { state, reason, uncertain });
    },
    'conversation:unsupported': ({ from }) =>
      systemLine(`${nameOf(from)} sent something that this version of Messenger cannot show.`),
    'conversation:closed': ({ reason }) => {
      if (reason !== '') systemLine(reason);
    },
    'conversation:emoticon': ({ messageId, shortcut, pictureId }) =>
      set((s) => ({ entries: applyEmoticon(s.entries, messageId, shortcut, pictureId) })),
    'transfer:changed': ({ transfer }) => set((s) => ({ entries: applyTransfer(s.entries, transfer, Date.now()) })),
  };

  const apply = (name: EventName, payload: unknown): void => {
    (handlers[name] as ((p: unknown) => void) | undefined)?.(payload);
  };
  // Events that arrive while the snapshot is on its way are held and applied after it, minus
  // messages the snapshot already holds.
  let pending: { name: EventName; payload: unknown }[] | null = [];
  const unsubscribe = (Object.keys(handlers) as EventName[]).map((name) =>
    window.msn.on(name, (payload) => {
      if ((payload as { conversationId?: string }).conversationId !== conversationId) return;
      if (pending) pending.push({ name, payload });
      else apply(name, payload);
    }),
  );
  const signature = (m: { from: Participant; at: number; text: string }): string => `${m.from.email}|${m.at}|${m.text}`;
  const release = (known: ReadonlySet<string>): void => {
    const held = pending ?? [];
    pending = null;
    for (const { name, payload } of held) {
      if (name === 'conversation:message' && known.has(signature(payload as EventPayload<'conversation:message'>))) {
        continue;
      }
      apply(name, payload);
    }
  };

  call('conversation:snapshot', { conversationId }).then(
    (snapshot) => {
      const entries = snapshot.entries.map(fromSnapshotEntry);
      const lastIncoming = snapshot.entries.findLast((e) => e.kind === 'message' && !e.outgoing);
      set({ loaded: true, participants: snapshot.participants, entries, lastReceivedAt: lastIncoming?.at ?? null });
      release(new Set(snapshot.entries.flatMap((e) => (e.kind === 'message' ? [signature(e)] : []))));
    },
    (error: unknown) => {
      set({ loaded: true });
      systemLine(`This conversation could not be loaded: ${errorText(error)}`);
      release(new Set());
    },
  );

  return () => {
    for (const off of unsubscribe) off();
    for (const timer of typingTimers.values()) clearTimeout(timer);
  };
}
