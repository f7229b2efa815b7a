// The README's first command on a fresh machine: `npm start` with no Electron binary yet. A copy
// of the project gets its own copy of the electron package, pointed (ELECTRON_MIRROR, remote
// checksums) at a mirror on 127.0.0.1 that serves a stand-in Electron zip whose "binary" is a
// script recording how it was launched. Everything between — the electron package's installer,
// @electron/get, the unzip, electron-vite's build and launch — is the real thing.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const electronVersion = (
  JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;
const zipName = `electron-v${electronVersion}-${process.platform}-${process.arch}.zip`;
// Where the electron package's installer expects the binary inside the zip, per platform.
const binaryPath = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';

/** A zip with stored (uncompressed) entries and Unix modes, as the Electron zips carry them. */
function zip(entries: { name: string; data: Buffer; mode: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data, mode } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12); // 1980-01-01, the earliest date a zip can say
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below counts
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const standInZip = zip([
  {
    name: binaryPath,
    // One line per launch: the working folder, then every argument.
    data: Buffer.from('#!/bin/sh\nprintf "%s|" "$PWD" "$@" >> "$STAND_IN_LOG"\necho >> "$STAND_IN_LOG"\n'),
    mode: 0o755,
  },
  { name: 'version', data: Buffer.from(`v${electronVersion}`), mode: 0o644 },
]);

let work: string;
let project: string;
let mirror: Server;
let mirrorUrl: string;
const requests: string[] = [];

/** A fresh clone's files, with node_modules as `npm ci` leaves it but for the Electron binary. */
function copyProject(): void {
  const tracked = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  }).stdout;
  for (const file of tracked.split('\0').filter((f) => f && existsSync(join(root, f)))) {
    mkdirSync(dirname(join(project, file)), { recursive: true });
    cpSync(join(root, file), join(project, file));
  }
  const modules = join(project, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    const from = join(root, 'node_modules', entry);
    if (entry === 'electron') {
      // The package as npm installs it: no dist/, no path.txt.
      cpSync(from, join(modules, entry), {
        recursive: true,
        filter: (src) => !/[/\\](dist|path\.txt)$/.test(src),
      });
    } else if (entry === 'electron-vite' || entry === '.bin') {
      // electron-vite finds electron relative to its own real location, and the .bin links
      // point relative to theirs: both must live in this copy.
      cpSync(from, join(modules, entry), { recursive: true, verbatimSymlinks: true });
    } else {
      symlinkSync(from, join(modules, entry));
    }
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm start` in the copy, as a newcomer types it, with the mirror settings in the environment. */
function npmStart(mirrorBase: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing of this run's own npm or Electron settings may leak into the newcomer's.
    if (!/^(npm_|electron_|ELECTRON_)/i.test(key)) env[key] = value;
  }
  Object.assign(env, {
    ELECTRON_MIRROR: mirrorBase,
    electron_use_remote_checksums: '1',
    electron_config_cache: join(work, 'download-cache'),
    STAND_IN_LOG: join(work, 'launches.log'),
  });
  return new Promise((done) => {
    const child = spawn('npm', ['start'], { cwd: project, env, shell: process.platform === 'win32' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function launches(): string[][] {
  const log = join(work, 'launches.log');
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('|').filter(Boolean));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'revival-newcomer-'));
  project = join(work, 'revival-messenger');
  mkdirSync(project);
  copyProject();
  const sums = `${createHash('sha256').update(standInZip).digest('hex')} *${zipName}\n`;
  mirror = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === `/v${electronVersion}/${zipName}`) {
      response.writeHead(200, { 'content-type': 'application/zip', 'content-length': standInZip.length });
      response.end(standInZip);
    } else if (request.url === `/v${electronVersion}/SHASUMS256.txt`) {
      response.end(sums);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((listening) => mirror.listen(0, '127.0.0.1', listening));
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`;
}, 120_000);

afterAll(async () => {
  await new Promise((closed) => mirror.close(closed));
  rmSync(work, { recursive: true, force: true });
});

// The stand-in binary is a shell script, which Windows cannot start as electron.exe.
describe.skipIf(process.platform === 'win32')('npm start on a fresh clone', () => {
  it('downloads Electron through its installer, builds, and launches it with the app', async () => {
    const run = await npmStart(mirrorUrl);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Downloading Electron ${electronVersion}`);
    expect(run.stdout).toContain(`Electron ${electronVersion} is ready.`);
    expect(requests).toContain(`/v${electronVersion}/${zipName}`);
    expect(requests).toContain(`/v${electronVersion}/SHASUMS256.txt`);
    expect(readFileSync(join(project, 'node_modules/electron/path.txt'), 'utf8')).toBe(binaryPath);
    expect(existsSync(join(project, 'out/main/index.js'))).toBe(true);
    expect(existsSync(join(project, 'out/renderer/index.html'))).toBe(true);
    const [launch, ...more] = launches();
    expect(more).toEqual([]);
    const [cwd, appPath] = launch ?? [];
    expect(resolve(cwd ?? '', appPath ?? '')).toBe(project);
  }, 300_000);

  it('does not download again the next time', async () => {
    const before = requests.length;
    const run = await npmStart(mirrorUrl);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('Downloading Electron');
    expect(requests.length).toBe(before);
    expect(launches()).toHaveLength(2);
  }, 300_000);

  it('says in one sentence what failed when the download is impossible', async () => {
    rmSync(join(project, 'node_modules/electron/dist'), { recursive: true });
    rmSync(join(project, 'node_modules/electron/path.txt'));
    rmSync(join(work, 'download-cache'), { recursive: true });
    // A mirror that is down: the port of a server that has just closed.
    const down = createServer();
    await new Promise<void>((listening) => down.listen(0, '127.0.0.1', listening));
    const port = (down.address() as AddressInfo).port;
    await new Promise((closed) => down.close(closed));
    const run = await npmStart(`http://127.0.0.1:${port}/`);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(`^Could not download Electron ${electronVersion.replace(/\./g, '\\.')} \\(.+\\): .+\\.$`, 'm'),
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(launches()).toHaveLength(2);
  }, 120_000);
});
