// Command line for the reference server: prints one JSON "ready" line on stdout, logs to stderr.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AccountsFileSchema } from './accounts';
import { startServer } from './index';

const HELP = `Reference MSNP server (MSNP2–MSNP18) with Passport 1.4 and the MSNP13+ SOAP services over
HTTPS, for tests and demos.

Usage: npm run --silent server -- --accounts FILE [options]

  --accounts FILE       JSON: {"accounts":[{"email":"alice@example.com","password":"alice-pass-1",
                        "displayName":"Alice","contacts":["bob@example.com"]}]}
                        Contacts are mutual: each side gets the other on FL and AL (and RL).
  --host HOST           address to listen on (default 127.0.0.1)
  --port PORT           dispatch port; notification, switchboard and HTTPS use the next three.
                        0 (default) picks a free port for each.
  --state-dir DIR       keep list changes (adds, blocks, renames, groups) in DIR across restarts
  --passport-redirect   the Passport login answers 302 to a second login URL before succeeding
  --latency-ms N        delay every reply, TCP and HTTPS, by N ms
  --token-lifetime-s N  lifetime of the SOAP tokens RST.srf issues (default 86400)
  --oim-quota N         offline messages an account can hold before Store2 refuses more (default 100)
  --help                show this text

When listening, prints exactly one line to stdout:
  {"event":"ready","dispatch":"127.0.0.1:P","notification":"127.0.0.1:P","switchboard":"127.0.0.1:P",
   "nexus":"https://127.0.0.1:P/rdr/pprdr.asp","ca":"/absolute/path/ca.pem"}
Clients sign in through the dispatch address (or directly at the notification address) and must
trust the CA file for HTTPS. The SOAP services (MSNP13+) share the nexus URL's origin:
/RST.srf, /abservice/abservice.asmx, /abservice/SharingService.asmx, /OimWS/oim.asmx, /rsi/rsi.asmx. SIGINT or SIGTERM sends OUT SSD to every client and exits.
npm and npx do not pass SIGTERM on to the server: a program that starts it through them should
spawn it detached and signal the whole process group (process.kill(-child.pid, 'SIGTERM')).
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${HELP}`);
  process.exit(2);
}

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a non-negative integer`);
  return Number(value);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        accounts: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'state-dir': { type: 'string' },
        'passport-redirect': { type: 'boolean' },
        'latency-ms': { type: 'string' },
        'token-lifetime-s': { type: 'string' },
        'oim-quota': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (values.accounts === undefined) fail('--accounts FILE is required');
  let accounts;
  try {
    accounts = AccountsFileSchema.parse(JSON.parse(readFileSync(values.accounts, 'utf8'))).accounts;
  } catch (err) {
    fail(`cannot read accounts from ${values.accounts}: ${(err as Error).message}`);
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const server = await startServer({
    accounts,
    host: values.host ?? '127.0.0.1',
    port: integer(values.port, 'port', 0),
    stateDir: values['state-dir'],
    passportRedirect: values['passport-redirect'] ?? false,
    latencyMs: integer(values['latency-ms'], 'latency-ms', 0),
    tokenLifetimeMs: integer(values['token-lifetime-s'], 'token-lifetime-s', 86_400) * 1000,
    oimQuota: integer(values['oim-quota'], 'oim-quota', 100),
    log,
  });
  const { dispatch, notification, switchboard, nexus, ca } = server;
  process.stdout.write(`${JSON.stringify({ event: 'ready', dispatch, notification, switchboard, nexus, ca })}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    // A process-group signal also arrives relayed through tsx: act on the first one only.
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`shutdown failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
