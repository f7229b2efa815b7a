// Sign-in on the notification server, as an explicit sequence of steps:
//   connect → VER → (INF, MSNP2–7 | CVR, MSNP8+) → USR I → [XFR NS: next server, from the top]
//   → USR S (MD5 hash | Passport 1.4 ticket) → USR OK.
// A first server that is already the NS (Escargot) simply answers USR I with USR S.
// When every offered dialect uses Passport, VER, CVR and USR I do not depend on each other's
// replies and go out together (servers answer in order), and the Passport nexus is asked while
// they travel: one round trip per server instead of three.
import { createHash } from 'node:crypto';
import { serverToClientPayload, decodeName, type Frame } from './codec';
import { MsnpConnection } from './connection';
import { MsnpError } from './errors';
import { passportTicket, prefetchLoginUrl, type DaLoginCache } from './passport';
import type { Transport } from './transport';

/** Dialects this engine speaks, highest first. */
export const SUPPORTED_DIALECTS: readonly number[] = [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2];
export const DEFAULT_DIALECTS: readonly number[] = [12, 11, 10, 9, 8];

export type LoginStep = 'connect' | 'ver' | 'inf' | 'cvr' | 'usr-initial' | 'passport' | 'usr-subsequent';

export interface LoginOptions {
  readonly host: string;
  readonly port: number;
  readonly email: string;
  readonly password: string;
  /** Dialect numbers to offer, highest first. */
  readonly dialects: readonly number[];
  readonly nexusUrl: string;
  /** Extra CA (PEM) for the Passport HTTPS servers. */
  readonly ca?: string | Buffer;
  readonly allowInsecurePassport?: boolean;
  readonly daLoginCache?: DaLoginCache;
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** `XFR NS` referrals followed before giving up. Default 3. */
  readonly maxReferrals?: number;
  /** Sends commands that do not wait on each other's replies together (see above). Default true. */
  readonly pipelining?: boolean;
  readonly signal?: AbortSignal;
  /** Proxy, gateway and trace for the connections and the Passport requests. Default: direct. */
  readonly transport?: Transport;
  /** Progress, for the UI and for tests. */
  readonly onStep?: (step: LoginStep) => void;
  /**
   * Called synchronously when `USR OK` arrives, before any later frame is routed, so the caller
   * can attach its handlers without missing what the server sends right after (profile, SBS…).
   */
  readonly onAuthenticated?: (session: LoginResult) => void;
}

export interface LoginResult {
  readonly connection: MsnpConnection;
  readonly dialect: number;
  /** The account as the server spells it. */
  readonly email: string;
  /** From `USR OK` in MSNP2–9; MSNP10+ sends it later in the list download (`PRP MFN`). */
  readonly displayName?: string;
}

type Outcome = { readonly done: LoginResult } | { readonly referral: { host: string; port: number } };

/** Client version reported in CVR, per dialect (what the official client of that era sent). */
const CLIENT_VERSIONS: Readonly<Record<number, string>> = {
  8: '5.0.0540',
  9: '6.0.0602',
  10: '6.2.0208',
  11: '7.0.0816',
  12: '7.5.0324',
};

export async function login(options: LoginOptions): Promise<LoginResult> {
  const maxReferrals = options.maxReferrals ?? 3;
  if (pipelined(options)) {
    prefetchLoginUrl({
      nexusUrl: options.nexusUrl,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.allowInsecurePassport === undefined ? {} : { allowInsecure: options.allowInsecurePassport }),
      ...(options.daLoginCache === undefined ? {} : { cache: options.daLoginCache }),
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.transport === undefined ? {} : { transport: options.transport }),
    });
  }
  let target = { host: options.host, port: options.port };
  for (let hop = 0; ; hop++) {
    const outcome = await loginAt(target, options);
    if ('done' in outcome) return outcome.done;
    if (hop >= maxReferrals) {
      throw new MsnpError('protocol', `The server referred the sign-in more than ${maxReferrals} times`);
    }
    target = outcome.referral;
  }
}

