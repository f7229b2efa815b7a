// MSNP13/14 against the reference server with hand-written lines and SOAP requests: TWN sign-in
// with GCF, the address book and sharing service, ADL/RML/FQY, presence in these dialects' syntax.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SOAP_PATHS, type RunningServer } from './index';
import { abCall, httpsPost, online, signInModern, startTestServer, type Wire } from './wire';
import { childrenNamed, descendants, textAt, type XmlNode } from './xml';

let server: RunningServer;
const open: Wire[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const w of open.splice(0)) w.close();
  await server.close();
});

async function signedIn(email: string, dialect = 13) {
  const s = await signInModern(server, email, dialect);
  open.push(s.w);
  return s;
}

const OWN = '<abId>00000000-0000-0000-0000-000000000000</abId>';
const findAll = `${OWN}<abView>Full</abView><deltasOnly>false</deltasOnly><lastChange>0001-01-01T00:00:00.0000000-08:00</lastChange>`;

function contacts(xml: XmlNode | undefined): Map<string, XmlNode> {
  const out = new Map<string, XmlNode>();
  for (const c of descendants(xml, 'Contact')) out.set(textAt(c, 'contactInfo', 'passportName') ?? '', c);
  return out;
}

function roles(xml: XmlNode | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of descendants(xml, 'Membership')) {
    out[textAt(m, 'MemberRole') ?? ''] = descendants(m, 'PassportName').map((n) => n.text);
  }
  return out;
}

const errorcode = (xml: XmlNode | undefined) => descendants(xml, 'errorcode')[0]?.text;
const blockMember = (role: string, email: string) =>
  '<serviceHandle><Id>0</Id><Type>Messenger</Type><ForeignId></ForeignId></serviceHandle>' +
  `<memberships><Membership><MemberRole>${role}</MemberRole><Members><Member xsi:type="PassportMember">` +
  `<Type>Passport</Type><State>Accepted</State><PassportName>${email}</PassportName></Member></Members></Membership></memberships>`;

describe('MSNP13/14 sign-in', () => {
  it('pushes GCF 0 before the TWN challenge and signs in with the Passport ticket', async () => {
    const { w } = await signedIn('alice@example.com', 13);
    w.send('SYN 5 0 0');
    expect(await w.line()).toBe('502 5');
    w.send('GCF 6 Shields.xml');
    expect((await w.next()).text).toMatch(/^GCF 6 Shields.xml \d+$/);
  });

  it('closes the connection on the MSNP12 list commands', async () => {
    const { w } = await signedIn('alice@example.com', 14);
    w.send('ADC 5 FL N=erin@example.com F=Erin');
    expect(await w.closed()).toEqual([]);
  });

  it('opens the SOAP services only with the ticket of a signed-in session', async () => {
    const bogus = await abCall(server, 'addressBook', 'ABFindAll', findAll, 't=nothing&p=');
    expect(bogus.status).toBe(403);
    const { w, ticket } = await signedIn('alice@example.com', 13);
    expect((await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket)).status).toBe(200);
    w.send('OUT');
    await w.closed();
    await new Promise((r) => setTimeout(r, 50));
    expect((await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket)).status).toBe(403);
  });

  it('reports an expired ticket as TokenExpired', async () => {
    const { ticket } = await signedIn('alice@example.com', 13);
    expect(server.expireTokens('alice@example.com')).toBeGreaterThan(0);
    const res = await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket);
    expect(res.status).toBe(500);
    expect(errorcode(res.xml)).toBe('TokenExpired');
  });
});

