// The services' message history: records what happens in conversations into the signed-in
// account's database, and answers the viewer. It alone applies the privacy settings:
// - with "Keep a history of my conversations" off, nothing is written (no database is even
//   created); the viewer still reads a history kept earlier;
// - a contact marked "Do not keep history with this contact" gets nothing written either;
// - only conversation content is stored: never passwords, tickets or tokens.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  HistoryContact,
  HistoryConversation,
  HistoryRecord,
  ImportProgress,
  ImportReport,
  LogPage,
  SearchPage,
  SearchQuery,
  TransferOutcome,
} from '../../../shared/history';
import type { DeliveryState, HistoryPreferences, Participant, TextFormat } from '../../../shared/schemas';
import { exportContact, type ExportFormat, type ExportResult } from './exporter';
import { importFolder } from './importer';
import { normalizeContact, SqliteHistoryStore, type HistoryStore, type PageRequest } from './store';

/** What happened in a live conversation, as the conversations service reports it. */
export type LiveRecord =
  | {
      readonly kind: 'message';
      /** Outgoing messages: the id their delivery reports refer to. */
      readonly messageId?: string;
      readonly from: Participant;
      readonly outgoing: boolean;
      readonly offline?: boolean;
      readonly text: string;
      readonly format?: TextFormat;
      readonly at: number;
      readonly delivery?: DeliveryState;
      /** The sender's display picture at the time (hex SHA-1), so the log can show it later. */
      readonly picture?: string;
    }
  | { readonly kind: 'nudge'; readonly from: Participant; readonly outgoing: boolean; readonly at: number }
  | { readonly kind: 'join' | 'leave'; readonly who: Participant; readonly at: number }
  | { readonly kind: 'system'; readonly text: string; readonly at: number };

export interface LiveTransfer {
  readonly from: Participant;
  readonly outgoing: boolean;
  readonly fileName: string;
  readonly size?: number;
  readonly outcome: TransferOutcome;
  readonly savedPath?: string;
  readonly at: number;
}

/** What the conversations service (and the file transfers) tell the history. */
export interface HistoryRecorder {
  /** `contact` is whose log the conversation goes in: the person it was opened with. */
  /** The record's id for a message (what `resume` takes after a restart); undefined when nothing was kept. */
  record(conversationId: string, contact: Participant, record: LiveRecord): number | undefined;
  delivery(conversationId: string, messageId: string, state: DeliveryState, reason?: string): void;
  /**
   * A message recorded before a restart (record `recordId`) is owed again as `messageId` of
   * `conversationId`: its delivery reports update that record.
   */
  resume(conversationId: string, messageId: string, recordId: number): void;
  /** A file transfer's record id, to update when it ends; undefined when nothing was recorded. */
  fileTransfer(conversationId: string, contact: Participant, transfer: LiveTransfer): number | undefined;
  transferEnded(id: number, outcome: TransferOutcome, savedPath?: string): void;
  /** The conversation's window closed: its next messages start a new conversation in the log. */
  ended(conversationId: string): void;
}

export interface HistoryServiceDeps {
  /** The folder of the databases (the app's data folder); undefined keeps no history at all. */
  readonly dir: string | undefined;
  readonly preferences: () => HistoryPreferences;
  readonly reportError: (message: string) => void;
  readonly now: () => number;
  /** Opens a store; the SQLite one by default. */
  readonly openStore?: (path: string) => HistoryStore;
}

