// The CLI's network options end to end: --proxy with MSN_PROXY_PASSWORD through a real
// microsocks, a proxy failure reported as such (exit 3, source "proxy"), and --trace on stderr
// with every secret masked.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, passwordOf } from './engine-support';
import { freePort, proxiesMissing, startMicrosocks, type RunningProxy } from './proxy-support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROXY_AUTH = { user: 'office', password: 'pr0xy-s3cret' };

type Line = Record<string, unknown>;

interface Outcome {
  readonly code: number | null;
  readonly lines: Line[];
  readonly stderr: string;
}

function cli(args: readonly string[], env: Record<string, string>): Promise<Outcome> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let stderr = '';
  createInterface({ input: child.stdout }).on('line', (text) => lines.push(JSON.parse(text) as Line));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, lines, stderr })));
}

let server: RunningServer;
let proxy: RunningProxy;
const connect = (): string[] => ['--server', server.dispatch, '--nexus', server.nexus, '--ca', server.ca];
const alice = 'alice@example.com';

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false });
  if (proxiesMissing === undefined) proxy = await startMicrosocks(PROXY_AUTH);
});
afterAll(async () => {
  if (proxiesMissing === undefined) await proxy.stop();
  await server.close();
});

describe.skipIf(proxiesMissing !== undefined)('--proxy', () => {
  it('signs in through the proxy with the password from MSN_PROXY_PASSWORD', async () => {
    const run = await cli(
      [...connect(), '--email', alice, '--proxy', `socks5://${PROXY_AUTH.user}@127.0.0.1:${proxy.port}`],
      { MSN_PASSWORD: passwordOf(alice), MSN_PROXY_PASSWORD: PROXY_AUTH.password },
    );
    expect(run.lines[0]).toMatchObject({ event: 'signed-in', email: alice });
    expect(run.code).toBe(0);
  });

  it('exits 3 with an error from the proxy when the proxy refuses the password', async () => {
    const run = await cli(
      [...connect(), '--email', alice, '--proxy', `socks5://${PROXY_AUTH.user}@127.0.0.1:${proxy.port}`],
      { MSN_PASSWORD: passwordOf(alice), MSN_PROXY_PASSWORD: 'wrong' },
    );
    expect(run.code).toBe(3);
    expect(run.lines).toContainEqual(expect.objectContaining({ event: 'error', source: 'proxy', failure: 'auth' }));
  });

  it('exits 3 with an error from the proxy when the proxy is down', async () => {
    const down = await freePort();
    const run = await cli([...connect(), '--email', alice, '--proxy', `http://127.0.0.1:${down}`], {
      MSN_PASSWORD: passwordOf(alice),
    });
    expect(run.code).toBe(3);
    expect(run.lines).toContainEqual(
      expect.objectContaining({ event: 'error', source: 'proxy', failure: 'unreachable' }),
    );
  });

  it('refuses a password in the proxy URL', async () => {
    const run = await cli([...connect(), '--email', alice, '--proxy', `socks5://me:secret@127.0.0.1:1`], {
      MSN_PASSWORD: passwordOf(alice),
    });
    expect(run.code).toBe(2);
    expect(JSON.stringify(run.lines)).toMatch(/MSN_PROXY_PASSWORD/);
  });
});

describe('--gateway', () => {
  it('signs in over the HTTP gateway on the Passport host, and traces it', async () => {
    const run = await cli([...connect(), '--email', alice, '--gateway', '--trace'], {
      MSN_PASSWORD: passwordOf(alice),
    });
    expect(run.lines[0]).toMatchObject({ event: 'signed-in', email: alice });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^gw-1 -- gateway session open at 127\.0\.0\.1:\d+ for NS /m);
    expect(run.stderr).not.toMatch(/SessionID=(?!\*\*\*)/);
  });

  it('falls back to the gateway when the MSNP port is closed, saying why', async () => {
    const closed = await freePort();
    const run = await cli(
      ['--server', `127.0.0.1:${closed}`, '--nexus', server.nexus, '--ca', server.ca, '--email', alice],
      { MSN_PASSWORD: passwordOf(alice) },
    );
    expect(run.lines[0]).toMatchObject({ event: 'progress', step: 'gateway-fallback' });
    expect(String(run.lines[0]?.['reason'])).toMatch(/ECONNREFUSED/);
    expect(run.lines[1]).toMatchObject({ event: 'signed-in', email: alice });
    expect(run.code).toBe(0);
  });
});

describe('--trace', () => {
  it.each([12, 7])('prints MSNP%i traffic on stderr, prefixed, with the secrets masked', async (dialect) => {
    const run = await cli([...connect(), '--email', alice, '--protocols', `MSNP${dialect}`, '--trace'], {
      MSN_PASSWORD: passwordOf(alice),
    });
    expect(run.code).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.every((l) => /^(ns|sb|http|gw|gateway)-?\d* (>>|<<|--) /.test(l))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^ns-1 >> VER 1 MSNP\d+/));
    expect(lines).toContainEqual(expect.stringMatching(/^ns-2 << USR \d+ OK alice@example\.com/));
    const usr = dialect >= 8 ? /^ns-2 >> USR \d+ TWN S \*\*\*$/ : /^ns-2 >> USR \d+ MD5 S \*\*\*$/;
    expect(lines).toContainEqual(expect.stringMatching(usr));
    expect(run.stderr).not.toContain(passwordOf(alice));
    expect(run.stderr).not.toContain(encodeURIComponent(passwordOf(alice)));
    // No ticket, hash or cookie value of any length made it out.
    expect(run.stderr).not.toMatch(/\b[0-9a-f]{20,}\b/i);
    if (dialect >= 8) {
      expect(lines).toContainEqual(expect.stringMatching(/^http-\d >> GET https:\/\/127\.0\.0\.1:\d+\//));
      expect(run.stderr).toMatch(/Authorization: \*\*\*/);
    }
  });
});
