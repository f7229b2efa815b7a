// The headless CLI end to end: a child process signing in to the reference server, its JSON
// lines and its exit codes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, passwordOf, presenceOf, signOutAll, waitFor } from './engine-support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type Line = Record<string, unknown>;

interface Run {
  readonly lines: Line[];
  /** Resolves with the first printed object that matches. */
  until(where: (line: Line) => boolean): Promise<Line>;
  readonly exited: Promise<number | null>;
}

function cli(args: readonly string[], password: string | undefined): Run {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password === undefined) delete env['MSN_PASSWORD'];
  else env['MSN_PASSWORD'] = password;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  const waiters: Array<{ where: (line: Line) => boolean; resolve: (line: Line) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    for (const w of waiters.filter((w) => w.where(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    lines,
    exited,
    until: (where) => {
      const seen = lines.find(where);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ where, resolve }));
    },
  };
}

let server: RunningServer;
const connect = (): string[] => ['--server', server.dispatch, '--nexus', server.nexus, '--ca', server.ca];

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false });
});
afterAll(() => server.close());
afterEach(() => signOutAll());

describe('npm run cli', () => {
  it.each([7, 8, 9, 11, 12, 13, 15, 18])(
    'signs in with MSNP%i and prints the contact list and presence',
    async (dialect) => {
      const bob = clientFor(server, 'bob@example.com', { protocols: [12], status: 'BSY' });
      await bob.signIn();
      const run = cli(
        [...connect(), '--email', 'alice@example.com', '--protocols', `MSNP${dialect}`],
        passwordOf('alice@example.com'),
      );
      expect(await run.exited).toBe(0);
      expect(run.lines).toEqual([
        { event: 'signed-in', protocol: `MSNP${dialect}`, email: 'alice@example.com', displayName: 'Alice Smith' },
        expect.objectContaining({
          event: 'contact',
          email: 'bob@example.com',
          displayName: 'Bob Ünicode ☺',
          lists: ['FL', 'AL', 'RL'],
          status: 'BSY',
        }),
        expect.objectContaining({ event: 'contact', email: 'carol@example.com', status: 'FLN' }),
        expect.objectContaining({ event: 'presence', email: 'bob@example.com', status: 'BSY' }),
        { event: 'signed-out', reason: 'user', message: 'Signed out' },
      ]);
    },
  );

  it('stays signed in for --stay seconds, printing presence changes, with the chosen status', async () => {
    const bob = clientFor(server, 'bob@example.com', { protocols: [11] });
    await bob.signIn();
    const run = cli(
      [...connect(), '--email', 'alice@example.com', '--status', 'AWY', '--stay', '2'],
      passwordOf('alice@example.com'),
    );
    await run.until((l) => l['event'] === 'signed-in');
    await presenceOf(bob, 'alice@example.com', (c) => c.status === 'AWY');
    await bob.setStatus('LUN');
    await run.until((l) => l['event'] === 'presence' && l['status'] === 'LUN');
    expect(await run.exited).toBe(0);
    expect(run.lines.at(-1)).toEqual({ event: 'signed-out', reason: 'user', message: 'Signed out' });
  });

  it('exits 1 with an error event when the password is wrong', async () => {
    for (const protocol of ['MSNP12', 'MSNP7', 'MSNP14', 'MSNP18']) {
      const run = cli([...connect(), '--email', 'alice@example.com', '--protocols', protocol], 'not the password');
      expect(await run.exited).toBe(1);
      expect(run.lines[0]).toMatchObject({ event: 'error', message: expect.any(String) });
      if (protocol === 'MSNP7') expect(run.lines[0]).toMatchObject({ code: 911 });
      expect(run.lines.at(-1)).toMatchObject({ event: 'signed-out', reason: 'wrong-credentials' });
    }
  });

  it.each([
    ['no e-mail', ['--server', '127.0.0.1:1863'], 'secret'],
    ['no password in the environment', ['--server', '127.0.0.1:1863', '--email', 'alice@example.com'], undefined],
    ['a password on the command line', ['--server', '127.0.0.1:1863', '--email', 'a@b.c', '--password', 'x'], 'x'],
    ['an unknown protocol', ['--server', '127.0.0.1:1863', '--email', 'a@b.c', '--protocols', 'MSNP19'], 'x'],
    ['a bad status', ['--server', '127.0.0.1:1863', '--email', 'a@b.c', '--status', 'FLN'], 'x'],
    ['a bad server address', ['--server', 'localhost', '--email', 'a@b.c'], 'x'],
    ['a SOAP base that is no URL', ['--server', '127.0.0.1:1863', '--email', 'a@b.c', '--soap-base', 'x'], 'x'],
    [
      'a SOAP base on a Microsoft host',
      ['--server', '127.0.0.1:1863', '--email', 'a@b.c', '--soap-base', 'https://login.live.com'],
      'x',
    ],
  ])('exits 2 for a usage error: %s', async (_what, args, password) => {
    const run = cli(args, password);
    expect(await run.exited).toBe(2);
    expect(run.lines).toEqual([{ event: 'error', message: expect.any(String) }]);
  });

  it('finds the login service and the address book under --soap-base, not the nexus origin', async () => {
    // A nexus on a port where nothing listens: MSNP18 needs none, and the SOAP services are
    // only where --soap-base says.
    const args = ['--server', server.dispatch, '--ca', server.ca, '--nexus', 'https://127.0.0.1:9/rdr/pprdr.asp'];
    const email = ['--email', 'alice@example.com', '--protocols', 'MSNP18'];
    const without = cli([...args, ...email], passwordOf('alice@example.com'));
    expect(await without.exited).toBe(3);
    const run = cli([...args, ...email, '--soap-base', server.soapBase], passwordOf('alice@example.com'));
    expect(await run.exited).toBe(0);
    expect(run.lines[0]).toMatchObject({ event: 'signed-in', protocol: 'MSNP18' });
    expect(run.lines.filter((l) => l['event'] === 'contact')).toHaveLength(2);
  });

  it('exits 3 when the server cannot be reached', async () => {
    const run = cli(['--server', '127.0.0.1:1', '--email', 'alice@example.com'], 'secret');
    expect(await run.exited).toBe(3);
    expect(run.lines.at(-1)).toMatchObject({ event: 'signed-out', reason: 'unreachable' });
  });
});

