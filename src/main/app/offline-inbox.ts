// Offline messages waiting on the server (MSNP13+): fetched when they are announced (at sign-in
// and while online), shown in their senders' conversations, and only then deleted on the server.
// What could not be fetched or read is reported and left there, never dropped.
import type { OfflineMessage, OfflineMessageFailure, OfflineMessageNotice } from '../msnp/events';

/** What this takes from the signed-in client. */
export interface OfflineMailbox {
  fetchOfflineMessages(
    ids?: readonly string[],
  ): Promise<{ messages: OfflineMessage[]; failures: OfflineMessageFailure[] }>;
  deleteOfflineMessages(ids: readonly string[]): Promise<void>;
}

export interface OfflineInboxDeps {
  /** Shows (and records) the messages, in order; returns the ids of those it showed. */
  readonly show: (messages: readonly OfflineMessage[]) => string[];
  /** The sender's name as the contact list has it, for the reports. */
  readonly nameOf: (email: string) => string;
  readonly reportError: (message: string) => void;
}

export class OfflineInbox {
  /** Ids shown in this run of the app, so a notice repeated before the delete shows nothing twice. */
  private readonly shown = new Set<string>();
  /** One batch at a time: a notice arriving mid-fetch waits its turn. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: OfflineInboxDeps) {}

  /** Messages were announced: fetch, show, then delete exactly those shown. Resolves when done. */
  arrived(mailbox: OfflineMailbox, notices: readonly OfflineMessageNotice[]): Promise<void> {
    const next = this.queue.then(() => this.take(mailbox, notices));
    this.queue = next;
    return next;
  }

  private async take(mailbox: OfflineMailbox, notices: readonly OfflineMessageNotice[]): Promise<void> {
    const ids = notices.map((n) => n.id).filter((id) => !this.shown.has(id));
    if (ids.length === 0) return;
    let fetched: { messages: OfflineMessage[]; failures: OfflineMessageFailure[] };
    try {
      fetched = await mailbox.fetchOfflineMessages(ids);
    } catch (err) {
      this.deps.reportError(
        `Messages sent to you while you were offline could not be fetched: ${describe(err)}. They are still on the server.`,
      );
      return;
    }
    const shown = this.deps.show(fetched.messages.filter((m) => !this.shown.has(m.id)));
    for (const id of shown) this.shown.add(id);
    for (const failure of fetched.failures) {
      this.deps.reportError(
        `A message ${this.deps.nameOf(failure.from)} sent while you were offline could not be read: ${failure.reason}. It was left on the server.`,
      );
    }
    if (shown.length === 0) return;
    try {
      await mailbox.deleteOfflineMessages(shown);
    } catch (err) {
      this.deps.reportError(
        `Offline messages you have read could not be removed from the server (${describe(err)}): they may show again next time.`,
      );
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
