// The contact-list model: contacts with their list membership, groups and presence, privacy and
// the user's own profile. It only stores; the protocol handlers decide what changed. Strings are
// clamped to the shared schema limits here, so whatever a server sends, snapshots stay valid.
import type { Contact, Group, ListName, Privacy, Profile, Status } from '../../shared/schemas';

const LIST_ORDER: readonly ListName[] = ['FL', 'AL', 'BL', 'RL', 'PL'];
const LIST_BITS: Readonly<Record<ListName, number>> = { FL: 1, AL: 2, BL: 4, RL: 8, PL: 16 };

/** Lists named by an MSNP8+ `LST` bitmask (FL 1, AL 2, BL 4, RL 8, PL 16). */
export function listsFromMask(mask: number): ListName[] {
  return LIST_ORDER.filter((list) => (mask & LIST_BITS[list]) !== 0);
}

/** Someone who added you and whom you have neither allowed nor blocked yet. */
export function isPendingAddition(contact: Contact): boolean {
  const on = (list: ListName): boolean => contact.lists.includes(list);
  return on('PL') || (on('RL') && !on('AL') && !on('BL'));
}

export function isListName(text: string | undefined): text is ListName {
  return text !== undefined && (LIST_ORDER as readonly string[]).includes(text);
}

const clamp = (text: string, max: number): string => (text.length > max ? text.slice(0, max) : text);
const MAX_EMAIL = 256;
const MAX_ID = 64;

export interface PresenceUpdate {
  readonly status: Status;
  readonly displayName?: string;
  readonly clientId?: number;
  /** Decoded MSN object XML; undefined clears it. */
  readonly msnObject?: string;
}

export class ContactList {
  private readonly byEmail = new Map<string, Contact>();
  private readonly groupMap = new Map<string, Group>();
  private privacyState: Privacy = { blp: 'AL', gtc: 'A' };
  private profileState: Profile;
  /** The contact of the latest `LST`, to which a following stream `BPR` belongs. */
  private lastListed: string | undefined;

  constructor(email: string, displayName: string = email) {
    this.profileState = { email, displayName: clamp(displayName, 1024), status: 'FLN', personalMessage: '' };
  }

  get profile(): Profile {
    return { ...this.profileState };
  }

  get privacy(): Privacy {
    return { ...this.privacyState };
  }

  contacts(): Contact[] {
    return [...this.byEmail.values()].map(copy);
  }

  groups(): Group[] {
    return [...this.groupMap.values()].map((g) => ({ ...g }));
  }

  get(email: string): Contact | undefined {
    const contact = this.byEmail.get(email.toLowerCase());
    return contact && copy(contact);
  }

  group(id: string): Group | undefined {
    const group = this.groupMap.get(id);
    return group && { ...group };
  }

  /** Finds a contact by its MSNP10+ GUID. */
  byGuid(guid: string): Contact | undefined {
    for (const contact of this.byEmail.values()) if (contact.guid === guid) return copy(contact);
    return undefined;
  }

  updateProfile(change: Partial<Omit<Profile, 'email'>>): Profile {
    this.profileState = {
      ...this.profileState,
      ...change,
      displayName: clamp(change.displayName ?? this.profileState.displayName, 1024),
      personalMessage: clamp(change.personalMessage ?? this.profileState.personalMessage, 4096),
    };
    return this.profile;
  }

  setPrivacy(change: Partial<Privacy>): Privacy {
    this.privacyState = { ...this.privacyState, ...change };
    return this.privacy;
  }

  /**
   * Adds `email` to `list` (creating the contact), merging what the line says about it.
   * Returns the updated contact, or undefined when the address is unusable.
   */
  addToList(
    email: string,
    list: ListName,
    details: { displayName?: string; guid?: string; groupIds?: readonly string[] } = {},
  ): Contact | undefined {
    const contact = this.ensure(email, details.displayName);
    if (!contact) return undefined;
    if (!contact.lists.includes(list))
      contact.lists = LIST_ORDER.filter((l) => l === list || contact.lists.includes(l));
    if (details.displayName !== undefined && details.displayName !== '') {
      contact.displayName = clamp(details.displayName, 1024);
    }
    if (details.guid !== undefined && details.guid.length <= MAX_ID) contact.guid = details.guid;
    if (list === 'FL' && details.groupIds) {
      for (const id of details.groupIds) this.addToGroupInPlace(contact, id);
    }
    this.lastListed = contact.email;
    return copy(contact);
  }

