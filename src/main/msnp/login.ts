// Sign-in on the notification server, as an explicit sequence of steps:
//   connect → VER → (INF | CVR, as the dialect table says) → USR I → [XFR NS: next server, from
//   the top] → USR S (the answer of the dialect's auth mechanism) → USR OK.
// A first server that is already the NS (Escargot) simply answers USR I with USR S.
// When every offered dialect uses the same mechanism after a CVR, VER, CVR and USR I do not
// depend on each other's replies and go out together (servers answer in order): one round trip
// per server instead of three. When the offer spans mechanisms (SSO at 15+, TWN below), the
// `USR … I` depends on the dialect the server picks, so VER goes alone and CVR and USR I go
// together after its reply: two. Either way the preparation of every offered mechanism (TWN: the
// Passport nexus; SSO: the login service's tokens) needs nothing from the server and runs while
// they travel; the one the server's pick does not need is wasted, and its failure ignored.
import { serverToClientPayload, decodeName, type Frame } from './codec';
import { MsnpConnection } from './connection';
import { dialectOf, type Dialect } from './dialects';
import { MsnpError } from './errors';
import { AUTH_MECHANISMS } from './auth';
import { cancelled, throwIfCancelled, type AuthMechanism, type AuthSettings } from './auth/mechanism';
import type { ServiceName } from './soap/rst';

export type { LoginStep } from './auth/mechanism';

export interface LoginOptions extends AuthSettings {
  readonly host: string;
  readonly port: number;
  /** Dialect numbers to offer, highest first. */
  readonly dialects: readonly number[];
  readonly connectTimeoutMs?: number;
  /** `XFR NS` referrals followed before giving up. Default 3. */
  readonly maxReferrals?: number;
  /** Sends commands that do not wait on each other's replies together (see above). Default true. */
  readonly pipelining?: boolean;
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
  /** From `USR OK` where the dialect sends it there (MSNP2–9); later ones send it with the list (`PRP MFN`). */
  readonly displayName?: string;
  /** The `TicketToken` for a SOAP service of this session, where the mechanism has them (MSNP13+). */
  readonly serviceTicket?: (service: ServiceName, renew: boolean) => Promise<string>;
}

type Outcome = { readonly done: LoginResult } | { readonly referral: { host: string; port: number } };

/** The mechanism a dialect signs in with; the table only names mechanisms the engine has. */
function mechanismOf(dialect: Dialect): AuthMechanism {
  const mechanism = AUTH_MECHANISMS.get(dialect.auth);
  if (!mechanism)
    throw new MsnpError('unsupported', `${dialect.name} needs ${dialect.auth} sign-in, which is not built in`);
  return mechanism;
}

export async function login(options: LoginOptions): Promise<LoginResult> {
  const maxReferrals = options.maxReferrals ?? 3;
  const prepare =
    options.pipelining === false
      ? undefined
      : () => {
          for (const mechanism of offeredMechanisms(options)) mechanism.prepare?.(options);
        };
  let target = { host: options.host, port: options.port };
  for (let hop = 0; ; hop++) {
    const outcome = await loginAt(target, options, hop === 0 ? prepare : undefined);
    if ('done' in outcome) return outcome.done;
    if (hop >= maxReferrals) {
      throw new MsnpError('protocol', `The server referred the sign-in more than ${maxReferrals} times`);
    }
    target = outcome.referral;
  }
}

