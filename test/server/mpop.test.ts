// MSNP16–18 multiple points of presence against the reference server: two places of one account,
// endpoint data in UBX, signing other places out, OUT OTH rules, and switchboards with several
// places of one account.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './index';
import { online, signInSso, startTestServer, Wire, type Received } from './wire';
import { descendants, parseXml } from './xml';

let server: RunningServer;
const open: Wire[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const w of open.splice(0)) w.close();
  await server.close();
});

const LAPTOP = '{E2E33006-1111-4C58-9D4D-2A5A8E3C0B11}';
const DESKTOP = '{8A9FF87F-2222-4C58-9D4D-2A5A8E3C0B11}';
const CAPS = '2788999212:48';

async function place(email: string, dialect: number, guid: string, status = 'NLN'): Promise<Wire> {
  const { w } = await signInSso(server, email, dialect, guid);
  open.push(w);
  w.send(`CHG 9 ${status} ${dialect >= 16 ? CAPS : CAPS.split(':')[0]}`);
  await w.until(/^CHG 9 /);
  return w;
}

function endpoints(ubx: Received): { ids: string[]; privateNames: string[] } {
  if (!ubx.payload?.length) return { ids: [], privateNames: [] };
  const xml = parseXml(ubx.payload);
  return {
    ids: descendants(xml, 'EndpointData').map((e) => e.attrs['id'] ?? ''),
    privateNames: descendants(xml, 'PrivateEndpointData').map((e) => descendants(e, 'EpName')[0]?.text ?? ''),
  };
}

describe('two places of one account', () => {
  it('keeps both signed in and lists both places to each of them', async () => {
    const laptop = await place('alice@example.com', 18, LAPTOP);
    laptop.sendPayload(
      'UUX 10',
      '<PrivateEndpointData><EpName>Laptop</EpName><Idle>false</Idle><ClientType>1</ClientType><State>NLN</State></PrivateEndpointData>',
    );
    await laptop.until('UUX 10 0');
    const desktop = await place('alice@example.com', 18, DESKTOP);
    desktop.sendPayload(
      'UUX 10',
      '<PrivateEndpointData><EpName>Desktop</EpName><Idle>false</Idle><ClientType>1</ClientType><State>NLN</State></PrivateEndpointData>',
    );
    await desktop.until('UUX 10 0');
    const own = await desktop.until(/^NLN NLN 1:alice@example.com /);
    expect(own.text).toBe(`NLN NLN 1:alice@example.com Alice%20Smith ${CAPS} %3Cmsnobj%2F%3E`);
    const self = await desktop.until(/^UBX 1:alice@example.com \d+$/);
    expect(endpoints(self)).toEqual({
      ids: [LAPTOP.toLowerCase(), DESKTOP.toLowerCase()],
      privateNames: ['Laptop', 'Desktop'],
    });
    // Escargot leaves `<Idle>` out unless the place is idle.
    expect(self.payload?.toString()).toContain(
      `<PrivateEndpointData id="${DESKTOP.toLowerCase()}"><EpName>Desktop</EpName><ClientType>1</ClientType><State>NLN</State></PrivateEndpointData>`,
    );
    const seenByLaptop = await laptop.until((f) => f.name === 'UBX' && endpoints(f).ids.length === 2);
    expect(endpoints(seenByLaptop).ids).toHaveLength(2);
    expect(laptop.isClosed).toBe(false);
  });

  it('shows contacts every place, without the private data, and goes offline only with the last place', async () => {
    const bob = await online(server, 'bob@example.com', 16);
    open.push(bob);
    const old = await online(server, 'dave@example.com', 13);
    open.push(old);
    const laptop = await place('alice@example.com', 16, LAPTOP);
    await place('alice@example.com', 16, DESKTOP);
    laptop.sendPayload('UUX 11', '<Data><PSM>two places</PSM><CurrentMedia></CurrentMedia></Data>');
    await laptop.until('UUX 11 0');
    let ubx = await bob.until(/^UBX alice@example.com 1 \d+$/);
    while (endpoints(ubx).ids.length < 2 || !ubx.payload?.toString().includes('two places')) {
      ubx = await bob.until(/^UBX alice@example.com 1 \d+$/);
    }
    expect(endpoints(ubx)).toEqual({ ids: [LAPTOP.toLowerCase(), DESKTOP.toLowerCase()], privateNames: [] });
    const daveSees = await old.until(
      (f) => f.text.startsWith('UBX alice@example.com ') && !!f.payload?.toString().includes('two places'),
    );
    expect(daveSees.payload?.toString()).toBe('<Data><PSM>two places</PSM><CurrentMedia></CurrentMedia></Data>');
    laptop.send('OUT');
    await laptop.closed();
    await bob.quiet(150);
    for (const w of open.filter((x) => x !== bob && x !== old)) w.send('OUT');
    expect((await bob.until(/^FLN /)).text).toBe('FLN alice@example.com 1 0:0');
    expect((await old.until(/^FLN /)).text).toBe('FLN alice@example.com');
  });

  it('boots the older place on the same machine with OUT OTH, and MSNP15 places always', async () => {
    const first = await place('alice@example.com', 18, LAPTOP);
    await place('alice@example.com', 18, LAPTOP.toLowerCase());
    expect((await first.closed()).map((f) => f.text)).toContain('OUT OTH');
    const second = open.at(-1) as Wire;
    const { w: legacy } = await signInSso(server, 'alice@example.com', 15);
    open.push(legacy);
    expect((await second.closed()).map((f) => f.text)).toContain('OUT OTH');
    await place('alice@example.com', 16, DESKTOP);
    expect((await legacy.closed()).map((f) => f.text)).toContain('OUT OTH');
  });

  it('signs out another place with UUN type 4, relayed as UBN from this place', async () => {
    const laptop = await place('alice@example.com', 18, LAPTOP);
    const desktop = await place('alice@example.com', 18, DESKTOP);
    desktop.sendPayload(`UUN 12 alice@example.com;${LAPTOP} 4`, 'goawyplzthxbye');
    expect(await desktop.until(/^UUN 12 /)).toMatchObject({ text: 'UUN 12 OK' });
    const ubn = await laptop.until(/^UBN /);
    expect(ubn.text).toBe(`UBN alice@example.com;${DESKTOP.toLowerCase()} 4 14`);
    expect(ubn.payload?.toString()).toBe('goawyplzthxbye');
    desktop.sendPayload('UUN 13 nobody@example.com 4', 'goawyplzthxbye');
    expect(await desktop.until(/^217 /)).toMatchObject({ text: '217 13' });
  });
});

