// The command-line client as the integration tests run it: a child process signed in to the
// reference server, whose JSON lines the test waits on.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '../server/index';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Each test starts CLI processes (tsx compiling at start): give them time on a busy machine. */
export const CLI_TIMEOUT_MS = 60_000;

export type CliLine = Record<string, unknown>;

/** A CLI process and the JSON lines it printed. */
export interface CliRun {
  readonly child: ChildProcess;
  readonly lines: CliLine[];
  /** Resolves with the first printed object that matches. */
  until(where: (line: CliLine) => boolean): Promise<CliLine>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

const clis: ChildProcess[] = [];

/** Runs the command-line client as `name` at `dialect` against the server, with `args`. */
export function startCli(server: RunningServer, name: string, dialect: number, ...args: string[]): CliRun {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main/cli.ts',
      '--server',
      server.dispatch,
      '--email',
      `${name}@example.com`,
      '--nexus',
      server.nexus,
      '--ca',
      server.ca,
      '--protocols',
      `MSNP${dialect}`,
      ...args,
    ],
    { cwd: ROOT, env: { ...process.env, MSN_PASSWORD: `${name}-pass-1` }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  clis.push(child);
  const lines: CliLine[] = [];
  const waiters: { where: (line: CliLine) => boolean; resolve: (line: CliLine) => void }[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    const line = JSON.parse(text) as CliLine;
    lines.push(line);
    for (const w of waiters.filter((w) => w.where(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    until: (where) => {
      const found = lines.find(where);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ where, resolve }));
    },
  };
}

/** Ends the CLI processes still running. */
export function stopClis(): void {
  for (const child of clis.splice(0)) if (child.exitCode === null) child.kill();
}
