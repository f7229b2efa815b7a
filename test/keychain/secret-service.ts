// A private Secret Service for the keychain tests: its own D-Bus session bus and a gnome-keyring
// with a fresh, unlocked keyring in a temporary folder. The tests then never depend on, or touch,
// the keyring of the machine or of the desktop they run in.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SecretService {
  stop(): Promise<void>;
}

/** The first line a child prints, which these daemons print once they are ready. */
async function firstLine(child: ChildProcess, name: string): Promise<string> {
  const [data] = (await Promise.race([
    once(child.stdout as NodeJS.ReadableStream, 'data'),
    once(child, 'exit').then(() => {
      throw new Error(`${name} exited before it was ready`);
    }),
  ])) as [Buffer];
  return data.toString('utf8').split('\n')[0] ?? '';
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
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const busAddress = (await firstLine(bus, 'dbus-daemon')).trim();
  process.env['DBUS_SESSION_BUS_ADDRESS'] = busAddress;
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: busAddress, XDG_DATA_HOME: home },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  keyring.stdin?.end('keychain-tests');
  // It prints its control socket once it has unlocked the keyring and taken its bus name.
  await firstLine(keyring, 'gnome-keyring-daemon');
  return {
    stop: async () => {
      await stopChild(keyring);
      await stopChild(bus);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
