// List sync by ABCH (MSNP13+): once signed in, FindMembership (sharing service: allowed, blocked,
// reverse, pending) and ABFindAll (address book: contacts, groups, your own entry) run in
// parallel over SOAP with the session's contacts ticket; their answers fill the model, and the
// initial ADL tells the notification server the list (MSNP13-18.md §5.8, §6.2). Presence is
// read only for contacts in the model, so going online (the CHG that releases it) waits for this.
import type { ListName } from '../../../shared/schemas';
import type { ContactList } from '../contact-list';
import type { ClientContext } from '../context';
import { MsnpError } from '../errors';
import {
  ABCH_ACTION,
  abFindAllEnvelope,
  findMembershipEnvelope,
  parseAddressBook,
  parseMemberships,
  type AddressBook,
} from '../soap/abch';
import { callSoap } from '../soap/http';
import type { XmlFragment } from '../soap/xml';
import { listPayloads } from './adl';
import type { ListSync } from './list-sync';

export const abchListSync: ListSync = {
  name: 'ABCH',
  pipelinesWithChg: false,
  async download(ctx: ClientContext, timeoutMs: number): Promise<void> {
    const { connection } = ctx.session();
    const soap = ctx.soap;
    if (!soap) throw new MsnpError('state', 'This session has no ticket for the address book');
    const ticket = await soap.ticket('contacts');
    const call = (action: string, url: string, envelope: XmlFragment): ReturnType<typeof callSoap> =>
      callSoap({ timeoutMs, ...soap.call, service: action, url, envelope, action: ABCH_ACTION(action) });
    const [memberships, book] = await Promise.all([
      call('FindMembership', soap.url('sharing'), findMembershipEnvelope(ticket)).then(parseMemberships),
      call('ABFindAll', soap.url('addressBook'), abFindAllEnvelope(ticket)).then(parseAddressBook),
    ]);
    if (ctx.connection !== connection) throw new MsnpError('network', 'Disconnected while reading the address book');
    loadAddressBook(ctx.model, memberships, book);
    const entries = ctx.model.contacts().map((c) => ({ email: c.email, lists: c.lists }));
    for (const payload of listPayloads(entries, true)) await connection.request('ADL', [], { payload });
  },
};

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
