// MSNP13+ contact lists over SOAP: the address book (ABCH, abservice.asmx) and the sharing service
// (SharingService.asmx) of MSNP13-18.md §3–§5, on the same account store as the NS commands.
import { AL, BL, FL, isAddress, RL, type Account, type Contact, type Group } from './accounts';
import type { Hub } from './hub';
import { notifyReverse } from './ml';
import { announce } from './presence';
import { abFault, authorize, envelope, isReply, ok, type SoapReply, type SoapRequest } from './soap';
import { SERVICES } from './tokens';
import { child, childrenNamed, descendants, escapeXml, path, textAt, type XmlNode } from './xml';

const AB_NS = 'http://www.msn.com/webservices/AddressBook';
const OWN_AB = '00000000-0000-0000-0000-000000000000';
const GROUP_TYPE = 'c8529ce2-6ead-434d-881f-341e17db3ff8';
const GROUP_NAME_MAX_CHARS = 61;
const GROUP_LIMIT = 30;
const GUID = /^\{?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\}?$/i;

const x = escapeXml;
const iso = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const cid = (a: Account) => String(5_000_000_000 + a.memberId);

function serviceHeader(hub: Hub): string {
  return (
    `<ServiceHeader xmlns="${AB_NS}"><Version>15.01.1408.0000</Version><CacheKey>12r1:reference</CacheKey>` +
    `<CacheKeyChanged>false</CacheKeyChanged><PreferredHostName>${x(hub.addresses.https)}</PreferredHostName>` +
    '<SessionId>00000000-0000-0000-0000-000000000001</SessionId></ServiceHeader>'
  );
}

const response = (hub: Hub, action: string, inner = ''): SoapReply =>
  ok(envelope(`<${action}Response xmlns="${AB_NS}">${inner}</${action}Response>`, serviceHeader(hub)));

function ticketOf(req: SoapRequest): string | undefined {
  return textAt(req.header, 'ABAuthHeader', 'TicketToken') ?? descendants(req.header, 'TicketToken')[0]?.text.trim();
}

/** A contact named by id inside `<Contact>`: its `contactId`. */
function contactById(a: Account, node: XmlNode | undefined): Contact | undefined {
  const id = textAt(node, 'contactId');
  if (id === undefined || !GUID.test(id)) return undefined;
  const c = [...a.contacts.values()].find((k) => k.guid === id.replace(/[{}]/g, '').toLowerCase());
  return c && c.lists & FL ? c : undefined;
}

function groupGuids(node: XmlNode | undefined): string[] {
  return childrenNamed(path(node, 'groupFilter', 'groupIds'), 'guid').map((g) => g.text.trim().toLowerCase());
}

function annotationsXml(pairs: ReadonlyArray<readonly [string, string]>): string {
  if (pairs.length === 0) return '';
  return `<annotations>${pairs.map(([n, v]) => `<Annotation><Name>${x(n)}</Name><Value>${x(v)}</Value></Annotation>`).join('')}</annotations>`;
}

