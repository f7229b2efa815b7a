// Switchboard server: chat sessions joined with a cookie from XFR SB (USR) or RNG (ANS).
import { randomBytes, randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import { encodeName, mediaType, parseMime, type Frame, type Param } from './codec';
import { isAddress } from './accounts';
import { Conn } from './conn';
import { isTrid } from './handshake';
import { visibleTo, type Hub } from './hub';
import { capsFor } from './presence';

/** Longest MSG payload; a longer one closes the connection without delivery, like the real SB. */
export const MAX_MESSAGE_BYTES = 1664;
const COOKIE_LIFETIME_MS = 120_000;

interface Cookie {
  readonly email: string;
  readonly dialect: number;
  readonly expires: number;
  /** Set for RNG invitations: the session the cookie lets its owner answer. */
  readonly session?: ChatSession;
  /** MSNP16+: the machine GUID of the place the cookie was given to. */
  readonly guid?: string;
}

/** `email;{guid}` → [email, {guid}] (both lower case); a bare address has no GUID. */
function splitHandle(text: string): [string, string | undefined] {
  const [email = '', guid] = text.toLowerCase().split(';');
  return [email, guid];
}

class ChatSession {
  readonly members = new Map<string, SbConnection>();
  /** Invited e-mail → expiry time. */
  readonly invited = new Map<string, number>();
  private idleTimer: NodeJS.Timeout | undefined;
  ended = false;

  constructor(
    readonly id: string,
    private readonly idleMs: number,
    private readonly onEnd: (s: ChatSession) => void,
  ) {}

  touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.expire(), this.idleMs);
  }

  isInvited(email: string): boolean {
    const expires = this.invited.get(email);
    if (expires !== undefined && expires <= Date.now()) this.invited.delete(email);
    return this.invited.has(email);
  }

  /** Everyone in the session but `member`, including the member's own other places (MPOP). */
  others(member: SbConnection): SbConnection[] {
    return [...this.members.values()].filter((m) => m !== member);
  }

  hasAccount(email: string): boolean {
    return [...this.members.values()].some((m) => m.email === email);
  }

  leave(member: SbConnection): void {
    if (this.members.get(member.key) !== member) return;
    this.members.delete(member.key);
    const last = !this.hasAccount(member.email);
    for (const other of this.members.values()) {
      if (member.guid && other.dialect >= 16) other.conn.send('BYE', [`${member.email};${member.guid}`]);
      if (last) other.conn.send('BYE', [member.email]);
    }
    if (this.members.size === 0) this.end();
  }

  /** Idle timeout: everyone is told the others were dropped (`BYE email 1`), then disconnected. */
  private expire(): void {
    const members = [...this.members.values()];
    // Ended first, so the closing connections below do not leave one by one with plain BYEs.
    this.end();
    for (const m of members) {
      const gone = new Set(members.filter((o) => o.email !== m.email).map((o) => o.email));
      for (const email of gone) m.conn.send('BYE', [email, 1]);
      m.conn.close('switchboard idle');
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.members.clear();
    this.onEnd(this);
  }
}

class SbConnection {
  readonly conn: Conn;
  email = '';
  dialect = 0;
  /** MSNP16+: the machine GUID of the NS place this connection belongs to. */
  guid: string | undefined;
  session: ChatSession | undefined;

  constructor(
    private readonly sb: Switchboard,
    socket: Socket,
  ) {
    const { settings } = sb.hub;
    this.conn = new Conn(
      socket,
      {
        label: 'sb',
        maxPayloadBytes: MAX_MESSAGE_BYTES,
        latencyMs: settings.latencyMs,
        stallMs: settings.loginTimeoutMs,
        log: settings.log,
      },
      (frame) => this.onFrame(frame),
    );
    this.conn.setDeadline(settings.loginTimeoutMs, 'no USR or ANS in time');
    this.conn.onClose(() => this.session?.leave(this));
  }

  private get friendly(): string {
    return encodeName(this.sb.hub.store.get(this.email)?.displayName ?? this.email);
  }

  /** One member per place: `email;{guid}` from MSNP16, else the address. */
  get key(): string {
    return this.guid ? `${this.email};${this.guid}` : this.email;
  }

  /** The handles a watcher of `dialect` knows this place by, in JOI/IRO order. */
  handles(dialect: number): string[] {
    return this.guid && dialect >= 16 ? [`${this.email};${this.guid}`, this.email] : [this.email];
  }