describe('npm run cli with several places (MSNP16+)', () => {
  const LAPTOP = '{E2E33006-1111-4C58-9D4D-2A5A8E3C0B11}';
  const DESKTOP = '{8A9FF87F-2222-4C58-9D4D-2A5A8E3C0B11}';

  it('prints the other places at sign-in and signs them out with --sign-out-elsewhere', async () => {
    const laptop = clientFor(server, 'alice@example.com', {
      protocols: [18],
      machineGuid: LAPTOP,
      placeName: 'Laptop',
    });
    await laptop.signIn();
    const laptopEnded = waitFor(laptop, 'signed-out');
    const run = cli(
      [
        ...connect(),
        '--email',
        'alice@example.com',
        '--protocols',
        'MSNP18',
        '--machine-guid',
        DESKTOP,
        '--place-name',
        'Desktop',
        '--sign-out-elsewhere',
      ],
      passwordOf('alice@example.com'),
    );
    expect(await run.exited).toBe(0);
    expect(run.lines.filter((l) => l['event'] === 'place')).toEqual([
      { event: 'place', id: LAPTOP.toLowerCase(), name: 'Laptop', state: 'NLN' },
    ]);
    expect(run.lines).toContainEqual({ event: 'signed-out-elsewhere', places: 1 });
    expect(run.lines.at(-1)).toEqual({ event: 'signed-out', reason: 'user', message: 'Signed out' });
    expect(await laptopEnded).toMatchObject({ reason: 'signed-in-elsewhere' });
  });

  it('prints the list again when another place arrives while it stays', async () => {
    const run = cli(
      [...connect(), '--email', 'alice@example.com', '--protocols', 'MSNP16', '--machine-guid', DESKTOP, '--stay', '3'],
      passwordOf('alice@example.com'),
    );
    await run.until((l) => l['event'] === 'signed-in');
    const laptop = clientFor(server, 'alice@example.com', {
      protocols: [16],
      machineGuid: LAPTOP,
      placeName: 'Laptop',
    });
    await laptop.signIn();
    // The place appears as soon as it is online, and its name follows.
    const named = (l: Line): boolean =>
      l['event'] === 'places' && JSON.stringify(l['places']).includes('"name":"Laptop"');
    expect(await run.until(named)).toEqual({
      event: 'places',
      places: [{ id: LAPTOP.toLowerCase(), name: 'Laptop', state: 'NLN' }],
    });
    expect(laptop.places.map((p) => p.id)).toEqual([DESKTOP.toLowerCase()]);
    expect(await run.exited).toBe(0);
  });

  it('exits 4 when the dialect has no places to sign out, and 2 for a bad GUID or place name', async () => {
    const old = cli(
      [...connect(), '--email', 'alice@example.com', '--protocols', 'MSNP12', '--sign-out-elsewhere'],
      passwordOf('alice@example.com'),
    );
    expect(await old.exited).toBe(4);
    expect(old.lines).toContainEqual({ event: 'error', message: expect.stringMatching(/MSNP16/) });
    for (const bad of [
      ['--machine-guid', 'laptop'],
      ['--place-name', ' '],
    ]) {
      const run = cli([...connect(), '--email', 'alice@example.com', ...bad], 'secret');
      expect(await run.exited).toBe(2);
      expect(run.lines).toEqual([{ event: 'error', message: expect.any(String) }]);
    }
  });
});
