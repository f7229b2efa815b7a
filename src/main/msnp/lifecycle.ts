// A session's life: signing in (login, list sync, going online, the announcement), taking over
// the connection, keeping it alive, answering challenges, noticing its end (OUT, fatal errors, a
// dropped connection), reconnecting, and signing out. It owns the session phase.
import { readFile } from 'node:fs/promises';
import type { ServerConfig, SessionPhase, SignOutReason } from '../../shared/schemas';
import { cancelled } from './auth/mechanism';
import { challengeResponse, productKeyFor } from './challenge';
import type { MsnpConnection } from './connection';
import { ContactList } from './contact-list';
import type { ClientContext, SoapAccess } from './context';
import { dialectOf } from './dialects';
import { MsnpError, asMsnpError, serverError } from './errors';
import type { OfflineMessages } from './features/offline-messages';
import type { Presence } from './features/presence';
import type { Profile } from './features/profile';
import { KeepAlive, type KeepAliveOptions } from './keepalive';
import { login, type LoginResult } from './login';
import type { DaLoginCache } from './passport';
import { Backoff, Reconnector, type BackoffOptions } from './reconnect';
import { soapEndpoints } from './soap/endpoints';
import { TokenStore } from './soap/rst';
import { LIST_SYNCS } from './sync';
import { isProxyError, type Transport } from './transport';

export interface LifecycleOptions {
  readonly server: ServerConfig;
  readonly email: string;
  readonly password: string;
  /** Offered highest first. */
  readonly dialects: readonly number[];
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs: number;
  readonly keepAlive?: KeepAliveOptions;
  readonly reconnect?: BackoffOptions | false;
  readonly daLoginCache?: DaLoginCache;
  readonly pipelining?: boolean;
  /** Proxy, gateway and trace for the connections and HTTPS requests. Default: direct. */
  readonly transport?: Transport;
  /** `{GUID}` of this installation: SSO sends it where the dialect has multiple places (MSNP16+). */
  readonly machineGuid: string;
}

export class Lifecycle {
  private detach: Array<() => void> = [];
  private keepAlive: KeepAlive | undefined;
  private abort: AbortController | undefined;
  private readonly reconnector: Reconnector | undefined;
  /** The login service's tokens, kept across sign-ins and reconnections until they expire. */
  private readonly tokens = new TokenStore();

  constructor(
    private readonly ctx: ClientContext,
    private readonly options: LifecycleOptions,
    private readonly features: {
      readonly profile: Profile;
      readonly presence: Presence;
      readonly offlineMessages: OfflineMessages;
    },
  ) {
    this.reconnector =
      options.reconnect === false
        ? undefined
        : new Reconnector(new Backoff(options.reconnect), {
            attempt: (signal) => this.establish(signal, true),
            retry: (err, signal) => {
              this.teardown();
              if (signal.aborted) return false;
              const error = asMsnpError(err);
              if (error.kind !== 'auth') return true;
              this.tokens.clear();
              this.ctx.emit('error', error);
              this.finish('wrong-credentials', error.message);
              return false;
            },
            gaveUp: (loss) => this.finish(loss.reason, `${loss.message} (reconnecting failed)`),
          });
    ctx.onServerError = (code) => this.onServerError(code);
    ctx.handle('CHL', (frame) => this.onChallenge(frame.params[1]));
    ctx.handle('QNG', (frame) => {
      const seconds = frame.params[0];
      this.keepAlive?.pong(seconds !== undefined && /^\d{1,6}$/.test(seconds) ? Number(seconds) : undefined);
    });
    ctx.handle('OUT', (frame) => this.onOut(frame.params));
  }

  async signIn(): Promise<void> {
    if (this.ctx.phase !== 'signed-out') throw new MsnpError('state', 'Already signed in or signing in');
    const abort = new AbortController();
    this.abort = abort;
    try {
      await this.establish(abort.signal, false);
    } catch (err) {
      const error = asMsnpError(err);
      this.teardown();
      // A refused sign-in may be a refused token: the next attempt asks the login service again.
      if (error.kind === 'auth') this.tokens.clear();
      if (!abort.signal.aborted) {
        this.ctx.emit('error', error);
        this.finish(signInFailureReason(error), error.message);
      }
      throw error;
    }
  }

  async signOut(): Promise<void> {
    if (this.ctx.phase === 'signed-out') return;
    this.abort?.abort();
    this.reconnector?.cancel();
    const connection = this.release(new MsnpError('state', 'Signed out'));
    if (connection?.isOpen) {
      const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
      connection.sendWithoutTrid('OUT');
      connection.end();
      const timer = setTimeout(() => connection.destroy(), 2000);
      await closed;
      clearTimeout(timer);
    }
    this.finish('user', 'Signed out');
  }

