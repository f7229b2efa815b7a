// Headless command-line client: signs in, prints the contact list and presence as JSON lines,
// optionally sends a message or waits for some, stays online for a while, then signs out. Useful for checking an account or a
// server without the desktop app. Imports only the protocol engine.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { P2PTasks, loadPicture, type P2PCliOptions } from './cli-p2p';
import { MessengerClient, type MessengerClientOptions } from './msnp/client';
import { MsnpError } from './msnp/errors';
import { DEFAULT_FORMAT } from './msnp/format';
import { parseHostPort } from './msnp/login';
import { DEFAULT_DIALECTS, SUPPORTED_DIALECTS } from './msnp/modules';
import { P2P_CLIENT_ID } from './msnp/p2p/manager';
import { soapEndpoints } from './msnp/soap/endpoints';
import {
  WireTrace,
  createTransport,
  defaultGatewayUrl,
  isProxyError,
  parseProxyUrl,
  proxySockets,
  type TraceEntry,
} from './msnp/transport';
import { SettableStatus } from '../shared/schemas';

const USAGE = `Usage: MSN_PASSWORD=... npm run --silent cli -- --server HOST:PORT --email EMAIL [options]

Options:
  --server HOST:PORT          notification (or dispatch) server
  --email EMAIL               account to sign in with; the password comes from MSN_PASSWORD
  --nexus URL                 Passport nexus (default https://HOST/rdr/pprdr.asp)
  --soap-base URL             origin of the login service and SOAP services of MSNP13+
                              (default: the nexus URL's origin, else https://HOST)
  --ca FILE                   extra CA certificate (PEM) to trust for Passport HTTPS
  --allow-insecure-passport   permit Passport over plain http:// URLs
  --protocols LIST            e.g. MSNP12,MSNP11 (default ${DEFAULT_DIALECTS.map((d) => `MSNP${d}`).join(',')})
  --status CODE               NLN BSY IDL BRB AWY PHN LUN HDN (default NLN)
  --stay SECONDS              stay signed in this long, printing events (default 0; with
                              --wait-messages, until the messages have arrived)
  --proxy URL                 socks5://[user@]host:port, socks4a://host:port or
                              http://[user@]host:port; the password comes from MSN_PROXY_PASSWORD
  --gateway                   use the HTTP gateway only (otherwise it is the fallback when a
                              direct connection fails)
  --gateway-url URL           the gateway (default: /gateway/gateway.dll on the Passport host)
  --no-gateway-fallback       never fall back to the HTTP gateway
  --trace                     print every line sent and received on stderr, secrets masked
  --send-to EMAIL --text TEXT send TEXT to EMAIL and wait until the server confirms delivery;
                              on MSNP13+ a contact who is offline gets it as an offline message
  --keep-offline-messages     print offline messages waiting on the server (MSNP13+) but leave
                              them there (by default they are deleted once printed)
  --wait-messages N           answer invitations and exit once N messages have arrived
  --display-picture FILE      advertise FILE (PNG/JPEG/GIF, at most 1 MB) as your picture and serve it
  --fetch-pictures DIR        download every online contact's display picture into DIR
  --send-file EMAIL:PATH      send the file at PATH to EMAIL (repeatable)
  --accept-files DIR          accept every incoming file into DIR (with --stay)
  --decline-files             decline every incoming file
  --machine-guid {GUID}       this installation's GUID (MSNP16+, where an account can be signed
                              in at several places; default: a new one for each run)
  --place-name NAME           what the account's other places call this one (default: host name)
  --sign-out-elsewhere        sign the account out at every other place (MSNP16+)
  --help                      show this text

Prints one JSON object per line. Exit codes: 0 success, 1 sign-in refused, 2 usage error,
3 network, proxy or protocol failure, 4 a message was not delivered, fewer messages arrived than
awaited, a picture, a file sent or a file received failed, or the other places could not be
signed out.`;

const EXIT_OK = 0;
const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;
const EXIT_FAILURE = 3;
const EXIT_INCOMPLETE = 4;

class UsageError extends Error {}