  /** Capabilities of this place, in the form a watcher of `dialect` reads. */
  caps(dialect: number): string {
    const places = this.sb.hub.sessionsOf(this.email);
    const place = places.find((p) => p.machineGuid === this.guid) ?? this.sb.hub.online.get(this.email);
    return place ? capsFor(place, dialect) : '0';
  }

  private onFrame({ name, params, payload }: Frame): void {
    if (name === 'OUT' && params.length === 0) {
      this.conn.close('client said OUT');
      return;
    }
    const [trid, ...args] = params;
    if (!isTrid(trid)) {
      this.conn.destroy(`${name} without a transaction id`);
      return;
    }
    const session = this.session;
    if (!session) {
      if (name === 'USR') this.usr(trid, args);
      else if (name === 'ANS') this.ans(trid, args);
      else this.conn.close(`${name} before USR or ANS`);
      return;
    }
    session.touch();
    if (name === 'CAL') this.cal(session, trid, args);
    else if (name === 'MSG') this.msg(session, trid, args, payload ?? Buffer.alloc(0));
    else if (name === 'USR' || name === 'ANS') this.conn.error(207, trid);
    else this.conn.error(200, trid);
  }

  private authFailed(trid: string): void {
    this.conn.error(911, trid);
    this.conn.close('bad switchboard cookie');
  }

  private usr(trid: string, args: readonly string[]): void {
    const [who, cookie] = args;
    const entry = cookie === undefined ? undefined : this.sb.redeem(cookie);
    if (!who || !entry || entry.session || !this.matches(entry, who)) return this.authFailed(trid);
    this.join(entry);
    this.session = this.sb.newSession();
    this.session.members.set(this.key, this);
    this.session.touch();
    this.conn.send('USR', [trid, 'OK', who, this.friendly]);
  }

  /** The handle names the cookie's account and, if it carries a GUID, the cookie's place. */
  private matches(entry: Cookie, who: string): boolean {
    const [email, guid] = splitHandle(who);
    return entry.email === email && (guid === undefined || (entry.dialect >= 16 && guid === entry.guid));
  }

  private ans(trid: string, args: readonly string[]): void {
    const [email, cookie, sessionId] = args;
    const entry = cookie === undefined ? undefined : this.sb.redeem(cookie);
    const session = entry?.session;
    if (!email || !entry || !session || session.ended || session.id !== sessionId || !this.matches(entry, email)) {
      return this.authFailed(trid);
    }
    this.join(entry);
    session.invited.delete(this.email);
    const present = [...session.members.values()];
    // Each place by its handle(s); an account with several places is listed bare only once.
    const roster: Array<[string, SbConnection]> = [];
    const listed = new Set<string>();
    for (const m of present) {
      for (const h of m.handles(this.dialect)) {
        if (listed.has(h)) continue;
        listed.add(h);
        roster.push([h, m]);
      }
    }
    roster.forEach(([h, m], i) => {
      const iro: Param[] = [trid, i + 1, roster.length, h, m.friendly];
      if (this.dialect >= 12) iro.push(m.caps(this.dialect));
      this.conn.send('IRO', iro);
    });
    this.conn.send('ANS', [trid, 'OK']);
    const firstOfAccount = !session.hasAccount(this.email);
    for (const m of present) {
      for (const h of this.handles(m.dialect)) {
        if (h === this.email && !firstOfAccount) continue;
        const joi: Param[] = [h, this.friendly];
        if (m.dialect >= 12) joi.push(this.caps(m.dialect));
        m.conn.send('JOI', joi);
      }
    }
    this.session = session;
    session.members.set(this.key, this);
    session.touch();
  }

  private join(entry: Cookie): void {
    this.conn.clearDeadline();
    this.email = entry.email;
    this.dialect = entry.dialect;
    this.guid = entry.dialect >= 16 ? entry.guid : undefined;
  }