function contactXml(hub: Hub, owner: Account, c: Contact): string {
  const other = hub.store.get(c.email);
  const name = other?.displayName ?? c.email;
  const groups = [...c.groups].flatMap((id) => owner.groups.get(id)?.guid ?? []);
  return (
    `<Contact><contactId>${c.guid}</contactId><contactInfo>` +
    annotationsXml(c.nickname === undefined ? [] : [['AB.NickName', c.nickname]]) +
    `<contactType>Regular</contactType><quickName>${x(name)}</quickName><passportName>${x(c.email)}</passportName>` +
    `<IsPassportNameHidden>false</IsPassportNameHidden><displayName>${x(name)}</displayName><puid>0</puid>` +
    (groups.length > 0 ? `<groupIds>${groups.map((g) => `<guid>${g}</guid>`).join('')}</groupIds>` : '') +
    `<CID>${other ? cid(other) : '0'}</CID><IsNotMobileVisible>false</IsNotMobileVisible><isMobileIMEnabled>false</isMobileIMEnabled>` +
    '<isMessengerUser>true</isMessengerUser><isFavorite>false</isFavorite><isSmtp>false</isSmtp><hasSpace>false</hasSpace>' +
    '<spotWatchState>NoDevice</spotWatchState><birthdate>0001-01-01T00:00:00</birthdate>' +
    '<primaryEmailType>ContactEmailPersonal</primaryEmailType><PrimaryLocation>ContactLocationPersonal</PrimaryLocation>' +
    '<PrimaryPhone>ContactPhonePersonal</PrimaryPhone><IsPrivate>false</IsPrivate><Gender>Unspecified</Gender><TimeZone>None</TimeZone>' +
    `</contactInfo><propertiesChanged /><fDeleted>false</fDeleted><lastChange>${iso()}</lastChange></Contact>`
  );
}

function meXml(a: Account): string {
  const pairs: Array<[string, string]> = [
    ['MSN.IM.MBEA', '0'],
    ['MSN.IM.GTC', a.gtc === 'A' ? '1' : '2'],
    ['MSN.IM.BLP', a.blp === 'AL' ? '1' : '2'],
    ...a.annotations,
  ];
  return (
    `<Contact><contactId>${meGuid(a)}</contactId><contactInfo>${annotationsXml(pairs)}` +
    `<contactType>Me</contactType><quickName>${x(a.displayName)}</quickName><passportName>${x(a.email)}</passportName>` +
    `<IsPassportNameHidden>false</IsPassportNameHidden><displayName>${x(a.displayName)}</displayName><puid>0</puid>` +
    `<CID>${cid(a)}</CID><isMessengerUser>true</isMessengerUser>` +
    `</contactInfo><propertiesChanged /><fDeleted>false</fDeleted><lastChange>${iso()}</lastChange></Contact>`
  );
}

function meGuid(a: Account): string {
  return `00000000-0000-0000-0001-${a.memberId.toString(16).padStart(12, '0')}`;
}

function groupXml(g: Group): string {
  return (
    `<Group><groupId>${g.guid}</groupId><groupInfo>${annotationsXml([['MSN.IM.Display', '1']])}` +
    `<groupType>${GROUP_TYPE}</groupType><name>${x(g.name)}</name><IsNotMobileVisible>false</IsNotMobileVisible>` +
    '<IsPrivate>false</IsPrivate><IsFavorite>false</IsFavorite></groupInfo>' +
    `<propertiesChanged /><fDeleted>false</fDeleted><lastChange>${iso()}</lastChange></Group>`
  );
}

const wantsDeltas = (action: XmlNode) => textAt(action, 'deltasOnly') === 'true';

function checkAbId(action: XmlNode): SoapReply | undefined {
  const id = textAt(action, 'abId');
  return id === undefined || id === OWN_AB ? undefined : abFault('ABDoesNotExist', `No address book ${id}`);
}

function abFindAll(hub: Hub, a: Account, action: XmlNode): SoapReply {
  // Like Escargot: the server keeps no change log, so a delta request asks for a full sync.
  if (wantsDeltas(action)) return abFault('FullSyncRequired', 'Full sync required', 200);
  const groups = [...a.groups.values()].sort((p, q) => p.id - q.id);
  const contacts = [...a.contacts.values()].filter((c) => c.lists & FL);
  return response(
    hub,
    'ABFindAll',
    '<ABFindAllResult>' +
      `<groups>${groups.map(groupXml).join('')}</groups>` +
      `<contacts>${contacts.map((c) => contactXml(hub, a, c)).join('')}${meXml(a)}</contacts>` +
      `<ab><abId>${OWN_AB}</abId><abInfo><ownerPuid>0</ownerPuid><OwnerCID>${cid(a)}</OwnerCID><ownerEmail>${x(a.email)}</ownerEmail>` +
      '<fDefault>true</fDefault><joinedNamespace>false</joinedNamespace><IsBot>false</IsBot><IsParentManaged>false</IsParentManaged>' +
      '<SubscribeExternalPartner>false</SubscribeExternalPartner><NotifyExternalPartner>false</NotifyExternalPartner>' +
      `<AddressBookType>Individual</AddressBookType></abInfo><lastChange>${iso()}</lastChange>` +
      `<DynamicItemLastChanged>0001-01-01T00:00:00</DynamicItemLastChanged><createDate>${iso(0)}</createDate></ab>` +
      '</ABFindAllResult>',
  );
}

