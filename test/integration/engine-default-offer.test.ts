// The default offer (MSNP18 down to MSNP8) against the reference server playing a current server
// and older ones: the server picks, and the sign-in follows its pick whatever mechanism that
// means. The login-service request started before the pick is wasted when the server picks a
// Passport 1.4 dialect, and then neither its answer nor its failure may show.
import { afterEach, describe, expect, it } from 'vitest';
import type { MessengerClient } from '../../src/main/msnp/client';
import type { MsnpError } from '../../src/main/msnp/errors';
import { startServer, type RunningServer } from '../server/index';
import { ACCOUNTS, clientFor, signOutAll, waitFor } from './engine-support';

let server: RunningServer | undefined;
afterEach(async () => {
  await signOutAll();
  await server?.close();
  server = undefined;
});

async function start(maxDialect?: number): Promise<{ server: RunningServer; log: string[] }> {
  const log: string[] = [];
  server = await startServer({
    accounts: ACCOUNTS,
    challenges: false,
    ...(maxDialect === undefined ? {} : { maxDialect }),
    log: (line) => log.push(line),
  });
  return { server, log };
}

/** A client with the default offer (no `protocols`, no `legacyProtocols`). */
function defaultClient(running: RunningServer, extra: Parameters<typeof clientFor>[2] = {}): MessengerClient {
  return clientFor(running, 'alice@example.com', { protocols: undefined, ...extra });
}

async function signIn(client: MessengerClient): Promise<{ protocol: string; contacts: string[]; errors: MsnpError[] }> {
  const errors: MsnpError[] = [];
  client.on('error', (error) => errors.push(error));
  const signedIn = waitFor(client, 'signed-in');
  const list = waitFor(client, 'contact-list');
  await client.signIn();
  const { protocol } = await signedIn;
  const { contacts } = await list;
  return { protocol, contacts: contacts.map((c) => c.email), errors };
}

describe('the default offer', () => {
  it('signs in at MSNP18 against a server that speaks it, with one RST and no Passport login', async () => {
    const { server: running, log } = await start();
    const client = defaultClient(running);
    const outcome = await signIn(client);
    expect(outcome).toEqual({
      protocol: 'MSNP18',
      contacts: ['bob@example.com', 'carol@example.com'],
      errors: [],
    });
    expect(log.filter((l) => l === 'passport POST /RST.srf')).toHaveLength(1);
    expect(log.some((l) => l.startsWith('passport GET /login'))).toBe(false);
    expect(log.some((l) => /^ns \S+ < VER \d+ MSNP18 MSNP17 .* MSNP8 CVR0$/.test(l))).toBe(true);
  });

  it.each([14, 12, 8])('signs in at MSNP%i against a server that stops there', async (max) => {
    const { server: running, log } = await start(max);
    const client = defaultClient(running);
    const outcome = await signIn(client);
    expect(outcome).toEqual({
      protocol: `MSNP${max}`,
      contacts: ['bob@example.com', 'carol@example.com'],
      errors: [],
    });
    expect(client.state).toBe('online');
    // The early RST went out (the server's own login service answers it) and was not used.
    expect(log.filter((l) => l === 'passport POST /RST.srf')).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('passport GET /login'))).toHaveLength(1);
  });

  it('shows nothing of an early RST that fails when the server picks MSNP12', async () => {
    const { server: running } = await start(12);
    // A login service that refuses connections: port 9 on loopback has no listener.
    const client = defaultClient(running, {
      server: {
        host: '127.0.0.1',
        port: Number(running.dispatch.split(':')[1]),
        nexus: running.nexus,
        caFile: running.ca,
        soap: { rst: 'https://127.0.0.1:9/RST.srf' },
      },
    });
    const outcome = await signIn(client);
    expect(outcome).toEqual({
      protocol: 'MSNP12',
      contacts: ['bob@example.com', 'carol@example.com'],
      errors: [],
    });
  });
});
