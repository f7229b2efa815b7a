// List sync by ABCH (MSNP13+): once signed in, FindMembership (sharing service: allowed, blocked,
// reverse, pending) and ABFindAll (address book: contacts, groups, your own entry) run in
// parallel over SOAP with the session's contacts ticket; their answers fill the model, and the
// initial ADL tells the notification server the list (MSNP13-18.md §5.8, §6.2). Presence is
// read only for contacts in the model, so going online (the CHG that releases it) waits for this.
import type { ListName } from '../../../shared/schemas';
import type { ContactList } from '../contact-list';
import type { ClientContext, SoapAccess } from '../context';
import { MsnpError } from '../errors';
import {
  ABCH_ACTION,
  abFindAllEnvelope,
  findMembershipEnvelope,
  parseAddressBook,
  parseMemberships,
  type AddressBook,
} from '../soap/abch';
import { callWithTicket } from '../soap/ticketed';
import type { XmlElement } from '../soap/parse';
import type { XmlFragment } from '../soap/xml';
import { listPayloads } from './adl';
import type { ListSync } from './list-sync';

export const abchListSync: ListSync = {
  name: 'ABCH',
  pipelinesWithChg: false,
  // The SOAP calls keep to the session's time limit for replies (`soap.call`), the one given here.
  async download(ctx: ClientContext): Promise<void> {
    const { connection } = ctx.session();
    const soap = ctx.soap;
    if (!soap) throw new MsnpError('state', 'This session has no ticket for the address book');
    const [memberships, book] = await Promise.all([
      callAddressBook(soap, 'sharing', 'FindMembership', findMembershipEnvelope).then(parseMemberships),
      callAddressBook(soap, 'addressBook', 'ABFindAll', abFindAllEnvelope).then(parseAddressBook),
    ]);
    if (ctx.connection !== connection) throw new MsnpError('network', 'Disconnected while reading the address book');
    loadAddressBook(ctx.model, memberships, book);
    const entries = ctx.model.contacts().map((c) => ({ email: c.email, lists: c.lists }));
    for (const payload of listPayloads(entries, true)) await connection.request('ADL', [], { payload });
  },
};

/** One address-book or sharing-service call with the session's contacts ticket, renewed once if it expired. */
export function callAddressBook(
  soap: SoapAccess,
  service: 'addressBook' | 'sharing',
  action: string,
  envelope: (ticket: string) => XmlFragment,
): Promise<XmlElement> {
  return callWithTicket(soap, {
    ticket: 'contacts',
    endpoint: service,
    service: action,
    action: ABCH_ACTION(action),
    envelope,
  });
}

/** Fills a fresh model: FL from the address book, the other lists from the memberships. */
export function loadAddressBook(
  model: ContactList,
  memberships: ReadonlyMap<string, ReadonlySet<ListName>>,
  book: AddressBook,
): void {
  for (const group of book.groups) model.upsertGroup(group.id, group.name);
  const listed = new Set<string>();
  for (const contact of book.contacts) {
    const lists = new Set(memberships.get(contact.email));
    if (contact.messenger) lists.add('FL');
    if (lists.size === 0) continue;
    listed.add(contact.email);
    model.setLists(contact.email, [...lists], {
      displayName: contact.displayName,
      guid: contact.guid,
      groupIds: contact.groupIds,
    });
  }
  for (const [email, lists] of memberships) {
    if (!listed.has(email) && lists.size > 0) model.setLists(email, [...lists]);
  }
  const me = book.me;
  if (me?.displayName) model.updateProfile({ displayName: me.displayName });
  if (me?.gtc) model.setPrivacy({ gtc: me.gtc });
  if (me?.blp) model.setPrivacy({ blp: me.blp });
}
