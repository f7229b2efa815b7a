import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answer, PRODUCTS, product } from './challenge';
import type { RunningServer } from './index';
import { online, signIn, startTestServer, type Wire } from './wire';

let server: RunningServer;
const open: Wire[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const w of open.splice(0)) w.close();
  await server.close();
});

async function track(w: Promise<Wire>): Promise<Wire> {
  const wire = await w;
  open.push(wire);
  return wire;
}

const MSNOBJ = '%3Cmsnobj%20Creator%3D%22bob%40example.com%22%20Type%3D%223%22%2F%3E';
const EMPTY_PSM = '<Data><PSM></PSM><CurrentMedia></CurrentMedia></Data>';

describe('presence', () => {
  it('sends ILN after the first CHG and NLN/FLN later, in each dialect’s form', async () => {
    const bob = await track(online(server, 'bob@example.com', 12));
    bob.send(`CHG 10 AWY 1073741824 ${MSNOBJ}`);
    expect((await bob.until(/^CHG 10 /)).text).toBe(`CHG 10 AWY 1073741824 ${MSNOBJ}`);
    const forms: Array<[number, string, string]> = [
      [7, 'ILN 9 AWY bob@example.com Bob', 'NLN NLN bob@example.com Bob'],
      [8, 'ILN 9 AWY bob@example.com Bob 1073741824', 'NLN NLN bob@example.com Bob 1073741824'],
      [9, `ILN 9 AWY bob@example.com Bob 1073741824 ${MSNOBJ}`, `NLN NLN bob@example.com Bob 1073741824 ${MSNOBJ}`],
    ];
    for (const [dialect, iln, nln] of forms) {
      const alice = await track(online(server, 'alice@example.com', dialect));
      expect(await alice.line()).toBe(iln);
      bob.send(`CHG 11 NLN 1073741824 ${MSNOBJ}`);
      await bob.until(/^CHG 11 /);
      expect(await alice.line()).toBe(nln);
      bob.send(`CHG 12 AWY 1073741824 ${MSNOBJ}`);
      await bob.until(/^CHG 12 /);
      await alice.line();
      alice.close();
      await bob.until('FLN alice@example.com');
    }
  });

  it('sends UBX after ILN/NLN to MSNP11+ and relays UUX changes', async () => {
    const alice = await track(online(server, 'alice@example.com', 11));
    expect(await alice.until(/^MSG Hotmail Hotmail/)).toBeDefined();
    const bob = await track(online(server, 'bob@example.com', 11));
    const iln = await bob.next();
    expect(iln.text).toBe('ILN 9 NLN alice@example.com Alice%20Smith 0 %3Cmsnobj%2F%3E');
    const ubx = await bob.next();
    expect(ubx.text).toBe(`UBX alice@example.com ${EMPTY_PSM.length}`);
    expect(ubx.payload?.toString()).toBe(EMPTY_PSM);
    expect(await alice.line()).toBe('NLN NLN bob@example.com Bob 0 %3Cmsnobj%2F%3E');
    expect((await alice.next()).text).toBe(`UBX bob@example.com ${EMPTY_PSM.length}`);
    const psm = '<Data><PSM>at work ☕</PSM><CurrentMedia></CurrentMedia></Data>';
    bob.sendPayload('UUX 13', psm);
    expect(await bob.until(/^UUX 13/)).toMatchObject({ text: 'UUX 13 0' });
    const relayed = await alice.next();
    expect(relayed.text).toBe('UBX bob@example.com 64');
    expect(relayed.payload?.toString()).toBe(psm);
    bob.sendPayload('UUX 14', '<nope/>');
    expect(await bob.line()).toBe('201 14');
  });

  it('hides HDN users and users who block the watcher', async () => {
    const alice = await track(online(server, 'alice@example.com', 9));
    const bob = await track(online(server, 'bob@example.com', 9));
    await bob.until(/^ILN 9 NLN alice/);
    await alice.until(/^NLN NLN bob/);
    bob.send('CHG 20 HDN 0');
    await bob.until('CHG 20 HDN 0');
    expect(await alice.line()).toBe('FLN bob@example.com');
    bob.send('CHG 21 NLN 0');
    await bob.until('CHG 21 NLN 0');
    expect(await alice.line()).toMatch(/^NLN NLN bob@example.com /);

    bob.send('ADD 22 BL alice@example.com alice@example.com');
    expect(await bob.line()).toBe('219 22');
    bob.send('REM 22 AL alice@example.com');
    await bob.until(/^REM 22 AL /);
    bob.send('ADD 23 BL alice@example.com alice@example.com');
    await bob.until(/^ADD 23 BL /);
    expect(await alice.line()).toBe('FLN bob@example.com');
    bob.send('REM 23 BL alice@example.com');
    await bob.until(/^REM 23 BL /);
    expect(await alice.line()).toMatch(/^NLN NLN bob@example.com /);
    bob.send('ADD 23 AL alice@example.com alice@example.com');
    await bob.until(/^ADD 23 AL /);

    // BLP BL: only people on AL may see you; alice is on bob's AL, erin is not.
    const erin = await track(online(server, 'erin@example.com', 9));
    erin.send('ADD 24 FL bob@example.com Bob');
    expect(await erin.line()).toBe('ADD 24 FL 2 bob@example.com Bob 0');
    expect(await erin.line()).toMatch(/^ILN 24 NLN bob@example.com Bob /);
    bob.send('BLP 25 BL');
    await bob.until(/^BLP 25 /);
    expect(await erin.line()).toBe('FLN bob@example.com');
    await alice.quiet();
  });

  it('tells watchers about renames and sign-outs', async () => {
    const alice = await track(online(server, 'alice@example.com', 12));
    const bob = await track(online(server, 'bob@example.com', 8));
    await alice.until(/^NLN NLN bob/);
    await alice.next();
    bob.send('REA 30 bob@example.com Robert');
    await bob.until(/^REA 30 /);
    expect(await alice.line()).toBe('NLN NLN bob@example.com Robert 0 %3Cmsnobj%2F%3E');
    bob.send('OUT');
    expect(await alice.line()).toBe('FLN bob@example.com');
    const dave = await track(online(server, 'dave@example.com', 11));
    await alice.until(/^NLN NLN dave/);
    dave.socket.end();
    expect(await alice.until(/^FLN /)).toMatchObject({ text: 'FLN dave@example.com' });
  });

  it('rejects bad CHG parameters', async () => {
    const alice = await track(signIn(server, 'alice@example.com', 8));
    for (const [line, reply] of [
      ['CHG 1 FLN 0', '201 1'],
      ['CHG 2 XYZ 0', '201 2'],
      ['CHG 3 NLN', '201 3'],
      ['CHG 4', '200 4'],
    ]) {
      alice.send(line as string);
      expect(await alice.line()).toBe(reply);
    }
  });
});

