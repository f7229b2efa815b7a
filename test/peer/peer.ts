// TestPeer: an independent MSNP client with P2P v1 (pictures and files), for the project's tests.
// Written from the protocol notes only; it shares no code with the client's engine.
import type { SettableStatus } from '../../src/shared/schemas';
import {
  Link,
  type FileDecision,
  type FileOffer,
  type PeerEvent,
  type SendFileOptions,
  type SendFileResult,
} from './link';
import { contentType, splitMime, textMessage } from './mime';
import { buildMsnObject, parseMsnObject, percentEncode } from './msnobj';
import { Notification, type Presence, type ServerAddress } from './notification';
import { Switchboard } from './switchboard';

export type { FileDecision, FileOffer, PeerEvent, Presence, SendFileOptions, SendFileResult, ServerAddress };

/** "P2P v1 peer, MSNC5" with no feature bits beyond what this peer does (P2P.md §2.5). */
export const MSNC5 = 0x5000_0000;

export interface PeerOptions {
  readonly email: string;
  readonly password: string;
  /** MSNP9–12 (P2P needs MSNP9+); default 12. */
  readonly dialect?: number;
  readonly status?: SettableStatus;
  /** Default MSNC5. */
  readonly clientId?: number;
  /** Display picture bytes, advertised in CHG and served to whoever asks for its SHA1D. */
  readonly picture?: Buffer;
  /** Default 30 s: how long to wait for a P2P ack. */
  readonly ackTimeoutMs?: number;
  /** Default 30 s: how long to wait for an INVITE's answer (the other user deciding) or a picture. */
  readonly answerTimeoutMs?: number;
}

type EventOf<T extends PeerEvent['type']> = Extract<PeerEvent, { type: T }>;

export class TestPeer {
  /** Everything that happened, in order. */
  readonly events: PeerEvent[] = [];
  /** The msnobj XML advertised in CHG, if a picture is set. */
  msnObject: string | undefined;
  private picture: Buffer | undefined;
  /** Custom emoticons and other objects published with publishObject, by SHA1D. */
  private readonly objects = new Map<string, Buffer>();
  private fileDecision: (offer: FileOffer) => FileDecision | Promise<FileDecision> = () => ({ accept: false });
  private readonly switchboards = new Set<Switchboard>();
  private readonly links = new Map<Switchboard, Map<string, Link>>();
  private readonly calling = new Map<string, Promise<Switchboard>>();
  private listeners: Array<(e: PeerEvent) => void> = [];
  private readonly presenceWaiters = new Set<(email: string, p: Presence | null) => void>();
  /** Events already handed out by nextEvent. */
  private readonly consumed = new WeakSet<PeerEvent>();
  private readonly ackTimeoutMs: number;
  private readonly answerTimeoutMs: number;

  private constructor(
    private readonly ns: Notification,
    private readonly options: PeerOptions,
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    this.answerTimeoutMs = options.answerTimeoutMs ?? 30_000;
    ns.onPresence = (who, p) => {
      for (const w of [...this.presenceWaiters]) w(who, p);
    };
    ns.onRing = (ring) => {
      Switchboard.answer(ring, this.email)
        .then((sb) => this.adopt(sb))
        .catch((err: unknown) =>
          this.emit({ type: 'p2p-error', peer: ring.caller, sessionId: 0, message: String(err) }),
        );
    };
  }

  /** Signs in (Passport TWN), goes online with the client id and, given one, the picture's msnobj. */
  static async signIn(server: ServerAddress, options: PeerOptions): Promise<TestPeer> {
    const ns = await Notification.signIn(server, options.email, options.password, options.dialect ?? 12);
    const peer = new TestPeer(ns, options);
    peer.setPictureBytes(options.picture);
    await peer.announce();
    return peer;
  }

  get email(): string {
    return this.ns.email;
  }

  get dialect(): number {
    return this.ns.dialect;
  }

  /** False once the notification connection is gone (signed out, kicked, or a failed challenge). */
  get signedIn(): boolean {
    return !this.ns.conn.closed;
  }

  /** How many CHL challenges the server accepted our QRY for. */
  get challengesPassed(): number {
    return this.ns.challengesPassed;
  }

  /** What the server last said about a contact (ILN/NLN), or undefined when offline. */
  contact(email: string): Presence | undefined {
    return this.ns.contacts.get(email.toLowerCase());
  }

