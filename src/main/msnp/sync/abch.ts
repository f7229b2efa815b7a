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
import { SoapFault } from '../soap/fault';
import { callSoap } from '../soap/http';
import type { XmlElement } from '../soap/parse';
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
    const [memberships, book] = await Promise.all([
      callAddressBook(soap, 'sharing', 'FindMembership', findMembershipEnvelope, timeoutMs).then(parseMemberships),
      callAddressBook(soap, 'addressBook', 'ABFindAll', abFindAllEnvelope, timeoutMs).then(parseAddressBook),
    ]);
    if (ctx.connection !== connection) throw new MsnpError('network', 'Disconnected while reading the address book');
    loadAddressBook(ctx.model, memberships, book);
    const entries = ctx.model.contacts().map((c) => ({ email: c.email, lists: c.lists }));
    for (const payload of listPayloads(entries, true)) await connection.request('ADL', [], { payload });
  },
};

/** A fault meaning the ticket expired (or the service no longer takes it), not the request was wrong. */
export function ticketRefused(err: unknown): boolean {
  return err instanceof SoapFault && (err.kind === 'auth' || /TokenExpired|PassportAuthFail/.test(err.detail ?? ''));
}

/**
 * One address-book or sharing-service call with the session's contacts ticket. When the service
 * says the ticket expired, it is renewed (SSO asks the login service again) and the call is made
 * once more, so a long session keeps working without signing out.
 */
export async function callAddressBook(
  soap: SoapAccess,
  service: 'addressBook' | 'sharing',
  action: string,
  envelope: (ticket: string) => XmlFragment,
  timeoutMs?: number,
): Promise<XmlElement> {
  const call = async (renew: boolean): Promise<XmlElement> =>
    callSoap({
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...soap.call,
      service: action,
      url: soap.url(service),
      envelope: envelope(await soap.ticket('contacts', renew)),
      action: ABCH_ACTION(action),
    });
  try {
    return await call(false);
  } catch (err) {
    if (!ticketRefused(err)) throw err;
    return call(true);
  }
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