  private async establish(signal: AbortSignal, reconnecting: boolean): Promise<void> {
    const progress = (phase: SessionPhase): void => {
      if (!reconnecting) this.setPhase(phase);
    };
    progress('connecting');
    const { server } = this.options;
    const ca = await readCa(server.caFile);
    if (signal.aborted) throw cancelled();
    const soapAccess = (session: LoginResult): SoapAccess | undefined => {
      const { serviceTicket } = session;
      if (!serviceTicket) return undefined;
      return {
        url: (service) => soapEndpoints(server)[service],
        ticket: serviceTicket,
        call: {
          ...(ca === undefined ? {} : { ca }),
          ...(server.allowInsecurePassport === undefined ? {} : { allowInsecure: server.allowInsecurePassport }),
          timeoutMs: this.options.requestTimeoutMs,
          ...(this.options.transport === undefined ? {} : { transport: this.options.transport }),
        },
      };
    };
    await login({
      host: server.host,
      port: server.port,
      email: this.options.email,
      password: this.options.password,
      dialects: this.options.dialects,
      nexusUrl: server.nexus ?? `https://${server.host.includes(':') ? `[${server.host}]` : server.host}/rdr/pprdr.asp`,
      ...(ca === undefined ? {} : { ca }),
      ...(server.allowInsecurePassport === undefined ? {} : { allowInsecurePassport: server.allowInsecurePassport }),
      ...(this.options.daLoginCache === undefined ? {} : { daLoginCache: this.options.daLoginCache }),
      ...(this.options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: this.options.connectTimeoutMs }),
      requestTimeoutMs: this.options.requestTimeoutMs,
      ...(this.options.pipelining === undefined ? {} : { pipelining: this.options.pipelining }),
      ...(this.options.transport === undefined ? {} : { transport: this.options.transport }),
      ...(this.options.dialects.some((d) => dialectOf(d).auth === 'SSO')
        ? { sso: { rstUrl: soapEndpoints(server).rst, tokens: this.tokens, machineGuid: this.options.machineGuid } }
        : {}),
      signal,
      onStep: (step) => {
        if (step === 'ver') progress('authenticating');
      },
      onAuthenticated: (session) => this.attach(session, soapAccess(session)),
    });
    progress('syncing');
    const { dialect } = this.ctx.session();
    const sync = LIST_SYNCS.get(dialect.lists.sync);
    if (!sync)
      throw new MsnpError(
        'unsupported',
        `${dialect.name} needs ${dialect.lists.sync} list sync, which is not built in`,
      );
    const timeoutMs = this.options.requestTimeoutMs;
    if (this.options.pipelining === false || !sync.pipelinesWithChg) {
      await sync.download(this.ctx, timeoutMs);
      await this.goOnline(this.options.pipelining !== false);
    } else {
      // The server answers the list request before it reads CHG, so the initial presence still follows the list.
      await Promise.all([sync.download(this.ctx, timeoutMs), this.goOnline(true)]);
    }
    if (signal.aborted) throw cancelled();
    this.setPhase('online');
    this.features.presence.announce(reconnecting);
    this.features.offlineMessages.announce();
  }

  /** Takes over the connection the moment `USR OK` arrives. */
  private attach(session: LoginResult, soap: SoapAccess | undefined): void {
    const { connection } = session;
    const { ctx } = this;
    ctx.connection = connection;
    ctx.dialect = dialectOf(session.dialect);
    ctx.soap = soap;
    ctx.model = new ContactList(session.email, session.displayName ?? session.email);
    this.features.profile.seed(ctx.model);
    this.features.offlineMessages.reset();
    ctx.announced = false;
    this.detach = [
      connection.on('frame', (frame) => ctx.route(frame)),
      connection.on('close', ({ error }) => this.onClosed(connection, error)),
    ];
    this.keepAlive = new KeepAlive(
      this.options.keepAlive ?? {},
      () => {
        if (connection.isOpen) connection.sendWithoutTrid('PNG');
      },
      () => connection.destroy(new MsnpError('timeout', 'The server stopped answering')),
    );
  }

  /** The profile's online steps (CHG, the personal message), then a ping; sent together when `pipelined`. */
  private async goOnline(pipelined: boolean): Promise<void> {
    const steps = this.features.profile.onlineSteps();
    const keepAlive = this.keepAlive;
    // The initial presence follows the CHG reply and the server answers in order, so once a
    // ping is answered the burst is complete.
    steps.push(async () => {
      if (!keepAlive || !(await keepAlive.ping())) throw new MsnpError('timeout', 'The server stopped answering');
    });
    if (pipelined) {
      await Promise.all(steps.map((step) => step()));
      return;
    }
    for (const step of steps) await step();
  }

  private onChallenge(challenge: string | undefined): void {
    const { connection, dialect } = this.ctx;
    if (challenge === undefined || !connection || !dialect) return;
    const pair = productKeyFor(dialect);
    connection.request('QRY', [pair.id], { payload: challengeResponse(challenge, pair) }).catch((err: unknown) => {
      // Some servers (Escargot) read QRY and never answer; only a refusal is worth reporting,
      // and the server disconnects after one anyway.
      if (err instanceof MsnpError && err.code !== undefined) this.ctx.emit('error', err);
    });
  }

  private onOut(params: readonly string[]): void {
    const [code, minutes] = params;
    const out = outcomeOf(code, minutes);
    if (this.ctx.phase !== 'online') {
      this.ctx.connection?.destroy(new MsnpError('server', out.message, { command: 'OUT' }));
      return;
    }
    this.loseSession(out.reason, out.message, out.reconnect, out.delayMs);
  }

  private onServerError(code: number): void {
    const error = serverError(code);
    this.ctx.emit('error', error);
    if (!error.fatal || this.ctx.phase !== 'online') return;
    if (error.kind === 'auth') this.loseSession('wrong-credentials', error.message, false);
    else this.loseSession('server-error', error.message, true);
  }

  private onClosed(connection: MsnpConnection, error: MsnpError | undefined): void {
    if (connection !== this.ctx.connection) return;
    const failure = error ?? new MsnpError('network', 'The server closed the connection');
    this.ctx.abortInterceptors(failure);
    this.teardown();
    // During sign-in the pending steps fail with this close and report it themselves.
    if (this.ctx.phase !== 'online') return;
    if (failure.kind === 'protocol') {
      this.ctx.emit('error', failure);
      this.loseSession('protocol-error', failure.message, false);
      return;
    }
    this.loseSession('connection-lost', failure.message, true);
  }

  private loseSession(reason: SignOutReason, message: string, reconnect: boolean, delayMs = 0): void {
    this.teardown();
    const reconnector = reconnect ? this.reconnector : undefined;
    this.ctx.emit('session-ended', { reason, message, reconnecting: reconnector !== undefined });
    if (!reconnector) {
      this.finish(reason, message);
      return;
    }
    this.setPhase('reconnecting');
    this.abort = new AbortController();
    reconnector.start(this.abort.signal, { reason, message }, delayMs);
  }

  private finish(reason: SignOutReason, message: string): void {
    if (this.ctx.phase === 'signed-out') return;
    this.reconnector?.cancel();
    this.teardown();
    this.setPhase('signed-out');
    this.ctx.emit('signed-out', { reason, message });
  }

  /** Detaches from the current connection and returns it, still open. */
  private release(reason: MsnpError): MsnpConnection | undefined {
    for (const off of this.detach.splice(0)) off();
    this.keepAlive?.stop();
    this.keepAlive = undefined;
    this.ctx.abortInterceptors(reason);
    this.ctx.announced = false;
    const connection = this.ctx.connection;
    this.ctx.connection = undefined;
    this.ctx.soap = undefined;
    return connection;
  }

  private teardown(): void {
    this.release(new MsnpError('network', 'Disconnected'))?.destroy();
  }

  private setPhase(phase: SessionPhase): void {
    if (this.ctx.phase === phase) return;
    this.ctx.phase = phase;
    this.ctx.emit('state', phase);
  }
}