describe('UUX payloads', () => {
  it('keeps the personal message when a <Data> has no <PSM>, and says when a place is idle', async () => {
    const w = await place('alice@example.com', 18, LAPTOP);
    w.sendPayload('UUX 20', '<Data><PSM>kept</PSM><CurrentMedia></CurrentMedia></Data>');
    await w.until('UUX 20 0');
    w.sendPayload('UUX 21', `<Data><MachineGuid>${LAPTOP}</MachineGuid></Data>`);
    await w.until('UUX 21 0');
    const ubx = await w.until((f) => f.name === 'UBX' && !!f.payload?.toString().includes('<MachineGuid>'));
    expect(ubx.payload?.toString()).toMatch(/^<Data><PSM>kept<\/PSM><MachineGuid>/);
    w.sendPayload(
      'UUX 22',
      '<PrivateEndpointData><EpName>Laptop</EpName><Idle>true</Idle><ClientType>1</ClientType><State>IDL</State></PrivateEndpointData>',
    );
    await w.until('UUX 22 0');
    const idle = await w.until((f) => f.name === 'UBX' && !!f.payload?.toString().includes('<Idle>true</Idle>'));
    expect(idle.payload?.toString()).toContain('<EpName>Laptop</EpName><Idle>true</Idle><ClientType>1</ClientType>');
  });

  it('gives a new place the personal message the others show', async () => {
    const laptop = await place('alice@example.com', 18, LAPTOP);
    laptop.sendPayload('UUX 20', '<Data><PSM>at the office</PSM><CurrentMedia></CurrentMedia></Data>');
    await laptop.until('UUX 20 0');
    const desktop = await place('alice@example.com', 18, DESKTOP);
    const ubx = await desktop.until((f) => f.name === 'UBX' && !!f.payload?.toString().includes('<EndpointData'));
    expect(ubx.payload?.toString()).toMatch(/^<Data><PSM>at the office<\/PSM>/);
  });

  it.each<[number, string]>([
    [18, '<Data><PSM>unclosed</Data>'],
    [18, '<Other />'],
    [15, '<PrivateEndpointData><EpName>Laptop</EpName></PrivateEndpointData>'],
  ])('MSNP%i answers 201 to %s and stays connected', async (dialect, payload) => {
    const w = await place('alice@example.com', dialect, LAPTOP, 'NLN');
    w.sendPayload('UUX 20', payload);
    await w.until('201 20');
    w.send('PNG');
    await w.until(/^QNG/);
  });
});

