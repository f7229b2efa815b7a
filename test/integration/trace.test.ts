// The wire trace of real sign-ins and chats against the reference server: every secret that
// crossed the wire (read off the raw bytes by a tap under the engine) is absent from the
// trace, while the commands around it are there.
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

/** Direct sockets whose bytes, both ways, are copied into `wire`. */
function tap(wire: string[]): SocketFactory {
  return {
    description: 'tap',
    async connect(target, options) {
      const socket = await directSockets.connect(target, options);
      socket.on('data', (chunk: Buffer) => wire.push(chunk.toString('latin1')));
      const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
      socket.write = ((chunk: unknown, ...rest: unknown[]) => {
        wire.push(Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk));
        return write(chunk, ...rest);
      }) as typeof socket.write;
      return socket;
    },
  };
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
