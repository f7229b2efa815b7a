// Starting, stopping and restarting the server: persistence, shutdown and the command line.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, isAbsolute } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNTS, httpsGet, online, requestTokens, signIn, startTestServer, Wire } from './wire';

const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'msnp-server-test-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('state directory', () => {
  it('keeps adds, blocks, renames and groups across a restart', async () => {
    const stateDir = await tempDir();
    const first = await startTestServer({ stateDir });
    const alice = await signIn(first, 'alice@example.com', 11);
    alice.send('ADC 1 FL N=carol@example.com F=Carol');
    const guid = (await alice.line()).split('C=')[1] ?? '';
    alice.send('ADG 2 Work');
    const group = (await alice.line()).split(' ')[3] ?? '';
    alice.send(`ADC 3 FL C=${guid} ${group}`);
    await alice.line();
    alice.send('REM 4 AL dave@example.com');
    await alice.line();
    alice.send('ADC 5 BL N=dave@example.com');
    await alice.line();
    alice.send('PRP 6 MFN Alice%20Persisted');
    await alice.line();
    alice.close();
    await first.close();

    const second = await startTestServer({ stateDir });
    cleanup.push(() => second.close());
    const again = await signIn(second, 'alice@example.com', 12);
    cleanup.push(() => again.close());
    again.send('SYN 7 0 0');
    const lines = await again.lines(8);
    expect(lines[0]).toMatch(/ 3 1$/);
    expect(lines[3]).toBe('PRP MFN Alice%20Persisted');
    expect(lines[4]).toBe(`LSG Work ${group}`);
    expect(lines).toContain(`LST N=carol@example.com F=Carol C=${guid} 1 1 ${group}`);
    expect(lines.find((l) => l.startsWith('LST N=dave'))).toMatch(/ 13 1$/);
    const carol = await signIn(second, 'carol@example.com', 9);
    cleanup.push(() => carol.close());
    carol.send('SYN 1 0');
    expect(await carol.lines(5)).toContain('LST alice@example.com Alice%20Persisted 8');
  });

  it('starts from the accounts file alone without a state directory', async () => {
    const server = await startTestServer();
    cleanup.push(() => server.close());
    const alice = await signIn(server, 'alice@example.com', 8);
    cleanup.push(() => alice.close());
    alice.send('SYN 1 0');
    expect(await alice.line()).toBe('SYN 1 1 2 1');
  });
});

describe('close()', () => {
  it('sends OUT SSD to every connected client and closes everything', async () => {
    const server = await startTestServer();
    const alice = await online(server, 'alice@example.com', 11);
    const early = await Wire.connect(server.notification);
    early.send('VER 1 MSNP8 CVR0');
    await early.line();
    const ds = await Wire.connect(server.dispatch);
    await server.close();
    expect((await alice.closed()).map((f) => f.text)).toContain('OUT SSD');
    expect((await early.closed()).map((f) => f.text)).toEqual(['OUT SSD']);
    expect((await ds.closed()).map((f) => f.text)).toEqual(['OUT SSD']);
    await expect(Wire.connect(server.notification)).rejects.toThrow();
  });

  it('delays replies by latencyMs', async () => {
    const server = await startTestServer({ latencyMs: 150 });
    cleanup.push(() => server.close());
    const w = await Wire.connect(server.notification);
    cleanup.push(() => w.close());
    const started = Date.now();
    w.send('VER 1 MSNP8 CVR0');
    await w.line();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const httpsStarted = Date.now();
    await httpsGet(server.nexus, server.ca);
    expect(Date.now() - httpsStarted).toBeGreaterThanOrEqual(140);
  });

  it('refuses accounts that list unknown contacts', async () => {
    await expect(
      startTestServer({ accounts: [{ ...ACCOUNTS[0], contacts: ['ghost@example.com'] } as (typeof ACCOUNTS)[0]] }),
    ).rejects.toThrow(/unknown contact ghost@example.com/);
  });
});

function runCli(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  firstLine: Promise<string>;
  exit: Promise<number | null>;
} {
  // Detached, so the whole group (npx, tsx, the server) can be signalled: npx does not pass signals on.
  const child = spawn('npx', ['tsx', 'test/server/cli.ts', ...args], {
    cwd: join(import.meta.dirname, '../..'),
    detached: true,
  });
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid ?? 0), 'SIGKILL');
  });
  const lines = createInterface({ input: child.stdout });
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', () => reject(new Error('exited before printing a line')));
  });
  firstLine.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, firstLine, exit };
}

describe('command line', () => {
  it('prints one ready line, serves clients and stops cleanly on SIGTERM', async () => {
    const dir = await tempDir();
    const file = join(dir, 'accounts.json');
    await writeFile(file, JSON.stringify({ accounts: ACCOUNTS }));
    const { child, firstLine, exit } = runCli([
      '--accounts',
      file,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--token-lifetime-s',
      '120',
      '--oim-quota',
      '5',
    ]);
    const ready = JSON.parse(await firstLine) as Record<string, string>;
    expect(Object.keys(ready)).toEqual(['event', 'dispatch', 'notification', 'switchboard', 'nexus', 'ca']);
    expect(ready['event']).toBe('ready');
    for (const key of ['dispatch', 'notification', 'switchboard']) expect(ready[key]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ready['nexus']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/rdr\/pprdr\.asp$/);
    expect(isAbsolute(ready['ca'] ?? '')).toBe(true);

    // The SOAP services live at the nexus URL's origin.
    const soapBase = new URL(ready['nexus'] ?? '').origin;
    const server = { ...ready, soapBase, close: async () => {} } as unknown as Parameters<typeof signIn>[0];
    const bob = await signIn(server, 'bob@example.com', 12);
    const tokens = await requestTokens(server, 'alice@example.com');
    const clear = tokens.get('messengerclear.live.com');
    expect(Date.parse(clear?.expires ?? '') - Date.now()).toBeLessThanOrEqual(120_000);
    expect(Date.parse(clear?.expires ?? '') - Date.now()).toBeGreaterThan(60_000);
    process.kill(-(child.pid ?? 0), 'SIGTERM');
    expect((await bob.closed(5000)).map((f) => f.text)).toEqual(['OUT SSD']);
    await exit;
    // That was npx exiting; the server process deletes its CA file when it exits.
    const deadline = Date.now() + 5000;
    while (existsSync(ready['ca'] ?? '') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(ready['ca'] ?? '')).toBe(false);
  });

  it('explains itself with --help and refuses to start without accounts', async () => {
    const help = runCli(['--help']);
    const missing = runCli([]);
    let out = '';
    let err = '';
    help.child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    missing.child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    expect(await help.exit).toBe(0);
    expect(out).toContain('--accounts FILE');
    expect(out).toContain('--passport-redirect');
    expect(out).toContain('--token-lifetime-s');
    expect(out).toContain('--oim-quota');
    expect(await missing.exit).toBe(2);
    expect(err).toContain('--accounts FILE is required');
  });
});
