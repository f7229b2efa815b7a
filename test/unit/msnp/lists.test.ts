import { describe, expect, it } from 'vitest';
import {
  parseAdgReply,
  parseClassicLst,
  parseListChange,
  parseLsg,
  parseLst,
  parsePersonalMessage,
  parsePresence,
  handleEmail,
  parseProperty,
  parseSynReply,
  personalMessagePayload,
  xmlEscape,
  xmlUnescape,
} from '../../../src/main/msnp/lists';

const split = (line: string): string[] => line.split(' ').filter((t) => t !== '');
const GUID_BOB = '5b5c0c2d-0000-4a6e-9b3a-0f4e8a3c1d22';
const GUID_FRIENDS = '8c0e4fb8-0b43-4be2-a4b1-ee0dfd6e4c3e';

describe('LST', () => {
  it('MSNP2–7: one list per line, with its position', () => {
    expect(parseClassicLst(split('8 FL 12 1 2 bob@example.com Bob%20B 0,1'))).toEqual({
      list: 'FL',
      index: 1,
      total: 2,
      entry: { email: 'bob@example.com', displayName: 'Bob B', lists: ['FL'], groupIds: ['0', '1'] },
    });
    expect(parseClassicLst(split('8 AL 12 1 1 bob@example.com Bob'))?.entry?.groupIds).toEqual([]);
    expect(parseClassicLst(split('8 BL 12 0 0'))).toEqual({ list: 'BL', index: 0, total: 0 });
    expect(parseClassicLst(split('8 XX 12 0 0'))).toBeUndefined();
  });

  it('MSNP8–9: a bitmask of lists, groups only for FL contacts', () => {
    expect(parseLst(8, split('bob@example.com Bob 11 1'))).toEqual({
      email: 'bob@example.com',
      displayName: 'Bob',
      lists: ['FL', 'AL', 'RL'],
      groupIds: ['1'],
    });
    expect(parseLst(9, split('carol@example.com Carol 3 0,1'))?.groupIds).toEqual(['0', '1']);
    // Escargot appends group 0 even when the contact is not on FL.
    expect(parseLst(9, split('dave@example.com dave@example.com 8 0'))).toEqual({
      email: 'dave@example.com',
      displayName: 'dave@example.com',
      lists: ['RL'],
      groupIds: [],
    });
    expect(parseLst(9, split('bob@example.com Bob many'))).toBeUndefined();
  });

  it('MSNP10–11: N= F= C= then the bitmask and group GUIDs', () => {
    expect(parseLst(11, split(`N=bob@example.com F=Bob%20B C=${GUID_BOB} 11 ${GUID_FRIENDS}`))).toEqual({
      email: 'bob@example.com',
      displayName: 'Bob B',
      lists: ['FL', 'AL', 'RL'],
      groupIds: [GUID_FRIENDS],
      guid: GUID_BOB,
    });
    expect(parseLst(10, split('N=dave@example.com F=dave@example.com 16'))).toEqual({
      email: 'dave@example.com',
      displayName: 'dave@example.com',
      lists: ['PL'],
      groupIds: [],
    });
    // Escargot's trailing space when the contact is in no group.
    expect(parseLst(11, split(`N=bob@example.com F=Bob C=${GUID_BOB} 3 `))?.groupIds).toEqual([]);
    expect(parseLst(11, split('F=Nobody 3'))).toBeUndefined();
  });

  it('MSNP12: an extra numeric field after the bitmask', () => {
    expect(parseLst(12, split(`N=bob@example.com F=Bob C=${GUID_BOB} 11 1 ${GUID_FRIENDS},${GUID_BOB}`))).toMatchObject(
      {
        lists: ['FL', 'AL', 'RL'],
        groupIds: [GUID_FRIENDS, GUID_BOB],
      },
    );
    expect(parseLst(12, split(`N=bob@example.com F=Bob C=${GUID_BOB} 11 1 `))?.groupIds).toEqual([]);
    expect(parseLst(12, split(`N=bob@example.com F=Bob C=${GUID_BOB} 11 ${GUID_FRIENDS}`))?.groupIds).toEqual([
      GUID_FRIENDS,
    ]);
  });
});