describe('keep-alive and switchboard referral', () => {
  it('answers PNG with QNG, with the seconds from MSNP9, and ignores PNG with a TrID', async () => {
    const eight = await track(signIn(server, 'alice@example.com', 8));
    eight.send('PNG');
    expect(await eight.line()).toBe('QNG');
    const nine = await track(signIn(server, 'bob@example.com', 9));
    nine.send('PNG');
    expect(await nine.line()).toBe('QNG 60');
    nine.send('PNG 5');
    await nine.quiet();
  });

  it('answers XFR SB only when online and visible', async () => {
    const alice = await track(signIn(server, 'alice@example.com', 11));
    alice.send('XFR 1 SB');
    expect(await alice.line()).toBe('913 1');
    alice.send('CHG 2 HDN 0');
    await alice.until(/^CHG 2/);
    alice.send('XFR 3 SB');
    expect(await alice.until(/^(913|XFR) 3/)).toMatchObject({ text: '913 3' });
    alice.send('CHG 4 NLN 0');
    await alice.until(/^CHG 4/);
    alice.send('XFR 5 SB');
    expect(await alice.line()).toMatch(new RegExp(`^XFR 5 SB ${server.switchboard} CKI [0-9a-f]{20}$`));
    alice.send('XFR 6 NS');
    expect(await alice.line()).toBe('201 6');
  });
});

describe('challenges', () => {
  let chlServer: RunningServer;
  beforeEach(async () => {
    chlServer = await startTestServer({ challenges: true, challengeIntervalMs: 300 });
  });
  afterEach(() => chlServer.close());

  async function challenged(email: string, dialect: number): Promise<{ w: Wire; chl: string }> {
    const w = await track(online(chlServer, email, dialect));
    const chl = await w.until(/^CHL 0 \d{20}$/);
    return { w, chl: chl.params[1] ?? '' };
  }

  it.each([
    [7, 'msmsgs@msnmsgr.com'],
    [10, 'PROD0061VRRZH@4F'],
    [11, 'PROD0090YUAUV{2B'],
    [12, 'PROD0120PW!CCV9@'],
    [15, 'PROD0119GSJUC$18'],
    [18, 'PROD0120PW!CCV9@'],
  ])('accepts a correct MSNP%i answer with %s and challenges again later', async (dialect, id) => {
    const { w, chl } = await challenged('alice@example.com', dialect);
    const pair = product(id);
    if (!pair) throw new Error(id);
    w.sendPayload(`QRY 20 ${id}`, answer(chl, pair));
    // From MSNP16 the account's own presence may still be arriving.
    expect((await w.until((f) => f.name !== 'NLN' && f.name !== 'UBX')).text).toBe('QRY 20');
    const next = await w.until(/^CHL 0 /, 1000);
    expect(next.params[1]).not.toBe(chl);
  });

  it('answers a wrong QRY with 540 and hangs up', async () => {
    const { w, chl } = await challenged('alice@example.com', 8);
    w.sendPayload('QRY 21 msmsgs@msnmsgr.com', answer(`${chl}0`, PRODUCTS[0] as (typeof PRODUCTS)[0]));
    expect((await w.closed()).map((f) => f.text)).toEqual(['540 21']);
  });

  it('rejects an MD5 product key in MSNP11', async () => {
    const { w, chl } = await challenged('bob@example.com', 11);
    w.sendPayload('QRY 22 msmsgs@msnmsgr.com', answer(chl, PRODUCTS[0] as (typeof PRODUCTS)[0]));
    expect((await w.closed()).map((f) => f.text)).toEqual(['540 22']);
  });

  it('disconnects a client that leaves a challenge unanswered', async () => {
    const { w } = await challenged('alice@example.com', 9);
    expect(await w.closed(1500)).toEqual([]);
  });

  it('does not challenge before MSNP6', async () => {
    const w = await track(online(chlServer, 'alice@example.com', 5));
    await w.quiet(400);
    w.send('PNG');
    expect(await w.line()).toBe('QNG');
  });
});
