// Notification server: sign-in, presence, challenges, keep-alive and switchboard referrals, one
// state machine per connection. List commands live in lists.ts.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import { buildMime, encodeName, type Frame, type Param } from './codec';
import { answer, product } from './challenge';
import { BL, FL, type Account } from './accounts';
import { Conn } from './conn';
import { expectedMethod, handleHandshake, initialUsr, isTrid, type HandshakeState } from './handshake';
import type { Hub } from './hub';
import { LIST_COMMANDS } from './lists';
import { checkMbiAnswer } from './mbi';
import { ML_COMMANDS } from './ml';
import { initialMailData, uum } from './oim';
import { announce, announceData, handle, selfPresence, updateView } from './presence';
import { SERVICES, ticketKey } from './tokens';
import { parseXml, XmlError } from './xml';

export type Handler = (s: NsSession, trid: string, args: readonly string[], payload: Buffer | undefined) => void;

export interface Command {
  readonly run: Handler;
  /** Dialects that have the command; outside them it is unknown (200) … */
  readonly min?: number;
  readonly max?: number;
  /** … or, where Escargot does so, the connection is closed. */
  readonly closeOutside?: boolean;
  /** Above `max` only: close the connection, or answer with this error code. */
  readonly above?: 'close' | number;
  /** False for the few commands allowed before sign-in. */
  readonly signedIn?: boolean;
}

const SETTABLE_STATUSES = new Set(['NLN', 'BSY', 'IDL', 'BRB', 'AWY', 'PHN', 'LUN', 'HDN']);
const EMPTY_PSM = Buffer.from('<Data><PSM></PSM><CurrentMedia></CurrentMedia></Data>');
/** Seconds until the next PNG, sent in QNG from MSNP9. */
const PING_INTERVAL_S = 60;
/** A machine GUID (MPOP endpoint id), braces optional. */
const MACHINE_GUID = /^\{?([0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12})\}?$/i;
/** Pushed as `GCF 0` at MSNP13+ before the USR challenge; clients may store or ignore it. */
const POLICIES = Buffer.from(
  '<Policies><Policy type="SHIELDS"><config><shield><cli maj="7" min="0" minbld="0" maxbld="9999" deny=" " /></shield><block></block></config></Policy>' +
    '<Policy type="ABCH"><policy><set id="push" service="ABCH" priority="200"><r id="pushstorage" threshold="180000" /></set></policy></Policy>' +
    '<Policy type="ERRORRESPONSETABLE"><Policy><Feature type="3" name="P2P"><Entry hr="0x81000398" action="3"/></Feature></Policy></Policy>' +
    '<Policy type="P2P"><ObjStr SndDly="1" /></Policy></Policies>',
);

/** What a place (MSNP16+) says about itself in `<PrivateEndpointData>`. */
export interface EndpointInfo {
  name: string;
  idle: boolean;
  clientType: string;
  /** The place's own status; empty until it says. */
  state: string;
}

/** One connection to the notification server. */
export class NsSession implements HandshakeState {
  dialect = 0;
  readonly conn: Conn;
  account: Account | undefined;
  status: string | null = null;
  clientId = 0;
  /** MSNP16+: the second half of `caps:capsEx`. */
  capsEx = 0;
  /** `{guid}` in lower case: from USR SSO S at MSNP16+, from UUX `<MachineGuid>` before. */
  machineGuid: string | undefined;
  endpoint: EndpointInfo = { name: '', idle: false, clientType: '1', state: '' };
  /** URL-encoded MSN object from CHG (MSNP9+). */
  msnObject: string | undefined;
  personalMessage: Buffer = EMPTY_PSM;
  /** Set by the list commands once SYN was answered. */
  synced = false;
  /** What this user was last told about each contact: a presence key, or null for offline. */
  readonly seen = new Map<string, string | null>();
  private pendingAuth: { method: 'MD5' | 'TWN' | 'SSO'; email: string; salt: string } | undefined;
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

  get maxDialect(): number {
    return this.hub.settings.maxDialect;
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
    this.conn.send('RNG', [
      sessionId,
      address,
      'CKI',
      cookie,
      caller,
      callerName,
      ...this.sbExtras('messenger.hotmail.com'),
    ]);
  }

