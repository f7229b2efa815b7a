import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './index';
import { FL_LIMIT } from './lists';
import { ACCOUNTS, signIn, startTestServer, type Wire } from './wire';
import { startServer } from './index';

let server: RunningServer;
const open: Wire[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const w of open.splice(0)) w.close();
  await server.close();
});

async function as(email: string, dialect: number): Promise<Wire> {
  const w = await signIn(server, email, dialect);
  open.push(w);
  return w;
}

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('SYN', () => {
  it('streams MSNP2–6 lists with TrID and version on every line, one line for an empty list', async () => {
    const w = await as('alice@example.com', 5);
    w.send('SYN 8 0');
    expect(await w.lines(10)).toEqual([
      'SYN 8 1',
      'GTC 8 1 A',
      'BLP 8 1 AL',
      'LST 8 FL 1 1 2 bob@example.com Bob',
      'LST 8 FL 1 2 2 dave@example.com Dave',
      'LST 8 AL 1 1 2 bob@example.com Bob',
      'LST 8 AL 1 2 2 dave@example.com Dave',
      'LST 8 BL 1 0 0',
      'LST 8 RL 1 1 2 bob@example.com Bob',
      'LST 8 RL 1 2 2 dave@example.com Dave',
    ]);
    await w.quiet();
  });

  it('adds groups in MSNP7', async () => {
    const w = await as('alice@example.com', 7);
    w.send('SYN 8 0');
    expect(await w.lines(6)).toEqual([
      'SYN 8 1',
      'GTC 8 1 A',
      'BLP 8 1 AL',
      'LSG 8 1 1 1 0 Other%20Contacts 0',
      'LST 8 FL 1 1 2 bob@example.com Bob 0',
      'LST 8 FL 1 2 2 dave@example.com Dave 0',
    ]);
  });

  it('answers only the version when the MSNP2–9 client has the current list cached', async () => {
    const w = await as('alice@example.com', 8);
    w.send('SYN 8 1');
    expect(await w.line()).toBe('SYN 8 1');
    await w.quiet();
  });

  it('uses the MSNP8–9 form: counts in SYN, no TrIDs on list lines', async () => {
    const w = await as('alice@example.com', 9);
    w.send('SYN 8 0');
    expect(await w.lines(6)).toEqual([
      'SYN 8 1 2 1',
      'GTC A',
      'BLP AL',
      'LSG 0 Other%20Contacts 0',
      'LST bob@example.com Bob 11 0',
      'LST dave@example.com Dave 11 0',
    ]);
    await w.quiet();
  });

  it('uses the MSNP10–12 form with contact GUIDs, PRP MFN and the MSNP12 extra field', async () => {
    for (const dialect of [10, 12]) {
      const w = await as('alice@example.com', dialect);
      w.send('SYN 8 0 0');
      const lines = await w.lines(6);
      const extra = dialect >= 12 ? ' 1' : '';
      expect(lines.slice(0, 4)).toEqual([
        'SYN 8 2000-01-01T00:00:00.0-00:00 2000-01-01T00:00:00.0-00:00 2 0',
        'GTC A',
        'BLP AL',
        'PRP MFN Alice%20Smith',
      ]);
      expect(lines[4]).toMatch(new RegExp(`^LST N=bob@example.com F=Bob C=${GUID} 11${extra}$`));
      expect(lines[5]).toMatch(new RegExp(`^LST N=dave@example.com F=Dave C=${GUID} 11${extra}$`));
      w.close();
    }
  });

  it('keeps contact GUIDs stable between sign-ins', async () => {
    const guids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const w = await as('alice@example.com', 11);
      w.send('SYN 8 0 0');
      guids.push((await w.until(/^LST N=bob/)).text);
      w.close();
    }
    expect(guids[0]).toBe(guids[1]);
  });

  it('reports a pending contact as RL (≤9) and as PL without RL (10+)', async () => {
    const carol = await as('carol@example.com', 11);
    carol.send('ADC 5 FL N=erin@example.com F=Erin');
    await carol.line();
    const erin9 = await as('erin@example.com', 9);
    erin9.send('SYN 2 0');
    expect(await erin9.lines(5)).toEqual([
      'SYN 2 2 1 1',
      'GTC A',
      'BLP AL',
      'LSG 0 Other%20Contacts 0',
      'LST carol@example.com Carol 8',
    ]);
    const erin11 = await as('erin@example.com', 11);
    erin11.send('SYN 2 0 0');
    expect(await erin11.lines(5)).toEqual([
      'SYN 2 2000-01-01T00:00:00.0-00:00 2000-01-01T00:00:00.0-00:00 1 0',
      'GTC A',
      'BLP AL',
      'PRP MFN Erin',
      'LST N=carol@example.com F=Carol 16',
    ]);
  });

  it('lists phone numbers as PRP (own) and BPR (after the contact’s LST)', async () => {
    const bob = await as('bob@example.com', 8);
    bob.send('PRP 3 PHH 555%20123');
    expect(await bob.line()).toBe('PRP 3 2 PHH 555%20123');
    const alice = await as('alice@example.com', 11);
    alice.send('PRP 4 PHM 42');
    expect(await alice.line()).toBe('PRP 4 PHM 42');
    alice.send('SYN 5 0 0');
    const lines = await alice.lines(8);
    expect(lines.slice(3, 5)).toEqual(['PRP MFN Alice%20Smith', 'PRP PHM 42']);
    expect(lines[5]).toMatch(/^LST N=bob@example.com /);
    expect(lines[6]).toBe('BPR PHH 555%20123');
    alice.send('PRP 6 PHM');
    expect(await alice.line()).toBe('PRP 6 PHM');
    alice.send('PRP 7 XYZ 1');
    expect(await alice.line()).toBe('201 7');
  });
});

