// The wire trace of real sign-ins and chats against the reference server: every secret that
// crossed the wire (read off the raw bytes by a tap under the engine) is absent from the
// trace, while the commands around it are there.
import { Agent as HttpsAgent } from 'node:https';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TraceLog } from '../../src/main/app/trace-log';
import { DEFAULT_FORMAT } from '../../src/main/msnp/format';
import { WireTrace, createTransport, directSockets, type SocketFactory } from '../../src/main/msnp/transport';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, passwordOf, signOutAll } from './engine-support';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ accounts: ACCOUNTS, challenges: true });
});
afterAll(() => server.close());
afterEach(() => signOutAll());

/** Copies what goes through `socket`, both ways, into `wire`. */
function tapSocket<S extends NodeJS.ReadWriteStream>(socket: S, wire: string[]): S {
  socket.on('data', (chunk: Buffer) => wire.push(chunk.toString('latin1')));
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    wire.push(Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk));
    return write(chunk, ...rest);
  }) as typeof socket.write;
  return socket;
}

/** Direct sockets whose bytes, both ways, are copied into `wire`. */
function tap(wire: string[]): SocketFactory {
  return {
    description: 'tap',
    async connect(target, options) {
      return tapSocket(await directSockets.connect(target, options), wire);
    },
  };
}

/** HTTPS whose plain text (above TLS), both ways, is copied into `wire`. */
class TappedHttpsAgent extends HttpsAgent {
  constructor(private readonly wire: string[]) {
    super({ keepAlive: false });
  }

  override createConnection(options: object): TLSSocket {
    return tapSocket(tlsConnect(options as ConnectionOptions), this.wire);
  }
}

/** Tokens and passwords as they appear in SOAP requests and answers. */
function soapSecretsIn(wire: string): string[] {
  const patterns = [
    /<(?:\w+:)?(?:Password|BinarySecurityToken|BinarySecret|TicketToken)\b[^>]*>([^<]+)</g,
    /\bt=([^&<\s"]+)/g,
    /\bp=([^&<\s"]+)/g,
  ];
  const found = new Set<string>();
  for (const pattern of patterns) for (const m of wire.matchAll(pattern)) if (m[1] && m[1].length >= 6) found.add(m[1]);
  return [...found];
}

/** Secret tokens as they appear on the wire. */
function secretsIn(wire: string): string[] {
  const patterns = [
    /^USR \d+ (?:MD5|TWN|SSO) S (\S+)/gm,
    /^XFR \d+ SB \S+ CKI (\S+)/gm,
    /^RNG (\S+) \S+ CKI (\S+)/gm,
    /^ANS \d+ \S+@\S+ (\S+) (\S+)/gm,
    /^USR \d+ \S+@\S+ (\S+)/gm,
    /^CAL \d+ RINGING (\S+)/gm,
    /^MSPAuth: (\S+)/gm,
    /^QRY \d+ \S+ \d+\r\n([0-9a-f]{32})/gm,
  ];
  const found = new Set<string>();
  for (const pattern of patterns) {
    for (const m of wire.matchAll(pattern))
      for (const g of m.slice(1)) if (g && g.length >= 6) found.add(g.replace(/\r$/, ''));
  }
  return [...found];
}

describe.each([12, 7])('the trace of an MSNP%i sign-in and chat', (dialect) => {
  it('holds the commands and none of the secrets', async () => {
    const wire: string[] = [];
    const trace = new WireTrace();
    const log = new TraceLog(trace);
    const stop = log.watch();
    const transport = createTransport({ sockets: tap(wire), trace });
    const alice = clientFor(server, 'alice@example.com', { transport, protocols: [dialect] });
    const bob = clientFor(server, 'bob@example.com', { transport, protocols: [dialect] });
    await alice.signIn();
    await bob.signIn();
    const received = new Promise<void>((resolve) => bob.conversations.on('message', () => resolve()));
    alice.conversations.send(alice.conversations.open('bob@example.com'), 'psst', DEFAULT_FORMAT);
    await received;
    // Give the first challenge time to be answered.
    await new Promise((r) => setTimeout(r, 300));
    stop();

    const raw = wire.join('');
    const secrets = secretsIn(raw);
    // The tap saw the sign-in tokens and both switchboard cookies.
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    expect(raw).toMatch(/^XFR \d+ SB /m);
    expect(raw).toMatch(/^RNG /m);

    const text = JSON.stringify(log.entries());
    for (const secret of [...secrets, passwordOf('alice@example.com'), passwordOf('bob@example.com')]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(encodeURIComponent(passwordOf('alice@example.com')));
    const lines = log.entries().map((e) => `${e.connection} ${e.direction} ${e.line}`);
    expect(lines).toContainEqual(expect.stringMatching(/^sb-\d out USR \d+ alice@example\.com \*\*\*$/));
    expect(lines).toContainEqual(expect.stringMatching(/^sb-\d out ANS \d+ bob@example\.com \*\*\* \*\*\*$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ns-\d in RNG \*\*\* \S+ CKI \*\*\* alice@example\.com/));
    expect(lines).toContainEqual(expect.stringMatching(/^sb-\d in MSG alice@example\.com /));
  });
});

// Each signs in as someone else, so that each adds Dave for the first time.
describe.each([
  [15, 'alice@example.com'],
  [18, 'bob@example.com'],
])('the trace of an MSNP%i sign-in with its SOAP calls', (dialect, email) => {
  it('shows every SOAP request and answer, and none of the secrets', async () => {
    const wire: string[] = [];
    const trace = new WireTrace();
    const log = new TraceLog(trace);
    const stop = log.watch();
    const agent = new TappedHttpsAgent(wire);
    const transport = { ...createTransport({ sockets: tap(wire), trace }), httpAgent: () => agent };
    const client = clientFor(server, email, { transport, protocols: [dialect] });
    await client.signIn();
    await client.addContact('dave@example.com');
    stop();

    const raw = wire.join('');
    const secrets = [...secretsIn(raw), ...soapSecretsIn(raw)];
    // The sign-in token, the RST answer's tokens and proof key, the address book's ticket.
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    expect(raw).toContain('<wsse:Password>');
    const text = JSON.stringify(log.entries());
    for (const secret of [...secrets, passwordOf(email)]) expect(text).not.toContain(secret);

    const soap = log.entries().filter((e) => e.connection.startsWith('soap-'));
    const requests = soap.filter((e) => e.direction === 'out').map((e) => e.line);
    expect(requests).toContainEqual(expect.stringMatching(/^POST https:\/\/127\.0\.0\.1:\d+\/RST\.srf$/));
    expect(requests).toContainEqual(expect.stringMatching(/\/abservice\/abservice\.asmx$/));
    expect(requests).toContainEqual(expect.stringMatching(/\/abservice\/SharingService\.asmx$/));
    const answers = soap.filter((e) => e.direction === 'in');
    expect(answers.length).toBe(requests.length);
    expect(answers.every((e) => e.line.startsWith('HTTP 200'))).toBe(true);
    // What a request was for stays readable: its action and body, with the secrets masked.
    expect(soap.some((e) => e.payload?.includes('ABContactAdd') === true)).toBe(true);
    expect(soap.some((e) => e.payload?.includes('<wsse:Password>***</wsse:Password>') === true)).toBe(true);
  });
});
