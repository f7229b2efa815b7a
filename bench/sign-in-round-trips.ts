// sign-in-round-trips: full sign-ins against the reference server delaying every reply by 50 ms,
// in units of that delay, each against the fewest dependent round trips the protocol allows
// (reasoning in the README). MSNP12: dispatch → NS → Passport nexus + login over HTTPS → SYN →
// online. MSNP18: dispatch → NS with the RST request to the login service alongside → USR S →
// the address book and memberships over SOAP → ADL → online. Cold: nothing known (no DALogin
// address, no tokens); warm: what an earlier sign-in of the same client left (the DALogin
// address; the login service's tokens).
import { MessengerClient } from '../src/main/msnp/client';
import { DaLoginCache } from '../src/main/msnp/passport';
import { startServer, type RunningServer } from '../test/server/index';
import { accounts, address, clientOptions } from './fixture';
import { report } from './lib';

const LATENCY_MS = 50;
/** VER+CVR+USR at dispatch, the same at the NS, Passport login, USR S, SYN+CHG+PNG; see the README. */
const MSNP12_MINIMUM = 5;
/** VER+CVR+USR at dispatch, the same at the NS (RST alongside), USR S, FindMembership+ABFindAll, ADL, CHG+UUX+PNG. */
const MSNP18_MINIMUM = 6;
/** The default offer spans SSO and TWN: at each server VER must be answered before USR I can be chosen. */
const DEFAULT_OFFER_MINIMUM = MSNP18_MINIMUM + 2;
const RUNS = 3;

interface Timed {
  readonly ms: number;
  /** What reached the servers, in order, with its time since the sign-in started. */
  readonly steps: string;
}

interface Variant {
  readonly protocols?: readonly number[];
  readonly pipelining: boolean;
  /** Signs in once before the measured sign-in, with the same client. */
  readonly warm: boolean;
}

async function timeSignIn(client: MessengerClient, log: Array<[number, string]>): Promise<Timed> {
  log.length = 0;
  const start = performance.now();
  await client.signIn();
  const ms = performance.now() - start;
  const steps = log
    .sort(([a], [b]) => a - b)
    .map(([at, what]) => `${what}@${Math.round(at - start)}`)
    .join(' ');
  await client.signOut();
  return { ms, steps };
}

/** The fastest of a few sign-ins, each by a new client. */
async function best(server: RunningServer, log: Array<[number, string]>, variant: Variant): Promise<Timed> {
  let fastest: Timed | undefined;
  for (let i = 0; i < RUNS; i++) {
    const client = new MessengerClient(
      clientOptions(server, address('me', 0), {
        daLoginCache: new DaLoginCache(),
        pipelining: variant.pipelining,
        protocols: variant.protocols,
      }),
    );
    if (variant.warm) await timeSignIn(client, log);
    const run = await timeSignIn(client, log);
    if (!fastest || run.ms < fastest.ms) fastest = run;
  }
  if (!fastest) throw new Error('no sign-in ran');
  return fastest;
}

/** Server log lines → the step they show and when it reached the server. */
function step(line: string, now: number): [number, string] | undefined {
  const command = /^(ds|ns) \S+ < ([A-Z]{3})/.exec(line);
  if (command) return [now, `${command[1]}:${command[2]}`];
  // The HTTPS server logs a request when it answers it, one delay after it arrived.
  const passport = /^passport GET (\S+)/.exec(line);
  if (passport) return [now - LATENCY_MS, passport[1]?.includes('pprdr') ? 'nexus' : 'login'];
  if (line === 'passport POST /RST.srf') return [now - LATENCY_MS, 'rst'];
  const soap = /^soap \S+ (\w+)$/.exec(line);
  if (soap?.[1]) return [now - LATENCY_MS, soap[1]];
  return undefined;
}

const rt = (t: Timed): string => `${(t.ms / LATENCY_MS).toFixed(2)} RT`;

export async function main(): Promise<void> {
  const log: Array<[number, string]> = [];
  const server = await startServer({
    // The signing-in account has a small list: 20 contacts, none of them online.
    accounts: [
      ...accounts('me', 1, () => Array.from({ length: 20 }, (_, i) => address('friend', i))),
      ...accounts('friend', 20),
    ],
    latencyMs: LATENCY_MS,
    log: (line) => {
      const seen = step(line, performance.now());
      if (seen) log.push(seen);
    },
  });
  try {
    const msnp12 = { protocols: [12], pipelining: true } as const;
    const cold = await best(server, log, { ...msnp12, warm: false });
    const warm = await best(server, log, { ...msnp12, warm: true });
    const coldSerial = await best(server, log, { ...msnp12, pipelining: false, warm: false });
    const warmSerial = await best(server, log, { ...msnp12, pipelining: false, warm: true });
    report({
      bench: 'sign-in-round-trips',
      value: cold.ms / LATENCY_MS,
      unit: 'round trips',
      baseline: MSNP12_MINIMUM,
      notes:
        `MSNP12: cold (nexus asked) ${rt(cold)}, warm (DALogin cached) ${rt(warm)}; ` +
        `without pipelining: cold ${rt(coldSerial)}, warm ${rt(warmSerial)}; ` +
        `${LATENCY_MS} ms per reply, best of ${RUNS}; steps in ms since the start (cold): ${cold.steps} → online@${Math.round(cold.ms)}; ` +
        `without pipelining (cold): ${coldSerial.steps} → online@${Math.round(coldSerial.ms)}`,
    });

    const msnp18 = { protocols: [18], pipelining: true } as const;
    const cold18 = await best(server, log, { ...msnp18, warm: false });
    const warm18 = await best(server, log, { ...msnp18, warm: true });
    const offerCold = await best(server, log, { pipelining: true, warm: false });
    const offerWarm = await best(server, log, { pipelining: true, warm: true });
    const serial18 = await best(server, log, { ...msnp18, pipelining: false, warm: false });
    const common =
      `${LATENCY_MS} ms per reply, best of ${RUNS}; the default offer (MSNP18…MSNP8, so VER alone at each server): ` +
      `cold ${rt(offerCold)}, warm ${rt(offerWarm)} against ${DEFAULT_OFFER_MINIMUM}; MSNP18 without pipelining, cold: ${rt(serial18)}`;
    report({
      bench: 'sign-in-round-trips-msnp18-cold',
      value: cold18.ms / LATENCY_MS,
      unit: 'round trips',
      baseline: MSNP18_MINIMUM,
      notes: `MSNP18 offered alone, no tokens: ${rt(cold18)}; ${common}; steps in ms since the start: ${cold18.steps} → online@${Math.round(cold18.ms)}; default offer: ${offerCold.steps} → online@${Math.round(offerCold.ms)}`,
    });
    report({
      bench: 'sign-in-round-trips-msnp18-warm',
      value: warm18.ms / LATENCY_MS,
      unit: 'round trips',
      baseline: MSNP18_MINIMUM,
      notes: `MSNP18 offered alone, the login service's tokens kept from the client's previous sign-in: ${rt(warm18)}; ${common}; steps in ms since the start: ${warm18.steps} → online@${Math.round(warm18.ms)}`,
    });
  } finally {
    await server.close();
  }
}