describe('address book and sharing service', () => {
  it('lists contacts, groups, the Me entry and the memberships', async () => {
    const { ticket } = await signedIn('alice@example.com');
    const ab = await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket);
    const list = contacts(ab.xml);
    expect([...list.keys()].sort()).toEqual(['alice@example.com', 'bob@example.com', 'dave@example.com']);
    expect(textAt(list.get('bob@example.com'), 'contactInfo', 'displayName')).toBe('Bob');
    expect(textAt(list.get('bob@example.com'), 'contactInfo', 'isMessengerUser')).toBe('true');
    const me = list.get('alice@example.com');
    expect(textAt(me, 'contactInfo', 'contactType')).toBe('Me');
    expect(textAt(me, 'contactInfo', 'displayName')).toBe('Alice Smith');
    const annotations = Object.fromEntries(
      descendants(me, 'Annotation').map((a) => [textAt(a, 'Name'), textAt(a, 'Value')]),
    );
    expect(annotations).toMatchObject({ 'MSN.IM.GTC': '1', 'MSN.IM.BLP': '1' });
    const sharing = await abCall(server, 'sharing', 'FindMembership', '<View>Full</View>', ticket);
    expect(roles(sharing.xml)).toEqual({
      Allow: ['bob@example.com', 'dave@example.com'],
      Block: [],
      Reverse: ['bob@example.com', 'dave@example.com'],
      Pending: [],
    });
  });

  it('asks for a full sync when a client asks for deltas', async () => {
    const { ticket } = await signedIn('alice@example.com');
    const res = await abCall(server, 'addressBook', 'ABFindAll', findAll.replace('>false<', '>true<'), ticket);
    expect(res.status).toBe(200);
    expect(errorcode(res.xml)).toBe('FullSyncRequired');
  });

  it('adds a contact: the other side gets ADL 0 and NOT and sees the adder as pending', async () => {
    const { w: erin, ticket: erinTicket } = await signedIn('erin@example.com', 13);
    erin.send('CHG 5 NLN 0');
    await erin.until(/^MSG Hotmail Hotmail /);
    const { w, ticket } = await signedIn('carol@example.com', 14);
    w.send('CHG 5 NLN 0');
    await w.until(/^MSG Hotmail Hotmail /);
    const add = await abCall(
      server,
      'addressBook',
      'ABContactAdd',
      `${OWN}<contacts><Contact><contactInfo><contactType>LivePending</contactType><passportName>erin@example.com</passportName>` +
        '<isMessengerUser>true</isMessengerUser></contactInfo></Contact></contacts><options><EnableAllowListManagement>true</EnableAllowListManagement></options>',
      ticket,
    );
    expect(add.status).toBe(200);
    const guid = textAt(descendants(add.xml, 'ABContactAddResult')[0], 'guid') ?? '';
    expect(guid).toMatch(/^[0-9a-f-]{36}$/);
    const adl = await erin.until(/^ADL 0 \d+$/);
    expect(adl.payload?.toString()).toBe('<ml><d n="example.com"><c n="carol" t="1" l="8" f="Carol" /></d></ml>');
    expect((await erin.next()).text).toMatch(/^NOT \d+$/);
    expect(roles((await abCall(server, 'sharing', 'FindMembership', '', erinTicket)).xml)).toMatchObject({
      Reverse: [],
      Pending: ['carol@example.com'],
    });
    // The same add again is harmless and gives the same id.
    const again = await abCall(
      server,
      'addressBook',
      'ABContactAdd',
      `${OWN}<contacts><Contact><contactInfo><passportName>erin@example.com</passportName></contactInfo></Contact></contacts>`,
      ticket,
    );
    expect(textAt(descendants(again.xml, 'ABContactAddResult')[0], 'guid')).toBe(guid);
    // Carol's ADL brings Erin's presence, MSNP14 style with the network id.
    w.sendPayload('ADL 6', '<ml><d n="example.com"><c n="erin" l="1" t="1" /></d></ml>');
    expect(await w.line()).toBe('ADL 6 OK');
    expect(await w.line()).toBe('NLN NLN erin@example.com 1 Erin 0 %3Cmsnobj%2F%3E');
    expect((await w.next()).text).toBe('UBX erin@example.com 1 53');
  });

  it('refuses unknown and malformed addresses with the documented faults', async () => {
    const { ticket } = await signedIn('alice@example.com');
    const add = (email: string) =>
      abCall(
        server,
        'addressBook',
        'ABContactAdd',
        `${OWN}<contacts><Contact><contactInfo><passportName>${email}</passportName></contactInfo></Contact></contacts>`,
        ticket,
      );
    const unknown = await add('nobody@example.com');
    expect([unknown.status, errorcode(unknown.xml)]).toEqual([500, 'InvalidPassportUser']);
    const bad = await add('not-an-address');
    expect([bad.status, errorcode(bad.xml)]).toEqual([500, 'BadEmailArgument']);
    const update = await abCall(
      server,
      'addressBook',
      'ABContactUpdate',
      `${OWN}<contacts><Contact><contactId>00000000-1111-2222-3333-444444444444</contactId><contactInfo /><propertiesChanged>Annotation</propertiesChanged></Contact></contacts>`,
      ticket,
    );
    expect(errorcode(update.xml)).toBe('ContactDoesNotExist');
    const unknownAction = await abCall(server, 'addressBook', 'ABFooBar', OWN, ticket);
    expect([unknownAction.status, errorcode(unknownAction.xml)]).toEqual([200, 'Forbidden']);
  });

  it('deletes a contact: the other side gets RML 0', async () => {
    const bob = await online(server, 'bob@example.com', 13);
    open.push(bob);
    const { ticket } = await signedIn('alice@example.com');
    const id = textAt(
      contacts((await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket)).xml).get('bob@example.com'),
      'contactId',
    );
    const del = await abCall(
      server,
      'addressBook',
      'ABContactDelete',
      `${OWN}<contacts><Contact><contactId>${id ?? ''}</contactId></Contact></contacts>`,
      ticket,
    );
    expect(del.status).toBe(200);
    const rml = await bob.until(/^RML 0 \d+$/);
    expect(rml.payload?.toString()).toBe('<ml><d n="example.com"><c n="alice" t="1" l="8" /></d></ml>');
    const after = contacts((await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket)).xml);
    expect(after.has('bob@example.com')).toBe(false);
  });

  it('keeps nicknames and privacy annotations', async () => {
    const { ticket } = await signedIn('alice@example.com');
    const id = textAt(
      contacts((await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket)).xml).get('bob@example.com'),
      'contactId',
    );
    const nick = await abCall(
      server,
      'addressBook',
      'ABContactUpdate',
      `${OWN}<contacts><Contact><contactId>${id ?? ''}</contactId><contactInfo><annotations><Annotation><Name>AB.NickName</Name><Value>Bobby &amp; co</Value></Annotation></annotations></contactInfo><propertiesChanged>Annotation</propertiesChanged></Contact>` +
        '<Contact><contactInfo><contactType>Me</contactType><annotations><Annotation><Name>MSN.IM.BLP</Name><Value>2</Value></Annotation><Annotation><Name>MSN.IM.MPOP</Name><Value>1</Value></Annotation></annotations></contactInfo><propertiesChanged>Annotation</propertiesChanged></Contact></contacts>',
      ticket,
    );
    expect(nick.status).toBe(200);
    const list = contacts((await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket)).xml);
    const annotationsOf = (c: XmlNode | undefined) =>
      Object.fromEntries(descendants(c, 'Annotation').map((a) => [textAt(a, 'Name'), textAt(a, 'Value')]));
    expect(annotationsOf(list.get('bob@example.com'))).toEqual({ 'AB.NickName': 'Bobby & co' });
    expect(annotationsOf(list.get('alice@example.com'))).toMatchObject({ 'MSN.IM.BLP': '2', 'MSN.IM.MPOP': '1' });
  });

  it('manages groups', async () => {
    const { ticket } = await signedIn('alice@example.com');
    const addGroup = (name: string) =>
      abCall(
        server,
        'addressBook',
        'ABGroupAdd',
        `${OWN}<groupAddOptions><fRenameOnMsgrConflict>false</fRenameOnMsgrConflict></groupAddOptions><groupInfo><GroupInfo><name>${name}</name><groupType>C8529CE2-6EAD-434d-881F-341E17DB3FF8</groupType><fMessenger>false</fMessenger></GroupInfo></groupInfo>`,
        ticket,
      );
    const work = await addGroup('Work');
    const gid = textAt(descendants(work.xml, 'ABGroupAddResult')[0], 'guid') ?? '';
    expect(gid).toMatch(/^[0-9a-f-]{36}$/);
    expect(errorcode((await addGroup('Work')).xml)).toBe('GroupAlreadyExists');
    expect(errorcode((await addGroup('(No Group)')).xml)).toBe('GroupAlreadyExists');
    expect(errorcode((await addGroup('x'.repeat(62))).xml)).toBe('BadArgumentLength');
    const rename = await abCall(
      server,
      'addressBook',
      'ABGroupUpdate',
      `${OWN}<groups><Group><groupId>${gid}</groupId><groupInfo><name>Family</name></groupInfo><propertiesChanged>GroupName</propertiesChanged></Group></groups>`,
      ticket,
    );
    expect(rename.status).toBe(200);
    const before = contacts((await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket)).xml);
    const bobId = textAt(before.get('bob@example.com'), 'contactId') ?? '';
    const filter = `<groupFilter><groupIds><guid>${gid}</guid></groupIds></groupFilter>`;
    const member = `<contacts><Contact><contactId>${bobId}</contactId></Contact></contacts>`;
    const put = await abCall(server, 'addressBook', 'ABGroupContactAdd', `${OWN}${filter}${member}`, ticket);
    expect(textAt(descendants(put.xml, 'ABGroupContactAddResult')[0], 'guid')).toBe(bobId);
    let ab = await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket);
    expect(descendants(ab.xml, 'Group').map((g) => textAt(g, 'groupInfo', 'name'))).toEqual(['Family']);
    expect(childrenNamed(path2(contacts(ab.xml).get('bob@example.com')), 'guid').map((g) => g.text)).toEqual([gid]);
    expect(
      (await abCall(server, 'addressBook', 'ABGroupContactDelete', `${OWN}${member}${filter}`, ticket)).status,
    ).toBe(200);
    expect((await abCall(server, 'addressBook', 'ABGroupDelete', `${OWN}${filter}`, ticket)).status).toBe(200);
    ab = await abCall(server, 'addressBook', 'ABFindAll', findAll, ticket);
    expect(descendants(ab.xml, 'Group')).toEqual([]);
  });

  it('blocks and unblocks through memberships and ADL/RML, and presence follows', async () => {
    const bob = await online(server, 'bob@example.com', 14);
    open.push(bob);
    const { w, ticket } = await signedIn('alice@example.com', 14);
    w.send('CHG 5 NLN 0');
    await w.until(/^CHG 5 /);
    await bob.until(/^NLN NLN alice@example.com 1 /);
    expect(
      (await abCall(server, 'sharing', 'DeleteMember', blockMember('Allow', 'bob@example.com'), ticket)).status,
    ).toBe(200);
    expect((await abCall(server, 'sharing', 'AddMember', blockMember('Block', 'bob@example.com'), ticket)).status).toBe(
      200,
    );
    w.sendPayload('ADL 6', '<ml><d n="example.com"><c n="bob" l="4" t="1" /></d></ml>');
    await w.until('ADL 6 OK');
    expect(await bob.until(/^FLN /)).toMatchObject({ text: 'FLN alice@example.com 1 0' });
    const sharing = await abCall(server, 'sharing', 'FindMembership', '', ticket);
    expect(roles(sharing.xml)).toMatchObject({ Allow: ['dave@example.com'], Block: ['bob@example.com'] });
    const missing = await abCall(server, 'sharing', 'DeleteMember', blockMember('Allow', 'bob@example.com'), ticket);
    expect(errorcode(missing.xml)).toBe('MemberDoesNotExist');
    const unknown = await abCall(server, 'sharing', 'AddMember', blockMember('Allow', 'nobody@example.com'), ticket);
    expect(errorcode(unknown.xml)).toBe('UserDoesNotExist');
    w.sendPayload('RML 7', '<ml><d n="example.com"><c n="bob" l="4" t="1" /></d></ml>');
    expect(await w.line()).toBe('RML 7 OK');
    w.sendPayload('ADL 8', '<ml><d n="example.com"><c n="bob" l="2" t="1" /></d></ml>');
    expect(await w.line()).toBe('ADL 8 OK');
    expect((await bob.until(/^NLN /)).text).toBe('NLN NLN alice@example.com 1 Alice%20Smith 0 %3Cmsnobj%2F%3E');
  });
});

