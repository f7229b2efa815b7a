// `npm run demo`: starts the reference server with two sample accounts, signs the demo contact
// in as a bot that answers, and launches the app pointed at the server with a throw-away
// profile, so nothing touches your own settings or keychain entries.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Conf from 'conf';
import type { ServerConfig } from '../../shared/schemas';
import { startServer } from '../../../test/server/index';
import { USER_DATA_ENV } from '../app/identity';
import { PRESET_ENV } from '../app/presets';
import { createSettingsStore } from '../app/settings';
import { DEMO_ACCOUNTS } from './accounts';
import { startDemoBot } from './bot';

const HELP = `Usage: npm run demo [-- --no-app]

Starts the reference server with two sample accounts, signs in "Demo Buddy" as a bot that
answers whatever you write, and opens the app ready to sign in as you@demo.example.
  --no-app   run only the server and the bot (then point any client at the printed address)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'no-app': { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const [you, buddy] = DEMO_ACCOUNTS;
  const server = await startServer({ accounts: DEMO_ACCOUNTS.map((a) => ({ ...a, contacts: [...a.contacts] })) });
  const [host = '127.0.0.1', port = '0'] = server.dispatch.split(':');
  const config: ServerConfig = { host, port: Number(port), nexus: server.nexus, caFile: server.ca };
  const bot = await startDemoBot(config, buddy.email, buddy.password);

  const profile = mkdtempSync(join(tmpdir(), 'revival-messenger-demo-'));
  // Remember the sample account, so the sign-in screen opens with it filled in.
  createSettingsStore(new Conf({ cwd: profile, configName: 'settings' })).rememberAccount({
    email: you.email,
    server: config,
    signInAutomatically: false,
    status: 'NLN',
  });

  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      await bot.stop().catch(() => undefined);
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    }
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  process.stdout.write(
    [
      '',
      `Demo server: ${server.dispatch} (nexus ${server.nexus})`,
      `Sign in as   ${you.email}   password ${you.password}`,
      `The contact  ${buddy.email} (password ${buddy.password}) is online and answers you.`,
      values['no-app'] ? 'Press Ctrl+C to stop.' : 'Close the app (Exit in the tray menu) to stop the demo.',
      '',
    ].join('\n'),
  );
  if (values['no-app']) return;

  let electron: string;
  try {
    // The electron package exports the path of its binary, downloading it first if needed.
    electron = createRequire(import.meta.url)('electron') as string;
  } catch (err) {
    process.stderr.write(`Electron is not available here: ${err instanceof Error ? err.message : String(err)}\n`);
    return stop(1);
  }
  const app = spawn(electron, [resolve(import.meta.dirname, '../../..')], {
    stdio: 'inherit',
    env: {
      ...process.env,
      [USER_DATA_ENV]: profile,
      [PRESET_ENV]: JSON.stringify({ label: 'Demo server (this computer)', server: config }),
    },
  });
  app.once('error', (err) => {
    process.stderr.write(`Could not start Electron (${err.message}). Run npm install first.\n`);
    void stop(1);
  });
  app.once('exit', (code) => void stop(code ?? 0));
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
