// `npm run bench [-- NAME …]`: runs the benchmarks in order, each in a fresh Node process so that
// none inherits another's heap, compiled code or leftover sockets. Every benchmark prints one
// JSON line on stdout; anything else goes to stderr.
import { spawnSync } from 'node:child_process';

const BENCHES: Record<string, () => Promise<{ main: () => unknown }>> = {
  'codec-parse': () => import('./codec-parse'),
  'sign-in-round-trips': () => import('./sign-in-round-trips'),
  'presence-burst': () => import('./presence-burst'),
  'conversation-throughput': () => import('./conversation-throughput'),
  'engine-memory': () => import('./engine-memory'),
  'desktop-startup': () => import('./desktop-startup'),
  'history-insert': () => import('./history-insert'),
  'history-search': () => import('./history-search'),
  'history-open': () => import('./history-open'),
  'file-transfer': () => import('./file-transfer'),
  'picture-fetch': () => import('./picture-fetch'),
  'gateway-sign-in': () => import('./gateway-sign-in'),
  'gateway-chat': () => import('./gateway-chat'),
  'inspector-overhead': () => import('./inspector-overhead'),
};

async function runOne(name: string): Promise<void> {
  const load = BENCHES[name];
  if (!load) throw new Error(`unknown benchmark ${name}`);
  await (await load()).main();
}

function runAll(names: readonly string[]): number {
  let failed = 0;
  for (const name of names) {
    const started = Date.now();
    const child = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, '--one', name], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (child.status === 0) {
      console.error(`${name}: ${seconds} s`);
    } else {
      failed++;
      console.error(`${name}: failed (${child.error?.message ?? `exit ${child.status ?? child.signal}`})`);
    }
  }
  return failed;
}

const args = process.argv.slice(2);
if (args[0] === '--one' && args[1] !== undefined) {
  try {
    await runOne(args[1]);
    process.exit(0);
  } catch (err) {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  }
} else {
  const unknown = args.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  process.exit(runAll(args.length > 0 ? args : Object.keys(BENCHES)) > 0 ? 1 : 0);
}
