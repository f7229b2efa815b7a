// The contact list as the windows see it. Engine updates arrive one contact at a time (a
// server sends hundreds of presence lines in a burst at sign-in and when a busy list comes
// online); they are coalesced into one `contacts:changed` event per short window so the
// renderer re-renders a few times, not once per contact.
import type { EventPayload } from '../../shared/ipc';
import type { Contact, Group, Privacy } from '../../shared/schemas';
import { isOnline } from '../../shared/status';

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** About two animation frames: short enough to feel instant, long enough to gather a burst. */
export const BATCH_WINDOW_MS = 50;

type Batch = EventPayload<'contacts:changed'>;

/** Collects contact changes and emits them together once the window after the first one closes. */
export class ContactBatcher {
  private readonly upserted = new Map<string, Contact>();
  private readonly removed = new Set<string>();
  private timer: unknown;
  private pending = false;

  constructor(
    private readonly emit: (batch: Batch) => void,
    private readonly windowMs = BATCH_WINDOW_MS,
    private readonly timers: Timers = SYSTEM_TIMERS,
  ) {}

  upsert(contact: Contact): void {
    this.removed.delete(contact.email);
    this.upserted.set(contact.email, contact);
    this.schedule();
  }

  remove(email: string): void {
    this.upserted.delete(email);
    this.removed.add(email);
    this.schedule();
  }

  /** Emits what is pending now, e.g. before an event that must come after it. */
  flush(): void {
    if (this.pending) this.timers.clearTimeout(this.timer);
    this.pending = false;
    if (this.upserted.size === 0 && this.removed.size === 0) return;
    const batch: Batch = { upserted: [...this.upserted.values()], removed: [...this.removed] };
    this.upserted.clear();
    this.removed.clear();
    this.emit(batch);
  }

  /** Drops what is pending, e.g. when the whole list is replaced. */
  discard(): void {
    if (this.pending) this.timers.clearTimeout(this.timer);
    this.pending = false;
    this.upserted.clear();
    this.removed.clear();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    this.timer = this.timers.setTimeout(() => {
      this.pending = false;
      this.flush();
    }, this.windowMs);
  }
}

export interface ContactsEvents {
  loaded(payload: EventPayload<'contacts:loaded'>): void;
  changed(batch: Batch): void;
  /** A contact went from offline to online after sign-in (never for the list loaded at sign-in). */
  signedIn(contact: Contact): void;
}

/** The latest contact list of the session, and its changes turned into events. */
export class ContactsService {
  private readonly contacts = new Map<string, Contact>();
  private groupList: Group[] = [];
  private privacyState: Privacy | undefined;
  private readonly batcher: ContactBatcher;

  constructor(
    private readonly events: ContactsEvents,
    windowMs = BATCH_WINDOW_MS,
    timers: Timers = SYSTEM_TIMERS,
  ) {
    this.batcher = new ContactBatcher((batch) => events.changed(batch), windowMs, timers);
  }

  /** The whole list, with the presence known at sign-in (or after a reconnection). */
  load(contacts: readonly Contact[], groups: readonly Group[], privacy: Privacy): void {
    this.batcher.discard();
    this.contacts.clear();
    for (const contact of contacts) this.contacts.set(contact.email, contact);
    this.groupList = [...groups];
    this.privacyState = privacy;
    this.events.loaded({ contacts: [...this.contacts.values()], groups: this.groupList });
  }

  /** A presence or profile change of one contact. */
  update(contact: Contact): void {
    const previous = this.contacts.get(contact.email);
    this.contacts.set(contact.email, contact);
    // The engine repeats the presence of contacts already online right after the list: no news.
    if (previous && sameContact(previous, contact)) return;
    this.batcher.upsert(contact);
    if (previous && !isOnline(previous.status) && isOnline(contact.status)) this.events.signedIn(contact);
  }

  /** A list change; `contact` undefined means the contact is on no list any more. */
  listChanged(email: string, contact: Contact | undefined): void {
    if (contact) {
      this.update(contact);
    } else if (this.contacts.delete(email)) {
      this.batcher.remove(email);
    }
  }

  setGroups(groups: readonly Group[]): void {
    this.groupList = [...groups];
  }

  setPrivacy(privacy: Privacy): void {
    this.privacyState = privacy;
  }

  get(email: string): Contact | undefined {
    return this.contacts.get(email.toLowerCase());
  }

  snapshot(): { contacts: Contact[]; groups: Group[]; privacy: Privacy | undefined } {
    return { contacts: [...this.contacts.values()], groups: [...this.groupList], privacy: this.privacyState };
  }

  flush(): void {
    this.batcher.flush();
  }

  clear(): void {
    this.batcher.discard();
    this.contacts.clear();
    this.groupList = [];
    this.privacyState = undefined;
  }
}

function sameContact(a: Contact, b: Contact): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
