// Message history as it crosses the IPC boundary: stored records, the viewer's pages, search
// results and the import report. Main stores and returns these; the renderer draws them as text.
import { z } from 'zod';
import { DeliveryState, Participant, PictureId, TextFormat } from './schemas';

export const HistoryKind = z.enum([
  'message',
  'nudge',
  'join',
  'leave',
  'file',
  'system',
  /** Imported from old logs: an MSN invitation (file transfer, webcam, …) and its answer. */
  'invitation',
  'invitation-response',
]);
export type HistoryKind = z.infer<typeof HistoryKind>;

export const TransferOutcome = z.enum(['offered', 'completed', 'declined', 'cancelled', 'failed']);
export type TransferOutcome = z.infer<typeof TransferOutcome>;

/** A record id: time-ordered, so ids sort as the records happened. */
export const HistoryId = z.number().int().nonnegative();

export const HistoryRecord = z.object({
  id: HistoryId,
  conversationId: HistoryId,
  /** Whose log this is: the contact the conversation was with. */
  contact: z.string(),
  kind: HistoryKind,
  at: z.number(),
  /** Who wrote, nudged, joined, left or sent the file, as they were named then. */
  from: Participant.optional(),
  outgoing: z.boolean(),
  /** Received as an offline message. */
  offline: z.boolean(),
  text: z.string(),
  format: TextFormat.optional(),
  delivery: DeliveryState.optional(),
  failureReason: z.string().optional(),
  file: z
    .object({
      name: z.string(),
      size: z.number().int().nonnegative().optional(),
      outcome: TransferOutcome,
      savedPath: z.string().optional(),
    })
    .optional(),
  /** An imported invitation's application ("File Transfer", …) and file. */
  invitation: z.object({ application: z.string().optional(), file: z.string().optional() }).optional(),
  /** The sender's display picture when they wrote it (in the picture cache, if still there). */
  picture: PictureId.optional(),
});
export type HistoryRecord = z.infer<typeof HistoryRecord>;

export const HistoryContact = z.object({
  email: z.string(),
  displayName: z.string(),
  records: z.number().int().nonnegative(),
  lastAt: z.number().optional(),
  /** False when the user chose "Do not keep history with this contact". */
  keep: z.boolean(),
});
export type HistoryContact = z.infer<typeof HistoryContact>;

export const HistoryConversation = z.object({
  id: HistoryId,
  contact: z.string(),
  startedAt: z.number(),
  lastAt: z.number(),
  records: z.number().int().nonnegative(),
});
export type HistoryConversation = z.infer<typeof HistoryConversation>;

/** A snippet of a found message, cut into plain-text pieces; `hit` pieces match the query. */
export const Snippet = z.array(z.object({ text: z.string(), hit: z.boolean() }));
export type Snippet = z.infer<typeof Snippet>;

export const SearchHit = z.object({ record: HistoryRecord, snippet: Snippet });
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchQuery = z
  .object({
    text: z.string().max(512),
    contact: z.string().max(256).optional(),
    /** Inclusive range, milliseconds since the epoch. */
    from: z.number().optional(),
    to: z.number().optional(),
    /** Continue after this record id (the `next` of the previous page). */
    before: HistoryId.optional(),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .strict();
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchPage = z.object({ hits: z.array(SearchHit), next: HistoryId.optional() });
export type SearchPage = z.infer<typeof SearchPage>;

/** A page of one contact's log, oldest first; `older`/`newer` continue it either way. */
export const LogPage = z.object({
  records: z.array(HistoryRecord),
  older: HistoryId.optional(),
  newer: HistoryId.optional(),
});
export type LogPage = z.infer<typeof LogPage>;

export const ImportReport = z.object({
  files: z.number().int().nonnegative(),
  imported: z.number().int().nonnegative(),
  /** Records already in the history (imported before). */
  duplicates: z.number().int().nonnegative(),
  contacts: z.array(z.string()),
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const ImportProgress = z.object({
  file: z.string(),
  filesDone: z.number().int().nonnegative(),
  filesTotal: z.number().int().nonnegative(),
  imported: z.number().int().nonnegative(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;
