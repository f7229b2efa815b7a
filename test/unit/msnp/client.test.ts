// MessengerClient against a scripted notification server: what the app layer sees (events and
// their order) for exact server transcripts, Escargot quirks included.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessengerClient, type MessengerClientOptions, type MessengerEvents } from '../../../src/main/msnp/client';
import { DaLoginCache } from '../../../src/main/msnp/passport';
import { Contact, Group, Profile } from '../../../src/shared/schemas';
import { ScriptedServer, type PeerConnection } from './scripted-peer';
import { PassportStub } from './passport-stub';
import { pick, randomInt, seeded } from './random';
import { failure } from '../../support/msnp-failure';

const BOB_GUID = '6bd736b8-dc18-44c6-ad61-8cd12d641e79';
const FRIENDS_GUID = '8c0e4fb8-0b43-4be2-a4b1-ee0dfd6e4c3e';

type Recorded = { [K in keyof MessengerEvents]: { event: K; payload: MessengerEvents[K] } }[keyof MessengerEvents];

function record(client: MessengerClient): Recorded[] {
  const events: Recorded[] = [];
  const names: Array<keyof MessengerEvents> = [
    'state',
    'signed-in',
    'contact-list',
    'presence',
    'list-changed',
    'added-you',
    'groups-changed',
    'profile-changed',
    'privacy-changed',
    'invitation',
    'session-ended',
    'signed-out',
    'error',
  ];
  for (const name of names) client.on(name, (payload) => events.push({ event: name, payload } as Recorded));
  return events;
}

/** Resolves with the next `event` the client emits. */
function next<K extends keyof MessengerEvents>(client: MessengerClient, event: K): Promise<MessengerEvents[K]> {
  return new Promise((resolve) => client.once(event, resolve));
}

function payload(line: string, body: string): string {
  return `${line} ${Buffer.byteLength(body)}\r\n${body}`;
}

/** The MSNP11 sign-in of the protocol notes (LOGIN.md §8.4), with the given list and presence. */
async function signIn11(
  peer: PeerConnection,
  list: { lines: string[]; contacts: number; groups: number },
  presence: (chgTrid: string) => string = () => '',
): Promise<void> {
  await peer.answer('VER', 'MSNP11');
  await peer.answer('CVR', '7.0.0816 7.0.0816 7.0.0816 https://e https://e');
  await peer.answer('USR', 'TWN S ct=1,rver=1,wp=FS_40SEC_0_COMPACT,lc=1,id=1');
  const usr = await peer.expect('USR');
  peer.send(
    `USR ${usr.params[0]} OK alice@example.com 1 0\r\nSBS 0 null\r\n` +
      payload('MSG Hotmail Hotmail', 'MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsprofile; charset=UTF-8\r\n\r\n'),
  );
  const syn = await peer.expect('SYN');
  expect(syn.params.slice(1)).toEqual(['0', '0']);
  const stamp = '2000-01-01T00:00:00.0-00:00';
  peer.send(
    [`SYN ${syn.params[0]} ${stamp} ${stamp} ${list.contacts} ${list.groups}`, ...list.lines]
      .map((l) => `${l}\r\n`)
      .join(''),
  );
  const chg = await peer.expect('CHG');
  peer.send(`CHG ${chg.params.slice(0, 3).join(' ')}\r\n${presence(chg.params[0] ?? '')}`);
}

/** Answers the PNG that closes the presence burst. */
async function pong(peer: PeerConnection): Promise<void> {
  await peer.expect('PNG');
  peer.send('QNG 60\r\n');
}