describe('MSNP2–9 list edits (ADD / REM)', () => {
  it('adds to FL, tells the added user, and removes again', async () => {
    const carol = await as('carol@example.com', 8);
    const alice = await as('alice@example.com', 8);
    alice.send('ADD 10 FL carol@example.com Carol');
    expect(await alice.line()).toBe('ADD 10 FL 2 carol@example.com Carol 0');
    expect(await carol.line()).toBe('ADD 0 RL 2 alice@example.com Alice%20Smith');
    alice.send('ADD 11 FL carol@example.com Carol');
    expect(await alice.line()).toBe('215 11');
    alice.send('REM 12 FL carol@example.com');
    expect(await alice.line()).toBe('REM 12 FL 3 carol@example.com');
    expect(await carol.line()).toBe('REM 0 RL 3 alice@example.com');
    alice.send('REM 13 FL carol@example.com');
    expect(await alice.line()).toBe('216 13');
  });

  it('answers the documented errors', async () => {
    const alice = await as('alice@example.com', 9);
    const cases: Array<[string, string]> = [
      ['ADD 20 FL nobody@example.com Nobody', '205 20'],
      ['ADD 21 FL not-an-address x', '201 21'],
      ['ADD 22 XL bob@example.com Bob', '201 22'],
      ['ADD 23 FL erin@example.com Erin 7', '224 23'],
      ['ADD 24 AL bob@example.com bob@example.com', '215 24'],
      ['ADD 25 FL', '200 25'],
      ['REM 26 BL bob@example.com', '216 26'],
      ['REM 27 FL bob@example.com 3', '224 27'],
    ];
    for (const [line, reply] of cases) {
      alice.send(line);
      expect(await alice.line(), line).toBe(reply);
    }
  });

  it('keeps AL and BL exclusive (219)', async () => {
    const alice = await as('alice@example.com', 8);
    alice.send('ADD 30 BL erin@example.com erin@example.com');
    expect(await alice.line()).toBe('ADD 30 BL 2 erin@example.com erin@example.com');
    alice.send('ADD 31 AL erin@example.com erin@example.com');
    expect(await alice.line()).toBe('219 31');
    alice.send('REM 32 BL erin@example.com');
    expect(await alice.line()).toBe('REM 32 BL 3 erin@example.com');
  });

  it('closes the connection when a client edits RL, or uses ADC before MSNP10', async () => {
    const a = await as('alice@example.com', 8);
    a.send('ADD 40 RL bob@example.com Bob');
    expect(await a.closed()).toEqual([]);
    const b = await as('bob@example.com', 9);
    b.send('ADC 41 FL N=carol@example.com F=Carol');
    expect(await b.closed()).toEqual([]);
  });

  it('manages groups with numeric ids and moves contacts between them', async () => {
    const alice = await as('alice@example.com', 7);
    alice.send('ADG 50 Friends 0');
    expect(await alice.line()).toBe('ADG 50 2 Friends 1 0');
    alice.send('ADG 51 Friends 0');
    expect(await alice.line()).toBe('228 51');
    alice.send(`ADG 52 ${'x'.repeat(62)} 0`);
    expect(await alice.line()).toBe('229 52');
    alice.send('ADD 53 FL bob@example.com Bob 1');
    expect(await alice.line()).toBe('ADD 53 FL 3 bob@example.com Bob 1');
    alice.send('REM 54 FL bob@example.com 0');
    expect(await alice.line()).toBe('REM 54 FL 4 bob@example.com 0');
    alice.send('REM 55 FL bob@example.com 0');
    expect(await alice.line()).toBe('225 55');
    alice.send('REG 56 1 Best%20Friends 0');
    expect(await alice.line()).toBe('REG 56 5 1 Best%20Friends 0');
    alice.send('SYN 57 0');
    const lines = await alice.lines(12);
    expect(lines.slice(3, 7)).toEqual([
      'LSG 57 5 1 2 0 Other%20Contacts 0',
      'LSG 57 5 2 2 1 Best%20Friends 0',
      'LST 57 FL 5 1 2 bob@example.com Bob 1',
      'LST 57 FL 5 2 2 dave@example.com Dave 0',
    ]);
    expect(lines.at(-1)).toBe('LST 57 RL 5 2 2 dave@example.com Dave');
    alice.send('RMG 58 0');
    expect(await alice.line()).toBe('230 58');
    alice.send('RMG 59 9');
    expect(await alice.line()).toBe('224 59');
    alice.send('RMG 60 1');
    expect(await alice.line()).toBe('RMG 60 6 1');
    alice.send('REG 61 1 Again 0');
    expect(await alice.line()).toBe('224 61');
  });

  it('changes privacy settings and the display name', async () => {
    const alice = await as('alice@example.com', 9);
    alice.send('BLP 70 BL');
    expect(await alice.line()).toBe('BLP 70 2 BL');
    alice.send('BLP 71 BL');
    expect(await alice.line()).toBe('218 71');
    alice.send('BLP 72 XX');
    expect(await alice.line()).toBe('201 72');
    alice.send('GTC 73 N');
    expect(await alice.line()).toBe('GTC 73 3 N');
    alice.send('REA 74 alice@example.com Alice%20S.');
    expect(await alice.line()).toBe('REA 74 4 alice@example.com Alice%20S.');
    alice.send('REA 75 bob@example.com Bobby');
    expect(await alice.line()).toBe('201 75');
    alice.send(`REA 76 alice@example.com ${'%E2%98%BA'.repeat(130)}`);
    expect(await alice.line()).toBe('209 76');
    alice.send('PRP 77 MFN Alice');
    expect(await alice.line()).toBe('715 77');
  });

  it('refuses a forward list beyond the limit with 210', async () => {
    const many = Array.from({ length: FL_LIMIT }, (_, i) => ({
      email: `user${i}@example.com`,
      password: 'x',
      displayName: `User ${i}`,
      contacts: [] as string[],
    }));
    const big = await startServer({
      accounts: [
        { ...ACCOUNTS[0], contacts: many.map((m) => m.email) } as (typeof ACCOUNTS)[0],
        ...ACCOUNTS.slice(1),
        ...many,
      ],
      challenges: false,
    });
    try {
      const alice = await signIn(big, 'alice@example.com', 8);
      alice.send('ADD 80 FL bob@example.com Bob');
      expect(await alice.line()).toBe('210 80');
      alice.close();
    } finally {
      await big.close();
    }
  });
});

