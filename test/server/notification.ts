// Notification server: sign-in, presence, challenges, keep-alive and switchboard referrals, one
// state machine per connection. List commands live in lists.ts.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import { buildMime, encodeName, type Frame, type Param } from './codec';
import { answer, product } from './challenge';
import { FL, type Account } from './accounts';
import { Conn } from './conn';
import { handleHandshake, initialUsr, isTrid, type HandshakeState } from './handshake';
import type { Hub } from './hub';
import { LIST_COMMANDS } from './lists';
import { announce, updateView } from './presence';

export type Handler = (s: NsSession, trid: string, args: readonly string[], payload: Buffer | undefined) => void;

export interface Command {
  readonly run: Handler;
  /** Dialects that have the command; outside them it is unknown (200) … */
  readonly min?: number;
  readonly max?: number;
  /** … or, where Escargot does so, the connection is closed. */
  readonly closeOutside?: boolean;
  /** False for the few commands allowed before sign-in. */
  readonly signedIn?: boolean;
}

const SETTABLE_STATUSES = new Set(['NLN', 'BSY', 'IDL', 'BRB', 'AWY', 'PHN', 'LUN', 'HDN']);
const EMPTY_PSM = Buffer.from('<Data><PSM></PSM><CurrentMedia></CurrentMedia></Data>');
/** Seconds until the next PNG, sent in QNG from MSNP9. */
const PING_INTERVAL_S = 60;