  private cal(session: ChatSession, trid: string, args: readonly string[]): void {
    const email = args[0]?.toLowerCase();
    if (email === undefined) return this.conn.error(200, trid);
    if (!isAddress(email)) return this.conn.error(208, trid);
    const self = email === this.email && this.dialect >= 16;
    if ((!self && session.hasAccount(email)) || session.isInvited(email)) return this.conn.error(215, trid);
    // Offline, hidden, unknown and blocking users all look the same to the caller. Calling your
    // own address (WLM 2009 does) invites your other places.
    const target = self ? this.sb.hub.online.get(email) : visibleTo(this.sb.hub, email, this.email);
    if (!target) return this.conn.error(217, trid);
    // With MPOP every place of the account rings, each with its own cookie.
    const places = this.sb.hub
      .sessionsOf(email)
      .filter(
        (p) =>
          p.present &&
          (self || p.status !== 'HDN') &&
          !session.members.has(p.dialect >= 16 && p.machineGuid ? `${email};${p.machineGuid}` : email),
      );
    if (places.length === 0 && !self) places.push(target);
    this.conn.send('CAL', [trid, 'RINGING', session.id]);
    if (places.length > 0) session.invited.set(email, Date.now() + COOKIE_LIFETIME_MS);
    for (const place of places) {
      const cookie = this.sb.issue({
        email,
        dialect: place.dialect,
        expires: Date.now() + COOKIE_LIFETIME_MS,
        session,
        ...(place.machineGuid ? { guid: place.machineGuid } : {}),
      });
      place.ring(session.id, this.sb.hub.addresses.switchboard, cookie, this.email, this.friendly);
    }
  }

  /**
   * Relays the payload byte for byte and never looks inside P2P: like Escargot, only the ack letter
   * is checked (P2P must use D) and the length (by the frame decoder, which closes above 1664).
   */
  private msg(session: ChatSession, trid: string, args: readonly string[], payload: Buffer): void {
    const ack = args[0];
    const p2p = mediaType(parseMime(payload).headers.get('content-type')) === 'application/x-msnmsgrp2p';
    const acks = this.dialect >= 9 ? ['U', 'N', 'A', 'D'] : ['U', 'N', 'A'];
    if (args.length !== 2 || ack === undefined || !acks.includes(ack) || (p2p && ack !== 'D')) {
      this.conn.close(`bad MSG acknowledgement type ${ack ?? ''}`);
      return;
    }
    const others = session.others(this);
    for (const m of others) m.conn.send('MSG', [this.email, this.friendly], payload);
    // A relay that outruns a slow reader would queue without bound (or drop the reader): read no
    // more from the sender until the readers caught up, which also delays its ACKs.
    const busy = others.filter((m) => m.conn.backlogged);
    if (busy.length > 0) this.conn.holdInput(Promise.all(busy.map((m) => m.conn.drained())).then(() => {}));
    // Delivered means handed to every other participant; alone in the session, nothing is.
    const delivered = others.length > 0 && others.every((m) => !m.conn.closing);
    if ((ack === 'A' || ack === 'D') && delivered) {
      if (!this.sb.hub.settings.holdAcks) this.conn.send('ACK', [trid]);
    } else if (ack !== 'U' && !delivered) this.conn.send('NAK', [trid]);
  }
}

export class Switchboard {
  private readonly cookies = new Map<string, Cookie>();
  private readonly sessions = new Map<string, ChatSession>();
  private readonly connections = new Set<SbConnection>();

  constructor(readonly hub: Hub) {}

  accept(socket: Socket): void {
    const c = new SbConnection(this, socket);
    this.connections.add(c);
    c.conn.onClose(() => this.connections.delete(c));
  }

  /** Cookie for `XFR SB`. */
  issueCookie(email: string, dialect: number, guid?: string): string {
    const place = guid ? { guid } : {};
    return this.issue({ email: email.toLowerCase(), dialect, expires: Date.now() + COOKIE_LIFETIME_MS, ...place });
  }

  issue(entry: Cookie): string {
    const now = Date.now();
    for (const [k, v] of this.cookies) if (v.expires <= now) this.cookies.delete(k);
    const cookie = randomBytes(10).toString('hex');
    this.cookies.set(cookie, entry);
    return cookie;
  }

  /** Single use: the cookie is gone after this, whatever the outcome. */
  redeem(cookie: string): Cookie | undefined {
    const entry = this.cookies.get(cookie);
    this.cookies.delete(cookie);
    return entry && entry.expires > Date.now() ? entry : undefined;
  }

  newSession(): ChatSession {
    let id: string;
    do id = String(randomInt(10_000_000, 100_000_000));
    while (this.sessions.has(id));
    const session = new ChatSession(id, this.hub.settings.sbIdleTimeoutMs, (s) => this.sessions.delete(s.id));
    this.sessions.set(id, session);
    return session;
  }

  close(): void {
    for (const s of [...this.sessions.values()]) s.end();
    for (const c of this.connections) c.conn.close('server shutting down');
  }
}
