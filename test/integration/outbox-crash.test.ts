// The outbox through a crash: the app core runs in its own process against the reference server,
// which relays messages but holds back their ACKs. The process is killed (SIGKILL) once the
// message has reached the other side and before anything confirmed it; started again on the same
// folders, the app shows that message failed "may not have been delivered" with Send again, and
// never sends it a second time by itself.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationSnapshot } from '../../src/shared/ipc';
import { DEFAULT_FORMAT } from '../../src/shared/schemas';
import { UNCONFIRMED_AT_RESTART } from '../../src/main/app/conversations';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, signOutAll, splitAddress } from './engine-support';

let server: RunningServer;
const dirs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: false, holdAcks: true });
});
afterAll(() => server.close());
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await signOutAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Line {
  readonly ready?: boolean;
  readonly reply?: number;
  readonly result?: { ok: boolean; value?: unknown; error?: { message: string } };
  readonly event?: string;
  readonly payload?: unknown;
  readonly window?: string;
}

/** The app core in a child process, on these folders. */
function app(dataDir: string, settingsDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/app-core-child.ts'], {
    env: { ...process.env, CORE_DATA_DIR: dataDir, CORE_SETTINGS_DIR: settingsDir },
  });
  children.push(child);
  const lines: Line[] = [];
  const waiters: { where: (line: Line) => boolean; resolve: (line: Line) => void }[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (!waiter.where(line)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const wait = (where: (line: Line) => boolean): Promise<Line> => {
    const seen = lines.find(where);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ where, resolve });
      child.once('exit', () => reject(new Error(`The app process ended: ${stderr}`)));
    });
  };
  let nextId = 0;
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    const id = ++nextId;
    child.stdin.write(`${JSON.stringify({ id, channel, payload })}\n`);
    const { result } = await wait((line) => line.reply === id);
    if (!result?.ok) throw new Error(`${channel} failed: ${result?.error?.message ?? 'no answer'}`);
    return result.value as T;
  };
  const killed = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, lines, wait, call, kill: () => (child.kill('SIGKILL'), killed) };
}

function signIn(email: string) {
  const account = ACCOUNTS.find((a) => a.email === email);
  return {
    email,
    password: account?.password,
    status: 'NLN',
    server: { ...splitAddress(server.dispatch), nexus: server.nexus, caFile: server.ca },
    rememberMe: false,
    rememberPassword: false,
    signInAutomatically: false,
  };
}

describe('outbox across a crash', () => {
  it('shows a message that went out unconfirmed as "may not have been delivered", sent exactly once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crash-data-'));
    const settingsDir = mkdtempSync(join(tmpdir(), 'crash-settings-'));
    dirs.push(dataDir, settingsDir);

    const bob = clientFor(server, 'bob@example.com', { protocols: [12] });
    const received: string[] = [];
    const arrived: ((text: string) => void)[] = [];
    bob.conversations.on('message', ({ text }) => {
      received.push(text);
      for (const resolve of arrived.splice(0)) resolve(text);
    });
    const nextMessage = (): Promise<string> => new Promise((resolve) => arrived.push(resolve));
    await bob.signIn();

    const first = app(dataDir, settingsDir);
    await first.wait((l) => l.ready === true);
    await first.call('account:sign-in', signIn('alice@example.com'));
    const { conversationId } = await first.call<{ conversationId: string }>('conversation:open', {
      email: 'bob@example.com',
    });
    const got = nextMessage();
    await first.call('conversation:send', { conversationId, text: 'did this arrive?', format: DEFAULT_FORMAT });
    // On the other side, and the server holds back the ACK: this is the moment to die.
    expect(await got).toBe('did this arrive?');
    expect(first.lines.some((l) => l.event === 'conversation:delivery')).toBe(false);
    await first.kill();

    const second = app(dataDir, settingsDir);
    await second.wait((l) => l.ready === true);
    await second.call('account:sign-in', signIn('alice@example.com'));
    const { window } = await second.wait((l) => l.window !== undefined);
    const snapshot = await second.call<ConversationSnapshot>('conversation:snapshot', { conversationId: window });
    expect(snapshot.participants.map((p) => p.email)).toEqual(['bob@example.com']);
    expect(snapshot.entries).toMatchObject([
      {
        kind: 'message',
        outgoing: true,
        text: 'did this arrive?',
        delivery: 'failed',
        failureReason: UNCONFIRMED_AT_RESTART,
        uncertain: true,
      },
    ]);

    // A later message in the same conversation comes after anything sent before it: had the
    // first been sent again, Bob would get it before this one.
    const later = nextMessage();
    await second.call('conversation:send', {
      conversationId: window,
      text: 'after the restart',
      format: DEFAULT_FORMAT,
    });
    expect(await later).toBe('after the restart');
    expect(received).toEqual(['did this arrive?', 'after the restart']);
  });
});
