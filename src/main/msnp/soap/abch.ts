// The address book (ABCH) and sharing service reads of an MSNP13+ sign-in (MSNP13-18.md §3–§5):
// FindMembership gives who is allowed, blocked, has you (Reverse) or waits for an answer
// (Pending); ABFindAll gives your contacts (FL), groups and your own entry (display name,
// privacy). Requests are built from the templates, answers read by local names.
import type { ListName } from '../../../shared/schemas';
import { child, childrenNamed, descend, findAll, type XmlElement } from './parse';
import { xml, XmlFragment } from './xml';

const AB_NS = 'http://www.msn.com/webservices/AddressBook';
/** The client product id WLM 8.x-era clients sent (Escargot ignores it). */
const APPLICATION_ID = 'CFE80F9D-180F-4399-82AB-413F33A1FA11';
const OWN_AB = '00000000-0000-0000-0000-000000000000';

export const ABCH_ACTION = (action: string): string => `${AB_NS}/${action}`;

/** An ABCH or sharing-service envelope: the application and auth headers around `body`. */
export function abchEnvelope(ticket: string, scenario: string, body: XmlFragment): XmlFragment {
  return xml`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Header><ABApplicationHeader xmlns="${AB_NS}"><ApplicationId>${APPLICATION_ID}</ApplicationId><IsMigration>false</IsMigration><PartnerScenario>${scenario}</PartnerScenario></ABApplicationHeader><ABAuthHeader xmlns="${AB_NS}"><ManagedGroupRequest>false</ManagedGroupRequest><TicketToken>${ticket}</TicketToken></ABAuthHeader></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export function findMembershipEnvelope(ticket: string): XmlFragment {
  return abchEnvelope(
    ticket,
    'Initial',
    xml`<FindMembership xmlns="${AB_NS}"><serviceFilter><Types><ServiceType>Messenger</ServiceType><ServiceType>Invitation</ServiceType><ServiceType>SocialNetwork</ServiceType><ServiceType>Space</ServiceType><ServiceType>Profile</ServiceType></Types></serviceFilter><View>Full</View></FindMembership>`,
  );
}

export function abFindAllEnvelope(ticket: string): XmlFragment {
  return abchEnvelope(
    ticket,
    'Initial',
    xml`<ABFindAll xmlns="${AB_NS}"><abId>${OWN_AB}</abId><abView>Full</abView><deltasOnly>false</deltasOnly><lastChange>0001-01-01T00:00:00.0000000-08:00</lastChange></ABFindAll>`,
  );
}

const ROLES: Readonly<Record<string, ListName>> = { Allow: 'AL', Block: 'BL', Reverse: 'RL', Pending: 'PL' };

/** The lists each address is on, from a FindMembership response's Body (Messenger service only). */
export function parseMemberships(body: XmlElement): Map<string, Set<ListName>> {
  const lists = new Map<string, Set<ListName>>();
  for (const service of findAll(body, 'Service')) {
    const type = descend(service, 'Info', 'Handle', 'Type')?.text;
    if (type !== undefined && type !== 'Messenger') continue;
    for (const membership of childrenNamed(child(service, 'Memberships'), 'Membership')) {
      const list = ROLES[child(membership, 'MemberRole')?.text ?? ''];
      if (!list) continue;
      for (const member of childrenNamed(child(membership, 'Members'), 'Member')) {
        if (child(member, 'Deleted')?.text === 'true') continue;
        const address = (child(member, 'PassportName') ?? child(member, 'Email'))?.text.toLowerCase();
        if (!address?.includes('@')) continue;
        let set = lists.get(address);
        if (!set) lists.set(address, (set = new Set()));
        set.add(list);
      }
    }
  }
  return lists;
}

export interface AddressBookContact {
  /** The contact id (a GUID): what later ABCH calls name the contact by. */
  readonly guid: string;
  readonly email: string;
  /** The nickname you gave, else the name the service knows, else the address. */
  readonly displayName: string;
  readonly groupIds: readonly string[];
  /** On your FL (`isMessengerUser`). */
  readonly messenger: boolean;
}

export interface AddressBook {
  readonly contacts: readonly AddressBookContact[];
  readonly groups: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  /** Your own entry: display name and the privacy settings kept as annotations. */
  readonly me?: { readonly displayName?: string; readonly gtc?: 'A' | 'N'; readonly blp?: 'AL' | 'BL' };
}

function annotations(info: XmlElement | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of childrenNamed(child(info, 'annotations'), 'Annotation')) {
    const name = child(a, 'Name')?.text;
    if (name !== undefined) out.set(name, child(a, 'Value')?.text ?? '');
  }
  return out;
}

/** Contacts, groups and your own entry from an ABFindAll response's Body. */
export function parseAddressBook(body: XmlElement): AddressBook {
  const result = findAll(body, 'ABFindAllResult')[0] ?? body;
  const groups = childrenNamed(child(result, 'groups'), 'Group').flatMap((g) => {
    const id = child(g, 'groupId')?.text;
    const name = descend(g, 'groupInfo', 'name')?.text;
    return id && name !== undefined && child(g, 'fDeleted')?.text !== 'true' ? [{ id, name }] : [];
  });
  const contacts: AddressBookContact[] = [];
  let me: AddressBook['me'];
  for (const c of childrenNamed(child(result, 'contacts'), 'Contact')) {
    if (child(c, 'fDeleted')?.text === 'true') continue;
    const info = child(c, 'contactInfo');
    const notes = annotations(info);
    const displayName = child(info, 'displayName')?.text;
    if (child(info, 'contactType')?.text === 'Me') {
      const gtc = notes.get('MSN.IM.GTC');
      const blp = notes.get('MSN.IM.BLP');
      me = {
        ...(displayName ? { displayName } : {}),
        ...(gtc === '1' ? { gtc: 'A' as const } : gtc === '2' ? { gtc: 'N' as const } : {}),
        ...(blp === '1' ? { blp: 'AL' as const } : blp === '2' ? { blp: 'BL' as const } : {}),
      };
      continue;
    }
    const guid = child(c, 'contactId')?.text;
    const email = (
      child(info, 'passportName')?.text ||
      findAll(child(info, 'emails'), 'ContactEmail')
        .find((e) => child(e, 'contactEmailType')?.text === 'ContactEmailMessenger')
        ?.children.find((e) => e.name === 'email')?.text ||
      ''
    ).toLowerCase();
    if (!guid || !email.includes('@')) continue;
    contacts.push({
      guid,
      email,
      displayName: notes.get('AB.NickName') || displayName || email,
      groupIds: childrenNamed(child(info, 'groupIds'), 'guid').map((g) => g.text),
      messenger: child(info, 'isMessengerUser')?.text === 'true',
    });
  }
  return { contacts, groups, ...(me ? { me } : {}) };
}

/** ABContactAdd (§5.2): a Passport contact onto your FL; the answer names its contact id. */
export function abContactAddEnvelope(ticket: string, email: string): XmlFragment {
  return abchEnvelope(
    ticket,
    'ContactSave',
    xml`<ABContactAdd xmlns="${AB_NS}"><abId>${OWN_AB}</abId><contacts><Contact xmlns="${AB_NS}"><contactInfo><contactType>LivePending</contactType><passportName>${email}</passportName><isMessengerUser>true</isMessengerUser><MessengerMemberInfo><DisplayName>${email}</DisplayName></MessengerMemberInfo></contactInfo></Contact></contacts><options><EnableAllowListManagement>false</EnableAllowListManagement></options></ABContactAdd>`,
  );
}

/** The new contact's id from an ABContactAdd response's Body. */
export function parseContactAdd(body: XmlElement): string | undefined {
  return descend(findAll(body, 'ABContactAddResult')[0], 'guid')?.text || undefined;
}

/** ABContactDelete (§5.3) of one contact, by id. */
export function abContactDeleteEnvelope(ticket: string, guid: string): XmlFragment {
  return abchEnvelope(
    ticket,
    'Timer',
    xml`<ABContactDelete xmlns="${AB_NS}"><abId>${OWN_AB}</abId><contacts><Contact><contactId>${guid}</contactId></Contact></contacts></ABContactDelete>`,
  );
}

export type MemberRole = 'Allow' | 'Block';

/** AddMember or DeleteMember (§4.2) of one Passport address in the Messenger service's Allow or Block role. */
export function memberEnvelope(
  ticket: string,
  action: 'AddMember' | 'DeleteMember',
  role: MemberRole,
  email: string,
): XmlFragment {
  return abchEnvelope(
    ticket,
    'BlockUnblock',
    xml`<${new XmlFragment(action)} xmlns="${AB_NS}"><serviceHandle><Id>0</Id><Type>Messenger</Type><ForeignId></ForeignId></serviceHandle><memberships><Membership><MemberRole>${role}</MemberRole><Members><Member xsi:type="PassportMember" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Type>Passport</Type><State>Accepted</State><PassportName>${email}</PassportName></Member></Members></Membership></memberships></${new XmlFragment(action)}>`,
  );
}

const GROUP_TYPE = 'C8529CE2-6EAD-434d-881F-341E17DB3FF8';

/** ABGroupAdd (§5.5); the answer names the new group's id. */
export function abGroupAddEnvelope(ticket: string, name: string): XmlFragment {
  return abchEnvelope(
    ticket,
    'GroupSave',
    xml`<ABGroupAdd xmlns="${AB_NS}"><abId>${OWN_AB}</abId><groupAddOptions><fRenameOnMsgrConflict>false</fRenameOnMsgrConflict></groupAddOptions><groupInfo><GroupInfo><name>${name}</name><groupType>${GROUP_TYPE}</groupType><fMessenger>false</fMessenger><annotations><Annotation><Name>MSN.IM.Display</Name><Value>1</Value></Annotation></annotations></GroupInfo></groupInfo></ABGroupAdd>`,
  );
}

/** The id in an ABGroupAdd (or ABGroupContactAdd) response's Body. */
export function parseResultGuid(
  body: XmlElement,
  result: 'ABGroupAddResult' | 'ABGroupContactAddResult',
): string | undefined {
  return descend(findAll(body, result)[0], 'guid')?.text || undefined;
}

export function abGroupUpdateEnvelope(ticket: string, groupId: string, name: string): XmlFragment {
  return abchEnvelope(
    ticket,
    'GroupSave',
    xml`<ABGroupUpdate xmlns="${AB_NS}"><abId>${OWN_AB}</abId><groups><Group><groupId>${groupId}</groupId><groupInfo><name>${name}</name></groupInfo><propertiesChanged>GroupName</propertiesChanged></Group></groups></ABGroupUpdate>`,
  );
}

export function abGroupDeleteEnvelope(ticket: string, groupId: string): XmlFragment {
  return abchEnvelope(
    ticket,
    'Timer',
    xml`<ABGroupDelete xmlns="${AB_NS}"><abId>${OWN_AB}</abId><groupFilter><groupIds><guid>${groupId}</guid></groupIds></groupFilter></ABGroupDelete>`,
  );
}

/** ABGroupContactAdd or ABGroupContactDelete (§5.5) of one contact, by id. */
export function abGroupContactEnvelope(
  ticket: string,
  action: 'ABGroupContactAdd' | 'ABGroupContactDelete',
  groupId: string,
  contactId: string,
): XmlFragment {
  const name = new XmlFragment(action);
  return abchEnvelope(
    ticket,
    'GroupSave',
    xml`<${name} xmlns="${AB_NS}"><abId>${OWN_AB}</abId><groupFilter><groupIds><guid>${groupId}</guid></groupIds></groupFilter><contacts><Contact><contactId>${contactId}</contactId></Contact></contacts></${name}>`,
  );
}

/** ABContactUpdate (§5.4) of your own entry's privacy annotations: BLP 1 = AL, 2 = BL; GTC 1 = A, 2 = N. */
export function privacyUpdateEnvelope(ticket: string, change: { blp?: 'AL' | 'BL'; gtc?: 'A' | 'N' }): XmlFragment {
  const notes: XmlFragment[] = [];
  const note = (name: string, value: string): XmlFragment =>
    xml`<Annotation><Name>${name}</Name><Value>${value}</Value></Annotation>`;
  if (change.blp !== undefined) notes.push(note('MSN.IM.BLP', change.blp === 'AL' ? '1' : '2'));
  if (change.gtc !== undefined) notes.push(note('MSN.IM.GTC', change.gtc === 'A' ? '1' : '2'));
  return abchEnvelope(
    ticket,
    'PrivacyApply',
    xml`<ABContactUpdate xmlns="${AB_NS}"><abId>${OWN_AB}</abId><contacts><Contact xmlns="${AB_NS}"><contactInfo><contactType>Me</contactType><annotations>${notes}</annotations></contactInfo><propertiesChanged>Annotation</propertiesChanged></Contact></contacts></ABContactUpdate>`,
  );
}
