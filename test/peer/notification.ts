// The notification-server side of the peer: TWN sign-in (MSNP8–12), presence, CHL, RNG, PNG.
import { Connection, ServerError, WireError, type Command } from './wire';
import { md5Answer, MD5_PRODUCT, msnp11Answer, MSNP11_PRODUCT, passportTicket } from './signin';
import type { Ring } from './switchboard';

export interface ServerAddress {
  /** 'host:port' of the notification (or dispatch) server. */
  readonly notification: string;
  /** Passport nexus URL. */
  readonly nexus: string;
  /** PEM file of the CA that signed the HTTPS certificate; default: the system's CAs. */
  readonly ca?: string;
}

export interface Presence {
  readonly status: string;
  readonly clientId: number;
  /** URL-decoded msnobj XML, when the contact advertised one (not `<msnobj/>`). */
  readonly msnObject?: string;
}

const CLIENT_VERSION = '7.5.0324';

export class Notification {
  readonly contacts = new Map<string, Presence>();
  /** CHL challenges the server accepted our answer to. */
  challengesPassed = 0;
  onRing: (r: Ring) => void = () => {};
  onPresence: (email: string, p: Presence | null) => void = () => {};
  private ping: NodeJS.Timeout | undefined;

  private constructor(
    readonly conn: Connection,
    readonly email: string,
    readonly dialect: number,
  ) {
    conn.onCommand = (c) => this.onCommand(c);
    conn.onClose(() => clearInterval(this.ping));
    this.ping = setInterval(() => conn.sendBare('PNG'), 45_000);
    this.ping.unref();
  }

  static async signIn(server: ServerAddress, email: string, password: string, dialect: number): Promise<Notification> {
    if (dialect < 8 || dialect > 12) throw new RangeError(`the peer signs in with MSNP8–12, not MSNP${dialect}`);
    let address = server.notification;
    for (let referral = 0; referral < 3; referral++) {
      const conn = await Connection.open(address, `ns(${email})`);
      try {
        const ver = await conn.request('VER', [`MSNP${dialect}`, 'CVR0']);
        if (ver.params[1] !== `MSNP${dialect}`) throw new WireError(`server refused MSNP${dialect}`);
        await conn.request('CVR', ['0x0409', 'winnt', '5.1', 'i386', 'MSNMSGR', CLIENT_VERSION, 'msmsgs', email]);
        const usr = await conn.request('USR', ['TWN', 'I', email]);
        if (usr.name === 'XFR') {
          address = usr.params[2] ?? '';
          conn.destroy('referred');
          continue;
        }
        const ticket = await passportTicket(server.nexus, server.ca, email, password, usr.params[3] ?? '');
        const ns = new Notification(conn, email.toLowerCase(), dialect);
        await conn.request('USR', ['TWN', 'S', ticket]);
        await conn.request('SYN', dialect >= 10 ? [0, 0] : [0]);
        return ns;
      } catch (err) {
        conn.destroy('sign-in failed');
        throw err;
      }
    }
    throw new WireError('too many referrals');
  }

  /** CHG with the client id and, from MSNP9, the percent-encoded msnobj. */
  async setStatus(status: string, clientId: number, encodedMsnObject?: string): Promise<void> {
    const params: Array<string | number> = [status, clientId];
    if (this.dialect >= 9 && encodedMsnObject) params.push(encodedMsnObject);
    await this.conn.request('CHG', params);
  }

  signOut(): void {
    if (this.conn.closed) return;
    this.conn.sendBare('OUT');
    this.conn.end();
  }

  private onCommand(c: Command): void {
    switch (c.name) {
      case 'ILN':
        return this.presence(c.params.slice(1));
      case 'NLN':
        return this.presence(c.params);
      case 'FLN': {
        const email = c.params[0]?.toLowerCase() ?? '';
        this.contacts.delete(email);
        return this.onPresence(email, null);
      }
      case 'RNG': {
        const [sessionId = '', address = '', , cookie = '', caller = ''] = c.params;
        return this.onRing({ sessionId, address, cookie, caller: caller.toLowerCase() });
      }
      case 'CHL':
        return this.challenge(c.params[1] ?? '');
      case 'OUT':
        return this.conn.destroy(`server said OUT ${c.params[0] ?? ''}`);
    }
  }

  /** `status email friendly clientid [msnobj]` (MSNP8–12). */
  private presence([status = '', email = '', , clientId, msnobj]: readonly string[]): void {
    let xml: string | undefined;
    try {
      xml = msnobj === undefined ? undefined : decodeURIComponent(msnobj);
    } catch {
      xml = undefined;
    }
    const p: Presence = {
      status,
      clientId: Number(clientId ?? 0) >>> 0,
      msnObject: xml && /SHA1D=/.test(xml) ? xml : undefined,
    };
    this.contacts.set(email.toLowerCase(), p);
    this.onPresence(email.toLowerCase(), p);
  }

  private challenge(chl: string): void {
    const product = this.dialect >= 11 ? MSNP11_PRODUCT : MD5_PRODUCT;
    const answer = this.dialect >= 11 ? msnp11Answer(chl, product) : md5Answer(chl, product);
    this.conn.request('QRY', [product.id], Buffer.from(answer, 'latin1')).then(
      () => this.challengesPassed++,
      (err: unknown) => {
        if (err instanceof ServerError) this.conn.destroy('challenge refused');
      },
    );
  }
}
