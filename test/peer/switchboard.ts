// One switchboard session as a client: join by XFR/USR/CAL or by RNG/ANS, MSG with acks, a
// bounded window of un-ACKed data messages (P2P.md §3.6).
import { Connection, WireError, type Command } from './wire';

/** Un-ACKed windowed MSG D at most (P2P.md §3.6). */
export const WINDOW = 16;

export interface Ring {
  readonly sessionId: string;
  readonly address: string;
  readonly cookie: string;
  readonly caller: string;
}

export class Switchboard {
  /** Other participants, lower-case. */
  readonly members = new Set<string>();
  onMessage: (from: string, payload: Buffer) => void = () => {};
  onLeave: (email: string) => void = () => {};
  private inFlight = 0;
  private readonly windowWaiters: Array<() => void> = [];
  private joinWaiters: Array<{ email: string; resolve: () => void }> = [];

  private constructor(
    readonly conn: Connection,
    readonly me: string,
  ) {
    conn.onCommand = (c) => this.onCommand(c);
    conn.onClose(() => {
      for (const w of this.windowWaiters.splice(0)) w();
      // Not "left": whoever owns the connection learns from its own close handler that it is gone.
      this.members.clear();
    });
  }

  /** XFR SB on the NS, USR on the switchboard, CAL `peer`, wait for JOI. */
  static async call(ns: Connection, me: string, peer: string, timeoutMs = 15_000): Promise<Switchboard> {
    const xfr = await ns.request('XFR', ['SB']);
    const [, , address = '', , cookie = ''] = xfr.params;
    const sb = new Switchboard(await Connection.open(address, `sb(${me})`), me);
    try {
      await sb.conn.request('USR', [me, cookie]);
      const joined = sb.waitJoin(peer, timeoutMs);
      await sb.conn.request('CAL', [peer]);
      await joined;
      return sb;
    } catch (err) {
      sb.conn.destroy('could not start the conversation');
      throw err;
    }
  }

  /** ANS to an RNG; done after ANS OK, with the roster from IRO. */
  static async answer(ring: Ring, me: string): Promise<Switchboard> {
    const sb = new Switchboard(await Connection.open(ring.address, `sb(${me})`), me);
    try {
      await sb.conn.request('ANS', [me, ring.cookie, ring.sessionId]);
      return sb;
    } catch (err) {
      sb.conn.destroy('could not answer');
      throw err;
    }
  }

  get open(): boolean {
    return !this.conn.closed;
  }

  waitJoin(email: string, timeoutMs = 15_000): Promise<void> {
    if (this.members.has(email)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new WireError(`${email} did not join`)), timeoutMs);
      this.joinWaiters.push({
        email,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** MSG with ack `A`; rejects on NAK. */
  async sendText(payload: Buffer): Promise<void> {
    const reply = await this.conn.request('MSG', ['A'], payload);
    if (reply.name !== 'ACK') throw new WireError(`message not delivered (${reply.name})`);
  }

  /** MSG with ack `N`: no answer unless delivery failed. */
  sendUnacked(payload: Buffer): void {
    this.conn.send('MSG', ['N'], payload);
  }

  /**
   * MSG with ack `D`; resolves once written, with the switchboard's ACK still to come. Windowed
   * messages (bulk data) first wait while WINDOW are un-ACKed; the others (acks, SLP) go out at
   * once so they never queue behind a file.
   */
  async sendP2P(payload: Buffer, windowed: boolean): Promise<{ acked: Promise<void> }> {
    if (windowed) {
      while (this.inFlight >= WINDOW && this.open) await new Promise<void>((r) => this.windowWaiters.push(r));
      this.inFlight++;
    }
    const acked = this.conn
      .request('MSG', ['D'], payload, 60_000)
      .then((reply) => {
        if (reply.name !== 'ACK') throw new WireError(`P2P message not delivered (${reply.name})`);
      })
      .finally(() => {
        if (!windowed) return;
        this.inFlight--;
        this.windowWaiters.shift()?.();
      });
    acked.catch(() => {});
    return { acked };
  }

  close(): void {
    if (this.conn.closed) return;
    this.conn.sendBare('OUT');
    this.conn.end();
  }

  private onCommand(c: Command): void {
    if (c.name === 'MSG' && c.payload) {
      this.onMessage((c.params[0] ?? '').toLowerCase(), c.payload);
    } else if (c.name === 'JOI' || c.name === 'IRO') {
      const email = (c.name === 'JOI' ? c.params[0] : c.params[3])?.toLowerCase();
      if (!email) return;
      this.members.add(email);
      const ready = this.joinWaiters.filter((w) => w.email === email);
      this.joinWaiters = this.joinWaiters.filter((w) => w.email !== email);
      for (const w of ready) w.resolve();
    } else if (c.name === 'BYE') {
      const email = c.params[0]?.toLowerCase();
      if (email) this.left(email);
    }
  }

  private left(email: string): void {
    if (this.members.delete(email)) this.onLeave(email);
  }
}