  /** Waits until the contact's presence satisfies `ok` (default: online). */
  waitForContact(email: string, ok: (p: Presence) => boolean = () => true, timeoutMs = 10_000): Promise<Presence> {
    const key = email.toLowerCase();
    const now = this.contact(key);
    if (now && ok(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.presenceWaiters.delete(waiter);
        reject(new Error(`${this.email}: ${email} never reached the expected presence`));
      }, timeoutMs);
      const waiter = (who: string, p: Presence | null) => {
        if (who !== key || !p || !ok(p)) return;
        clearTimeout(timer);
        this.presenceWaiters.delete(waiter);
        resolve(p);
      };
      this.presenceWaiters.add(waiter);
    });
  }

  /** Changes (or with undefined removes) the display picture and tells the server. */
  async setPicture(picture: Buffer | undefined): Promise<void> {
    this.setPictureBytes(picture);
    await this.announce();
  }

  /** Accepts every incoming file into `dir`; optionally cancels each after that many bytes. */
  acceptFiles(dir: string, opts: { cancelAfterBytes?: number } = {}): void {
    this.fileDecision = () => ({ accept: true, dir, cancelAfterBytes: opts.cancelAfterBytes });
  }

  /** Declines every incoming file with 603 (the default). */
  declineFiles(): void {
    this.fileDecision = () => ({ accept: false });
  }

  /** Decides per offer, possibly later (a promise); an offer withdrawn meanwhile is reported as cancelled. */
  onFileOffer(decide: (offer: FileOffer) => FileDecision | Promise<FileDecision>): void {
    this.fileDecision = decide;
  }

  /** Downloads a contact's MSN object (default: their current display picture), verified by SHA1D and Size. */
  async fetchPicture(email: string, msnObject?: string): Promise<Buffer> {
    const xml = msnObject ?? this.contact(email)?.msnObject;
    if (!xml) throw new Error(`${email} advertises no picture`);
    const creator = parseMsnObject(xml)?.creator ?? email;
    return (await this.linkTo(creator)).fetchObject(xml);
  }

  /** Offers a file; resolves when it was declined, cancelled, or acked in full. */
  async sendFile(email: string, path: string, opts: SendFileOptions = {}): Promise<SendFileResult> {
    return (await this.linkTo(email)).sendFile(path, opts);
  }

  /** A text/plain message, resolved on the switchboard's ACK. */
  /**
   * A text/plain message, resolved on the switchboard's ACK. With `emoticons` (shortcut → msnobj
   * from publishObject) the text/x-mms-emoticon announcement goes first, as P2P.md §5.3 says.
   */
  async sendText(email: string, text: string, emoticons: Record<string, string> = {}): Promise<void> {
    const sb = await this.switchboardWith(email);
    const entries = Object.entries(emoticons);
    if (entries.length > 0) {
      const body = entries.map(([shortcut, xml]) => `${shortcut}\t${xml}\t`).join('');
      sb.sendUnacked(Buffer.from(`MIME-Version: 1.0\r\nContent-Type: text/x-mms-emoticon\r\n\r\n${body}`, 'utf8'));
    }
    await sb.sendText(textMessage(text));
  }

  /** Publishes an MSN object (default Type 2, a custom emoticon) to be served by SHA1D; returns its msnobj. */
  publishObject(data: Buffer, opts: { type?: number; friendly?: string } = {}): string {
    const xml = buildMsnObject(this.email, data, { type: opts.type ?? 2, friendly: opts.friendly });
    this.objects.set(parseMsnObject(xml)?.sha1d ?? '', data);
    return xml;
  }

  /** Fetches any MSN object a contact published (an emoticon from an announcement, say). */
  fetchObject(email: string, msnObject: string): Promise<Buffer> {
    return this.fetchPicture(email, msnObject);
  }

  /**
   * Sends `payload` verbatim as one `MSG … D` (for tests that feed a client hostile P2P);
   * resolves on the switchboard's ACK.
   */
  async sendRaw(email: string, payload: Buffer): Promise<void> {
    const { acked } = await (await this.switchboardWith(email)).sendP2P(payload, false);
    await acked;
  }

  /** The next event of `type` (already seen ones included once) matching `match`. */
  nextEvent<T extends PeerEvent['type']>(
    type: T,
    match: (e: EventOf<T>) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<EventOf<T>> {
    const fits = (e: PeerEvent): e is EventOf<T> => e.type === type && match(e as EventOf<T>);
    const seen = this.events.find((e) => fits(e) && !this.consumed.has(e));
    if (seen) {
      this.consumed.add(seen);
      return Promise.resolve(seen as EventOf<T>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`${this.email}: no ${type} event in ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (e: PeerEvent) => {
        if (!fits(e) || this.consumed.has(e)) return;
        this.consumed.add(e);
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(e);
      };
      this.listeners.push(listener);
    });
  }

  /** Every P2P problem seen so far (malformed packets, timeouts, undelivered acks). */
  get errors(): string[] {
    return this.events.flatMap((e) => (e.type === 'p2p-error' ? [e.message] : []));
  }

  /** Returns the P2P problems seen so far and forgets them (for tests that provoke some). */
  takeErrors(): string[] {
    const taken = this.errors;
    for (let i = this.events.length - 1; i >= 0; i--)
      if (this.events[i]?.type === 'p2p-error') this.events.splice(i, 1);
    return taken;
  }

  /** Leaves every conversation (OUT on each switchboard); sessions on them fail. */
  closeSwitchboards(): void {
    for (const sb of this.switchboards) sb.close();
  }

  /** Leaves every conversation and signs out. */
  async close(): Promise<void> {
    for (const sb of this.switchboards) sb.close();
    this.ns.signOut();
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.ns.conn.destroy('closing');
        resolve();
      }, 1000);
      this.ns.conn.onClose(() => {
        clearTimeout(t);
        resolve();
      });
    });
    for (const sb of this.switchboards) sb.conn.destroy('closing');
  }

  // ---- internals -------------------------------------------------------------------------------

  private setPictureBytes(picture: Buffer | undefined): void {
    this.picture = picture;
    this.msnObject = picture ? buildMsnObject(this.email, picture) : undefined;
  }

  private announce(): Promise<void> {
    const encoded = this.msnObject ? percentEncode(this.msnObject) : undefined;
    return this.ns.setStatus(this.options.status ?? 'NLN', this.options.clientId ?? MSNC5, encoded);
  }

  private emit(e: PeerEvent): void {
    this.events.push(e);
    for (const l of [...this.listeners]) l(e);
  }

  private adopt(sb: Switchboard): Switchboard {
    this.switchboards.add(sb);
    this.links.set(sb, new Map());
    sb.onMessage = (from, payload) => this.message(sb, from, payload);
    sb.onLeave = (email) => {
      this.links.get(sb)?.get(email)?.fail(`${email} left the switchboard`);
      this.links.get(sb)?.delete(email);
      // A 1:1 conversation whose other side left is worthless (SWITCHBOARD.md §3).
      if (sb.members.size === 0) sb.close();
    };
    sb.conn.onClose((reason) => {
      for (const link of this.links.get(sb)?.values() ?? []) link.fail(`switchboard closed: ${reason}`);
      this.links.delete(sb);
      this.switchboards.delete(sb);
    });
    return sb;
  }

  private message(sb: Switchboard, from: string, payload: Buffer): void {
    const mime = splitMime(payload);
    const type = contentType(mime);
    if (type === 'application/x-msnmsgrp2p') this.link(sb, from).receive(payload);
    else if (type === 'text/plain') this.emit({ type: 'text', from, text: mime.body.toString('utf8') });
    else if (type === 'text/x-mms-emoticon' || type === 'text/x-mms-animemoticon') {
      const fields = mime.body.toString('utf8').split('\t');
      const items: Array<{ shortcut: string; msnObject: string }> = [];
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const raw = fields[i + 1] ?? '';
        let xml = raw;
        try {
          if (/^%3C/i.test(raw)) xml = decodeURIComponent(raw);
        } catch {
          xml = raw;
        }
        items.push({ shortcut: fields[i] ?? '', msnObject: xml });
      }
      this.emit({ type: 'emoticons', from, items });
    }
  }

  private link(sb: Switchboard, peer: string): Link {
    let perPeer = this.links.get(sb);
    if (!perPeer) {
      perPeer = new Map();
      this.links.set(sb, perPeer);
    }
    let link = perPeer.get(peer);
    if (!link) {
      link = new Link({
        me: this.email,
        peer,
        send: (payload, windowed) => sb.sendP2P(payload, windowed),
        object: (id) =>
          this.picture && parseMsnObject(this.msnObject ?? '')?.sha1d === id ? this.picture : this.objects.get(id),
        decideFile: (offer) => this.fileDecision(offer),
        emit: (e) => this.emit(e),
        ackTimeoutMs: this.ackTimeoutMs,
        answerTimeoutMs: this.answerTimeoutMs,
      });
      perPeer.set(peer, link);
    }
    return link;
  }

  private async linkTo(email: string): Promise<Link> {
    if (this.dialect < 9) throw new Error(`P2P needs MSNP9 or later; signed in with MSNP${this.dialect}`);
    const sb = await this.switchboardWith(email);
    return this.link(sb, email.toLowerCase());
  }

  /** An open 1:1 switchboard with `email`: an existing one, or a new XFR SB + CAL. */
  private switchboardWith(email: string): Promise<Switchboard> {
    const key = email.toLowerCase();
    for (const sb of this.switchboards) if (sb.open && sb.members.has(key)) return Promise.resolve(sb);
    let pending = this.calling.get(key);
    if (!pending) {
      pending = Switchboard.call(this.ns.conn, this.email, key).then((sb) => this.adopt(sb));
      const forget = () => this.calling.delete(key);
      pending.then(forget, forget);
      this.calling.set(key, pending);
    }
    return pending;
  }
}
