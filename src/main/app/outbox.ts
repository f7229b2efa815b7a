// The durable outbox: every message a conversation window accepted, kept on disk (one file per
// account in the app's data folder) from before it is sent until it is delivered or has
// definitely failed. After a crash or a reconnection it tells what is still owed: a message never
// handed to the network is sent, one that was (`attempted`) may have arrived and is never sent
// twice behind the user's back.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TextFormat } from '../../shared/schemas';

const OutboxEntry = z.object({
  /** The message id the window knows it by. */
  id: z.string().min(1).max(64),
  /** Who the conversation is with (lower-case e-mails), to find or open it again. */
  to: z.array(z.string().min(1).max(256)).min(1).max(64),
  text: z.string().min(1).max(16384),
  format: TextFormat,
  /** When the window accepted it. */
  at: z.number(),
  /** It may have gone out: it was handed to a switchboard or the offline-message service. */
  attempted: z.boolean(),
  /** Its record in the message history, whose delivery state is owed an update too. */
  historyId: z.number().int().nonnegative().optional(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

const OutboxFile = z.object({ version: z.literal(1), entries: z.array(OutboxEntry) });

export interface OutboxDeps {
  /** The folder the account files go in (created when first written). */
  readonly dir: string;
  readonly reportError: (message: string) => void;
  readonly now: () => number;
}

/** The outbox file of an account: its e-mail, with anything unsafe in a file name escaped. */
export function outboxFile(dir: string, email: string): string {
  const safe = email.toLowerCase().replace(/[^a-z0-9@._-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return join(dir, `${safe}.outbox.json`);
}

export class Outbox {
  private file: string | undefined;
  private list: OutboxEntry[] = [];

  constructor(private readonly deps: OutboxDeps) {}

  /**
   * Signed in as `email`: reads what that account left unsent. A file that cannot be read is
   * moved aside (so nothing in it is lost or overwritten) and reported; the outbox starts empty.
   */
  open(email: string): readonly OutboxEntry[] {
    this.file = outboxFile(this.deps.dir, email);
    this.list = this.read(this.file);
    return this.entries();
  }

  /** Signed out: the file stays for the next sign-in. */
  close(): void {
    this.file = undefined;
    this.list = [];
  }

  entries(): readonly OutboxEntry[] {
    return this.list.map((e) => ({ ...e, to: [...e.to] }));
  }

  /** Keeps a message before it is sent; false when the disk refused (it is still kept in memory). */
  add(entry: OutboxEntry): boolean {
    this.list.push({ ...entry, to: [...entry.to] });
    return this.save();
  }

  /** About to hand it to the network: from now on it may arrive even if nothing confirms it. */
  attempted(id: string): boolean {
    const entry = this.list.find((e) => e.id === id);
    if (!entry || entry.attempted) return true;
    entry.attempted = true;
    return this.save();
  }

  /** The message history recorded it as `historyId`; a restart reports its fate there too. */
  recorded(id: string, historyId: number): void {
    const entry = this.list.find((e) => e.id === id);
    if (!entry) return;
    entry.historyId = historyId;
    this.save();
  }

  /** Delivered, or failed for good: nothing is owed any more. */
  remove(id: string): void {
    const before = this.list.length;
    this.list = this.list.filter((e) => e.id !== id);
    if (this.list.length !== before) this.save();
  }

  private read(file: string): OutboxEntry[] {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.deps.reportError(`Your unsent messages could not be read: ${describe(err)}`);
      return [];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = OutboxFile.safeParse(parsed);
    if (result.success) return result.data.entries;
    const aside = `${file}.unreadable-${this.deps.now()}`;
    try {
      renameSync(file, aside);
      this.deps.reportError(`Your unsent messages could not be read; the damaged file was kept as ${aside}`);
    } catch (err) {
      this.deps.reportError(`Your unsent messages could not be read, nor the damaged file put aside: ${describe(err)}`);
    }
    return [];
  }

  /** Writes the whole list to a temporary file, flushes it to the disk, then renames it over the old one. */
  private save(): boolean {
    const file = this.file;
    if (file === undefined) return true;
    const temp = `${file}.tmp`;
    try {
      mkdirSync(this.deps.dir, { recursive: true });
      const fd = openSync(temp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify({ version: 1, entries: this.list }));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, file);
      syncFolder(this.deps.dir);
      return true;
    } catch (err) {
      this.deps.reportError(`Your unsent messages could not be saved: ${describe(err)}`);
      return false;
    }
  }
}

/** Makes the rename itself durable where folders can be flushed (not on Windows). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Best effort: the file's own contents are already on the disk.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