describe('MessengerClient', () => {
  let ns: ScriptedServer;
  let passport: PassportStub;
  let client: MessengerClient;
  let events: Recorded[];

  const make = (extra: Partial<MessengerClientOptions> = {}): MessengerClient => {
    client = new MessengerClient({
      server: { host: '127.0.0.1', port: ns.port, nexus: passport.nexusUrl, allowInsecurePassport: true },
      email: 'alice@example.com',
      password: 'secret',
      requestTimeoutMs: 2000,
      reconnect: false,
      daLoginCache: new DaLoginCache(),
      ...extra,
    });
    events = record(client);
    return client;
  };

  beforeEach(async () => {
    [ns, passport] = await Promise.all([ScriptedServer.start(), PassportStub.start()]);
    passport.issue('0f3a9c1e55b2d47a8e01');
  });
  afterEach(async () => {
    await client.signOut();
    await Promise.all([ns.close(), passport.close()]);
  });

  const standardList = {
    contacts: 2,
    groups: 1,
    lines: [
      'GTC A',
      'BLP AL',
      'PRP MFN Alice%20Smith',
      `LSG Friends ${FRIENDS_GUID}`,
      `LST N=bob@example.com F=Bob C=${BOB_GUID} 11 ${FRIENDS_GUID}`,
      'LST N=dave@example.com F=Dave 16 ',
    ],
  };

  async function online(extra: Partial<MessengerClientOptions> = {}): Promise<PeerConnection> {
    make(extra);
    const signedIn = client.signIn();
    const peer = await ns.accept();
    await signIn11(
      peer,
      standardList,
      (trid) =>
        `ILN ${trid} NLN bob@example.com Bob 1073741824 %3Cmsnobj%2F%3E\r\n` +
        payload('UBX bob@example.com', '<Data><PSM>at work &amp; busy</PSM><CurrentMedia></CurrentMedia></Data>') +
        payload('MSG Hotmail Hotmail', 'MIME-Version: 1.0\r\n\r\n'),
    );
    await pong(peer);
    await signedIn;
    return peer;
  }

  it('signs in and announces the profile, the list with its presence, who is online, then who is pending', async () => {
    await online();
    const names = events.map((e) => (e.event === 'state' ? `state:${e.payload}` : e.event));
    expect(names).toEqual([
      'state:connecting',
      'state:authenticating',
      'state:syncing',
      'state:online',
      'signed-in',
      'contact-list',
      'presence',
      'added-you',
    ]);
    // Dave (PL) added us while we were offline.
    expect(events.find((e) => e.event === 'added-you')?.payload).toEqual({
      email: 'dave@example.com',
      displayName: 'Dave',
    });
    const signedIn = events.find((e) => e.event === 'signed-in');
    expect(signedIn?.payload).toEqual({
      protocol: 'MSNP11',
      dialect: 11,
      reconnected: false,
      profile: { email: 'alice@example.com', displayName: 'Alice Smith', status: 'NLN', personalMessage: '' },
    });
    const list = events.find((e) => e.event === 'contact-list');
    expect(list?.payload).toMatchObject({
      groups: [{ id: FRIENDS_GUID, name: 'Friends' }],
      privacy: { blp: 'AL', gtc: 'A' },
      contacts: [
        {
          email: 'bob@example.com',
          lists: ['FL', 'AL', 'RL'],
          groupIds: [FRIENDS_GUID],
          guid: BOB_GUID,
          status: 'NLN',
          clientId: 1073741824,
          personalMessage: 'at work & busy',
        },
        { email: 'dave@example.com', lists: ['PL'], status: 'FLN' },
      ],
    });
    expect(client.dialect).toBe(11);
    expect(client.protocol).toBe('MSNP11');
    expect(client.state).toBe('online');
    expect(client.displayName).toBe('Alice Smith');
  });

  it('sends SYN, CHG and PNG together once signed in, or one at a time without pipelining', async () => {
    for (const pipelining of [true, false]) {
      make({ pipelining });
      const signedIn = client.signIn();
      const peer = await ns.accept();
      await peer.answer('VER', 'MSNP11');
      await peer.answer('CVR', '7.5.0324 7.5.0324 7.5.0324 https://e https://e');
      await peer.answer('USR', 'TWN S ct=1,rver=1,wp=FS_40SEC_0_COMPACT,lc=1,id=1');
      const usr = await peer.expect('USR');
      peer.send(`USR ${usr.params[0]} OK alice@example.com 1 0\r\n`);
      const syn = await peer.expect('SYN');
      const list = `SYN ${syn.params[0]} 2000-01-01T00:00:00.0-00:00 2000-01-01T00:00:00.0-00:00 1 0\r\n`;
      const bob = `LST N=bob@example.com F=Bob C=${BOB_GUID} 11\r\n`;
      if (pipelining) {
        const chg = await peer.expect('CHG');
        await peer.expect('PNG');
        // Answered in order, as servers do: the list, then the initial presence, then the pong.
        peer.send(
          `${list}${bob}CHG ${chg.params[0]} NLN 0\r\nILN ${chg.params[0]} NLN bob@example.com Bob 0\r\nQNG 60\r\n`,
        );
      } else {
        peer.send(`${list}${bob}`);
        const chg = await peer.answer('CHG', 'NLN 0');
        peer.send(`ILN ${chg.params[0]} NLN bob@example.com Bob 0\r\n`);
        await pong(peer);
      }
      await signedIn;
      expect(client.getContact('bob@example.com')?.status).toBe('NLN');
      await client.signOut();
    }
  });

  it('reports presence changes once each', async () => {
    const peer = await online();
    const before = events.length;
    const seen = new Promise<void>((resolve) => {
      client.on('presence', (c) => {
        if (c.status === 'FLN') resolve();
      });
    });
    peer.send(
      'NLN AWY bob@example.com Bob%20B 1073741824 %3Cmsnobj%2F%3E\r\n' +
        payload('UBX bob@example.com', '<Data><PSM>at work &amp; busy</PSM><CurrentMedia></CurrentMedia></Data>') +
        payload('UBX bob@example.com', '<Data><PSM>lunch</PSM><CurrentMedia></CurrentMedia></Data>') +
        'FLN bob@example.com\r\n',
    );
    await seen;
    const presence = events.slice(before).flatMap((e) => (e.event === 'presence' ? [e.payload] : []));
    expect(presence.map((c) => [c.status, c.displayName, c.personalMessage])).toEqual([
      ['AWY', 'Bob B', 'at work & busy'],
      ['AWY', 'Bob B', 'lunch'],
      ['FLN', 'Bob B', 'lunch'],
    ]);
  });

  it('answers a challenge with the MSNP11 product id and key', async () => {
    const peer = await online();
    peer.send('CHL 0 22210219642164014968\r\n');
    const qry = await peer.expect('QRY');
    expect(qry.params.slice(1)).toEqual(['PROD0090YUAUV{2B', '32']);
    expect(qry.payload?.toString()).toBe('85ecb0db8f32113df79ce0892b9a102c');
    peer.send(`QRY ${qry.params[0]}\r\n`);
  });

  it('ends without reconnecting after OUT OTH', async () => {
    const peer = await online({ reconnect: { initialDelayMs: 10 } });
    const signedOut = next(client, 'signed-out');
    peer.send('OUT OTH\r\n');
    expect(await signedOut).toEqual({ reason: 'signed-in-elsewhere', message: 'You signed in at another location' });
    expect(events.find((e) => e.event === 'session-ended')?.payload).toMatchObject({ reconnecting: false });
    expect(client.state).toBe('signed-out');
    await peer.closed();
  });

  it('ends with a protocol error and a clean disconnect when the server sends garbage', async () => {
    const peer = await online({ reconnect: { initialDelayMs: 10 } });
    const signedOut = next(client, 'signed-out');
    peer.send('\u0001\u0002garbage\r\n');
    expect((await signedOut).reason).toBe('protocol-error');
    expect(events.some((e) => e.event === 'error' && e.payload.kind === 'protocol')).toBe(true);
    await peer.closed();
  });

  it('reconnects after a dead connection and restores status and personal message', async () => {
    const peer = await online({
      keepAlive: { intervalMs: 100, timeoutMs: 100 },
      reconnect: { initialDelayMs: 10, jitter: 0 },
    });
    const setStatus = client.setStatus('BSY');
    await peer.answer('CHG', 'BSY 0');
    await setStatus;
    const setPsm = client.setPersonalMessage('back <soon>');
    const uux = await peer.answer('UUX', '0');
    expect(uux.payload?.toString()).toBe('<Data><PSM>back &lt;soon&gt;</PSM><CurrentMedia></CurrentMedia></Data>');
    await setPsm;

    const ended = next(client, 'session-ended');
    await peer.expect('PNG'); // left unanswered
    expect(await ended).toMatchObject({ reason: 'connection-lost', reconnecting: true });
    expect(client.state).toBe('reconnecting');

    const again = await ns.accept();
    const reconnected = next(client, 'signed-in');
    await signIn11(again, standardList);
    const uuxAgain = await again.answer('UUX', '0');
    await pong(again);
    expect((await reconnected).reconnected).toBe(true);
    expect(uuxAgain.payload?.toString()).toContain('back &lt;soon&gt;');
    const chg = events.filter((e) => e.event === 'profile-changed').at(-1);
    expect(chg?.payload).toMatchObject({ personalMessage: 'back <soon>' });
    expect(client.profile).toMatchObject({ status: 'BSY', personalMessage: 'back <soon>' });
    expect(client.state).toBe('online');
  });

  it('reports someone adding you and answers with allow', async () => {
    const peer = await online();
    const added = next(client, 'added-you');
    peer.send('ADC 0 RL N=carol@example.com F=Carol%20C\r\n');
    expect(await added).toEqual({ email: 'carol@example.com', displayName: 'Carol C' });

    const answered = client.respondToAddition('dave@example.com', { allow: true, addToContacts: false });
    const adc = await peer.answer('ADC', 'AL N=dave@example.com');
    expect(adc.params.slice(1)).toEqual(['AL', 'N=dave@example.com']);
    await answered;
    expect(client.getContact('dave@example.com')?.lists).toEqual(['AL', 'RL']);
  });

  it('adds a contact into a group: the GUID from the reply and the presence that follows are kept', async () => {
    const peer = await online();
    const adding = client.addContact('carol@example.com', { groupId: FRIENDS_GUID });
    const fl = await peer.expect('ADC');
    expect(fl.params.slice(1)).toEqual(['FL', 'N=carol@example.com', 'F=carol@example.com']);
    const guid = '2f9e6d1a-1111-4c0b-8d7e-5a4b3c2d1e0f';
    peer.send(
      `ADC ${fl.params[0]} FL N=carol@example.com F=Carol C=${guid}\r\nILN ${fl.params[0]} BRB carol@example.com Carol 0\r\n`,
    );
    const group = await peer.expect('ADC');
    expect(group.params.slice(1)).toEqual(['FL', `C=${guid}`, FRIENDS_GUID]);
    peer.send(`ADC ${group.params[0]} FL C=${guid} ${FRIENDS_GUID}\r\n`);
    await peer.answer('ADC', 'AL N=carol@example.com');
    const carol = await adding;
    expect(carol).toMatchObject({
      guid,
      lists: ['FL', 'AL'],
      groupIds: [FRIENDS_GUID],
      status: 'BRB',
      displayName: 'Carol',
    });
  });

  it('creates, renames and deletes groups and moves contacts between them', async () => {
    const peer = await online();
    const family = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const creating = client.createGroup('Family & Co');
    const adg = await peer.expect('ADG');
    expect(adg.params.slice(1)).toEqual(['Family%20%26%20Co']);
    peer.send(`ADG ${adg.params[0]} Family%20%26%20Co ${family} 0\r\n`);
    expect(await creating).toEqual({ id: family, name: 'Family & Co' });

    const moving = client.moveContact('bob@example.com', FRIENDS_GUID, family);
    await peer.answer('ADC', `FL C=${BOB_GUID} ${family}`);
    const rem = await peer.answer('REM', `FL ${BOB_GUID} ${FRIENDS_GUID}`);
    expect(rem.params.slice(1)).toEqual(['FL', BOB_GUID, FRIENDS_GUID]);
    await moving;
    expect(client.getContact('bob@example.com')?.groupIds).toEqual([family]);

    const renaming = client.renameGroup(family, 'Family');
    const reg = await peer.answer('REG', `1 Family ${family} 0`);
    expect(reg.params.slice(1)).toEqual([family, 'Family']);
    await renaming;

    const deleting = client.deleteGroup(family);
    await peer.answer('RMG', `1 ${family}`);
    await deleting;
    expect(client.groups).toEqual([{ id: FRIENDS_GUID, name: 'Friends' }]);
    expect(client.getContact('bob@example.com')?.groupIds).toEqual([]);
  });

  it('rejects an operation with the typed server error', async () => {
    const peer = await online();
    const blocking = client.blockContact('bob@example.com');
    const rem = await peer.expect('REM');
    expect(rem.params.slice(1)).toEqual(['AL', 'bob@example.com']);
    peer.send(`216 ${rem.params[0]}\r\n`);
    expect(await failure(blocking)).toMatchObject({ kind: 'server', code: 216 });
    expect(client.state).toBe('online');
    expect((await failure(client.addContact('not an address'))).kind).toBe('invalid');
  });

  it('hands out switchboards and invitations', async () => {
    const peer = await online();
    const ticket = client.requestSwitchboard();
    await peer.answer('XFR', 'SB 127.0.0.1:1864 CKI 17262740.1050826919.32308');
    expect(await ticket).toEqual({ host: '127.0.0.1', port: 1864, cookie: '17262740.1050826919.32308' });

    const refused = client.requestSwitchboard();
    const xfr = await peer.expect('XFR');
    peer.send(`913 ${xfr.params[0]}\r\n`);
    expect(await failure(refused)).toMatchObject({ code: 913 });

    const invitation = next(client, 'invitation');
    peer.send('RNG 11752013 127.0.0.1:1864 CKI 849102291.520491113 bob@example.com Bob%20B\r\n');
    expect(await invitation).toEqual({
      sessionId: '11752013',
      host: '127.0.0.1',
      port: 1864,
      cookie: '849102291.520491113',
      callerEmail: 'bob@example.com',
      callerDisplayName: 'Bob B',
    });
  });

  it('survives random commands from the server: the state stays valid and nothing throws', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const random = seeded(seed);
      const peer = await online();
      const tokens = [
        '0',
        '1',
        '99999999999',
        'RL',
        'FL',
        'AL',
        'BL',
        'PL',
        'NLN',
        'HDN',
        'bob@example.com',
        'dave@example.com',
        'x@y',
        '@',
        'N=bob@example.com',
        'C=',
        `C=${BOB_GUID}`,
        'F=%E2%98%BA',
        FRIENDS_GUID,
        '%zz',
        'PHH',
        'MFN',
        'CKI',
        '127.0.0.1:1',
        '%3Cmsnobj%20Creator%3D%22x%22%2F%3E',
        'x'.repeat(2000),
      ];
      const names = [
        'ILN',
        'NLN',
        'FLN',
        'ADD',
        'ADC',
        'REM',
        'BPR',
        'PRP',
        'GTC',
        'BLP',
        'LSG',
        'LST',
        'RNG',
        'QNG',
        'CHL',
        'SBS',
        '215',
      ];
      const lines = Array.from({ length: 300 }, () => {
        const params = Array.from({ length: randomInt(random, 0, 7) }, () => pick(random, tokens));
        return `${pick(random, names)} ${params.join(' ')}\r\n`;
      });
      peer.send(lines.join('') + payload('UBX bob@example.com', `<Data><PSM>${'p'.repeat(5000)}</PSM></Data>`));
      // A final round trip: everything before it has been handled.
      const status = client.setStatus('IDL');
      let chg = await peer.read();
      while (chg.name === 'QRY') chg = await peer.read(); // answers to the random CHLs
      expect(chg.name).toBe('CHG');
      peer.send(`CHG ${chg.params[0]} IDL 0\r\n`);
      await status;
      expect(client.state).toBe('online');
      for (const contact of client.contacts) expect(() => Contact.parse(contact)).not.toThrow();
      for (const group of client.groups) expect(() => Group.parse(group)).not.toThrow();
      expect(() => Profile.parse(client.profile)).not.toThrow();
      await client.signOut();
    }
  });

  it('signs out with OUT', async () => {
    const peer = await online();
    const signingOut = client.signOut();
    await peer.expect('OUT');
    peer.send('OUT\r\n');
    peer.hangUp();
    await signingOut;
    expect(events.at(-1)).toEqual({ event: 'signed-out', payload: { reason: 'user', message: 'Signed out' } });
    expect((await failure(client.setStatus('AWY'))).kind).toBe('state');
  });
});

