// Presence lines in each MSNP13–18 dialect (MSNP13-18.md §7.1, §7.4), seen by a watcher of that
// dialect while the contact signs in with MSNP18 and caps:capsEx.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './index';
import { signInModern, startTestServer, type Wire } from './wire';

let server: RunningServer;
const open: Wire[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const w of open.splice(0)) w.close();
  await server.close();
});

async function present(email: string, dialect: number, caps = '0'): Promise<Wire> {
  const { w } = await signInModern(server, email, dialect);
  open.push(w);
  w.send(`CHG 6 NLN ${caps}`);
  await w.until(/^CHG 6 /);
  return w;
}

const MSNOBJ = '%3Cmsnobj%2F%3E';
const rows: Array<[number, string, string, string, string]> = [
  [
    13,
    `ILN 6 NLN alice@example.com Alice%20Smith 2788999212 ${MSNOBJ}`,
    `NLN AWY alice@example.com Alice%20Smith 2788999212 ${MSNOBJ}`,
    'FLN alice@example.com',
    'UBX alice@example.com',
  ],
  [
    14,
    `ILN 6 NLN alice@example.com 1 Alice%20Smith 2788999212 ${MSNOBJ}`,
    `NLN AWY alice@example.com 1 Alice%20Smith 2788999212 ${MSNOBJ}`,
    'FLN alice@example.com 1 0',
    'UBX alice@example.com 1',
  ],
  [
    15,
    `ILN 6 NLN alice@example.com 1 Alice%20Smith 2788999212 ${MSNOBJ}`,
    `NLN AWY alice@example.com 1 Alice%20Smith 2788999212 ${MSNOBJ}`,
    'FLN alice@example.com 1 0',
    'UBX alice@example.com 1',
  ],
  [
    16,
    `ILN 6 NLN alice@example.com 1 Alice%20Smith 2788999212:48 ${MSNOBJ}`,
    `NLN AWY alice@example.com 1 Alice%20Smith 2788999212:48 ${MSNOBJ}`,
    'FLN alice@example.com 1 0:0',
    'UBX alice@example.com 1',
  ],
  [
    17,
    `ILN 6 NLN alice@example.com 1 Alice%20Smith 2788999212:48 ${MSNOBJ}`,
    `NLN AWY alice@example.com 1 Alice%20Smith 2788999212:48 ${MSNOBJ}`,
    'FLN alice@example.com 1 0:0',
    'UBX alice@example.com 1',
  ],
  [
    18,
    `NLN NLN 1:alice@example.com Alice%20Smith 2788999212:48 ${MSNOBJ}`,
    `NLN AWY 1:alice@example.com Alice%20Smith 2788999212:48 ${MSNOBJ}`,
    'FLN 1:alice@example.com 0:0',
    'UBX 1:alice@example.com',
  ],
];

describe('presence in the MSNP13–18 dialects', () => {
  it.each(rows)('MSNP%i watcher', async (dialect, initial, away, offline, ubx) => {
    const alice = await present('alice@example.com', 18, '2788999212:48');
    const bob = await present('bob@example.com', dialect);
    expect((await bob.until((f) => f.text.includes('alice@example.com') && f.name !== 'UBX')).text).toBe(initial);
    const data = await bob.next();
    expect(data.text.startsWith(`${ubx} `)).toBe(true);
    alice.send('CHG 7 AWY 2788999212:48');
    expect((await bob.until(/^NLN AWY /)).text).toBe(away);
    alice.send('OUT');
    expect((await bob.until(/^FLN /)).text).toBe(offline);
  });

  it('tells an MSNP16+ account its own presence after CHG', async () => {
    const { w } = await signInModern(server, 'alice@example.com', 16);
    open.push(w);
    w.send('CHG 6 BSY 2788999212:48');
    await w.until(/^CHG 6 BSY 2788999212:48$/);
    expect((await w.until(/^NLN /)).text).toBe(`NLN BSY alice@example.com 1 Alice%20Smith 2788999212:48 ${MSNOBJ}`);
    expect((await w.next()).text).toMatch(/^UBX alice@example.com 1 \d+$/);
  });

  it('refuses caps:capsEx below MSNP16', async () => {
    const { w } = await signInModern(server, 'alice@example.com', 15);
    open.push(w);
    w.send('CHG 6 NLN 2788999212:48');
    expect(await w.line()).toBe('201 6');
  });
});