/** The database file of an account: its e-mail, with anything unsafe in a file name escaped. */
export function databaseFile(dir: string, email: string): string {
  const safe = normalizeContact(email).replace(/[^a-z0-9@._-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return join(dir, `${safe}.history.sqlite`);
}

interface LiveConversation {
  readonly historyId: number;
  readonly contact: string;
}

export class HistoryService implements HistoryRecorder {
  private account: Participant | undefined;
  private store: HistoryStore | undefined;
  /** Set when the database cannot be used this session (already reported). */
  private broken = false;
  private readonly live = new Map<string, LiveConversation>();
  /** Outgoing messages awaiting their delivery report: `conversation\nmessage` → record id. */
  private readonly pending = new Map<string, number>();

  constructor(private readonly deps: HistoryServiceDeps) {}

  signedIn(account: Participant): void {
    if (this.account && normalizeContact(this.account.email) === normalizeContact(account.email)) {
      this.account = account;
      return;
    }
    this.signedOut();
    this.account = account;
  }

  signedOut(): void {
    this.store?.close();
    this.store = undefined;
    this.account = undefined;
    this.broken = false;
    this.live.clear();
    this.pending.clear();
  }

  get signedInAs(): Participant | undefined {
    return this.account;
  }

  // --- recording -------------------------------------------------------------------------------

  record(conversationId: string, contact: Participant, record: LiveRecord): number | undefined {
    return this.write(contact.email, (store): number | undefined => {
      const historyId = this.conversation(store, conversationId, contact, record.at);
      switch (record.kind) {
        case 'message': {
          const id = store.add({
            conversationId: historyId,
            kind: 'message',
            at: record.at,
            from: record.from,
            outgoing: record.outgoing,
            offline: record.offline ?? false,
            text: record.text,
            ...(record.format ? { format: record.format } : {}),
            ...(record.delivery ? { delivery: record.delivery } : {}),
            ...(record.picture === undefined ? {} : { picture: record.picture }),
          });
          if (id !== undefined && record.messageId !== undefined && unsettled(record.delivery)) {
            this.pending.set(`${conversationId}\n${record.messageId}`, id);
          }
          return id;
        }
        case 'nudge':
          store.add({
            conversationId: historyId,
            kind: 'nudge',
            at: record.at,
            from: record.from,
            outgoing: record.outgoing,
          });
          return undefined;
        case 'join':
        case 'leave':
          store.add({ conversationId: historyId, kind: record.kind, at: record.at, from: record.who });
          return undefined;
        case 'system':
          store.add({ conversationId: historyId, kind: 'system', at: record.at, text: record.text });
          return undefined;
      }
    });
  }

  delivery(conversationId: string, messageId: string, state: DeliveryState, reason?: string): void {
    const key = `${conversationId}\n${messageId}`;
    const id = this.pending.get(key);
    if (id === undefined) return;
    if (!unsettled(state)) this.pending.delete(key);
    // After a restart the database may not be open yet; it is never created for this.
    const store = this.store ?? (this.account && !this.broken ? this.guard(() => this.open(false)) : undefined);
    if (!store) return;
    this.guard(() => store.setDelivery(id, state, reason, this.deps.now()));
  }

  resume(conversationId: string, messageId: string, recordId: number): void {
    this.pending.set(`${conversationId}\n${messageId}`, recordId);
  }

  fileTransfer(conversationId: string, contact: Participant, transfer: LiveTransfer): number | undefined {
    return this.write(contact.email, (store) =>
      store.addTransfer({
        conversationId: this.conversation(store, conversationId, contact, transfer.at),
        at: transfer.at,
        from: transfer.from,
        outgoing: transfer.outgoing,
        fileName: transfer.fileName,
        ...(transfer.size === undefined ? {} : { size: transfer.size }),
        outcome: transfer.outcome,
        ...(transfer.savedPath === undefined ? {} : { savedPath: transfer.savedPath }),
      }),
    );
  }

  transferEnded(id: number, outcome: TransferOutcome, savedPath?: string): void {
    const store = this.store;
    if (store) this.guard(() => store.updateTransfer(id, outcome, savedPath));
  }

  ended(conversationId: string): void {
    this.live.delete(conversationId);
    for (const key of this.pending.keys()) if (key.startsWith(`${conversationId}\n`)) this.pending.delete(key);
  }

  // --- reading ---------------------------------------------------------------------------------

  contacts(): HistoryContact[] {
    return this.read((s) => s.contacts(), []);
  }

  conversations(contact: string, before?: number): HistoryConversation[] {
    return this.read((s) => s.conversations(contact, before), []);
  }

  page(contact: string, request: PageRequest): LogPage {
    return this.read((s) => s.page(contact, request), { records: [] });
  }

  search(query: SearchQuery): SearchPage {
    return this.read((s) => s.search(query), { hits: [] });
  }

  /**
   * What a newly opened conversation window shows greyed: the last few records with the contact
   * from before this conversation, as many as the setting asks (none while history is off).
   */
  recent(conversationId: string, contact: string): HistoryRecord[] {
    const prefs = this.deps.preferences();
    if (!prefs.keep || prefs.showRecent === 0) return [];
    const current = this.live.get(conversationId)?.historyId;
    return this.read((s) => {
      const records = s.recent(contact, prefs.showRecent + 50);
      return records.filter((r) => r.conversationId !== current && r.kind !== 'system').slice(-prefs.showRecent);
    }, []);
  }

  keeps(contact: string): boolean {
    return this.read((s) => s.keeps(contact), true);
  }

  // --- the user's choices ----------------------------------------------------------------------

  setKeep(contact: string, keep: boolean): void {
    this.run((s) => s.setKeep(contact, keep), true);
  }

  /** Deletes one contact's history, or all of it. */
  delete(contact?: string): void {
    this.run((s) => (contact === undefined ? s.deleteAll() : s.deleteContact(contact)), false);
  }

  async importFolder(
    folder: string,
    knownContacts: readonly string[],
    onProgress: (progress: ImportProgress) => void,
  ): Promise<ImportReport> {
    const account = this.requireAccount();
    const store = this.open(true);
    return importFolder(store, folder, {
      self: { email: account.email, names: [account.displayName] },
      knownContacts,
      onProgress,
    });
  }

  export(contact: string, format: ExportFormat, path: string): ExportResult {
    const account = this.requireAccount();
    const store = this.open(false);
    if (!store || store.page(contact, { limit: 1 }).records.length === 0) {
      throw new Error(`There is no history with ${contact} to export`);
    }
    return exportContact(store, contact, format, path, account);
  }

  // --- internals -------------------------------------------------------------------------------

  private conversation(store: HistoryStore, conversationId: string, contact: Participant, at: number): number {
    const known = this.live.get(conversationId);
    if (known) return known.historyId;
    const historyId = store.startConversation({ contact: contact.email, contactName: contact.displayName, at });
    this.live.set(conversationId, { historyId, contact: normalizeContact(contact.email) });
    return historyId;
  }

  /** Writes only when history is kept, and kept with this contact. */
  private write<T>(contact: string, work: (store: HistoryStore) => T): T | undefined {
    if (!this.deps.preferences().keep || !this.account || this.broken) return undefined;
    return this.guard(() => {
      const store = this.open(true);
      if (!store || !store.keeps(contact)) return undefined;
      return work(store);
    });
  }

  private read<T>(work: (store: HistoryStore) => T, empty: T): T {
    if (!this.account) return empty;
    const store = this.open(false);
    return store ? work(store) : empty;
  }

  /** A change the user asked for: errors reach them. */
  private run(work: (store: HistoryStore) => void, create: boolean): void {
    this.requireAccount();
    const store = this.open(create);
    if (store) work(store);
  }

  private requireAccount(): Participant {
    if (!this.account) throw new Error('Sign in to use your message history');
    return this.account;
  }

  /** The account's store; with `create` false, undefined when it has no database yet. */
  private open(create: true): HistoryStore;
  private open(create: boolean): HistoryStore | undefined;
  private open(create: boolean): HistoryStore | undefined {
    if (this.store) return this.store;
    const account = this.requireAccount();
    if (this.deps.dir === undefined) {
      if (create) throw new Error('Message history is not available here');
      return undefined;
    }
    const path = databaseFile(this.deps.dir, account.email);
    if (!create && !existsSync(path)) return undefined;
    mkdirSync(this.deps.dir, { recursive: true });
    this.store = (this.deps.openStore ?? ((p) => SqliteHistoryStore.open(p)))(path);
    return this.store;
  }

  /** A recording that fails is reported once and stops recording for the session; chat goes on. */
  private guard<T>(work: () => T): T | undefined {
    try {
      return work();
    } catch (err) {
      if (!this.broken) {
        this.broken = true;
        this.deps.reportError(
          `Your message history could not be saved: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      return undefined;
    }
  }
}

/** A message still on its way: its record awaits a later delivery report. */
function unsettled(state: DeliveryState | undefined): boolean {
  return state === 'sending' || state === 'queued';
}