/** One connection to the notification server. */
export class NsSession implements HandshakeState {
  dialect = 0;
  readonly conn: Conn;
  account: Account | undefined;
  status: string | null = null;
  clientId = 0;
  /** URL-encoded MSN object from CHG (MSNP9+). */
  msnObject: string | undefined;
  personalMessage: Buffer = EMPTY_PSM;
  /** Set by the list commands once SYN was answered. */
  synced = false;
  /** What this user was last told about each contact: a presence key, or null for offline. */
  readonly seen = new Map<string, string | null>();
  private pendingAuth: { method: 'MD5' | 'TWN'; email: string; salt: string } | undefined;
  private challenge: string | undefined;
  private challengeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly hub: Hub,
    socket: Socket,
  ) {
    const { settings } = hub;
    this.conn = new Conn(
      socket,
      {
        label: 'ns',
        maxPayloadBytes: 8192,
        latencyMs: settings.latencyMs,
        stallMs: settings.loginTimeoutMs,
        log: settings.log,
      },
      (frame) => this.onFrame(frame),
    );
    this.conn.setDeadline(settings.loginTimeoutMs, 'not signed in in time');
    this.conn.onClose(() => this.signOut());
  }

  get email(): string {
    return this.account?.email ?? '';
  }

  /** Encoded display name. */
  get friendly(): string {
    return encodeName(this.account?.displayName ?? '');
  }

  /** True once the first CHG was answered: presence notifications flow from then on. */
  get present(): boolean {
    return this.status !== null;
  }

  ring(sessionId: string, address: string, cookie: string, caller: string, callerName: string): void {
    this.conn.send('RNG', [sessionId, address, 'CKI', cookie, caller, callerName]);
  }

  /** Server shutdown or a sign-in elsewhere. */
  kick(reason: 'OTH' | 'SSD'): void {
    this.conn.send('OUT', [reason]);
    this.conn.close(`OUT ${reason}`);
  }

  private onFrame({ name, params, payload }: Frame): void {
    if (name === 'PNG' || name === 'OUT') {
      // Both take no TrID; with one, Escargot's handlers fail and nothing happens.
      if (params.length > 0) return;
      if (name === 'OUT') {
        this.conn.send('OUT');
        this.conn.close('client said OUT');
      } else if (!this.account) {
        this.conn.close('PNG before sign-in');
      } else {
        this.conn.send('QNG', this.dialect >= 9 ? [PING_INTERVAL_S] : []);
      }
      return;
    }
    const [trid, ...args] = params;
    if (!isTrid(trid)) {
      this.conn.destroy(`${name} without a transaction id`);
      return;
    }
    if (this.dialect === 0 && name !== 'VER') {
      this.conn.close(`${name} before VER`);
      return;
    }
    if (handleHandshake(this, name, trid, args)) return;
    const command = COMMANDS[name];
    if (!command || (command.min ?? 0) > this.dialect || (command.max ?? Infinity) < this.dialect) {
      if (command?.closeOutside) this.conn.close(`${name} in MSNP${this.dialect}`);
      else this.conn.error(200, trid);
      return;
    }
    if (command.signedIn !== false && !this.account) {
      this.conn.error(302, trid);
      return;
    }
    command.run(this, trid, args, payload);
  }

  usr(trid: string, args: readonly string[]): void {
    if (this.account) {
      this.conn.error(207, trid);
      return;
    }
    if (args[1] !== 'S') {
      const usr = initialUsr(this, trid, args);
      if (!usr) return;
      // A salt goes out even for unknown accounts, so USR I does not reveal who exists.
      this.pendingAuth = { ...usr, salt: `${Math.floor(Date.now() / 1000)}.${randomInt(1e8, 1e9)}` };
      this.conn.send('USR', [trid, usr.method, 'S', usr.method === 'MD5' ? this.pendingAuth.salt : this.twnParams()]);
      return;
    }
    const pending = this.pendingAuth;
    const [method, , proof] = args;
    if (method !== (this.dialect >= 8 ? 'TWN' : 'MD5')) {
      this.conn.close(`USR ${method ?? ''} in MSNP${this.dialect}`);
      return;
    }
    if (!pending || proof === undefined) {
      this.conn.error(pending ? 200 : 911, trid);
      if (!pending) this.conn.close('USR S without USR I');
      return;
    }
    this.pendingAuth = undefined;
    const account = this.hub.store.get(pending.email);
    const ok =
      account !== undefined &&
      (pending.method === 'MD5'
        ? proof ===
          createHash('md5')
            .update(pending.salt + account.password, 'utf8')
            .digest('hex')
        : this.hub.tickets.redeem(proof, account.email));
    if (!account || !ok) {
      this.conn.error(911, trid);
      this.conn.close('authentication failed');
      return;
    }
    this.signIn(trid, account, pending.method === 'TWN' ? proof : undefined);
  }

  private twnParams(): string {
    const ct = Math.floor(Date.now() / 1000);
    const tpf = randomBytes(16).toString('hex');
    return `lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=${ct},kpp=1,kv=5,ver=2.1.0173.1,tpf=${tpf}`;
  }

  private signIn(trid: string, account: Account, ticket: string | undefined): void {
    this.conn.clearDeadline();
    const previous = this.hub.online.get(account.email);
    previous?.kick('OTH');
    this.account = account;
    this.hub.online.set(account.email, this);
    const d = this.dialect;
    const ok: Param[] = [trid, 'OK', account.email];
    if (d < 10) ok.push(this.friendly);
    if (d >= 6) ok.push(1);
    if (d >= 8) ok.push(0);
    this.conn.send('USR', ok);
    if (d >= 11) this.conn.send('SBS', [0, 'null']);
    const mspAuth = ticket ? (/^t=([^&]*)/.exec(ticket)?.[1] ?? ticket) : `${randomBytes(16).toString('hex')}$$`;
    this.conn.send(
      'MSG',
      ['Hotmail', 'Hotmail'],
      profileMessage({
        dialect: d,
        email: account.email,
        memberId: account.memberId,
        loginTime: Math.floor(Date.now() / 1000),
        mspAuth,
        clientIp: this.conn.remoteAddress,
        clientPort: this.conn.remotePort,
      }),
    );
  }

  /** Leaves the online registry and tells watchers. */
  private signOut(): void {
    if (this.challengeTimer) clearInterval(this.challengeTimer);
    this.challengeTimer = undefined;
    const email = this.account?.email;
    if (email === undefined || this.hub.online.get(email) !== this) return;
    this.hub.online.delete(email);
    announce(this.hub, email);
  }

  chg(trid: string, args: readonly string[]): void {
    const [status, clientId, msnObject] = args;
    if (status === undefined) {
      this.conn.error(200, trid);
      return;
    }
    if (!SETTABLE_STATUSES.has(status) || (this.dialect >= 8 && !/^\d{1,10}$/.test(clientId ?? ''))) {
      this.conn.error(201, trid);
      return;
    }
    const first = this.status === null;
    this.status = status;
    if (this.dialect >= 8) this.clientId = Number(clientId);
    if (this.dialect >= 9) this.msnObject = msnObject;
    const echo: Param[] = [trid, status];
    if (this.dialect >= 8) echo.push(this.clientId);
    if (this.dialect >= 9 && msnObject !== undefined) echo.push(msnObject);
    this.conn.send('CHG', echo);
    if (first) {
      for (const c of this.account?.contacts.values() ?? []) {
        if (c.lists & FL) updateView(this, c.email, trid);
      }
      if (this.dialect >= 11) this.conn.send('MSG', ['Hotmail', 'Hotmail'], mailDataMessage());
      if (this.hub.settings.challenges && this.dialect >= 6) this.startChallenges();
    }
    announce(this.hub, this.email);
  }

  private startChallenges(): void {
    this.sendChallenge();
    this.challengeTimer = setInterval(() => {
      if (this.challenge !== undefined) {
        this.conn.close('did not answer CHL');
      } else {
        this.sendChallenge();
      }
    }, this.hub.settings.challengeIntervalMs);
  }

  private sendChallenge(): void {
    this.challenge = `${randomInt(1, 10)}${Array.from({ length: 19 }, () => randomInt(0, 10)).join('')}`;
    this.conn.send('CHL', [0, this.challenge]);
  }

  qry(trid: string, args: readonly string[], payload: Buffer | undefined): void {
    const pair = product(args[0]);
    // MD5 pairs belong to MSNP6–10, the others to MSNP11+.
    const family = this.dialect >= 11 ? 'msnp11' : 'md5';
    const chl = this.challenge;
    const right =
      chl !== undefined &&
      pair !== undefined &&
      pair.kind === family &&
      payload?.toString('latin1') === answer(chl, pair);
    if (!right) {
      this.conn.error(540, trid);
      this.conn.close('wrong challenge response');
      return;
    }
    this.challenge = undefined;
    this.conn.send('QRY', [trid]);
  }

  xfr(trid: string, args: readonly string[]): void {
    if (args[0] !== 'SB') {
      this.conn.error(201, trid);
      return;
    }
    if (this.status === null || this.status === 'HDN') {
      this.conn.error(913, trid);
      return;
    }
    const cookie = this.hub.issueSwitchboardCookie(this.email, this.dialect);
    this.conn.send('XFR', [trid, 'SB', this.hub.addresses.switchboard, 'CKI', cookie]);
  }

  uux(trid: string, payload: Buffer | undefined): void {
    const body = payload ?? Buffer.alloc(0);
    if (body.length > 0 && !/^<Data>[\s\S]*<\/Data>$/.test(body.toString('utf8'))) {
      this.conn.error(201, trid);
      return;
    }
    this.personalMessage = body;
    this.conn.send('UUX', [trid], '');
    for (const w of this.hub.online.values()) {
      if (w.dialect >= 11 && w.seen.get(this.email)) {
        w.conn.send('UBX', [this.email], body);
      }
    }
  }
}