/** Puts `target` on `owner`'s FL (and, as WLM asks with EnableAllowListManagement, AL). */
function addToForwardList(hub: Hub, owner: Account, target: Account, allow: boolean): Contact {
  const before = owner.contacts.get(target.email)?.lists ?? 0;
  if (!(before & FL)) hub.store.setList(owner, target.email, FL, true);
  if (allow && !(before & (AL | BL))) hub.store.setList(owner, target.email, AL, true);
  hub.store.commit(owner, target);
  if (!(before & FL)) notifyReverse(hub, owner, target, true);
  return hub.store.contact(owner, target.email);
}

function newContactTarget(hub: Hub, info: XmlNode | undefined): Account | SoapReply {
  const email = textAt(info, 'passportName') ?? textAt(info, 'emails', 'ContactEmail', 'email') ?? '';
  if (!isAddress(email) || !/\.[^.@]+$/.test(email)) return abFault('BadEmailArgument', `Bad e-mail address ${email}`);
  const target = hub.store.get(email);
  return target ?? abFault('InvalidPassportUser', `No such user ${email}`);
}

function abContactAdd(hub: Hub, a: Account, action: XmlNode): SoapReply {
  const info = path(action, 'contacts', 'Contact', 'contactInfo');
  const target = newContactTarget(hub, info);
  if (isReply(target)) return target;
  if (target === a) return abFault('InvalidPassportUser', 'You cannot add yourself');
  const allow = textAt(action, 'options', 'EnableAllowListManagement') === 'true';
  const c = addToForwardList(hub, a, target, allow);
  const nick = descendants(info, 'Annotation').find((n) => textAt(n, 'Name') === 'AB.NickName');
  if (nick) {
    c.nickname = textAt(nick, 'Value') ?? '';
    hub.store.commit(a);
  }
  return response(hub, 'ABContactAdd', `<ABContactAddResult><guid>${c.guid}</guid></ABContactAddResult>`);
}

function abContactDelete(hub: Hub, a: Account, action: XmlNode): SoapReply {
  const nodes = childrenNamed(child(action, 'contacts'), 'Contact');
  const found = nodes.map((n) => contactById(a, n));
  if (nodes.length === 0 || found.some((c) => !c)) return abFault('ContactDoesNotExist', 'Contact does not exist');
  for (const c of found as Contact[]) {
    const target = hub.store.get(c.email);
    hub.store.setList(a, c.email, FL, false);
    hub.store.commit(a, ...(target ? [target] : []));
    if (target) notifyReverse(hub, a, target, false);
    for (const s of hub.sessionsOf(a.email)) s.seen.delete(c.email);
  }
  return response(hub, 'ABContactDelete');
}