describe('LSG and ADG', () => {
  it('reads each dialect family', () => {
    expect(parseLsg(7, split('8 12 2 2 1 Friends%20%26%20Co 0'))).toEqual({ id: '1', name: 'Friends & Co' });
    expect(parseLsg(9, split('0 Other%20Contacts 0'))).toEqual({ id: '0', name: 'Other Contacts' });
    expect(parseLsg(11, split(`Friends ${GUID_FRIENDS}`))).toEqual({ id: GUID_FRIENDS, name: 'Friends' });
    expect(parseLsg(11, split('Friends'))).toBeUndefined();
  });

  it('finds the new group id in ADG replies of either layout', () => {
    expect(parseAdgReply(9, split('40 134 New%20Group 2 0'), 'New Group')).toEqual({ id: '2', name: 'New Group' });
    // Escargot puts the name before the GUID; another layout has a version first.
    expect(parseAdgReply(11, split(`40 New%20Group ${GUID_FRIENDS} 0`), 'New Group')?.id).toBe(GUID_FRIENDS);
    expect(parseAdgReply(12, split(`40 1 ${GUID_FRIENDS} New%20Group`), 'New Group')?.id).toBe(GUID_FRIENDS);
    // Escargot's MSNP10 numbers its groups.
    expect(parseAdgReply(10, split('40 New%20Group 3 0'), 'New Group')?.id).toBe('3');
    expect(parseAdgReply(11, split('40 Other 0'), 'New Group')).toBeUndefined();
  });
});

describe('list changes', () => {
  it('reads ADD replies and notices, including Escargot putting the version before the list', () => {
    expect(parseListChange(9, 'ADD', split('20 FL 128 bob@example.com Bob 0'))).toEqual({
      list: 'FL',
      email: 'bob@example.com',
      displayName: 'Bob',
      groupId: '0',
    });
    expect(parseListChange(7, 'ADD', split('0 RL 138 carol@example.com Carol'))).toEqual({
      list: 'RL',
      email: 'carol@example.com',
      displayName: 'Carol',
    });
    expect(parseListChange(9, 'ADD', split('0 139 RL carol@example.com Carol%20C'))).toMatchObject({
      list: 'RL',
      email: 'carol@example.com',
      displayName: 'Carol C',
    });
  });

  it('reads ADC with N=, F=, C= and a group', () => {
    expect(parseListChange(11, 'ADC', split(`30 FL N=bob@example.com F=Bob C=${GUID_BOB}`))).toEqual({
      list: 'FL',
      email: 'bob@example.com',
      displayName: 'Bob',
      guid: GUID_BOB,
    });
    expect(parseListChange(11, 'ADC', split(`31 FL C=${GUID_BOB} ${GUID_FRIENDS}`))).toEqual({
      list: 'FL',
      guid: GUID_BOB,
      groupId: GUID_FRIENDS,
    });
    expect(parseListChange(12, 'ADC', split('0 RL N=carol@example.com F=Carol'))).toMatchObject({ list: 'RL' });
  });

  it('reads REM in both families', () => {
    expect(parseListChange(9, 'REM', split('23 FL 131 bob@example.com 1'))).toEqual({
      list: 'FL',
      email: 'bob@example.com',
      groupId: '1',
    });
    expect(parseListChange(9, 'REM', split('0 RL 139 carol@example.com'))).toEqual({
      list: 'RL',
      email: 'carol@example.com',
    });
    expect(parseListChange(11, 'REM', split(`33 FL ${GUID_BOB} ${GUID_FRIENDS}`))).toEqual({
      list: 'FL',
      guid: GUID_BOB,
      groupId: GUID_FRIENDS,
    });
    expect(parseListChange(11, 'REM', split('0 RL carol@example.com'))).toEqual({
      list: 'RL',
      email: 'carol@example.com',
    });
    expect(parseListChange(11, 'REM', split('0 XX carol@example.com'))).toBeUndefined();
  });
});