interface CliOptions {
  readonly client: MessengerClientOptions;
  readonly staySeconds: number;
  readonly send?: { readonly to: string; readonly text: string };
  readonly waitMessages?: number;
  readonly keepOfflineMessages: boolean;
  readonly signOutElsewhere: boolean;
  readonly p2p: P2PCliOptions;
  readonly trace?: WireTrace;
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
        'soap-base': { type: 'string' },
        ca: { type: 'string' },
        'allow-insecure-passport': { type: 'boolean' },
        protocols: { type: 'string' },
        status: { type: 'string' },
        stay: { type: 'string' },
        'send-to': { type: 'string' },
        text: { type: 'string' },
        'wait-messages': { type: 'string' },
        'display-picture': { type: 'string' },
        'fetch-pictures': { type: 'string' },
        'send-file': { type: 'string', multiple: true },
        'accept-files': { type: 'string' },
        'decline-files': { type: 'boolean' },
        'machine-guid': { type: 'string' },
        'place-name': { type: 'string' },
        'sign-out-elsewhere': { type: 'boolean' },
        proxy: { type: 'string' },
        gateway: { type: 'boolean' },
        'gateway-url': { type: 'string' },
        'no-gateway-fallback': { type: 'boolean' },
        trace: { type: 'boolean' },
        'keep-offline-messages': { type: 'boolean' },
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
  if (status !== undefined && !SettableStatus.safeParse(status).success) {
    throw new UsageError(`--status must be one of ${SettableStatus.options.join(' ')}`);
  }
  if ((values['send-to'] === undefined) !== (values.text === undefined)) {
    throw new UsageError('--send-to and --text go together');
  }
  if (values.text === '') throw new UsageError('--text must not be empty');
  const waitMessages = values['wait-messages'] === undefined ? undefined : Number(values['wait-messages']);
  if (waitMessages !== undefined && !(Number.isInteger(waitMessages) && waitMessages > 0)) {
    throw new UsageError('--wait-messages takes a positive number');
  }
  const staySeconds =
    values.stay === undefined ? (waitMessages === undefined ? 0 : Number.POSITIVE_INFINITY) : Number(values.stay);
  if (!Number.isFinite(staySeconds) || staySeconds < 0) throw new UsageError('--stay takes a number of seconds');
  if (values.nexus !== undefined && !URL.canParse(values.nexus)) throw new UsageError('--nexus takes a URL');
  const soapBase = values['soap-base'];
  if (soapBase !== undefined && !/^https?:$/.test(URL.parse(soapBase)?.protocol ?? '')) {
    throw new UsageError('--soap-base takes an https:// URL');
  }
  if (values['accept-files'] !== undefined && values['decline-files']) {
    throw new UsageError('--accept-files and --decline-files exclude each other');
  }
  const sendFiles = (values['send-file'] ?? []).map((spec) => {
    const colon = spec.indexOf(':');
    const to = spec.slice(0, colon);
    const path = spec.slice(colon + 1);
    if (colon <= 0 || path === '' || !to.includes('@')) throw new UsageError('--send-file takes EMAIL:PATH');
    return { to: to.toLowerCase(), path };
  });
  if (values['gateway-url'] !== undefined && !URL.canParse(values['gateway-url'])) {
    throw new UsageError('--gateway-url takes a URL');
  }
  if (values.gateway && values['no-gateway-fallback']) {
    throw new UsageError('--gateway and --no-gateway-fallback contradict each other');
  }
  let proxy;
  if (values.proxy !== undefined) {
    try {
      proxy = parseProxyUrl(values.proxy);
    } catch (err) {
      throw new UsageError(`--proxy: ${err instanceof Error ? err.message : String(err)}`);
    }
    const proxyPassword = env['MSN_PROXY_PASSWORD'];
    if (proxyPassword !== undefined && proxyPassword !== '') proxy = { ...proxy, password: proxyPassword };
  }
  const serverConfig = {
    host: server.host,
    port: server.port,
    ...(values.nexus === undefined ? {} : { nexus: values.nexus }),
    ...(soapBase === undefined ? {} : { soap: { base: soapBase } }),
    ...(values.ca === undefined ? {} : { caFile: values.ca }),
    ...(values['allow-insecure-passport'] ? { allowInsecurePassport: true } : {}),
  };
  try {
    // Refuses a Microsoft host now rather than at sign-in.
    soapEndpoints(serverConfig);
  } catch (err) {
    throw new UsageError(`--soap-base: ${err instanceof Error ? err.message : String(err)}`);
  }
  const trace = values.trace ? new WireTrace() : undefined;
  const transport = createTransport({
    ...(proxy === undefined ? {} : { sockets: proxySockets(proxy) }),
    ...(trace === undefined ? {} : { trace }),
    gateway: {
      mode: values.gateway ? 'always' : values['no-gateway-fallback'] ? 'off' : 'fallback',
      url: values['gateway-url'] ?? defaultGatewayUrl(serverConfig),
      ...(values.ca === undefined ? {} : { ca: readCa(values.ca) }),
      ...(values['allow-insecure-passport'] ? { allowInsecure: true } : {}),
    },
    onFallback: (reason) => print({ event: 'progress', step: 'gateway-fallback', reason }),
  });
  return {
    p2p: {
      sendFiles,
      declineFiles: values['decline-files'] ?? false,
      ...(values['display-picture'] === undefined ? {} : { displayPicture: values['display-picture'] }),
      ...(values['fetch-pictures'] === undefined ? {} : { fetchPictures: values['fetch-pictures'] }),
      ...(values['accept-files'] === undefined ? {} : { acceptFiles: values['accept-files'] }),
    },
    ...(trace === undefined ? {} : { trace }),
    staySeconds,
    ...(values['send-to'] === undefined || values.text === undefined
      ? {}
      : { send: { to: values['send-to'], text: values.text } }),
    ...(waitMessages === undefined ? {} : { waitMessages }),
    keepOfflineMessages: values['keep-offline-messages'] ?? false,
    signOutElsewhere: values['sign-out-elsewhere'] ?? false,
    client: {
      server: serverConfig,
      transport,
      email: values.email,
      password,
      ...(protocols === undefined ? {} : { protocols }),
      ...(status === undefined ? {} : { status: status as SettableStatus }),
      ...(values['machine-guid'] === undefined ? {} : { machineGuid: values['machine-guid'] }),
      ...(values['place-name'] === undefined ? {} : { placeName: values['place-name'] }),
      // A checking tool reports a lost connection instead of hiding it behind reconnection.
      reconnect: false,
      // Pictures, emoticons and files over MSNP2P are implemented, nothing else.
      clientId: P2P_CLIENT_ID,
    },
  };
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`--ca: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `ns-1 >> USR 3 TWN S ***`, one stderr line per line of the entry, each with the prefix. */
function printTrace(entry: TraceEntry): void {
  const arrow = entry.direction === 'out' ? '>>' : entry.direction === 'in' ? '<<' : '--';
  const prefix = `${entry.connection} ${arrow}`;
  const lines = [entry.line, ...(entry.p2p === undefined ? [] : [entry.p2p])];
  if (entry.payload !== undefined) lines.push(...entry.payload.split(/\r?\n/).map((l) => `  ${l}`));
  process.stderr.write(lines.map((l) => `${prefix} ${l}\n`).join(''));
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

  let picture;
  try {
    picture =
      options.p2p.displayPicture === undefined
        ? undefined
        : await loadPicture(options.p2p.displayPicture, options.client.email);
  } catch (err) {
    print({ event: 'error', message: err instanceof Error ? err.message : String(err) });
    return EXIT_USAGE;
  }
  let client: MessengerClient;
  try {
    client = new MessengerClient({ ...options.client, ...(picture ? { msnObject: picture.object.xml } : {}) });
  } catch (err) {
    if (!(err instanceof MsnpError)) throw err;
    print({ event: 'error', message: err.message });
    return EXIT_USAGE;
  }
  const p2p = new P2PTasks(client, options.p2p, print, picture);

  options.trace?.subscribe(printTrace);
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
  // The other places at sign-in, one line each like the contacts; later, the whole list on each change.
  let placesAnnounced = false;
  client.on('places', (places) => {
    if (placesAnnounced) {
      print({ event: 'places', places });
      return;
    }
    placesAnnounced = true;
    for (const place of places) print({ event: 'place', ...place });
  });
  client.on('added-you', ({ email, displayName }) => print({ event: 'added-you', email, displayName }));
  client.on('error', (err) =>
    print({
      event: 'error',
      ...(isProxyError(err) ? { source: 'proxy', failure: err.failure } : {}),
      ...(err.code === undefined ? {} : { code: err.code }),
      message: err.message,
    }),
  );
  let received = 0;
  let allReceived: (() => void) | undefined;
  const messagesArrived = new Promise<number>((resolve) => (allReceived = () => resolve(EXIT_OK)));
  const counted = (): void => {
    if (++received === options.waitMessages) allReceived?.();
  };
  client.conversations.on('message', ({ from, text }) => {
    print({ event: 'message', from: from.email, text });
    counted();
  });
  // Offline messages are printed, then deleted (unless kept); signing out waits for that.
  let offlineWork = Promise.resolve();
  client.on('offline-messages', ({ messages }) => {
    const ids = messages.map((m) => m.id);
    offlineWork = offlineWork.then(() => showOfflineMessages(client, ids, options.keepOfflineMessages, counted));
  });
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

  const interrupted = new Promise<number>((resolve) => {
    process.once('SIGINT', () => resolve(EXIT_OK));
    process.once('SIGTERM', () => resolve(EXIT_OK));
  });
  let outcome = EXIT_OK;
  if (options.signOutElsewhere) {
    const done = await Promise.race([signOutElsewhere(client), endedEarly]);
    if (typeof done === 'number') return done;
    if (!done) outcome = EXIT_INCOMPLETE;
  }
  if (options.send) {
    const delivered = await Promise.race([sendText(client, options.send.to, options.send.text), endedEarly]);
    if (typeof delivered === 'number') return delivered;
    if (!delivered) outcome = EXIT_INCOMPLETE;
  }
  p2p.watch();
  const once = await Promise.race([p2p.runOnce(), endedEarly]);
  if (typeof once === 'number') return once;

  let timer: NodeJS.Timeout | undefined;
  const waiting = options.waitMessages === undefined ? [] : [messagesArrived];
  // Waiting for messages without --stay has no time limit.
  const stayed = Number.isFinite(options.staySeconds)
    ? new Promise<number>(
        (resolve) =>
          (timer = setTimeout(
            () => resolve(options.waitMessages === undefined ? EXIT_OK : EXIT_INCOMPLETE),
            options.staySeconds * 1000,
          )),
      )
    : new Promise<number>(() => {});
  const code = await Promise.race([...waiting, stayed, endedEarly, interrupted]);
  clearTimeout(timer);
  if (code === EXIT_REFUSED || code === EXIT_FAILURE) return code;
  const shown = await Promise.race([offlineWork, endedEarly]);
  if (typeof shown === 'number') return shown;
  // Transfers still running when the stay ends are finished (or fail) first.
  const settled = await Promise.race([p2p.idle(), endedEarly, interrupted]);
  if (settled === EXIT_REFUSED || settled === EXIT_FAILURE) return settled;
  await client.signOut();
  if (p2p.failed && code === EXIT_OK) return EXIT_INCOMPLETE;
  return code === EXIT_OK ? outcome : code;
}

/** Signs the account out at its other places and prints how many were asked to leave. */
async function signOutElsewhere(client: MessengerClient): Promise<boolean> {
  try {
    print({ event: 'signed-out-elsewhere', places: await client.signOutElsewhere() });
    return true;
  } catch (err) {
    if (!(err instanceof MsnpError)) throw err;
    print({ event: 'error', ...(err.code === undefined ? {} : { code: err.code }), message: err.message });
    return false;
  }
}

/**
 * Prints offline messages as `message` lines (`offline: true`, `sentAt`), unreadable ones as
 * errors, and deletes the printed ones unless `keep`; the unreadable stay on the server.
 */
async function showOfflineMessages(
  client: MessengerClient,
  ids: readonly string[],
  keep: boolean,
  counted: () => void,
): Promise<void> {
  try {
    const { messages, failures } = await client.fetchOfflineMessages(ids);
    for (const m of messages) {
      print({ event: 'message', from: m.from, text: m.text, offline: true, sentAt: new Date(m.sentAt).toISOString() });
      counted();
    }
    for (const f of failures) print({ event: 'error', message: f.reason });
    if (!keep && messages.length > 0) await client.deleteOfflineMessages(messages.map((m) => m.id));
  } catch (err) {
    if (!(err instanceof MsnpError)) throw err;
    print({ event: 'error', message: `Offline messages: ${err.message}` });
  }
}

/** Stores `text` as an offline message (MSNP13+) and prints whether the service took it. */
async function sendOffline(client: MessengerClient, to: string, text: string): Promise<boolean> {
  try {
    await client.sendOfflineMessage(to, text);
  } catch (err) {
    if (!(err instanceof MsnpError)) throw err;
    print({ event: 'sent', to, delivered: false, reason: err.message });
    return false;
  }
  print({ event: 'sent', to, delivered: 'offline-message' });
  return true;
}

/**
 * Sends one text and prints whether every part of it was delivered. A contact shown offline once
 * the initial presence is known gets an offline message where the dialect has them (as WLM did).
 */
async function sendText(client: MessengerClient, to: string, text: string): Promise<boolean> {
  if (client.supportsOfflineMessages && client.getContact(to.toLowerCase())?.status === 'FLN') {
    return sendOffline(client, to, text);
  }
  const conversations = client.conversations;
  const outcomes = new Map<string, string | undefined>();
  let settled: (() => void) | undefined;
  const allSettled = new Promise<void>((resolve) => (settled = resolve));
  let ids: ReadonlySet<string> = new Set();
  conversations.on('delivery', ({ messageId, state, reason }) => {
    outcomes.set(messageId, state === 'delivered' ? undefined : (reason ?? 'not delivered'));
    if (ids.size > 0 && [...ids].every((id) => outcomes.has(id))) settled?.();
  });
  try {
    ids = new Set(conversations.send(conversations.open(to), text, DEFAULT_FORMAT).map((part) => part.messageId));
  } catch (err) {
    if (!(err instanceof MsnpError)) throw err;
    print({ event: 'sent', to, delivered: false, reason: err.message });
    return false;
  }
  await allSettled;
  const reason = [...ids].map((id) => outcomes.get(id)).find((r) => r !== undefined);
  print({ event: 'sent', to, delivered: reason === undefined, ...(reason === undefined ? {} : { reason }) });
  return reason === undefined;
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