function abContactUpdate(hub: Hub, a: Account, action: XmlNode): SoapReply {
  let privacyChanged = false;
  for (const node of childrenNamed(child(action, 'contacts'), 'Contact')) {
    const info = child(node, 'contactInfo');
    const changed = new Set((textAt(node, 'propertiesChanged') ?? '').split(/\s+/).filter(Boolean));
    const isMe = textAt(info, 'contactType') === 'Me' || textAt(node, 'contactId') === meGuid(a);
    const annotations = descendants(child(info, 'annotations'), 'Annotation').map(
      (n) => [textAt(n, 'Name') ?? '', textAt(n, 'Value') ?? ''] as const,
    );
    if (isMe) {
      if (!changed.has('Annotation')) continue;
      for (const [name, value] of annotations) {
        if (name === 'MSN.IM.GTC') a.gtc = value === '2' ? 'N' : 'A';
        else if (name === 'MSN.IM.BLP') {
          const blp = value === '2' ? 'BL' : 'AL';
          privacyChanged ||= blp !== a.blp;
          a.blp = blp;
        } else if (name) a.annotations.set(name, value);
      }
      // A DisplayName change is accepted but, as on Escargot, only PRP MFN renames you.
      continue;
    }
    const c = contactById(a, node);
    if (!c) return abFault('ContactDoesNotExist', 'Contact does not exist');
    if (changed.has('Annotation')) {
      const nick = annotations.find(([n]) => n === 'AB.NickName');
      if (nick) {
        if (nick[1] === '') delete c.nickname;
        else c.nickname = nick[1];
      }
    }
  }
  hub.store.commit(a);
  if (privacyChanged) announce(hub, a.email);
  return response(hub, 'ABContactUpdate');
}

function groupName(a: Account, name: string | undefined, except?: Group): string | SoapReply {
  const n = (name ?? '').trim();
  if (n === '') return abFault('BadArgument', 'Group name missing');
  if ([...n].length > GROUP_NAME_MAX_CHARS) return abFault('BadArgumentLength', 'Group name too long');
  if (n === '(No Group)' || [...a.groups.values()].some((g) => g !== except && g.name === n)) {
    return abFault('GroupAlreadyExists', `Group ${n} already exists`);
  }
  return n;
}

function abGroupAdd(hub: Hub, a: Account, action: XmlNode): SoapReply {
  const name = groupName(a, textAt(action, 'groupInfo', 'GroupInfo', 'name'));
  if (typeof name !== 'string') return name;
  if (a.groups.size >= GROUP_LIMIT) return abFault('MaximumGroupsExceeded', 'Too many groups');
  const g = hub.store.addGroup(a, name);
  hub.store.commit(a);
  return response(hub, 'ABGroupAdd', `<ABGroupAddResult><guid>${g.guid}</guid></ABGroupAddResult>`);
}

function abGroupUpdate(hub: Hub, a: Account, action: XmlNode): SoapReply {
  for (const node of childrenNamed(child(action, 'groups'), 'Group')) {
    const g = hub.store.findGroupByGuid(a, textAt(node, 'groupId') ?? '');
    if (!g) return abFault('GroupDoesNotExist', 'Group does not exist');
    const name = groupName(a, textAt(node, 'groupInfo', 'name'), g);
    if (typeof name !== 'string') return name;
    g.name = name;
  }
  hub.store.commit(a);
  return response(hub, 'ABGroupUpdate');
}

function abGroupDelete(hub: Hub, a: Account, action: XmlNode): SoapReply {
  const groups = groupGuids(action).map((id) => hub.store.findGroupByGuid(a, id));
  if (groups.length === 0 || groups.some((g) => !g)) return abFault('GroupDoesNotExist', 'Group does not exist');
  for (const g of groups as Group[]) hub.store.removeGroup(a, g);
  hub.store.commit(a);
  return response(hub, 'ABGroupDelete');
}

