// Turns the contact list into the rows the list shows: group headers with counts and contacts,
// sorted and filtered. Pure, so it is cheap to recompute once per presence batch.
import type { Contact, Group } from '../../../shared/schemas';
import { isOnline } from '../../../shared/status';

export type ListView = 'groups' | 'status';

export type ListRow =
  | { kind: 'group'; key: string; groupId: string | null; name: string; count: string; collapsed: boolean }
  | { kind: 'contact'; key: string; email: string; groupId: string | null };

export const OTHER_CONTACTS = 'Other Contacts';

export function contactName(contact: Pick<Contact, 'displayName' | 'email'>): string {
  return contact.displayName.trim() === '' ? contact.email : contact.displayName;
}

export function isBlocked(contact: Pick<Contact, 'lists'>): boolean {
  return contact.lists.includes('BL');
}

function compareContacts(a: Contact, b: Contact): number {
  const online = Number(isOnline(b.status)) - Number(isOnline(a.status));
  if (online !== 0) return online;
  return (
    contactName(a).localeCompare(contactName(b), undefined, { sensitivity: 'base' }) || a.email.localeCompare(b.email)
  );
}

function matches(contact: Contact, query: string): boolean {
  return contactName(contact).toLowerCase().includes(query) || contact.email.toLowerCase().includes(query);
}

export interface ListOptions {
  view: ListView;
  query: string;
  /** Keys of collapsed group headers. */
  collapsed: ReadonlySet<string>;
}

export function buildRows(contacts: Iterable<Contact>, groups: readonly Group[], options: ListOptions): ListRow[] {
  const query = options.query.trim().toLowerCase();
  const shown = [...contacts].filter((c) => c.lists.includes('FL') && (query === '' || matches(c, query)));
  shown.sort(compareContacts);

  const sections: { key: string; groupId: string | null; name: string; members: Contact[]; count: string }[] = [];
  if (options.view === 'status') {
    const online = shown.filter((c) => isOnline(c.status));
    const offline = shown.filter((c) => !isOnline(c.status));
    sections.push({
      key: 'status:online',
      groupId: null,
      name: 'Online',
      members: online,
      count: `(${online.length})`,
    });
    sections.push({
      key: 'status:offline',
      groupId: null,
      name: 'Offline',
      members: offline,
      count: `(${offline.length})`,
    });
  } else {
    const known = new Set(groups.map((g) => g.id));
    const sorted = [...groups].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
    const grouped: { key: string; groupId: string | null; name: string; members: Contact[] }[] = sorted.map(
      (group) => ({
        key: `group:${group.id}`,
        groupId: group.id,
        name: group.name,
        members: shown.filter((c) => c.groupIds.includes(group.id)),
      }),
    );
    grouped.push({
      key: 'group:',
      groupId: null,
      name: OTHER_CONTACTS,
      members: shown.filter((c) => !c.groupIds.some((id) => known.has(id))),
    });
    for (const section of grouped) {
      // An empty "Other Contacts" is noise; an empty group of the user's own is still shown so it can be used.
      if (section.members.length === 0 && (section.groupId === null || query !== '')) continue;
      const online = section.members.filter((c) => isOnline(c.status)).length;
      sections.push({ ...section, count: `(${online}/${section.members.length})` });
    }
  }

  const rows: ListRow[] = [];
  for (const section of sections) {
    const collapsed = options.collapsed.has(section.key);
    rows.push({
      kind: 'group',
      key: section.key,
      groupId: section.groupId,
      name: section.name,
      count: section.count,
      collapsed,
    });
    if (collapsed) continue;
    for (const contact of section.members) {
      rows.push({
        kind: 'contact',
        key: `${section.key}/${contact.email}`,
        email: contact.email,
        groupId: section.groupId,
      });
    }
  }
  return rows;
}
