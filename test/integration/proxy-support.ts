// Real proxies for the transport tests, started on loopback: microsocks (SOCKS5) and tinyproxy
// (HTTP CONNECT) from the distribution, plus a small SOCKS4a server written here because no
// packaged server speaks SOCKS4a.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Why the real proxies cannot run on this machine, or undefined when they can. Where they are
 * required (`.ci/run` installs them and sets REVIVAL_REQUIRE_PROXIES=1) this is always undefined,
 * so a missing proxy fails the tests there instead of skipping them.
 */
export const proxiesMissing: string | undefined = (() => {
  if (process.env['REVIVAL_REQUIRE_PROXIES'] === '1') return undefined;
  const missing = ['microsocks', 'tinyproxy'].filter(
    (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status !== 0,
  );
  return missing.length === 0 ? undefined : `${missing.join(' and ')} not installed`;
})();

export interface RunningProxy {
  readonly host: string;
  readonly port: number;
  /** Connections the proxy accepted so far (only known for the in-process SOCKS4a server). */
  readonly accepted?: () => number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`proxy exited (${child.exitCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`proxy did not listen on ${port}: ${output()}`);
}

async function run(
  command: string,
  args: string[],
  port: number,
  cleanup?: () => Promise<void>,
): Promise<RunningProxy> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, child, () => output);
  } catch (err) {
    child.kill();
    await cleanup?.();
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    async stop() {
      if (child.exitCode === null) child.kill();
      await exited;
      await cleanup?.();
    },
  };
}

/** microsocks on a free loopback port; with `auth`, only that user name and password get through. */
export async function startMicrosocks(auth?: { user: string; password: string }): Promise<RunningProxy> {
  const port = await freePort();
  const args = ['-i', '127.0.0.1', '-p', String(port), ...(auth ? ['-u', auth.user, '-P', auth.password] : [])];
  return run('microsocks', args, port);
}

/**
 * tinyproxy (foreground, loopback only) with CONNECT to any port, or only to `connectPorts`
 * (as office proxies allow 443 alone); with `auth`, Basic credentials required.
 */
export async function startTinyproxy(
  auth?: { user: string; password: string },
  connectPorts: readonly number[] = [],
): Promise<RunningProxy> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tinyproxy-'));
  const config = join(dir, 'tinyproxy.conf');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      'MaxClients 50',
      'Allow 127.0.0.1',
      'LogLevel Critical',
      'DisableViaHeader Yes',
      ...(auth ? [`BasicAuth ${auth.user} ${auth.password}`] : []),
      ...connectPorts.map((p) => `ConnectPort ${p}`),
      '',
    ].join('\n'),
  );
  return run('tinyproxy', ['-d', '-c', config], port, () => rm(dir, { recursive: true, force: true }));
}

/**
 * A minimal SOCKS4a server: CONNECT only, host names resolved here, `userId` (when given)
 * required. Replies 0x5B when the target cannot be reached, 0x5D for a wrong user id.
 */
export async function startSocks4a(userId?: string): Promise<RunningProxy> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    accepted++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 9) return;
      const userEnd = buffered.indexOf(0, 8);
      if (userEnd < 0) return;
      const ip = [...buffered.subarray(4, 8)];
      const nameFollows = ip[0] === 0 && ip[1] === 0 && ip[2] === 0 && ip[3] !== 0;
      let host = ip.join('.');
      let end = userEnd + 1;
      if (nameFollows) {
        const nameEnd = buffered.indexOf(0, end);
        if (nameEnd < 0) return;
        host = buffered.subarray(end, nameEnd).toString('utf8');
        end = nameEnd + 1;
      }
      client.off('data', onData);
      const reply = (code: number): Buffer => Buffer.from([0, code, 0, 0, 0, 0, 0, 0]);
      if (buffered[0] !== 4 || buffered[1] !== 1) return void client.end(reply(0x5b));
      const user = buffered.subarray(8, userEnd).toString('utf8');
      if (userId !== undefined && user !== userId) return void client.end(reply(0x5d));
      const port = buffered.readUInt16BE(2);
      const rest = buffered.subarray(end);
      const upstream = connect({ host, port });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.once('error', () => {
        if (!client.destroyed) client.end(reply(0x5b));
      });
      upstream.once('connect', () => {
        client.write(reply(0x5a));
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream).pipe(client);
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    accepted: () => accepted,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