async function loginAt(target: { host: string; port: number }, options: LoginOptions): Promise<Outcome> {
  const { signal } = options;
  throwIfCancelled(signal);
  options.onStep?.('connect');
  const connection = await MsnpConnection.connect({
    host: target.host,
    port: target.port,
    payloadRule: serverToClientPayload,
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.transport === undefined ? {} : { transport: options.transport }),
  });
  const abort = (): void => connection.destroy(cancelled());
  if (signal?.aborted) abort();
  signal?.addEventListener('abort', abort);
  try {
    options.onStep?.('ver');
    const outcome = pipelined(options)
      ? await pipelinedTweener(connection, options)
      : await negotiate(connection, options.dialects).then((dialect) =>
          dialect >= 8 ? tweener(connection, dialect, options) : md5(connection, dialect, options),
        );
    if ('referral' in outcome) connection.destroy();
    return outcome;
  } catch (err) {
    connection.destroy();
    throw err;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/** Only Passport dialects on offer: the USR method is known before the server picks one. */
function pipelined(options: LoginOptions): boolean {
  return options.pipelining !== false && options.dialects.every((d) => d >= 8);
}

async function negotiate(connection: MsnpConnection, dialects: readonly number[]): Promise<number> {
  return chosenDialect(await connection.request('VER', verParams(dialects)), dialects);
}

function verParams(dialects: readonly number[]): string[] {
  return [...dialects.map((d) => `MSNP${d}`), 'CVR0'];
}

function chosenDialect(reply: Frame, dialects: readonly number[]): number {
  const offered = dialects.map((d) => `MSNP${d}`);
  // Take the first offered dialect named; old servers echo several, Escargot names one.
  const chosen = reply.params.slice(1).find((t) => offered.includes(t));
  if (chosen === undefined) {
    throw new MsnpError(
      'protocol',
      `The server supports none of the offered protocol versions (${offered.join(', ')})`,
      {
        command: 'VER',
      },
    );
  }
  return Number(chosen.slice(4));
}

async function md5(connection: MsnpConnection, dialect: number, options: LoginOptions): Promise<Outcome> {
  options.onStep?.('inf');
  const inf = await connection.request('INF');
  if (!inf.params.slice(1).includes('MD5')) {
    throw new MsnpError('protocol', `The server offers no supported authentication (${inf.params.slice(1).join(' ')})`);
  }
  options.onStep?.('usr-initial');
  const first = await connection.request('USR', ['MD5', 'I', options.email], { accept: ['USR', 'XFR'] });
  const referral = referralOf(first);
  if (referral) return { referral };
  const salt = first.params[3];
  if (first.params[1] !== 'MD5' || first.params[2] !== 'S' || salt === undefined) {
    throw unexpected('USR', first);
  }
  const hash = createHash('md5')
    .update(salt + options.password, 'utf8')
    .digest('hex');
  options.onStep?.('usr-subsequent');
  return { done: await finish(connection, dialect, ['MD5', 'S', hash], options) };
}

async function tweener(connection: MsnpConnection, dialect: number, options: LoginOptions): Promise<Outcome> {
  options.onStep?.('cvr');
  await connection.request('CVR', cvrParams(dialect, options.email));
  options.onStep?.('usr-initial');
  const first = await connection.request('USR', usrInitialParams(options.email), { accept: ['USR', 'XFR'] });
  return afterUsrInitial(connection, dialect, first, options);
}

/**
 * VER, CVR and USR I in one go. CVR reports the version of the highest dialect offered, as the
 * official clients reported their own version whatever was negotiated. Replies are awaited in
 * order, so a failed VER is what gets reported, not the CVR or USR it took down with it.
 */
async function pipelinedTweener(connection: MsnpConnection, options: LoginOptions): Promise<Outcome> {
  const ver = connection.request('VER', verParams(options.dialects));
  const cvr = connection.request('CVR', cvrParams(Math.max(...options.dialects), options.email));
  const usr = connection.request('USR', usrInitialParams(options.email), { accept: ['USR', 'XFR'] });
  // Settled below or abandoned when an earlier reply fails; never an unhandled rejection.
  cvr.catch(() => undefined);
  usr.catch(() => undefined);
  const dialect = chosenDialect(await ver, options.dialects);
  options.onStep?.('cvr');
  await cvr;
  options.onStep?.('usr-initial');
  return afterUsrInitial(connection, dialect, await usr, options);
}

function cvrParams(dialect: number, email: string): string[] {
  const version = CLIENT_VERSIONS[dialect] ?? '7.5.0324';
  return ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', version, 'MSMSGS', email];
}

const usrInitialParams = (email: string): string[] => ['TWN', 'I', email];

async function afterUsrInitial(
  connection: MsnpConnection,
  dialect: number,
  first: Frame,
  options: LoginOptions,
): Promise<Outcome> {
  const referral = referralOf(first);
  if (referral) return { referral };
  const params = first.params[3];
  if (first.params[1] !== 'TWN' || first.params[2] !== 'S' || params === undefined) {
    throw unexpected('USR', first);
  }
  options.onStep?.('passport');
  const ticket = await passportTicket({
    nexusUrl: options.nexusUrl,
    email: options.email,
    password: options.password,
    params,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.allowInsecurePassport === undefined ? {} : { allowInsecure: options.allowInsecurePassport }),
    ...(options.daLoginCache === undefined ? {} : { cache: options.daLoginCache }),
    ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.transport === undefined ? {} : { transport: options.transport }),
  });
  throwIfCancelled(options.signal);
  options.onStep?.('usr-subsequent');
  return { done: await finish(connection, dialect, ['TWN', 'S', ticket], options) };
}

/** Sends the final `USR … S` and reads `USR trid OK <email> [<friendly> (≤9)] …`. */
function finish(
  connection: MsnpConnection,
  dialect: number,
  params: readonly string[],
  options: LoginOptions,
): Promise<LoginResult> {
  return connection.request('USR', params, {
    map: (reply) => {
      const [, ok, email, friendly] = reply.params;
      if (ok !== 'OK' || email === undefined) throw unexpected('USR', reply);
      const result: LoginResult = {
        connection,
        dialect,
        email,
        ...(dialect < 10 && friendly !== undefined ? { displayName: decodeName(friendly) } : {}),
      };
      options.onAuthenticated?.(result);
      return result;
    },
  });
}

/** `XFR trid NS <host:port> 0 [<current>]`; undefined when the reply is not a referral. */
function referralOf(reply: Frame): { host: string; port: number } | undefined {
  if (reply.name !== 'XFR') return undefined;
  const address = reply.params[1] === 'NS' ? parseHostPort(reply.params[2]) : undefined;
  if (!address) throw unexpected('XFR', reply);
  return address;
}

const cancelled = (): MsnpError => new MsnpError('state', 'Sign-in cancelled');

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

function unexpected(command: string, reply: Frame): MsnpError {
  const line = [reply.name, ...reply.params].join(' ').slice(0, 200);
  return new MsnpError('protocol', `Unexpected reply to ${command}: ${line}`, { command });
}

/** Splits `host:port` (also `[v6]:port`); undefined when malformed. */
export function parseHostPort(text: string | undefined): { host: string; port: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (host === undefined || !(port >= 1 && port <= 65535)) return undefined;
  return { host, port };
}