/** `whileConnecting` runs once the connection is under way, so its work does not delay the connect. */
async function loginAt(
  target: { host: string; port: number },
  options: LoginOptions,
  whileConnecting?: () => void,
): Promise<Outcome> {
  const { signal } = options;
  throwIfCancelled(signal);
  options.onStep?.('connect');
  const connecting = MsnpConnection.connect({
    host: target.host,
    port: target.port,
    payloadRule: serverToClientPayload,
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.transport === undefined ? {} : { transport: options.transport }),
  });
  whileConnecting?.();
  const connection = await connecting;
  const abort = (): void => connection.destroy(cancelled());
  if (signal?.aborted) abort();
  signal?.addEventListener('abort', abort);
  try {
    options.onStep?.('ver');
    const mechanism = pipelinedMechanism(options);
    const outcome = mechanism
      ? await pipelinedSignIn(connection, mechanism, options)
      : await signInAfterVer(connection, options);
    if ('referral' in outcome) connection.destroy();
    return outcome;
  } catch (err) {
    connection.destroy();
    throw err;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/**
 * The one mechanism every offered dialect uses after a CVR, when pipelining is on: then the USR I
 * to send is known before the server picks a dialect. Undefined otherwise.
 */
function pipelinedMechanism(options: LoginOptions): AuthMechanism | undefined {
  if (options.pipelining === false) return undefined;
  const rows = options.dialects.map((d) => dialectOf(d));
  const first = rows[0];
  if (!first || rows.some((d) => d.handshake !== 'CVR' || d.auth !== first.auth)) return undefined;
  return mechanismOf(first);
}

/** The distinct mechanisms of the offered dialects, in the order first offered. */
function offeredMechanisms(options: LoginOptions): AuthMechanism[] {
  return [...new Set(options.dialects.map((d) => dialectOf(d).auth))].flatMap((name) => {
    const mechanism = AUTH_MECHANISMS.get(name);
    return mechanism ? [mechanism] : [];
  });
}

function verParams(dialects: readonly number[]): string[] {
  return [...dialects.map((d) => dialectOf(d).name), 'CVR0'];
}

function chosenDialect(reply: Frame, dialects: readonly number[]): Dialect {
  const offered = dialects.map((d) => dialectOf(d));
  // Take the first offered dialect named; old servers echo several, Escargot names one.
  const chosen = reply.params
    .slice(1)
    .map((t) => offered.find((d) => d.name === t))
    .find((d) => d !== undefined);
  if (chosen === undefined) {
    throw new MsnpError(
      'protocol',
      `The server supports none of the offered protocol versions (${offered.map((d) => d.name).join(', ')})`,
      {
        command: 'VER',
      },
    );
  }
  return chosen;
}

/**
 * VER, then INF or CVR as the chosen dialect wants, then USR I. Without pipelining each waits
 * for the previous reply; with it, CVR and USR I (both known once the dialect is) go together.
 */
async function signInAfterVer(connection: MsnpConnection, options: LoginOptions): Promise<Outcome> {
  const dialect = chosenDialect(await connection.request('VER', verParams(options.dialects)), options.dialects);
  const mechanism = mechanismOf(dialect);
  if (dialect.handshake === 'CVR' && options.pipelining !== false) {
    const usr = await sendCvrAndUsr(connection, dialect, mechanism, options)();
    return afterUsrInitial(connection, dialect, mechanism, usr, options);
  }
  if (dialect.handshake === 'INF') {
    options.onStep?.('inf');
    const inf = await connection.request('INF');
    if (!inf.params.slice(1).includes(mechanism.name)) {
      throw new MsnpError(
        'protocol',
        `The server offers no supported authentication (${inf.params.slice(1).join(' ')})`,
      );
    }
  } else {
    options.onStep?.('cvr');
    await connection.request('CVR', cvrParams(dialect, options.email));
  }
  options.onStep?.('usr-initial');
  const first = await connection.request('USR', usrInitialParams(mechanism, options.email), {
    accept: ['USR', 'XFR'],
  });
  return afterUsrInitial(connection, dialect, mechanism, first, options);
}

/**
 * VER, CVR and USR I in one go. Replies are awaited in order, so a failed VER is what gets
 * reported, not the CVR or USR it took down with it.
 */
async function pipelinedSignIn(
  connection: MsnpConnection,
  mechanism: AuthMechanism,
  options: LoginOptions,
): Promise<Outcome> {
  const ver = connection.request('VER', verParams(options.dialects));
  const replies = sendCvrAndUsr(connection, highestOffered(options), mechanism, options);
  const dialect = chosenDialect(await ver, options.dialects);
  return afterUsrInitial(connection, dialect, mechanism, await replies(), options);
}

/**
 * Sends CVR and USR I together; the function returned awaits their replies in order (so a failed
 * CVR is what gets reported) and resolves with the USR's.
 */
function sendCvrAndUsr(
  connection: MsnpConnection,
  cvrDialect: Dialect,
  mechanism: AuthMechanism,
  options: LoginOptions,
): () => Promise<Frame> {
  const cvr = connection.request('CVR', cvrParams(cvrDialect, options.email));
  const usr = connection.request('USR', usrInitialParams(mechanism, options.email), { accept: ['USR', 'XFR'] });
  // Settled below or abandoned when an earlier reply fails; never an unhandled rejection.
  cvr.catch(() => undefined);
  usr.catch(() => undefined);
  return async () => {
    options.onStep?.('cvr');
    await cvr;
    options.onStep?.('usr-initial');
    return usr;
  };
}

/**
 * Before the server picks, CVR reports the version of the highest dialect offered, as the
 * official clients reported their own version whatever was negotiated.
 */
const highestOffered = (options: LoginOptions): Dialect => dialectOf(Math.max(...options.dialects));

function cvrParams(dialect: Dialect, email: string): string[] {
  const version = dialect.clientVersion ?? '7.5.0324';
  return ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', version, 'MSMSGS', email];
}

const usrInitialParams = (mechanism: AuthMechanism, email: string): string[] => [mechanism.name, 'I', email];

async function afterUsrInitial(
  connection: MsnpConnection,
  dialect: Dialect,
  mechanism: AuthMechanism,
  first: Frame,
  options: LoginOptions,
): Promise<Outcome> {
  const referral = referralOf(first);
  if (referral) return { referral };
  const challenge = first.params.slice(3);
  if (first.params[1] !== mechanism.name || first.params[2] !== 'S' || challenge.length === 0) {
    throw unexpected('USR', first);
  }
  const answer = await mechanism.respond(challenge, options, dialect);
  options.onStep?.('usr-subsequent');
  const ticketFor = mechanism.ticketFor?.bind(mechanism);
  const serviceTicket =
    ticketFor && ((service: ServiceName, renew: boolean) => ticketFor(service, options, answer, renew));
  return { done: await finish(connection, dialect, [mechanism.name, 'S', ...answer], options, serviceTicket) };
}

/** Sends the final `USR … S` and reads `USR trid OK <email> [<friendly> (≤9)] …`. */
function finish(
  connection: MsnpConnection,
  dialect: Dialect,
  params: readonly string[],
  options: LoginOptions,
  serviceTicket: LoginResult['serviceTicket'],
): Promise<LoginResult> {
  return connection.request('USR', params, {
    map: (reply) => {
      const [, ok, email, friendly] = reply.params;
      if (ok !== 'OK' || email === undefined) throw unexpected('USR', reply);
      const result: LoginResult = {
        connection,
        dialect: dialect.version,
        email,
        ...(dialect.syntax.nameInUsrOk && friendly !== undefined ? { displayName: decodeName(friendly) } : {}),
        ...(serviceTicket === undefined ? {} : { serviceTicket }),
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
