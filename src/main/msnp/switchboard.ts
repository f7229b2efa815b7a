// One switchboard connection: authenticate (USR for a session we asked for, ANS for an invitation),
// invite people, exchange MSGs with acknowledgements, and track who is in the session. Policy
// (queueing, re-opening, what a conversation is) lives in the conversation manager.
import type { Participant } from '../../shared/schemas';
import { decodeName, serverToClientPayload, type Frame } from './codec';
import { TypedEmitter } from './emitter';
import { MsnpError } from './errors';
import { MAX_PAYLOAD_BYTES } from './format';
import { MsnpConnection } from './connection';
import type { Transport } from './transport';

export interface SwitchboardOptions {
  readonly host: string;
  readonly port: number;
  readonly cookie: string;
  /** Our own account. */
  readonly email: string;
  /** How long to wait for replies to USR, ANS and CAL. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** How long an `A` message may wait for its ACK before it counts as possibly lost. Default 60 s. */
  readonly ackTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Proxy, gateway and trace; default direct. */
  readonly transport?: Transport;
}

export interface SwitchboardEvents {
  /** Someone entered the session (`JOI`). */
  joined: Participant;
  /** Someone left (`BYE`); `idle` when the server removed them because the session idled out. */
  left: { readonly email: string; readonly idle: boolean };
  /** A message from another participant; the payload is the raw MIME block. */
  message: { readonly from: Participant; readonly payload: Buffer };
  /** The connection is gone. `error` is set when it failed rather than being closed by `leave`. */
  closed: { readonly error?: MsnpError };
  /** The socket can take more after being `congested` (bulk P2P data waits for this). */
  drain: undefined;
}

export type SwitchboardState = 'authenticating' | 'open' | 'leaving' | 'closed';

export class Switchboard extends TypedEmitter<SwitchboardEvents> {
  private readonly members = new Map<string, Participant>();
  private readonly ackTimeoutMs: number;
  private current: SwitchboardState = 'authenticating';

  private constructor(
    private readonly connection: MsnpConnection,
    private readonly options: SwitchboardOptions,
  ) {
    super();
    this.ackTimeoutMs = options.ackTimeoutMs ?? 60_000;
    connection.on('frame', (frame) => this.onFrame(frame));
    connection.on('drain', () => this.emit('drain', undefined));
    connection.on('close', ({ error }) => {
      const failed =
        this.current === 'leaving'
          ? undefined
          : (error ?? new MsnpError('network', 'The server closed the conversation'));
      this.current = 'closed';
      this.members.clear();
      this.emit('closed', failed ? { error: failed } : {});
    });
  }

  /**
   * Connects without authenticating, so listeners can be attached before anything can arrive;
   * then call `login` (a session from `XFR SB`) or `answer` (an invitation).
   */
  static async connect(options: SwitchboardOptions): Promise<Switchboard> {
    const connection = await MsnpConnection.connect({
      host: options.host,
      port: options.port,
      payloadRule: serverToClientPayload,
      role: 'sb',
      ...(options.transport === undefined ? {} : { transport: options.transport }),
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    });
    return new Switchboard(connection, options);
  }

  /** Authenticates a session we asked the notification server for: `USR` with the cookie. */
  async login(): Promise<void> {
    await this.authenticate('USR', [this.options.email, this.options.cookie]);
  }

  /**
   * Answers an invitation (`RNG`): `ANS` with the cookie and session id. Resolves once the server
   * confirms with `ANS OK`, with `participants` holding the roster it sent (`IRO`).
   */
  async answer(sessionId: string): Promise<void> {
    await this.authenticate('ANS', [this.options.email, this.options.cookie, sessionId]);
  }

  private async authenticate(command: 'USR' | 'ANS', params: string[]): Promise<void> {
    if (this.current !== 'authenticating') throw new MsnpError('state', `${command} is only sent once, first`);
    try {
      await this.connection.request(command, params, {
        map: (reply) => {
          if (reply.params[1] !== 'OK') {
            throw new MsnpError('protocol', `Unexpected ${command} reply: ${reply.params.join(' ')}`);
          }
        },
      });
    } catch (err) {
      this.connection.destroy();
      throw err;
    }
    if (this.current === 'authenticating') this.current = 'open';
  }

  get state(): SwitchboardState {
    return this.current;
  }

  /** The other people in the session (never ourselves). */
  get participants(): Participant[] {
    return [...this.members.values()];
  }

  has(email: string): boolean {
    return this.members.has(email.toLowerCase());
  }