describe('MessengerClient with MSNP2–9 servers', () => {
  let ns: ScriptedServer;
  let client: MessengerClient;

  beforeEach(async () => {
    ns = await ScriptedServer.start();
    client = new MessengerClient({
      server: { host: '127.0.0.1', port: ns.port },
      email: 'alice@example.com',
      password: 'password',
      protocols: [7],
      requestTimeoutMs: 2000,
      reconnect: false,
    });
  });
  afterEach(async () => {
    await client.signOut();
    await ns.close();
  });

  async function signIn7(peer: PeerConnection, failWith?: number): Promise<void> {
    await peer.answer('VER', 'MSNP7');
    await peer.answer('INF', 'MD5');
    await peer.answer('USR', 'MD5 S 1013928519.693957190');
    const usr = await peer.expect('USR');
    if (failWith !== undefined) {
      peer.send(`${failWith} ${usr.params[0]}\r\n`);
      peer.hangUp();
      return;
    }
    peer.send(`USR ${usr.params[0]} OK alice@example.com Alice%20Smith 1\r\n`);
    const syn = await peer.expect('SYN');
    const t = syn.params[0] ?? '';
    // Escargot's MSNP6–7 order: lists first, privacy last.
    peer.send(
      [
        `SYN ${t} 12`,
        `LSG ${t} 12 1 1 0 Other%20Contacts 0`,
        `LST ${t} FL 12 1 1 bob@example.com Bob 0`,
        `LST ${t} AL 12 1 1 bob@example.com Bob`,
        `LST ${t} BL 12 0 0`,
        `LST ${t} RL 12 1 1 bob@example.com Bob`,
        `GTC ${t} 12 N`,
        `BLP ${t} 12 BL`,
      ]
        .map((l) => `${l}\r\n`)
        .join(''),
    );
    const chg = await peer.expect('CHG');
    expect(chg.params.slice(1)).toEqual(['NLN']);
    peer.send(`CHG ${chg.params[0]} NLN\r\nILN ${chg.params[0]} NLN bob@example.com Bob\r\n`);
    await pong(peer);
  }

  it('signs in with MD5 and reads privacy sent after the lists', async () => {
    const list = next(client, 'contact-list');
    const signingIn = client.signIn();
    await signIn7(await ns.accept());
    await signingIn;
    expect(await list).toMatchObject({
      privacy: { blp: 'BL', gtc: 'N' },
      groups: [{ id: '0', name: 'Other Contacts' }],
      contacts: [{ email: 'bob@example.com', lists: ['FL', 'AL', 'RL'], groupIds: ['0'], status: 'NLN' }],
    });
    expect(client.displayName).toBe('Alice Smith');
  });

  it("reads Escargot's ADD notice with the version first, renames with REA, and has no personal message", async () => {
    const signingIn = client.signIn();
    const peer = await ns.accept();
    await signIn7(peer);
    await signingIn;
    const added = next(client, 'added-you');
    peer.send('ADD 0 13 RL carol@example.com Carol\r\n');
    expect(await added).toEqual({ email: 'carol@example.com', displayName: 'Carol' });

    const renaming = client.setDisplayName('Alice S.');
    const rea = await peer.answer('REA', '14 alice@example.com Alice%20S.');
    expect(rea.params.slice(1)).toEqual(['alice@example.com', 'Alice%20S.']);
    await renaming;
    expect(client.displayName).toBe('Alice S.');
    expect((await failure(client.setPersonalMessage('hi'))).kind).toBe('unsupported');
  });

  it('reports refused credentials as signed out, with the error first', async () => {
    const signingIn = client.signIn();
    const events: string[] = [];
    client.on('error', (e) => events.push(`error ${e.code ?? ''}`));
    client.on('signed-out', (e) => events.push(`signed-out ${e.reason}`));
    await signIn7(await ns.accept(), 911);
    expect(await failure(signingIn)).toMatchObject({ kind: 'auth', code: 911 });
    expect(events).toEqual(['error 911', 'signed-out wrong-credentials']);
    expect(client.state).toBe('signed-out');
  });
});
