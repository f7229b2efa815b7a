// Applies batched contact-list changes to the map the store keeps, in arrival order.
import type { Contact } from '../../../shared/schemas';

export interface ContactChange {
  upserted: readonly Contact[];
  removed: readonly string[];
}

export type ContactMap = Readonly<Record<string, Contact>>;

export const contactKey = (email: string): string => email.toLowerCase();

export function toContactMap(contacts: readonly Contact[]): ContactMap {
  const map: Record<string, Contact> = {};
  for (const contact of contacts) map[contactKey(contact.email)] = contact;
  return map;
}

/** One new map for a whole batch, so subscribers re-render once; unchanged contacts keep their identity. */
export function applyContactChanges(current: ContactMap, changes: readonly ContactChange[]): ContactMap {
  if (changes.length === 0) return current;
  const next: Record<string, Contact> = { ...current };
  for (const change of changes) {
    for (const contact of change.upserted) next[contactKey(contact.email)] = contact;
    for (const email of change.removed) delete next[contactKey(email)];
  }
  return next;
}