describe('switchboard with several places of one account', () => {
  async function openSb(ns: Wire, handle: string): Promise<Wire> {
    ns.send('XFR 50 SB');
    const xfr = await ns.until(/^XFR 50 /);
    const [, , , address, , cookie] = xfr.text.split(' ');
    const sb = await Wire.connect(address ?? '');
    open.push(sb);
    sb.send(`USR 1 ${handle} ${cookie ?? ''}`);
    return sb;
  }

  async function answer(ns: Wire, handle: string): Promise<Wire> {
    const rng = await ns.until(/^RNG /);
    const [, sid, address, , cookie] = rng.text.split(' ');
    expect(rng.text).toMatch(/ U messenger\.hotmail\.com 1$/);
    const sb = await Wire.connect(address ?? '');
    open.push(sb);
    sb.send(`ANS 1 ${handle} ${cookie ?? ''} ${sid ?? ''}`);
    return sb;
  }

  it('rings every place, lists each place and the account once, and relays to all of them', async () => {
    const bobNs = await place('bob@example.com', 18, '{11111111-2222-3333-4444-555555555555}');
    const laptopNs = await place('alice@example.com', 18, LAPTOP);
    const desktopNs = await place('alice@example.com', 18, DESKTOP);
    const bob = await openSb(bobNs, 'bob@example.com;{11111111-2222-3333-4444-555555555555}');
    expect(await bob.line()).toBe('USR 1 OK bob@example.com;{11111111-2222-3333-4444-555555555555} Bob');
    bob.send('CAL 2 alice@example.com');
    expect(await bob.line()).toMatch(/^CAL 2 RINGING \d+$/);
    const laptop = await answer(laptopNs, `alice@example.com;${LAPTOP}`);
    const iro = await laptop.lines(3);
    expect(iro).toEqual([
      `IRO 1 1 2 bob@example.com;{11111111-2222-3333-4444-555555555555} Bob ${CAPS}`,
      `IRO 1 2 2 bob@example.com Bob ${CAPS}`,
      'ANS 1 OK',
    ]);
    expect(await bob.lines(2)).toEqual([
      `JOI alice@example.com;${LAPTOP.toLowerCase()} Alice%20Smith ${CAPS}`,
      `JOI alice@example.com Alice%20Smith ${CAPS}`,
    ]);
    const desktop = await answer(desktopNs, 'alice@example.com');
    // Her other place is a participant too, listed like anyone else; the client shows it once.
    expect(await desktop.lines(5)).toEqual([
      `IRO 1 1 4 bob@example.com;{11111111-2222-3333-4444-555555555555} Bob ${CAPS}`,
      `IRO 1 2 4 bob@example.com Bob ${CAPS}`,
      `IRO 1 3 4 alice@example.com;${LAPTOP.toLowerCase()} Alice%20Smith ${CAPS}`,
      `IRO 1 4 4 alice@example.com Alice%20Smith ${CAPS}`,
      'ANS 1 OK',
    ]);
    const joined = `JOI alice@example.com;${DESKTOP.toLowerCase()} Alice%20Smith ${CAPS}`;
    expect(await bob.line()).toBe(joined);
    expect(await laptop.line()).toBe(joined);
    await bob.quiet();

    const text = 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nhello both';
    bob.sendPayload('MSG 3 A', text);
    expect(await bob.line()).toBe('ACK 3');
    for (const w of [laptop, desktop])
      expect((await w.next()).text).toBe(`MSG bob@example.com Bob ${Buffer.byteLength(text)}`);
    laptop.sendPayload('MSG 2 N', text);
    expect((await bob.next()).text).toBe(`MSG alice@example.com Alice%20Smith ${Buffer.byteLength(text)}`);
    expect((await desktop.next()).text).toBe(`MSG alice@example.com Alice%20Smith ${Buffer.byteLength(text)}`);

    desktop.send('OUT');
    expect(await bob.line()).toBe(`BYE alice@example.com;${DESKTOP.toLowerCase()}`);
    laptop.send('OUT');
    expect(await bob.lines(2)).toEqual([`BYE alice@example.com;${LAPTOP.toLowerCase()}`, 'BYE alice@example.com']);
  });

  it('refuses a switchboard handle with the GUID of another place', async () => {
    const ns = await place('alice@example.com', 18, LAPTOP);
    const sb = await openSb(ns, `alice@example.com;${DESKTOP}`);
    expect((await sb.closed()).map((f) => f.text)).toEqual(['911 1']);
  });
});