  /** MSNP13+ XFR/RNG end in `U <host>`, and from MSNP14 in `1`. */
  private sbExtras(host: string): Param[] {
    if (this.dialect < 13) return [];
    return this.dialect >= 14 ? ['U', host, 1] : ['U', host];
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
      const above = command && (command.max ?? Infinity) < this.dialect ? command.above : undefined;
      if (command?.closeOutside || above === 'close') this.conn.close(`${name} in MSNP${this.dialect}`);
      else this.conn.error(typeof above === 'number' ? above : 200, trid);
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
      // A challenge goes out even for unknown accounts, so USR I does not reveal who exists.
      const salt =
        usr.method === 'SSO'
          ? randomBytes(48).toString('base64')
          : `${Math.floor(Date.now() / 1000)}.${randomInt(1e8, 1e9)}`;
      this.pendingAuth = { ...usr, salt };
      if (this.dialect >= 13) this.conn.send('GCF', [0], POLICIES);
      const challenge =
        usr.method === 'MD5' ? [salt] : usr.method === 'TWN' ? [this.twnParams()] : ['MBI_KEY_OLD', salt];
      this.conn.send('USR', [trid, usr.method, 'S', ...challenge]);
      return;
    }
    const pending = this.pendingAuth;
    const [method, , proof, mbi, guid] = args;
    if (method !== expectedMethod(this.dialect)) {
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
    let failure: string | null = account ? null : 'unknown account';
    if (account && pending.method === 'MD5') {
      const hash = createHash('md5')
        .update(pending.salt + account.password, 'utf8')
        .digest('hex');
      if (proof !== hash) failure = 'wrong MD5 hash';
    } else if (account && pending.method === 'TWN') {
      if (!this.hub.tickets.redeem(proof, account.email)) failure = 'unknown or expired ticket';
    } else if (account) {
      failure = this.checkSso(account, pending.salt, proof, mbi, guid);
    }
    if (!account || failure !== null) {
      this.conn.error(911, trid);
      this.conn.close(`authentication failed: ${failure ?? ''}`);
      return;
    }
    // MSNP13/14 clients use their sign-in ticket for the SOAP services too.
    if (pending.method === 'TWN' && this.dialect >= 13) this.hub.tokens.adoptTicket(account.email, proof);
    this.signIn(trid, account, pending.method === 'TWN' || pending.method === 'SSO' ? proof : undefined);
  }

  /** `USR SSO S <ticket> <MBI answer> [{machine guid}]`: null when it is right, else why not. */
  private checkSso(
    account: Account,
    nonce: string,
    ticket: string,
    answer: string | undefined,
    guid: string | undefined,
  ): string | null {
    const token = this.hub.tokens.find(ticket);
    if (!token || token.service !== SERVICES.messengerClear || !token.secret) return 'not a messengerclear ticket';
    if (token.email !== account.email) return 'ticket of another account';
    if (token.expires <= Date.now()) return 'expired ticket';
    if (answer === undefined) return 'no MBI answer';
    const wrong = checkMbiAnswer(token.secret, nonce, answer);
    if (wrong) return `MBI answer: ${wrong}`;
    if (this.dialect >= 16) {
      const m = MACHINE_GUID.exec(guid ?? '');
      if (!m?.[1]) return `machine GUID ${guid ?? 'missing'}`;
      this.machineGuid = `{${m[1].toLowerCase()}}`;
    }
    return null;
  }

  private twnParams(): string {
    const ct = Math.floor(Date.now() / 1000);
    const tpf = randomBytes(16).toString('hex');
    return `lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=${ct},kpp=1,kv=5,ver=2.1.0173.1,tpf=${tpf}`;
  }