describe('MSNP10–12 list edits (ADC / REM by GUID)', () => {
  it('adds, groups, ungroups and removes a contact', async () => {
    const carol = await as('carol@example.com', 11);
    const alice = await as('alice@example.com', 12);
    alice.send('ADC 10 FL N=carol@example.com F=Carol');
    const added = await alice.line();
    expect(added).toMatch(new RegExp(`^ADC 10 FL N=carol@example.com F=Carol C=${GUID}$`));
    expect(await carol.line()).toBe('ADC 0 RL N=alice@example.com F=Alice%20Smith');
    const guid = added.split('C=')[1] ?? '';
    alice.send('ADG 11 Work');
    const adg = await alice.line();
    expect(adg).toMatch(new RegExp(`^ADG 11 Work ${GUID} 0$`));
    const group = adg.split(' ')[3] ?? '';
    alice.send(`ADC 12 FL C=${guid} ${group}`);
    expect(await alice.line()).toBe(`ADC 12 FL C=${guid} ${group}`);
    alice.send(`ADC 13 FL C=${guid} ${group}`);
    expect(await alice.line()).toBe('215 13');
    alice.send('SYN 14 0 0');
    const lines = await alice.lines(8);
    expect(lines[4]).toBe(`LSG Work ${group}`);
    expect(lines).toContain(`LST N=carol@example.com F=Carol C=${guid} 1 1 ${group}`);
    alice.send('REG 15 ' + group + ' Office');
    expect(await alice.line()).toBe(`REG 15 1 Office ${group} 0`);
    alice.send(`REM 16 FL ${guid} ${group}`);
    expect(await alice.line()).toBe(`REM 16 FL ${guid} ${group}`);
    alice.send(`REM 17 FL ${guid} ${group}`);
    expect(await alice.line()).toBe('225 17');
    alice.send(`REM 18 FL ${guid}`);
    expect(await alice.line()).toBe(`REM 18 FL ${guid}`);
    expect(await carol.line()).toBe('REM 0 RL alice@example.com');
    alice.send(`RMG 19 ${group}`);
    expect(await alice.line()).toBe(`RMG 19 1 ${group}`);
  });

  it('answers the documented errors', async () => {
    const alice = await as('alice@example.com', 11);
    const cases: Array<[string, string]> = [
      ['ADC 20 FL N=nobody@example.com F=X', '208 20'],
      ['ADC 21 FL N=bob@example.com F=Bob', '215 21'],
      ['ADC 22 FL N=nope F=X', '201 22'],
      ['ADC 23 FL N=erin@example.com F=Erin 0b0b0b0b-0000-4000-8000-000000000000', '224 23'],
      ['REM 24 FL bob@example.com', '403 24'],
      ['REM 25 FL 0b0b0b0b-0000-4000-8000-000000000000', '216 25'],
      ['RMG 26 0', '224 26'],
      ['REG 27 0b0b0b0b-0000-4000-8000-000000000000 X', '224 27'],
      ['REA 28 alice@example.com Al', '502 28'],
      ['ADC 29 AL N=bob@example.com', '215 29'],
    ];
    for (const [line, reply] of cases) {
      alice.send(line);
      expect(await alice.line(), line).toBe(reply);
    }
    alice.send('ADD 30 FL erin@example.com Erin');
    expect(await alice.closed()).toEqual([]);
  });

  it('uses the unversioned BLP/GTC/PRP MFN replies and blocks by e-mail', async () => {
    const alice = await as('alice@example.com', 10);
    alice.send('BLP 40 BL');
    expect(await alice.line()).toBe('BLP 40 BL');
    alice.send('GTC 41 N');
    expect(await alice.line()).toBe('GTC 41 N');
    alice.send('PRP 42 MFN Alice%20%E2%98%BA');
    expect(await alice.line()).toBe('PRP 42 MFN Alice%20%E2%98%BA');
    alice.send('ADC 43 BL N=erin@example.com');
    expect(await alice.line()).toBe('ADC 43 BL N=erin@example.com');
    alice.send('ADC 44 AL N=erin@example.com');
    expect(await alice.line()).toBe('219 44');
    alice.send('REM 45 BL erin@example.com');
    expect(await alice.line()).toBe('REM 45 BL erin@example.com');
  });

  it('lets an MSNP11 client confirm a pending contact with ADC RL, and closes on other RL edits', async () => {
    const carol = await as('carol@example.com', 11);
    carol.send('ADC 1 FL N=erin@example.com F=Erin');
    await carol.line();
    const erin = await as('erin@example.com', 11);
    erin.send('ADC 2 RL N=carol@example.com');
    expect(await erin.line()).toBe('ADC 2 RL N=carol@example.com');
    erin.send('ADC 3 RL N=alice@example.com');
    expect(await erin.closed()).toEqual([]);
  });

  it('answers GCF only after SYN', async () => {
    const alice = await as('alice@example.com', 11);
    alice.send('GCF 1 Shields.xml');
    expect(await alice.line()).toBe('715 1');
    alice.send('SYN 2 0 0');
    await alice.until(/^LST N=dave/);
    alice.send('GCF 3 Shields.xml');
    const gcf = await alice.next();
    expect(gcf.text).toBe(`GCF 3 Shields.xml ${gcf.payload?.length ?? -1}`);
    expect(gcf.payload?.toString()).toContain('<shield>');
  });
});