describe('presence', () => {
  const msnObject =
    '%3Cmsnobj%20Creator%3D%22bob%40example.com%22%20Size%3D%2222731%22%20Type%3D%223%22%20Location%3D%22TFRDDF.dat%22%20Friendly%3D%22AAA%3D%22%20SHA1D%3D%22G8fPpR6aONX286a8C2cFmeVbPsA%3D%22%2F%3E';

  it('reads ILN and NLN of every family', () => {
    expect(parsePresence(12, 'ILN', split('9 NLN bob@example.com Bob'))).toEqual({
      email: 'bob@example.com',
      status: 'NLN',
      displayName: 'Bob',
    });
    expect(parsePresence(12, 'NLN', split('AWY bob@example.com Bob%20B 268435456'))).toEqual({
      email: 'bob@example.com',
      status: 'AWY',
      displayName: 'Bob B',
      clientId: 268435456,
    });
    expect(parsePresence(12, 'ILN', split(`7 BSY bob@example.com Bob 1073741824 ${msnObject}`))?.msnObject).toMatch(
      /^<msnobj Creator="bob@example.com"/,
    );
  });

  it('reads the MSNP13–18 forms: network ids, caps:capsEx and 1: handles', () => {
    const bob = { email: 'bob@example.com', status: 'NLN', displayName: 'Bob', clientId: 2788999212 };
    expect(parsePresence(13, 'ILN', split('9 NLN bob@example.com Bob 2788999212 %3Cmsnobj%2F%3E'))).toEqual(bob);
    expect(parsePresence(14, 'ILN', split('9 NLN bob@example.com 1 Bob 2788999212 %3Cmsnobj%2F%3E'))).toEqual(bob);
    expect(parsePresence(16, 'NLN', split('NLN bob@example.com 1 Bob 2788999212:48 %3Cmsnobj%2F%3E'))).toEqual(bob);
    expect(parsePresence(18, 'NLN', split('NLN 1:bob@example.com Bob 2788999212:48 %3Cmsnobj%2F%3E'))).toEqual(bob);
    // A name made of digits is still the name where no network id precedes it.
    expect(parsePresence(14, 'NLN', split('NLN bob@example.com 1 42 0'))?.displayName).toBe('42');
    expect(parsePresence(13, 'NLN', split('NLN bob@example.com 42 0'))?.displayName).toBe('42');
    expect(parsePresence(15, 'NLN', split('NLN bob@example.com 1 Bob 2788999212:48'))?.clientId).toBeUndefined();
    expect(handleEmail(18, '1:bob@example.com;{e2e33006-0000-0000-0000-000000000000}')).toBe('bob@example.com');
    expect(handleEmail(16, 'bob@example.com;{e2e33006-0000-0000-0000-000000000000}')).toBe('bob@example.com');
    expect(handleEmail(12, 'bob@example.com')).toBe('bob@example.com');
  });

  it('treats an empty MSN object as none and an unknown status as online', () => {
    expect(parsePresence(12, 'NLN', split('NLN bob@example.com Bob 0 %3Cmsnobj%2F%3E'))?.msnObject).toBeUndefined();
    expect(parsePresence(12, 'NLN', split('XYZ bob@example.com Bob'))?.status).toBe('NLN');
    expect(parsePresence(12, 'NLN', split('NLN'))).toBeUndefined();
  });

  it('reads and writes personal messages as escaped XML', () => {
    const payload = personalMessagePayload('Tom & Jerry <3 "quoted" \'single\' ☕');
    expect(payload).toBe(
      '<Data><PSM>Tom &amp; Jerry &lt;3 &quot;quoted&quot; &apos;single&apos; ☕</PSM><CurrentMedia></CurrentMedia></Data>',
    );
    expect(Buffer.byteLength(personalMessagePayload('at work ☕'))).toBe(64);
    expect(parsePersonalMessage(Buffer.from(payload))).toBe('Tom & Jerry <3 "quoted" \'single\' ☕');
    expect(parsePersonalMessage(Buffer.alloc(0))).toBe('');
    expect(parsePersonalMessage(undefined)).toBe('');
    expect(parsePersonalMessage(Buffer.from('<Data><PSM/></Data>'))).toBe('');
    expect(xmlUnescape('&#233;&#xE9;&unknown;&#0;')).toBe('éé&unknown;&#0;');
    expect(xmlUnescape(xmlEscape('<&>"\''))).toBe('<&>"\'');
  });
});

describe('properties and SYN replies', () => {
  it('reads PRP and BPR in every form', () => {
    expect(parseProperty(split('MFN Alice%20Smith'))).toEqual({ key: 'MFN', value: 'Alice Smith' });
    expect(parseProperty(split('8 12 PHH 555%20123'))).toEqual({ key: 'PHH', value: '555 123' });
    expect(parseProperty(split('PHH 555%20999'))).toEqual({ key: 'PHH', value: '555 999' });
    expect(parseProperty(split('130 bob@example.com PHM 555'))).toEqual({
      email: 'bob@example.com',
      key: 'PHM',
      value: '555',
    });
    expect(parseProperty(split('bob@example.com MOB'))).toEqual({ email: 'bob@example.com', key: 'MOB', value: '' });
    expect(parseProperty(split('XYZ 1'))).toBeUndefined();
  });

  it('reads SYN replies with and without counts', () => {
    expect(parseSynReply(7, split('8 12'))).toEqual({ version: '12' });
    expect(parseSynReply(9, split('8 27 3 2'))).toEqual({ counts: { contacts: 3, groups: 2 } });
    expect(parseSynReply(9, split('8 27'))).toEqual({});
    expect(
      parseSynReply(11, split('8 2005-04-23T18:57:44.8130000-07:00 2005-04-23T18:57:54.2070000-07:00 3 1')),
    ).toEqual({ counts: { contacts: 3, groups: 1 } });
  });
});