  /**
   * Invites someone (`CAL`). Resolves when the server is ringing them; they are in once `joined`
   * fires. Rejects with the server's error, e.g. 217 when they are offline.
   */
  async invite(email: string): Promise<void> {
    this.checkOpen();
    await this.connection.request('CAL', [email]);
  }

  /**
   * Sends a payload with ack mode `A`. Resolves `true` on `ACK`, `false` on `NAK`; rejects with a
   * `timeout` error when neither comes in time, or a `network` error when the session closes first.
   */
  async sendAcked(payload: Buffer, onAnswer?: (acked: boolean) => void): Promise<boolean> {
    this.checkOpen();
    this.checkSize(payload);
    return this.connection.request('MSG', ['A'], {
      payload,
      accept: ['ACK', 'NAK'],
      timeoutMs: this.ackTimeoutMs,
      // Told as the answer is read, before the frames after it: a BYE in the same read must find
      // the message already answered, not still waiting (it would be sent again).
      map: (reply) => {
        const acked = reply.name === 'ACK';
        onAnswer?.(acked);
        return acked;
      },
    });
  }

  /**
   * Sends a P2P payload (`application/x-msnmsgrp2p`) with ack mode `D`, the only one servers
   * accept for P2P. Resolves `true` on `ACK`, `false` on `NAK`; rejects like `sendAcked`.
   */
  async sendP2P(payload: Buffer): Promise<boolean> {
    this.checkOpen();
    this.checkSize(payload);
    const reply = await this.connection.request('MSG', ['D'], {
      payload,
      accept: ['ACK', 'NAK'],
      timeoutMs: this.ackTimeoutMs,
    });
    return reply.name === 'ACK';
  }

  /** Whether the socket's write buffer is full; `drain` follows when it empties. */
  get congested(): boolean {
    return this.connection.congested;
  }

  /** Sends a payload with ack mode `U` (no answer) or `N` (answer only on failure, which is ignored). */
  sendUnacked(payload: Buffer, ack: 'U' | 'N'): void {
    this.checkOpen();
    this.checkSize(payload);
    this.connection.send('MSG', [ack], payload);
  }

  /** Leaves the session (`OUT`); `closed` follows when the server hangs up. */
  leave(): void {
    if (this.current === 'leaving' || this.current === 'closed') return;
    this.current = 'leaving';
    if (this.connection.isOpen) this.connection.sendWithoutTrid('OUT');
    this.connection.end();
  }

  private checkOpen(): void {
    if (this.current !== 'open') throw new MsnpError('state', `The switchboard session is not open (${this.current})`);
  }

  private checkSize(payload: Buffer): void {
    // The server would drop the whole session rather than refuse the one message.
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new RangeError(`MSG payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
    }
  }

  private member(handle: string | undefined, friendly: string | undefined): Participant | undefined {
    const email = placeOwner(handle, this.options.email);
    return email === undefined ? undefined : participant(email, friendly);
  }

  private onFrame(frame: Frame): void {
    const p = frame.params;
    switch (frame.name) {
      case 'IRO': {
        // IRO <trid> <index> <total> <handle> <friendly> [<caps>]
        const who = this.member(p[3], p[4]);
        if (who) this.members.set(who.email, who);
        return;
      }
      case 'JOI': {
        const who = this.member(p[0], p[1]);
        if (!who) return;
        const known = this.members.has(who.email);
        this.members.set(who.email, who);
        if (!known) this.emit('joined', who);
        return;
      }
      case 'BYE': {
        const handle = p[0]?.toLowerCase();
        // One place of someone signed in at several (MSNP16+) left; the person leaves with a bare BYE.
        if (!handle || handle.includes(';') || !this.members.delete(handle)) return;
        this.emit('left', { email: handle, idle: p[1] === '1' });
        return;
      }
      case 'MSG': {
        const [email, friendly] = [p[0], p[1]];
        if (!email || !frame.payload) return;
        this.emit('message', { from: participant(email, friendly), payload: frame.payload });
        return;
      }
      default:
      // Late ACK/NAKs of timed-out messages, NAKs of `N` messages and unknown commands need no reaction.
    }
  }
}

/**
 * The participant a roster line names, or undefined for none to show. From MSNP16 someone signed
 * in at several places appears as `email;{guid}` per place and as the bare address: they are one
 * participant. Your own other places joining are not a second you.
 */
function placeOwner(handle: string | undefined, self: string): string | undefined {
  const email = handle?.split(';')[0]?.toLowerCase();
  return email && email !== self.toLowerCase() ? email : undefined;
}

function participant(email: string, friendly: string | undefined): Participant {
  const lower = email.toLowerCase();
  return { email: lower, displayName: friendly ? decodeName(friendly) : lower };
}