  private signIn(trid: string, account: Account, ticket: string | undefined): void {
    this.conn.clearDeadline();
    const d = this.dialect;
    // MPOP (MSNP16+): other places stay signed in, except one on the same machine and any place
    // whose dialect cannot share the account. Below MSNP16 a new sign-in replaces every other.
    for (const other of this.hub.sessionsOf(account.email)) {
      const stays = d >= 16 && other.dialect >= 16 && other.machineGuid !== this.machineGuid;
      if (!stays) other.kick('OTH');
      // The personal message belongs to the account: a new place starts with the one the others show.
      else this.personalMessage = other.personalMessage;
    }
    this.account = account;
    let mine = this.hub.places.get(account.email);
    if (!mine) this.hub.places.set(account.email, (mine = new Set()));
    mine.add(this);
    if (!this.hub.online.get(account.email)?.present) this.hub.online.set(account.email, this);
    const ok: Param[] = [trid, 'OK', account.email];
    if (d < 10) ok.push(this.friendly);
    if (d >= 6) ok.push(1);
    if (d >= 8) ok.push(0);
    this.conn.send('USR', ok);
    if (d >= 11) this.conn.send('SBS', [0, 'null']);
    const mspAuth = ticket ? ticketKey(ticket) : `${randomBytes(16).toString('hex')}$$`;
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
    if (d >= 16) this.conn.send('UBX', d >= 18 ? [handle(account.email, d)] : [account.email, 1], '');
  }

  /** Leaves the online registry and tells watchers. */
  private signOut(): void {
    if (this.challengeTimer) clearInterval(this.challengeTimer);
    this.challengeTimer = undefined;
    const email = this.account?.email;
    if (email === undefined) return;
    const mine = this.hub.places.get(email);
    if (!mine?.delete(this)) return;
    if (mine.size === 0) this.hub.places.delete(email);
    if (this.hub.online.get(email) === this) {
      const next = [...(mine ?? [])].find((p) => p.present) ?? [...(mine ?? [])][0];
      if (next) this.hub.online.set(email, next);
      else this.hub.online.delete(email);
    }
    announce(this.hub, email);
    selfPresence(this.hub, email);
  }

  chg(trid: string, args: readonly string[]): void {
    const [status, clientId, msnObject] = args;
    if (status === undefined) {
      this.conn.error(200, trid);
      return;
    }
    const caps = this.dialect >= 16 ? /^(\d{1,10})(?::(\d{1,10}))?$/ : /^(\d{1,10})()$/;
    const capsMatch = caps.exec(clientId ?? '');
    if (!SETTABLE_STATUSES.has(status) || (this.dialect >= 8 && !capsMatch)) {
      this.conn.error(201, trid);
      return;
    }
    const first = this.status === null;
    this.status = status;
    this.endpoint.state = status;
    if (this.dialect >= 8) this.clientId = Number(capsMatch?.[1]);
    if (this.dialect >= 16) this.capsEx = Number(capsMatch?.[2] || 0);
    if (this.dialect >= 9) this.msnObject = msnObject;
    // Status belongs to the account: the place that set it last is what contacts see.
    this.hub.online.set(this.email, this);
    const echo: Param[] = [trid, status];
    if (this.dialect >= 8) echo.push(this.dialect >= 16 ? `${this.clientId}:${this.capsEx}` : this.clientId);
    if (this.dialect >= 9 && msnObject !== undefined) echo.push(msnObject);
    this.conn.send('CHG', echo);
    if (first) {
      for (const c of this.account?.contacts.values() ?? []) {
        if (c.lists & FL) updateView(this, c.email, trid);
      }
      if (this.dialect >= 11)
        this.conn.send('MSG', ['Hotmail', 'Hotmail'], initialMailData(this.hub, this.email, this.dialect));
      if (this.hub.settings.challenges && this.dialect >= 6) this.startChallenges();
    }
    announce(this.hub, this.email);
    selfPresence(this.hub, this.email);
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
    const cookie = this.hub.issueSwitchboardCookie(this.email, this.dialect, this.machineGuid);
    this.conn.send('XFR', [
      trid,
      'SB',
      this.hub.addresses.switchboard,
      'CKI',
      cookie,
      ...this.sbExtras('messenger.msn.com'),
    ]);
  }

  uux(trid: string, payload: Buffer | undefined): void {
    const body = payload ?? Buffer.alloc(0);
    if (this.dialect >= 13 && body.length > 0) {
      this.uuxXml(trid, body);
      return;
    }
    if (body.length > 0 && !/^<Data>[\s\S]*<\/Data>$/.test(body.toString('utf8'))) {
      this.conn.error(201, trid);
      return;
    }
    this.setPersonalMessage(body);
    this.conn.send('UUX', [trid], '');
    announceData(this.hub, this.email);
  }

