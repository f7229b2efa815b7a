// gateway-chat: how long a message takes from one person to the other when both are on the
// HTTP gateway (each switchboard a polled gateway session), against both on direct TCP, in the
// same run. The receiving side learns of a message at its next poll, so the poll interval
// (1 s by default, as the official client) dominates; a shorter one is measured too.
import { readFile } from 'node:fs/promises';
import { MessengerClient } from '../src/main/msnp/client';
import { DEFAULT_FORMAT } from '../src/main/msnp/format';
import type { Transport } from '../src/main/msnp/transport';
import { startServer, type RunningServer } from '../test/server/index';
import { gatewayTransport } from './gateway-sign-in';
import { accounts, address, clientOptions } from './fixture';
import { percentile, report } from './lib';

const MESSAGES = 30;

async function pair(server: RunningServer, transport: () => Transport | undefined): Promise<MessengerClient[]> {
  const people = [address('a', 0), address('b', 0)].map((email) => {
    const t = transport();
    return new MessengerClient(clientOptions(server, email, t === undefined ? {} : { transport: t }));
  });
  for (const p of people) await p.signIn();
  return people;
}

/** Median and 95th percentile of send → received, one message at a time. */
async function latencies(from: MessengerClient, to: MessengerClient): Promise<{ median: number; p95: number }> {
  const conversation = from.conversations.open(to.email);
  const times: number[] = [];
  for (let i = 0; i < MESSAGES + 1; i++) {
    const text = `message ${i}`;
    const arrived = new Promise<void>((resolve) => {
      const off = to.conversations.on('message', (m) => {
        if (m.text !== text) return;
        off();
        resolve();
      });
    });
    const start = performance.now();
    from.conversations.send(conversation, text, DEFAULT_FORMAT);
    await arrived;
    // The first one also opens the switchboard: not a chat latency.
    if (i > 0) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p95: percentile(times, 95) };
}

async function measure(
  server: RunningServer,
  transport: () => Transport | undefined,
): Promise<{ median: number; p95: number }> {
  const [a, b] = await pair(server, transport);
  if (!a || !b) throw new Error('nobody signed in');
  try {
    return await latencies(a, b);
  } finally {
    await Promise.all([a.signOut(), b.signOut()]);
  }
}

export async function main(): Promise<void> {
  const server = await startServer({
    accounts: [...accounts('a', 1, () => [address('b', 0)]), ...accounts('b', 1, () => [address('a', 0)])],
    challenges: false,
  });
  try {
    const ca = await readFile(server.ca);
    const direct = await measure(server, () => undefined);
    const polled = await measure(server, () => gatewayTransport(server, ca));
    const quick = await measure(server, () => gatewayTransport(server, ca, 100));
    const ms = (l: { median: number; p95: number }): string =>
      `median ${l.median.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms`;
    report({
      bench: 'gateway-chat',
      value: polled.median,
      unit: 'ms send → received (median)',
      baseline: direct.median,
      notes:
        `${MESSAGES} messages one at a time on an open switchboard; gateway, polls from 100 ms doubling to at most 1 s: ${ms(polled)}; ` +
        `gateway polling at most every 100 ms: ${ms(quick)}; direct TCP: ${ms(direct)}`,
    });
  } finally {
    await server.close();
  }
}