  /** Sets every list at once (MSNP8+ `LST` lines). */
  setLists(
    email: string,
    lists: readonly ListName[],
    details: { displayName?: string; guid?: string; groupIds?: readonly string[] } = {},
  ): Contact | undefined {
    const contact = this.ensure(email, details.displayName);
    if (!contact) return undefined;
    contact.lists = LIST_ORDER.filter((l) => lists.includes(l));
    if (details.displayName !== undefined && details.displayName !== '') {
      contact.displayName = clamp(details.displayName, 1024);
    }
    if (details.guid !== undefined && details.guid.length <= MAX_ID) contact.guid = details.guid;
    contact.groupIds = [];
    if (contact.lists.includes('FL')) for (const id of details.groupIds ?? []) this.addToGroupInPlace(contact, id);
    this.lastListed = contact.email;
    return copy(contact);
  }

  /**
   * Removes `email` from `list`, or only from `groupId` when given. A contact left on no list is
   * forgotten; then the result is `{ removed: true }`.
   */
  removeFromList(email: string, list: ListName, groupId?: string): { contact?: Contact; removed: boolean } {
    const contact = this.byEmail.get(email.toLowerCase());
    if (!contact) return { removed: false };
    if (groupId !== undefined) {
      contact.groupIds = contact.groupIds.filter((id) => id !== groupId);
      return { contact: copy(contact), removed: false };
    }
    contact.lists = contact.lists.filter((l) => l !== list);
    if (list === 'FL') contact.groupIds = [];
    if (contact.lists.length === 0) {
      this.byEmail.delete(contact.email);
      return { removed: true };
    }
    return { contact: copy(contact), removed: false };
  }

  /** After allowing or blocking someone who added you: no longer pending, but still on RL. */
  resolvePending(email: string): Contact | undefined {
    const contact = this.byEmail.get(email.toLowerCase());
    if (!contact) return undefined;
    contact.lists = LIST_ORDER.filter((l) => l !== 'PL' && (l === 'RL' || contact.lists.includes(l)));
    return copy(contact);
  }

  addToGroup(email: string, groupId: string): Contact | undefined {
    const contact = this.byEmail.get(email.toLowerCase());
    if (!contact) return undefined;
    this.addToGroupInPlace(contact, groupId);
    return copy(contact);
  }

  /** Presence is only kept for contacts on a list; others are ignored (undefined). */
  setPresence(email: string, update: PresenceUpdate): Contact | undefined {
    const contact = this.byEmail.get(email.toLowerCase());
    if (!contact) return undefined;
    contact.status = update.status;
    if (update.displayName !== undefined && update.displayName !== '') {
      contact.displayName = clamp(update.displayName, 1024);
    }
    if (update.status === 'FLN') return copy(contact);
    if (update.clientId !== undefined) contact.clientId = update.clientId;
    else delete contact.clientId;
    if (update.msnObject !== undefined && update.msnObject.length <= 4096) contact.msnObject = update.msnObject;
    else delete contact.msnObject;
    return copy(contact);
  }

  setPersonalMessage(email: string, text: string): Contact | undefined {
    const contact = this.byEmail.get(email.toLowerCase());
    if (!contact) return undefined;
    contact.personalMessage = clamp(text, 4096);
    return copy(contact);
  }

  /** Sets (or with an empty value clears) a phone number; no e-mail means the latest `LST` contact. */
  setPhone(email: string | undefined, key: string, value: string): Contact | undefined {
    const target = email ?? this.lastListed;
    const contact = target === undefined ? undefined : this.byEmail.get(target.toLowerCase());
    if (!contact) return undefined;
    if (value === '') delete contact.phones[key];
    else contact.phones[key] = clamp(value, 256);
    return copy(contact);
  }

  upsertGroup(id: string, name: string): Group | undefined {
    if (id === '' || id.length > MAX_ID) return undefined;
    const group = { id, name: clamp(name, 256) };
    this.groupMap.set(id, group);
    return { ...group };
  }

  removeGroup(id: string): boolean {
    if (!this.groupMap.delete(id)) return false;
    for (const contact of this.byEmail.values()) contact.groupIds = contact.groupIds.filter((g) => g !== id);
    return true;
  }

  private ensure(email: string, displayName: string | undefined): Contact | undefined {
    const key = email.toLowerCase();
    if (key === '' || key.length > MAX_EMAIL) return undefined;
    let contact = this.byEmail.get(key);
    if (!contact) {
      contact = {
        email: key,
        displayName: clamp(displayName || key, 1024),
        lists: [],
        groupIds: [],
        status: 'FLN',
        personalMessage: '',
        phones: {},
      };
      this.byEmail.set(key, contact);
    }
    return contact;
  }

  private addToGroupInPlace(contact: Contact, groupId: string): void {
    if (groupId === '' || groupId.length > MAX_ID || contact.groupIds.includes(groupId)) return;
    contact.groupIds = [...contact.groupIds, groupId];
  }
}

function copy(contact: Contact): Contact {
  return { ...contact, lists: [...contact.lists], groupIds: [...contact.groupIds], phones: { ...contact.phones } };
}