async function readCa(path: string | undefined): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (err) {
    throw new MsnpError(
      'invalid',
      `Cannot read the CA file ${path}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** Why a sign-in attempt failed, in the terms the app shows. */
export function signInFailureReason(error: MsnpError): SignOutReason {
  switch (error.kind) {
    case 'auth':
      return 'wrong-credentials';
    case 'timeout':
    case 'network':
      return isProxyError(error) ? 'proxy-error' : 'unreachable';
    case 'server':
    case 'passport':
      return 'server-error';
    case 'state':
      return 'connection-lost';
    default:
      return 'protocol-error';
  }
}

interface OutOutcome {
  readonly reason: SignOutReason;
  readonly message: string;
  readonly reconnect: boolean;
  readonly delayMs?: number;
}

/** What `OUT [<code> [<minutes>]]` from the server means for the session. */
export function outcomeOf(code: string | undefined, minutes?: string): OutOutcome {
  switch (code) {
    case 'OTH':
      // Reconnecting would sign the other place out, and so on in a loop.
      return { reason: 'signed-in-elsewhere', message: 'You signed in at another location', reconnect: false };
    case 'SSD':
      return { reason: 'server-shutdown', message: 'The server is shutting down for maintenance', reconnect: true };
    case 'RCT': {
      const n = minutes !== undefined && /^\d{1,4}$/.test(minutes) ? Number(minutes) : 0;
      return {
        reason: 'server-shutdown',
        message: `The server closed temporarily${n > 0 ? `; it asked to reconnect in ${n} minutes` : ''}`,
        reconnect: true,
        delayMs: n * 60_000,
      };
    }
    case 'TOU':
      return { reason: 'server-error', message: 'The server requires accepting new terms of use', reconnect: false };
    default:
      return { reason: 'connection-lost', message: 'The server ended the session', reconnect: true };
  }
}