const COMMANDS: Record<string, Command> = {
  USR: { run: (s, trid, args) => s.usr(trid, args), signedIn: false },
  CHG: { run: (s, trid, args) => s.chg(trid, args) },
  QRY: { run: (s, trid, args, payload) => s.qry(trid, args, payload), min: 6 },
  XFR: { run: (s, trid, args) => s.xfr(trid, args) },
  UUX: { run: (s, trid, _args, payload) => s.uux(trid, payload), min: 11 },
  ...LIST_COMMANDS,
};

export function acceptNotification(hub: Hub, socket: Socket): NsSession {
  return new NsSession(hub, socket);
}

export interface ProfileFields {
  readonly dialect: number;
  readonly email: string;
  readonly memberId: number;
  readonly loginTime: number;
  readonly mspAuth: string;
  readonly clientIp: string;
  readonly clientPort: number;
}

/** The text/x-msmsgsprofile message sent right after USR OK. */
export function profileMessage(f: ProfileFields): Buffer {
  const headers: Array<[string, string]> = [
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/x-msmsgsprofile; charset=UTF-8'],
    ['LoginTime', String(f.loginTime)],
    ['EmailEnabled', '1'],
    ['MemberIdHigh', '1'],
    ['MemberIdLow', String(f.memberId)],
    ['lang_preference', '1033'],
    ['PreferredEmail', f.email],
    ['country', 'US'],
    ['PostalCode', ''],
    ['Gender', ''],
    ['Kid', '0'],
    ['Age', ''],
    ['BDayPre', ''],
    ['Birthday', ''],
    ['Wallet', ''],
    ['Flags', '1027'],
    ['sid', '507'],
    ['kv', f.dialect >= 8 ? '5' : '2'],
    ['MSPAuth', f.mspAuth],
  ];
  if (f.dialect >= 8) headers.push(['ClientIP', f.clientIp], ['ClientPort', String(f.clientPort)]);
  if (f.dialect >= 11) headers.push(['ABCHMigrated', '1'], ['MPOPEnabled', '0']);
  return buildMime(headers);
}

/** MSNP11+: offline-message metadata sent after the first CHG (always empty here). */
function mailDataMessage(): Buffer {
  return buildMime(
    [
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/x-msmsgsinitialmdatanotification; charset=UTF-8'],
    ],
    'Mail-Data: <MD><E><I>0</I><IU>0</IU><O>0</O><OU>0</OU></E><Q><QTM>409600</QTM><QNM>204800</QNM></Q></MD>\r\n\r\n',
  );
}