  /** MSNP13+: `<Data>` (personal message, machine GUID) or, from 16, `<PrivateEndpointData>`. */
  private uuxXml(trid: string, body: Buffer): void {
    let root;
    try {
      root = parseXml(body, 8192);
    } catch (err) {
      if (!(err instanceof XmlError)) throw err;
      this.conn.error(201, trid);
      return;
    }
    const text = (name: string) => root.children.find((c) => c.name === name)?.text.trim();
    if (root.name === 'Data') {
      const guid = MACHINE_GUID.exec(text('MachineGuid') ?? '')?.[1];
      if (this.dialect < 16 && guid) this.machineGuid = `{${guid.toLowerCase()}}`;
      // As on Escargot, a `<Data>` without `<PSM>` leaves the personal message as it was.
      const previous = /<PSM\s*\/>|<PSM>[\s\S]*?<\/PSM>/.exec(this.personalMessage.toString('utf8'))?.[0];
      const kept = root.children.some((c) => c.name === 'PSM') || previous === undefined;
      this.setPersonalMessage(kept ? body : Buffer.from(body.toString('utf8').replace(/^<Data>/, `<Data>${previous}`)));
    } else if (root.name === 'PrivateEndpointData' && this.dialect >= 16) {
      this.endpoint = {
        name: text('EpName') ?? this.endpoint.name,
        idle: text('Idle') === 'true',
        clientType: text('ClientType') ?? this.endpoint.clientType,
        state: text('State') ?? this.endpoint.state,
      };
    } else {
      this.conn.error(201, trid);
      return;
    }
    this.conn.send('UUX', [trid, 0]);
    if (root.name === 'Data') announceData(this.hub, this.email);
    else selfPresence(this.hub, this.email);
  }

  /** The personal message belongs to the account: every place shows the latest. */
  private setPersonalMessage(body: Buffer): void {
    for (const p of this.hub.sessionsOf(this.email)) p.personalMessage = body;
    this.personalMessage = body;
  }

  /** `UUN trid handle[;{guid}] type len` → `UBN sender;{guid} type len` at the target place(s). */
  uun(trid: string, args: readonly string[], payload: Buffer | undefined): void {
    const [target, type] = args;
    const m = /^(?:1:)?([^;]+)(?:;(\{[^}]*\}))?$/.exec(target ?? '');
    if (!m?.[1] || type === undefined || !/^\d{1,3}$/.test(type)) return this.conn.error(201, trid);
    const email = m[1].toLowerCase();
    const guid = m[2]?.toLowerCase();
    const places = this.hub
      .sessionsOf(email)
      .filter((p) => p !== this && p.present && (guid === undefined || p.machineGuid === guid));
    const allowed = email === this.email || visibleToAccount(this, email);
    if (places.length === 0 || !allowed) return this.conn.error(217, trid);
    this.conn.send('UUN', [trid, 'OK']);
    const from = this.machineGuid ? `${this.email};${this.machineGuid}` : this.email;
    for (const p of places) p.conn.send('UBN', [from, type], payload ?? '');
  }
}

/** Whether `s` may reach `email` at all (it is signed in and does not block `s`). */
function visibleToAccount(s: NsSession, email: string): boolean {
  const owner = s.hub.store.get(email);
  return owner !== undefined && !((owner.contacts.get(s.email)?.lists ?? 0) & BL);
}

const COMMANDS: Record<string, Command> = {
  USR: { run: (s, trid, args) => s.usr(trid, args), signedIn: false },
  CHG: { run: (s, trid, args) => s.chg(trid, args) },
  QRY: { run: (s, trid, args, payload) => s.qry(trid, args, payload), min: 6 },
  XFR: { run: (s, trid, args) => s.xfr(trid, args) },
  UUX: { run: (s, trid, _args, payload) => s.uux(trid, payload), min: 11 },
  UUN: { run: (s, trid, args, payload) => s.uun(trid, args, payload), min: 13, closeOutside: true },
  UUM: { run: uum, min: 18, closeOutside: true },
  ...LIST_COMMANDS,
  ...ML_COMMANDS,
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
  if (f.dialect >= 11) headers.push(['ABCHMigrated', '1'], ['MPOPEnabled', f.dialect >= 16 ? '1' : '0']);
  return buildMime(headers);
}
