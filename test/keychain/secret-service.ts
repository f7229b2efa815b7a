// A private Secret Service for the keychain tests: its own D-Bus session bus and a gnome-keyring
// with a fresh, unlocked keyring in a temporary folder. The tests then never depend on, or touch,
// the keyring of the machine or of the desktop they run in.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SecretService {
  stop(): Promise<void>;
}

// A session bus that starts no services on demand: the only Secret Service on it is ours.
const BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

/** The first line a child prints: these daemons print one once they have started. */
async function firstLine(child: ChildProcess, name: string): Promise<string> {
  const [data] = (await Promise.race([
    once(child.stdout as NodeJS.ReadableStream, 'data'),
    once(child, 'exit').then(() => {
      throw new Error(`${name} exited before it was ready`);
    }),
  ])) as [Buffer];
  return data.toString('utf8').split('\n')[0] ?? '';
}

function secretsOwned(busAddress: string): boolean {
  const reply = spawnSync(
    'dbus-send',
    [
      `--bus=${busAddress}`,
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      'string:org.freedesktop.secrets',
    ],
    { encoding: 'utf8' },
  );
  return /boolean true/.test(reply.stdout);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill();
  await exited;
}

/** Must run before the first keychain call of the process: libsecret connects to the bus once. */
export async function startSecretService(): Promise<SecretService> {
  const home = mkdtempSync(join(tmpdir(), 'keyring-'));
  const config = join(home, 'bus.conf');
  writeFileSync(config, BUS_CONFIG);
  const bus = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const busAddress = (await firstLine(bus, 'dbus-daemon')).trim();
  process.env['DBUS_SESSION_BUS_ADDRESS'] = busAddress;
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: busAddress, XDG_DATA_HOME: home },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  keyring.stdin?.end('keychain-tests');
  await firstLine(keyring, 'gnome-keyring-daemon');
  // It takes its bus name just after starting; wait for that (a few tries at most).
  for (let tries = 0; !secretsOwned(busAddress); tries++) {
    if (tries === 100) throw new Error('gnome-keyring-daemon did not take the Secret Service name');
    await sleep(20);
  }
  return {
    stop: async () => {
      await stopChild(keyring);
      await stopChild(bus);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