function abGroupContact(hub: Hub, a: Account, action: XmlNode, add: boolean): SoapReply {
  const [id, ...more] = groupGuids(action);
  const g = id === undefined ? undefined : hub.store.findGroupByGuid(a, id);
  if (!g || more.length > 0) return abFault('GroupDoesNotExist', 'Group does not exist');
  const node = path(action, 'contacts', 'Contact');
  let c = contactById(a, node);
  if (!c && add && textAt(node, 'contactInfo', 'passportName') !== undefined) {
    // The one-step form: a new contact straight into a group.
    const target = newContactTarget(hub, child(node, 'contactInfo'));
    if (isReply(target)) return target;
    c = addToForwardList(hub, a, target, true);
  }
  if (!c) return abFault('ContactDoesNotExist', 'Contact does not exist');
  if (add === c.groups.has(g.id)) {
    return abFault(add ? 'ContactAlreadyInGroup' : 'ContactNotInGroup', add ? 'Already in group' : 'Not in group');
  }
  if (add) c.groups.add(g.id);
  else c.groups.delete(g.id);
  hub.store.commit(a);
  return add
    ? response(hub, 'ABGroupContactAdd', `<ABGroupContactAddResult><guid>${c.guid}</guid></ABGroupContactAddResult>`)
    : response(hub, 'ABGroupContactDelete');
}

export function addressBook(hub: Hub): (req: SoapRequest) => SoapReply {
  return (req) => {
    const a = authorize(hub, ticketOf(req), SERVICES.contacts);
    if (isReply(a)) return a;
    const { action } = req;
    const badAb = checkAbId(action);
    if (badAb) return badAb;
    switch (action.name) {
      case 'ABFindAll':
        return abFindAll(hub, a, action);
      case 'ABContactAdd':
        return abContactAdd(hub, a, action);
      case 'ABContactDelete':
        return abContactDelete(hub, a, action);
      case 'ABContactUpdate':
        return abContactUpdate(hub, a, action);
      case 'ABGroupAdd':
        return abGroupAdd(hub, a, action);
      case 'ABGroupUpdate':
        return abGroupUpdate(hub, a, action);
      case 'ABGroupDelete':
        return abGroupDelete(hub, a, action);
      case 'ABGroupContactAdd':
        return abGroupContact(hub, a, action, true);
      case 'ABGroupContactDelete':
        return abGroupContact(hub, a, action, false);
      default:
        return abFault('Forbidden', `${action.name} is not supported`, 200);
    }
  };
}

// --- Sharing service -------------------------------------------------------------------------

const ROLES = { Allow: AL, Block: BL, Reverse: RL, Pending: 0 } as const;
type Role = keyof typeof ROLES;

/** Pending = on RL but neither allowed nor blocked; such a contact is listed only as Pending. */
function inRole(c: Contact, role: Role): boolean {
  const pending = (c.lists & RL) !== 0 && (c.lists & (AL | BL)) === 0;
  if (role === 'Pending') return pending;
  if (role === 'Reverse') return (c.lists & RL) !== 0 && !pending;
  return (c.lists & ROLES[role]) !== 0;
}

function memberXml(hub: Hub, role: Role, c: Contact): string {
  const other = hub.store.get(c.email);
  return (
    '<Member xsi:type="PassportMember">' +
    `<MembershipId>${role}/${c.guid}</MembershipId><Type>Passport</Type><State>Accepted</State><Deleted>false</Deleted>` +
    `<LastChanged>${iso()}</LastChanged><JoinedDate>${iso()}</JoinedDate><ExpirationDate>0001-01-01T00:00:00</ExpirationDate>` +
    `<Changes /><PassportName>${x(c.email)}</PassportName><IsPassportNameHidden>false</IsPassportNameHidden>` +
    `<PassportId>0</PassportId><CID>${other ? cid(other) : '0'}</CID><PassportChanges /><LookedupByCID>false</LookedupByCID></Member>`
  );
}

