// What the client's feature modules share: the current notification connection and its dialect
// row, the contact-list model, the event sink, and the routing of incoming frames to the module
// that registered for them. One per MessengerClient; connections come and go underneath it.
import type { Privacy, Profile, SessionPhase } from '../../shared/schemas';
import type { Frame } from './codec';
import type { Command } from './commands';
import type { MsnpConnection, RequestOptions } from './connection';
import { ContactList } from './contact-list';
import type { Dialect } from './dialects';
import { MsnpError, isErrorCode } from './errors';
import type { MessengerEvents } from './events';
import type { SoapEndpoints } from './soap/endpoints';
import type { SoapCall } from './soap/http';
import type { ServiceName } from './soap/rst';

export type Emit = <K extends keyof MessengerEvents>(event: K, payload: MessengerEvents[K]) => void;

/** A signed-in connection and the dialect it speaks. */
export interface Session {
  readonly connection: MsnpConnection;
  readonly dialect: Dialect;
}

/** How this session reaches the server's SOAP services (MSNP13+). */
export interface SoapAccess {
  /** A service's address; throws an MsnpError when the server entry's is unusable. */
  url(service: keyof SoapEndpoints): string;
  /** The `TicketToken` that opens `service` for this session; `renew` after the service said it expired. */
  ticket(service: ServiceName, renew: boolean): Promise<string>;
  /** What every call shares: the server's CA, whether plain HTTP is allowed, the time limit, the proxy. */
  readonly call: Pick<SoapCall, 'ca' | 'allowInsecure' | 'timeoutMs' | 'transport'>;
}

/**
 * Something that reads frames before the per-command handlers do, e.g. a list download claiming
 * the lines that answer its request. It is aborted when the connection goes.
 */
export interface FrameInterceptor {
  /** True when the frame was consumed. */
  feed(frame: Frame): boolean;
  abort(error: MsnpError): void;
}

export class ClientContext {
  connection: MsnpConnection | undefined;
  dialect: Dialect | undefined;
  /** Set for sessions whose dialect keeps its lists in SOAP services. */
  soap: SoapAccess | undefined;
  model: ContactList;
  phase: SessionPhase = 'signed-out';
  /** Changes are reported only once the list has been announced after sign-in. */
  announced = false;
  /** Numeric error lines that answer no request of ours. */
  onServerError: (code: number) => void = () => undefined;
  private readonly handlers = new Map<string, (frame: Frame) => void>();
  private readonly interceptors = new Set<FrameInterceptor>();

  constructor(
    /** The account, normalised. */
    readonly email: string,
    readonly emit: Emit,
  ) {
    this.model = new ContactList(email);
  }

  /** Registers the handler of an asynchronous command; one module owns each command. */
  handle(name: string, handler: (frame: Frame) => void): void {
    if (this.handlers.has(name)) throw new Error(`${name} already has a handler`);
    this.handlers.set(name, handler);
  }

  /** Lets `interceptor` read frames first until the returned function is called. */
  intercept(interceptor: FrameInterceptor): () => void {
    this.interceptors.add(interceptor);
    return () => this.interceptors.delete(interceptor);
  }

  /** Routes a frame that answers no request: interceptors, then errors, then its command's handler. */
  route(frame: Frame): void {
    for (const interceptor of this.interceptors) if (interceptor.feed(frame)) return;
    if (isErrorCode(frame.name)) {
      this.onServerError(Number(frame.name));
      return;
    }
    // Anything else is ignored: servers add commands.
    this.handlers.get(frame.name)?.(frame);
  }

  /** Aborts whatever is reading frames, because the connection is going. */
  abortInterceptors(error: MsnpError): void {
    for (const interceptor of [...this.interceptors]) interceptor.abort(error);
  }

  session(): Session {
    if (!this.connection || !this.dialect) throw new MsnpError('state', 'Not signed in');
    return { connection: this.connection, dialect: this.dialect };
  }

  /** Runs an operation that needs an online session; errors come back as rejections. */
  async run<T>(operation: (session: Session) => Promise<T>): Promise<T> {
    if (this.phase !== 'online') throw new MsnpError('state', 'Not signed in');
    return operation(this.session());
  }

  call<T = Frame>(command: Command, options: RequestOptions<T> = {}): Promise<T> {
    return this.session().connection.request<T>(command.name, command.params, options);
  }

  emitContact(email: string): void {
    if (!this.announced) return;
    const key = email.toLowerCase();
    this.emit('list-changed', { email: key, contact: this.model.get(key) });
  }

  applyProfile(change: Partial<Omit<Profile, 'email'>>): void {
    const profile = this.model.updateProfile(change);
    if (this.announced) this.emit('profile-changed', profile);
  }

  applyPrivacy(change: Partial<Privacy>): void {
    const privacy = this.model.setPrivacy(change);
    if (this.announced) this.emit('privacy-changed', privacy);
  }
}