function path2(c: XmlNode | undefined): XmlNode | undefined {
  return descendants(c, 'groupIds')[0];
}

describe('ADL, RML and FQY', () => {
  it('acknowledges the initial ADL and then sends the ILN burst on CHG (MSNP13 syntax)', async () => {
    const bob = await online(server, 'bob@example.com', 13);
    open.push(bob);
    bob.sendPayload('UUX 10', '<Data><PSM>hi &amp; bye</PSM><CurrentMedia></CurrentMedia></Data>');
    await bob.until('UUX 10 0');
    const { w } = await signedIn('alice@example.com', 13);
    w.sendPayload('ADL 5', '<ml l="1"><d n="example.com"><c n="bob" l="3" t="1" /><c n="dave" l="3" t="1" /></d></ml>');
    expect(await w.line()).toBe('ADL 5 OK');
    w.send('CHG 6 NLN 1342177280 %3Cmsnobj%2F%3E');
    expect(await w.line()).toBe('CHG 6 NLN 1342177280 %3Cmsnobj%2F%3E');
    expect(await w.line()).toBe('ILN 6 NLN bob@example.com Bob 0 %3Cmsnobj%2F%3E');
    const ubx = await w.next();
    expect(ubx.text).toMatch(/^UBX bob@example.com \d+$/);
    expect(ubx.payload?.toString()).toContain('<PSM>hi &amp; bye</PSM>');
    await w.until(/^MSG Hotmail Hotmail /);
    expect(await bob.until(/^NLN NLN alice/)).toMatchObject({
      text: 'NLN NLN alice@example.com Alice%20Smith 1342177280 %3Cmsnobj%2F%3E',
    });
    w.send('OUT');
    expect((await bob.until(/^FLN /)).text).toBe('FLN alice@example.com');
  });

  it.each([
    ['<ml><d n="example.com"></d></ml>', '240 7'],
    ['<ml><d n="example.com"><c n="bob" l="8" t="1" /></d></ml>', '241 7'],
    [
      '<ml><d n="example.com"><c n="bob" l="1" t="1" /></d><d n="example.com"><c n="dave" l="1" t="1" /></d></ml>',
      '241 7',
    ],
    ['<ml><d n="example.com"><c n="bob" l="1" t="3" /></d></ml>', '204 7'],
    ['<ml><d n="example.com"><c n="bob" l="1"', '241 7'],
    ['<!DOCTYPE ml [<!ENTITY a "aaaa">]><ml><d n="example.com"><c n="&a;" l="1" /></d></ml>', '241 7'],
  ])('refuses %s and hangs up', async (payload, reply) => {
    const { w } = await signedIn('alice@example.com', 14);
    w.sendPayload('ADL 7', payload);
    expect((await w.closed()).map((f) => f.text)).toEqual([reply]);
  });

  it('answers 208 for an unknown account without hanging up', async () => {
    const { w } = await signedIn('alice@example.com', 14);
    w.sendPayload('ADL 7', '<ml><d n="example.com"><c n="nobody" l="1" t="1" /></d></ml>');
    expect(await w.line()).toBe('208 7');
    w.sendPayload('FQY 8', '<ml><d n="example.com"><c n="erin" /></d></ml>');
    const fqy = await w.next();
    expect(fqy.text).toMatch(/^FQY 8 \d+$/);
    expect(fqy.payload?.toString()).toBe('<ml><d n="example.com"><c n="erin" t="1" /></d></ml>');
    w.sendPayload('FQY 9', '<ml><d n="example.com"><c n="nobody" /></d></ml>');
    expect(await w.line()).toBe('208 9');
  });

  it('has no FQY in MSNP13', async () => {
    const { w } = await signedIn('alice@example.com', 13);
    w.sendPayload('FQY 8', '<ml><d n="example.com"><c n="erin" /></d></ml>');
    expect(await w.closed()).toEqual([]);
  });

  it('renames with PRP MFN and tells contacts', async () => {
    const bob = await online(server, 'bob@example.com', 14);
    open.push(bob);
    const { w } = await signedIn('alice@example.com', 14);
    w.send('CHG 5 NLN 0');
    await w.until(/^CHG 5 /);
    await bob.until(/^NLN NLN alice/);
    w.send('PRP 6 MFN Alice%20S.');
    expect(await w.until(/^PRP 6 /)).toMatchObject({ text: 'PRP 6 MFN Alice%20S.' });
    expect((await bob.until(/^NLN /)).text).toBe('NLN NLN alice@example.com 1 Alice%20S. 0 %3Cmsnobj%2F%3E');
  });

  it('adds XFR and RNG extras', async () => {
    const bob = await online(server, 'bob@example.com', 13);
    open.push(bob);
    const { w } = await signedIn('alice@example.com', 14);
    w.send('CHG 5 NLN 0');
    await w.until(/^CHG 5 /);
    w.send('XFR 6 SB');
    const xfr = await w.until(/^XFR 6 /);
    expect(xfr.text).toMatch(/^XFR 6 SB 127\.0\.0\.1:\d+ CKI \w+ U messenger\.msn\.com 1$/);
  });
});

