// gateway-sign-in: a full sign-in through the HTTP gateway (every MSNP connection a gateway
// session over HTTPS, polled) against the reference server delaying every MSNP reply by 50 ms,
// in units of that delay, against the same sign-in over direct TCP in the same run.
import { readFile } from 'node:fs/promises';
import { MessengerClient } from '../src/main/msnp/client';
import { DaLoginCache } from '../src/main/msnp/passport';
import { createTransport, type Transport } from '../src/main/msnp/transport';
import { startServer, type RunningServer } from '../test/server/index';
import { accounts, address, clientOptions } from './fixture';
import { report } from './lib';

const LATENCY_MS = 50;
const RUNS = 5;

export function gatewayTransport(server: RunningServer, ca: Buffer, pollIntervalMs?: number): Transport {
  return createTransport({
    gateway: { mode: 'always', url: server.gateway, ca, ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }) },
  });
}

async function timeSignIn(server: RunningServer, transport: Transport | undefined): Promise<number> {
  const client = new MessengerClient(
    clientOptions(server, address('me', 0), {
      daLoginCache: new DaLoginCache(),
      ...(transport === undefined ? {} : { transport }),
    }),
  );
  const start = performance.now();
  await client.signIn();
  const ms = performance.now() - start;
  await client.signOut();
  return ms;
}

export async function main(): Promise<void> {
  const server = await startServer({
    accounts: [
      ...accounts('me', 1, () => Array.from({ length: 20 }, (_, i) => address('friend', i))),
      ...accounts('friend', 20),
    ],
    latencyMs: LATENCY_MS,
  });
  try {
    const ca = await readFile(server.ca);
    let direct = Infinity;
    let gateway = Infinity;
    // In turn, so a burst of load elsewhere on the machine hits both alike.
    for (let i = 0; i < RUNS; i++) {
      direct = Math.min(direct, await timeSignIn(server, undefined));
      gateway = Math.min(gateway, await timeSignIn(server, gatewayTransport(server, ca)));
    }
    report({
      bench: 'gateway-sign-in',
      value: gateway / LATENCY_MS,
      unit: 'round trips',
      baseline: direct / LATENCY_MS,
      notes:
        `sign-in (dispatch → NS → Passport → SYN → online) through the HTTP gateway over HTTPS: ${gateway.toFixed(0)} ms, ` +
        `direct TCP: ${direct.toFixed(0)} ms; ${LATENCY_MS} ms per MSNP reply (the gateway's own HTTPS answers are not ` +
        `delayed), best of ${RUNS} each, cold Passport cache; the gateway answers a request carrying commands with ` +
        `their first reply, so a pipelined step costs one HTTP exchange`,
    });
  } finally {
    await server.close();
  }
}