function findMembership(hub: Hub, a: Account, action: XmlNode): SoapReply {
  if (wantsDeltas(action)) return abFault('FullSyncRequired', 'Full sync required', 200);
  const contacts = [...a.contacts.values()];
  const memberships = (Object.keys(ROLES) as Role[])
    .map((role) => {
      const members = contacts.filter((c) => inRole(c, role));
      return (
        `<Membership><MemberRole>${role}</MemberRole><Members>${members.map((c) => memberXml(hub, role, c)).join('')}</Members>` +
        '<MembershipIsComplete>true</MembershipIsComplete></Membership>'
      );
    })
    .join('');
  return response(
    hub,
    'FindMembership',
    '<FindMembershipResult><Services><Service>' +
      `<Memberships>${memberships}</Memberships>` +
      '<Info><Handle><Id>1</Id><Type>Messenger</Type><ForeignId /></Handle><InverseRequired>false</InverseRequired>' +
      '<AuthorizationCriteria>Everyone</AuthorizationCriteria><IsBot>false</IsBot></Info>' +
      `<Changes /><LastChange>${iso()}</LastChange><Deleted>false</Deleted></Service></Services>` +
      `<OwnerNamespace><Info><Handle><Id>${OWN_AB}</Id><IsPassportNameHidden>false</IsPassportNameHidden><CID>0</CID></Handle>` +
      `<CreatorPuid>0</CreatorPuid><CreatorCID>${cid(a)}</CreatorCID><CreatorPassportName>${x(a.email)}</CreatorPassportName>` +
      `<CircleAttributes><IsPresenceEnabled>false</IsPresenceEnabled><Domain>WindowsLive</Domain></CircleAttributes>` +
      `<MessengerApplicationServiceCreated>false</MessengerApplicationServiceCreated></Info><Changes /><CreateDate>${iso(0)}</CreateDate>` +
      `<LastChange>${iso()}</LastChange></OwnerNamespace></FindMembershipResult>`,
  );
}

/** The account a `<Member>` names: by PassportName, or by the contact id after `Role/`. */
function memberTarget(hub: Hub, a: Account, member: XmlNode): Account | undefined {
  const name = textAt(member, 'PassportName');
  if (name !== undefined) return hub.store.get(name);
  const id = textAt(member, 'MembershipId')?.split('/').at(-1) ?? '';
  const c = hub.store.findContactByGuid(a, id);
  return c ? hub.store.get(c.email) : undefined;
}

function changeMembers(hub: Hub, a: Account, action: XmlNode, add: boolean): SoapReply {
  const edits: Array<[Account, number]> = [];
  for (const membership of childrenNamed(child(action, 'memberships'), 'Membership')) {
    const role = textAt(membership, 'MemberRole') ?? '';
    if (!(role in ROLES)) return abFault('BadArgument', `Unknown role ${role}`);
    for (const member of childrenNamed(child(membership, 'Members'), 'Member')) {
      const target = memberTarget(hub, a, member);
      if (!target || target === a) return abFault('UserDoesNotExist', 'User does not exist');
      const bit = ROLES[role as Role];
      // Reverse and Pending are the server's to keep: changing them is accepted and means nothing.
      if (bit === 0 || bit === RL) continue;
      if (!add && !((a.contacts.get(target.email)?.lists ?? 0) & bit)) {
        return abFault('MemberDoesNotExist', `${target.email} is not in ${role}`);
      }
      edits.push([target, bit]);
    }
  }
  for (const [target, bit] of edits) hub.store.setList(a, target.email, bit, add);
  hub.store.commit(a);
  if (edits.length > 0) announce(hub, a.email);
  return response(hub, add ? 'AddMember' : 'DeleteMember');
}

export function sharingService(hub: Hub): (req: SoapRequest) => SoapReply {
  return (req) => {
    const a = authorize(hub, ticketOf(req), SERVICES.contacts);
    if (isReply(a)) return a;
    switch (req.action.name) {
      case 'FindMembership':
        return findMembership(hub, a, req.action);
      case 'AddMember':
        return changeMembers(hub, a, req.action, true);
      case 'DeleteMember':
        return changeMembers(hub, a, req.action, false);
      default:
        return abFault('Forbidden', `${req.action.name} is not supported`, 200);
    }
  };
}