describe('SOAP robustness', () => {
  const post = (path: string, body: string) => httpsPost(`${server.soapBase}${path}`, server.ca, body);

  it.each([
    ['malformed XML', '<soap:Envelope><soap:Body><ABFindAll></soap:Body>'],
    [
      'an entity bomb',
      '<!DOCTYPE a [<!ENTITY b "bbbbbbbbbb"><!ENTITY c "&b;&b;&b;&b;">]><Envelope><Body><ABFindAll>&c;</ABFindAll></Body></Envelope>',
    ],
    ['no Body', '<Envelope><Header /></Envelope>'],
    ['an unknown entity', '<Envelope><Body><ABFindAll>&nbsp;</ABFindAll></Body></Envelope>'],
    [
      'deep nesting',
      `<Envelope><Body><ABFindAll>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</ABFindAll></Body></Envelope>`,
    ],
  ])('answers %s with a client fault', async (_what, body) => {
    const res = await post(SOAP_PATHS.addressBook, body);
    expect(res.status).toBe(500);
    expect(textAt(descendants(res.xml, 'Fault')[0], 'faultcode')).toBe('soap:Client');
  });

  it('refuses a request over the size limit', async () => {
    const res = await post(
      SOAP_PATHS.addressBook,
      `<Envelope><Body><ABFindAll>${'x'.repeat(300 * 1024)}</ABFindAll></Body></Envelope>`,
    );
    expect(res.status).toBe(413);
  });

  it('answers 404 for unknown paths', async () => {
    expect((await post('/nothing.asmx', '<Envelope />')).status).toBe(404);
  });
});
