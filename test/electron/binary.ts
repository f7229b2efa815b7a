// Where the Electron binary is (found without triggering the download that requiring the electron
// package would start) and the environment the app is started with, for the Electron tests and
// the startup benchmark.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { USER_DATA_ENV } from '../../src/main/app/identity';
import { PRESET_ENV } from '../../src/main/app/presets';
import { TEST_HOOKS_ENV } from '../../src/main/electron/launch';
import type { ServerConfig } from '../../src/shared/schemas';
import type { RunningServer } from '../server';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Runs the tests against an installed app (the .deb's or the AppImage's executable) instead of the build. */
export const INSTALLED_BINARY_ENV = 'REVIVAL_ELECTRON_BINARY';

export interface ElectronBinary {
  /** Undefined when there is none, with the reason. */
  readonly executablePath: string | undefined;
  readonly reason: string;
  /** The app folder to pass when running from source; an installed app carries its own. */
  readonly args: readonly string[];
}

/** The Electron binary that `npm install` downloads, found without triggering that download. */
export function electronBinary(env: Readonly<Record<string, string | undefined>> = process.env): ElectronBinary {
  const installed = env[INSTALLED_BINARY_ENV];
  if (installed) {
    return existsSync(installed)
      ? { executablePath: installed, reason: '', args: [] }
      : { executablePath: undefined, reason: `${INSTALLED_BINARY_ENV}=${installed} does not exist`, args: [] };
  }
  const pkg = join(ROOT, 'node_modules/electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      executablePath: undefined,
      reason: 'no Electron binary (node_modules/electron/path.txt is missing: its download failed or was skipped)',
      args: [],
    };
  }
  const executable = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(executable)) {
    return { executablePath: undefined, reason: `no Electron binary at ${executable}`, args: [] };
  }
  return { executablePath: executable, reason: '', args: [ROOT] };
}

export function serverConfig(server: RunningServer): ServerConfig {
  const [host = '127.0.0.1', port = '0'] = server.dispatch.split(':');
  return { host, port: Number(port), nexus: server.nexus, caFile: server.ca };
}

export interface LaunchOptions {
  readonly profile: string;
  readonly server?: RunningServer;
  /** More environment, e.g. a private D-Bus session for the keychain. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The environment every launch gets: its own profile, the test hooks, the test server first in the list. */
export function appEnvironment(options: LaunchOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Set by some tools that run Node under Electron; the app must start as an app.
    if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  }
  env[USER_DATA_ENV] = options.profile;
  env[TEST_HOOKS_ENV] = '1';
  if (options.server) {
    env[PRESET_ENV] = JSON.stringify({ label: 'Reference test server', server: serverConfig(options.server) });
  }
  return { ...env, ...options.env };
}
