// Address-book reads and list uploads for MSNP13+, against the response shapes and the ADL
// example of the protocol notes (MSNP13-18.md §4–§6).
import { describe, expect, it } from 'vitest';
import {
  abContactAddEnvelope,
  abContactDeleteEnvelope,
  abFindAllEnvelope,
  abGroupAddEnvelope,
  abGroupContactEnvelope,
  abGroupDeleteEnvelope,
  abGroupUpdateEnvelope,
  findMembershipEnvelope,
  memberEnvelope,
  parseContactAdd,
  parseAddressBook,
  parseMemberships,
  parseResultGuid,
  privacyUpdateEnvelope,
} from '../../../src/main/msnp/soap/abch';
import { child, descend, findAll, parseXml, soapBody } from '../../../src/main/msnp/soap/parse';
import { ContactList } from '../../../src/main/msnp/contact-list';
import { loadAddressBook } from '../../../src/main/msnp/sync/abch';
import { listPayloads, MAX_CONTACTS_PER_ADL } from '../../../src/main/msnp/sync/adl';

const envelope = (body: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>${body}</soap:Body></soap:Envelope>`;

const member = (role: string, email: string, extra = ''): string =>
  `<Member xsi:type="PassportMember"><MembershipId>${role}/8f440425-6f68-4af9-a1cd-614bd1ea414c</MembershipId><Type>Passport</Type><State>Accepted</State><Deleted>false</Deleted><PassportName>${email}</PassportName>${extra}</Member>`;

const FIND_MEMBERSHIP = envelope(
  `<FindMembershipResponse xmlns="http://www.msn.com/webservices/AddressBook"><FindMembershipResult><Services><Service><Memberships>` +
    `<Membership><MemberRole>Allow</MemberRole><Members>${member('Allow', 'bob@example.com')}${member('Allow', 'Carol@Example.com')}</Members><MembershipIsComplete>true</MembershipIsComplete></Membership>` +
    `<Membership><MemberRole>Block</MemberRole><Members>${member('Block', 'mallory@example.com')}</Members></Membership>` +
    `<Membership><MemberRole>Reverse</MemberRole><Members>${member('Reverse', 'bob@example.com')}</Members></Membership>` +
    `<Membership><MemberRole>Pending</MemberRole><Members>${member('Pending', 'dave@example.com')}<Member xsi:type="EmailMember"><Type>Email</Type><State>Accepted</State><Email>yahoo@example.org</Email></Member></Members></Membership>` +
    `<Membership><MemberRole>ProfileExpression</MemberRole><Members>${member('X', 'eve@example.com')}</Members></Membership>` +
    `</Memberships><Info><Handle><Id>1</Id><Type>Messenger</Type><ForeignId/></Handle></Info></Service>` +
    `<Service><Memberships><Membership><MemberRole>Allow</MemberRole><Members>${member('Allow', 'space@example.com')}</Members></Membership></Memberships><Info><Handle><Id>2</Id><Type>Space</Type></Handle></Info></Service>` +
    `</Services></FindMembershipResult></FindMembershipResponse>`,
);

const AB_FIND_ALL = envelope(
  `<ABFindAllResponse xmlns="http://www.msn.com/webservices/AddressBook"><ABFindAllResult>` +
    `<groups><Group><groupId>deb056a9-1c7c-413b-a35f-dd1334ae3d07</groupId><groupInfo><annotations><Annotation><Name>MSN.IM.Display</Name><Value>1</Value></Annotation></annotations><groupType>c8529ce2-6ead-434d-881f-341e17db3ff8</groupType><name>Work &amp; Play</name></groupInfo><fDeleted>false</fDeleted></Group></groups>` +
    `<contacts>` +
    `<Contact><contactId>cca40485-654a-40e3-bb90-8405d257d5dd</contactId><contactInfo><annotations><Annotation><Name>AB.NickName</Name><Value>Caz</Value></Annotation></annotations><contactType>Regular</contactType><quickName>Carol</quickName><passportName>carol@example.com</passportName><displayName>Carol</displayName><groupIds><guid>deb056a9-1c7c-413b-a35f-dd1334ae3d07</guid></groupIds><isMessengerUser>true</isMessengerUser></contactInfo><fDeleted>false</fDeleted></Contact>` +
    `<Contact><contactId>0b9f1a52-1111-4222-8333-944455556666</contactId><contactInfo><contactType>Regular</contactType><passportName>Bob@Example.com</passportName><displayName>Bob ☺</displayName><isMessengerUser>true</isMessengerUser></contactInfo></Contact>` +
    `<Contact><contactId>0b9f1a52-7777-4222-8333-944455556666</contactId><contactInfo><contactType>Regular</contactType><emails><ContactEmail><contactEmailType>ContactEmailMessenger</contactEmailType><email>fed@example.org</email></ContactEmail></emails><isMessengerUser>false</isMessengerUser></contactInfo></Contact>` +
    `<Contact><contactId>0b9f1a52-8888-4222-8333-944455556666</contactId><contactInfo><passportName>gone@example.com</passportName></contactInfo><fDeleted>true</fDeleted></Contact>` +
    `<Contact><contactId>beaaa6f9-a629-49d4-8da7-b9587c60329b</contactId><contactInfo><annotations><Annotation><Name>MSN.IM.MBEA</Name><Value>0</Value></Annotation><Annotation><Name>MSN.IM.GTC</Name><Value>2</Value></Annotation><Annotation><Name>MSN.IM.BLP</Name><Value>1</Value></Annotation></annotations><contactType>Me</contactType><passportName>alice@example.com</passportName><displayName>Alice &lt;3</displayName></contactInfo></Contact>` +
    `</contacts><ab><abId>00000000-0000-0000-0000-000000000000</abId></ab></ABFindAllResult></ABFindAllResponse>`,
);

describe('address book requests', () => {
  it('carry the ticket, escaped, and ask for the full book', () => {
    const ticket = 't=5b254762d00f089ca981Y6+H&p=';
    for (const env of [findMembershipEnvelope(ticket), abFindAllEnvelope(ticket)]) {
      expect(env.text).toContain('<TicketToken>t=5b254762d00f089ca981Y6+H&amp;p=</TicketToken>');
      const parsed = parseXml(env.text);
      expect(findAll(parsed, 'TicketToken')[0]?.text).toBe(ticket);
      expect(findAll(parsed, 'PartnerScenario')[0]?.text).toBe('Initial');
    }
    const all = parseXml(abFindAllEnvelope(ticket).text);
    expect(descend(all, 'Body', 'ABFindAll', 'deltasOnly')?.text).toBe('false');
    expect(child(descend(all, 'Body', 'ABFindAll'), 'abId')?.text).toBe('00000000-0000-0000-0000-000000000000');
  });
});

describe('list change requests', () => {
  it('add and delete contacts and members with escaped, well-formed bodies', () => {
    const ticket = 't=abc&p=';
    const add = parseXml(abContactAddEnvelope(ticket, "o'neil&co@example.com").text);
    const info = descend(add, 'Body', 'ABContactAdd', 'contacts', 'Contact', 'contactInfo');
    expect(child(info, 'passportName')?.text).toBe("o'neil&co@example.com");
    expect(child(info, 'isMessengerUser')?.text).toBe('true');
    expect(findAll(add, 'PartnerScenario')[0]?.text).toBe('ContactSave');
    const del = parseXml(abContactDeleteEnvelope(ticket, 'cca40485-654a-40e3-bb90-8405d257d5dd').text);
    expect(findAll(del, 'contactId')[0]?.text).toBe('cca40485-654a-40e3-bb90-8405d257d5dd');
    for (const action of ['AddMember', 'DeleteMember'] as const) {
      const env = parseXml(memberEnvelope(ticket, action, 'Block', 'carol@example.com').text);
      const membership = descend(env, 'Body', action, 'memberships', 'Membership');
      expect(child(membership, 'MemberRole')?.text).toBe('Block');
      expect(findAll(membership, 'PassportName')[0]?.text).toBe('carol@example.com');
      expect(findAll(membership, 'Type')[0]?.text).toBe('Passport');
    }
    const answer = soapBody(
      envelope(
        '<ABContactAddResponse xmlns="http://www.msn.com/webservices/AddressBook"><ABContactAddResult><guid>cca40485-654a-40e3-bb90-8405d257d5dd</guid></ABContactAddResult></ABContactAddResponse>',
      ),
      'ABContactAdd',
    );
    expect(parseContactAdd(answer)).toBe('cca40485-654a-40e3-bb90-8405d257d5dd');
    expect(parseContactAdd(soapBody(envelope('<ABContactAddResponse/>'), 'ABContactAdd'))).toBeUndefined();
  });
});

describe('group requests', () => {
  it('name the group and contact by id, and escape names', () => {
    const ticket = 't=abc&p=';
    const add = parseXml(abGroupAddEnvelope(ticket, 'Work & <Play>').text);
    expect(findAll(add, 'name')[0]?.text).toBe('Work & <Play>');
    const update = parseXml(abGroupUpdateEnvelope(ticket, 'deb056a9-1c7c-413b-a35f-dd1334ae3d07', 'Office').text);
    expect(descend(update, 'Body', 'ABGroupUpdate', 'groups', 'Group', 'propertiesChanged')?.text).toBe('GroupName');
    const del = parseXml(abGroupDeleteEnvelope(ticket, 'deb056a9-1c7c-413b-a35f-dd1334ae3d07').text);
    expect(findAll(del, 'guid')[0]?.text).toBe('deb056a9-1c7c-413b-a35f-dd1334ae3d07');
    for (const action of ['ABGroupContactAdd', 'ABGroupContactDelete'] as const) {
      const env = parseXml(abGroupContactEnvelope(ticket, action, 'g-1', 'c-1').text);
      expect(descend(env, 'Body', action, 'groupFilter', 'groupIds', 'guid')?.text).toBe('g-1');
      expect(descend(env, 'Body', action, 'contacts', 'Contact', 'contactId')?.text).toBe('c-1');
    }
    const answer = soapBody(
      envelope('<ABGroupAddResponse><ABGroupAddResult><guid>g-2</guid></ABGroupAddResult></ABGroupAddResponse>'),
      'ABGroupAdd',
    );
    expect(parseResultGuid(answer, 'ABGroupAddResult')).toBe('g-2');
  });
});

describe('privacy request', () => {
  it('updates only the Me annotations asked for', () => {
    const env = parseXml(privacyUpdateEnvelope('t=abc&p=', { blp: 'BL' }).text);
    const contact = descend(env, 'Body', 'ABContactUpdate', 'contacts', 'Contact');
    expect(descend(contact, 'contactInfo', 'contactType')?.text).toBe('Me');
    expect(child(contact, 'propertiesChanged')?.text).toBe('Annotation');
    const notes = findAll(contact, 'Annotation').map((a) => [child(a, 'Name')?.text, child(a, 'Value')?.text]);
    expect(notes).toEqual([['MSN.IM.BLP', '2']]);
    const both = parseXml(privacyUpdateEnvelope('t=abc&p=', { blp: 'AL', gtc: 'N' }).text);
    expect(findAll(both, 'Value').map((v) => v.text)).toEqual(['1', '2']);
  });
});

describe('FindMembership', () => {
  it('gives the lists of each address, from the Messenger service only', () => {
    const lists = parseMemberships(soapBody(FIND_MEMBERSHIP, 'FindMembership'));
    expect(Object.fromEntries([...lists].map(([email, set]) => [email, [...set]]))).toEqual({
      'bob@example.com': ['AL', 'RL'],
      'carol@example.com': ['AL'],
      'mallory@example.com': ['BL'],
      'dave@example.com': ['PL'],
      'yahoo@example.org': ['PL'],
    });
  });
});

describe('ABFindAll', () => {
  it('gives contacts with their ids, nicknames and groups, the groups, and your own entry', () => {
    const book = parseAddressBook(soapBody(AB_FIND_ALL, 'ABFindAll'));
    expect(book.groups).toEqual([{ id: 'deb056a9-1c7c-413b-a35f-dd1334ae3d07', name: 'Work & Play' }]);
    expect(book.contacts).toEqual([
      {
        guid: 'cca40485-654a-40e3-bb90-8405d257d5dd',
        email: 'carol@example.com',
        displayName: 'Caz',
        groupIds: ['deb056a9-1c7c-413b-a35f-dd1334ae3d07'],
        messenger: true,
      },
      {
        guid: '0b9f1a52-1111-4222-8333-944455556666',
        email: 'bob@example.com',
        displayName: 'Bob ☺',
        groupIds: [],
        messenger: true,
      },
      {
        guid: '0b9f1a52-7777-4222-8333-944455556666',
        email: 'fed@example.org',
        displayName: 'fed@example.org',
        groupIds: [],
        messenger: false,
      },
    ]);
    expect(book.me).toEqual({ displayName: 'Alice <3', gtc: 'N', blp: 'AL' });
  });

  it('reads an empty book', () => {
    const book = parseAddressBook(soapBody(envelope('<ABFindAllResponse><ABFindAllResult/></ABFindAllResponse>'), 'x'));
    expect(book).toEqual({ contacts: [], groups: [] });
  });
});

describe('ADL payloads', () => {
  it('build the protocol notes’ initial upload, 88 bytes', () => {
    const [payload, ...rest] = listPayloads(
      [
        { email: 'bob@example.com', lists: ['FL', 'AL', 'RL'] },
        { email: 'carol@example.com', lists: ['FL'] },
        { email: 'dave@example.com', lists: ['RL', 'PL'] },
      ],
      true,
    );
    expect(payload).toBe('<ml l="1"><d n="example.com"><c n="bob" l="3" t="1"/><c n="carol" l="1" t="1"/></d></ml>');
    expect(Buffer.byteLength(payload ?? '')).toBe(88);
    expect(rest).toEqual([]);
  });

  it('send an empty initial upload, and nothing for an empty change', () => {
    expect(listPayloads([], true)).toEqual(['<ml l="1"></ml>']);
    expect(listPayloads([{ email: 'x@example.com', lists: ['RL'] }], false)).toEqual([]);
  });

  it('split after 150 contacts, and send later changes one domain per payload', () => {
    const many = Array.from({ length: MAX_CONTACTS_PER_ADL + 5 }, (_, i) => ({
      email: `user${i}@d${i % 2}.example`,
      lists: ['AL' as const],
    }));
    const initial = listPayloads(many, true);
    expect(initial).toHaveLength(2);
    expect(initial[0]?.startsWith('<ml l="1">')).toBe(true);
    expect(initial[1]?.startsWith('<ml>')).toBe(true);
    expect(initial.map((p) => (p.match(/<c /g) ?? []).length)).toEqual([150, 5]);
    for (const p of initial) expect(new Set(p.match(/<d n="[^"]+"/g)).size).toBe((p.match(/<d /g) ?? []).length);
    const change = listPayloads(
      [
        { email: 'a@one.example', lists: ['BL'] },
        { email: 'b@two.example', lists: ['FL', 'AL'] },
        { email: 'c@one.example', lists: ['FL'] },
      ],
      false,
    );
    expect(change).toEqual([
      '<ml><d n="one.example"><c n="a" l="4" t="1"/><c n="c" l="1" t="1"/></d></ml>',
      '<ml><d n="two.example"><c n="b" l="3" t="1"/></d></ml>',
    ]);
  });

  it('match the lengths of the protocol notes’ incremental example', () => {
    const [payload] = listPayloads([{ email: 'carol@example.com', lists: ['FL'] }], false);
    expect(Buffer.byteLength(payload ?? '')).toBe(58);
  });

  it('escape what goes into attributes and skip addresses without a domain', () => {
    expect(
      listPayloads(
        [
          { email: 'o"neil&co@example.com', lists: ['FL'] },
          { email: 'nodomain@', lists: ['FL'] },
        ],
        false,
      ),
    ).toEqual(['<ml><d n="example.com"><c n="o&quot;neil&amp;co" l="1" t="1"/></d></ml>']);
  });
});

describe('loading the address book into the model', () => {
  it('puts FL from the book and the other lists from the memberships, then builds the initial ADL', () => {
    const model = new ContactList('alice@example.com');
    loadAddressBook(
      model,
      parseMemberships(soapBody(FIND_MEMBERSHIP, 'FindMembership')),
      parseAddressBook(soapBody(AB_FIND_ALL, 'ABFindAll')),
    );
    const rows = model.contacts().map((c) => [c.email, c.displayName, c.lists, c.groupIds, c.guid]);
    expect(rows).toEqual([
      [
        'carol@example.com',
        'Caz',
        ['FL', 'AL'],
        ['deb056a9-1c7c-413b-a35f-dd1334ae3d07'],
        'cca40485-654a-40e3-bb90-8405d257d5dd',
      ],
      ['bob@example.com', 'Bob ☺', ['FL', 'AL', 'RL'], [], '0b9f1a52-1111-4222-8333-944455556666'],
      ['mallory@example.com', 'mallory@example.com', ['BL'], [], undefined],
      ['dave@example.com', 'dave@example.com', ['PL'], [], undefined],
      ['yahoo@example.org', 'yahoo@example.org', ['PL'], [], undefined],
    ]);
    // Not a messenger contact and on no membership list: not on any list.
    expect(model.get('fed@example.org')).toBeUndefined();
    expect(model.groups()).toEqual([{ id: 'deb056a9-1c7c-413b-a35f-dd1334ae3d07', name: 'Work & Play' }]);
    expect(model.profile.displayName).toBe('Alice <3');
    expect(model.privacy).toEqual({ gtc: 'N', blp: 'AL' });
    expect(listPayloads(model.contacts(), true)).toEqual([
      '<ml l="1"><d n="example.com"><c n="carol" l="3" t="1"/><c n="bob" l="3" t="1"/><c n="mallory" l="4" t="1"/></d></ml>',
    ]);
  });
});
