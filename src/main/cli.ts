// Headless command-line client: signs in, prints the contact list and presence as JSON lines,
// optionally stays online for a while, then signs out. Useful for checking an account or a
// server without the desktop app. Imports only the protocol engine.
import { parseArgs } from 'node:util';
import { MessengerClient, type MessengerClientOptions } from './msnp/client';
import { MsnpError } from './msnp/errors';
import { DEFAULT_DIALECTS, SUPPORTED_DIALECTS, parseHostPort } from './msnp/login';

const USAGE = `Usage: MSN_PASSWORD=... npm run --silent cli -- --server HOST:PORT --email EMAIL [options]

Options:
  --server HOST:PORT          notification (or dispatch) server
  --email EMAIL               account to sign in with; the password comes from MSN_PASSWORD
  --nexus URL                 Passport nexus (default https://HOST/rdr/pprdr.asp)
  --ca FILE                   extra CA certificate (PEM) to trust for Passport HTTPS
  --allow-insecure-passport   permit Passport over plain http:// URLs
  --protocols LIST            e.g. MSNP12,MSNP11 (default ${DEFAULT_DIALECTS.map((d) => `MSNP${d}`).join(',')})
  --status CODE               NLN BSY IDL BRB AWY PHN LUN HDN (default NLN)
  --stay SECONDS              stay signed in this long, printing events (default 0)
  --help                      show this text

Prints one JSON object per line. Exit codes: 0 success, 1 sign-in refused, 2 usage error,
3 network or protocol failure.`;

const EXIT_OK = 0;
const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;
const EXIT_FAILURE = 3;

type Status = NonNullable<MessengerClientOptions['status']>;
const STATUSES: readonly Status[] = ['NLN', 'BSY', 'IDL', 'BRB', 'AWY', 'PHN', 'LUN', 'HDN'];

class UsageError extends Error {}

interface CliOptions {
  readonly client: MessengerClientOptions;
  readonly staySeconds: number;
}

function print(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: 'string' },
        email: { type: 'string' },
        nexus: { type: 'string' },
        ca: { type: 'string' },
        'allow-insecure-passport': { type: 'boolean' },
        protocols: { type: 'string' },
        status: { type: 'string' },
        stay: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return 'help';
  const server = parseHostPort(values.server);
  if (!server) throw new UsageError('--server HOST:PORT is required');
  if (values.email === undefined) throw new UsageError('--email is required');
  const password = env['MSN_PASSWORD'];
  if (password === undefined || password === '')
    throw new UsageError('set the password in the MSN_PASSWORD environment variable');
  const protocols = values.protocols === undefined ? undefined : parseProtocols(values.protocols);
  const status = values.status?.toUpperCase();
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status must be one of ${STATUSES.join(' ')}`);
  }
  const staySeconds = values.stay === undefined ? 0 : Number(values.stay);
  if (!Number.isFinite(staySeconds) || staySeconds < 0) throw new UsageError('--stay takes a number of seconds');
  if (values.nexus !== undefined && !URL.canParse(values.nexus)) throw new UsageError('--nexus takes a URL');
  return {
    staySeconds,
    client: {
      server: {
        host: server.host,
        port: server.port,
        ...(values.nexus === undefined ? {} : { nexus: values.nexus }),
        ...(values.ca === undefined ? {} : { caFile: values.ca }),
        ...(values['allow-insecure-passport'] ? { allowInsecurePassport: true } : {}),
      },
      email: values.email,
      password,
      ...(protocols === undefined ? {} : { protocols }),
      ...(status === undefined ? {} : { status: status as Status }),
      // A checking tool reports a lost connection instead of hiding it behind reconnection.
      reconnect: false,
    },
  };
}

function parseProtocols(list: string): number[] {
  const dialects = list.split(',').map((name) => {
    const m = /^MSNP(\d+)$/i.exec(name.trim());
    const dialect = Number(m?.[1]);
    if (!m || !SUPPORTED_DIALECTS.includes(dialect)) {
      throw new UsageError(`unsupported protocol ${JSON.stringify(name)} (supported: MSNP12 … MSNP2)`);
    }
    return dialect;
  });
  return dialects;
}

async function main(): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = parseCommandLine(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof MsnpError)) throw err;
    print({ event: 'error', message: err.message });
    process.stderr.write(`${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }

  let client: MessengerClient;
  try {
    client = new MessengerClient(options.client);
  } catch (err) {
    if (!(err instanceof MsnpError)) throw err;
    print({ event: 'error', message: err.message });
    return EXIT_USAGE;
  }

  let ended: ((code: number) => void) | undefined;
  const endedEarly = new Promise<number>((resolve) => (ended = resolve));

  client.on('signed-in', ({ protocol, profile }) =>
    print({ event: 'signed-in', protocol, email: profile.email, displayName: profile.displayName }),
  );
  client.on('contact-list', ({ contacts, groups }) => {
    const groupName = new Map(groups.map((g) => [g.id, g.name]));
    for (const c of contacts) {
      print({
        event: 'contact',
        email: c.email,
        displayName: c.displayName,
        lists: c.lists,
        status: c.status,
        ...(c.groupIds.length > 0 ? { groups: c.groupIds.map((id) => groupName.get(id) ?? id) } : {}),
        ...(c.personalMessage === '' ? {} : { personalMessage: c.personalMessage }),
      });
    }
  });
  client.on('presence', (c) =>
    print({
      event: 'presence',
      email: c.email,
      status: c.status,
      displayName: c.displayName,
      ...(c.personalMessage === '' ? {} : { personalMessage: c.personalMessage }),
    }),
  );
  client.on('added-you', ({ email, displayName }) => print({ event: 'added-you', email, displayName }));
  client.on('error', (err) =>
    print({ event: 'error', ...(err.code === undefined ? {} : { code: err.code }), message: err.message }),
  );
  client.on('signed-out', ({ reason, message }) => {
    print({ event: 'signed-out', reason, message });
    if (reason !== 'user') ended?.(reason === 'wrong-credentials' ? EXIT_REFUSED : EXIT_FAILURE);
  });

  try {
    await client.signIn();
  } catch (err) {
    if (!(err instanceof MsnpError)) throw err;
    return err.kind === 'auth' ? EXIT_REFUSED : err.kind === 'invalid' ? EXIT_USAGE : EXIT_FAILURE;
  }

  let timer: NodeJS.Timeout | undefined;
  const stayed = new Promise<number>(
    (resolve) => (timer = setTimeout(() => resolve(EXIT_OK), options.staySeconds * 1000)),
  );
  const interrupted = new Promise<number>((resolve) => {
    process.once('SIGINT', () => resolve(EXIT_OK));
    process.once('SIGTERM', () => resolve(EXIT_OK));
  });
  const code = await Promise.race([stayed, endedEarly, interrupted]);
  clearTimeout(timer);
  if (code !== EXIT_OK) return code;
  await client.signOut();
  return EXIT_OK;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Exit even if some handle were left open; an idle loop has already let the process end.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    print({ event: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(EXIT_FAILURE);
  },
);
