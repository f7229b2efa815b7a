// The P2P state between this peer and one other participant of one switchboard (P2P.md §3–5):
// identifiers, chunking, reassembly, acks, and the picture and file sessions riding on it.
import { randomInt } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { decodeFileContext, encodeFileContext, type FileContext } from './context';
import { Coverage } from './coverage';
import { contentType, splitMime } from './mime';
import { parseMsnObject, sha1d } from './msnobj';
import {
  ackFor,
  CHUNK_BYTES,
  decodePacket,
  encodePacket,
  envelope,
  Flags,
  Footer,
  isAbort,
  isAck,
  isData,
  needsAck,
  P2PError,
  type Header,
  type Packet,
} from './packet';
import {
  CT_SESSION_CLOSE,
  CT_SESSION_REQ,
  CT_TRANS_REQ,
  CT_TRANS_RESP,
  encodeSlp,
  EUF_FILE,
  EUF_MSN_OBJECT,
  guid,
  parseSlp,
  type SlpMessage,
} from './slp';

/** Largest SLP message reassembled (P2P.md §9.5). */
const MAX_SLP_BYTES = 64 * 1024;
/** Bytes read from a file per read call when sending. */
const READ_BLOCK = CHUNK_BYTES * 16;
/** Received file bytes collected before one disk write. */
const WRITE_BATCH = 256 * 1024;

export type FileDecision = { accept: false } | { accept: true; dir: string; cancelAfterBytes?: number };

export interface FileOffer {
  readonly from: string;
  readonly name: string;
  readonly size: number;
}

export type PeerEvent =
  | { type: 'text'; from: string; text: string }
  | { type: 'emoticons'; from: string; items: Array<{ shortcut: string; msnObject: string }> }
  | { type: 'picture-served'; to: string; sha1d: string; bytes: number }
  | { type: 'picture-refused'; to: string; sha1d: string }
  | { type: 'file-offer'; from: string; name: string; size: number; accepted: boolean }
  | { type: 'file-received'; from: string; name: string; bytes: number; file: string }
  | { type: 'file-cancelled'; from: string; name: string; bytes: number; by: 'sender' | 'receiver' }
  | { type: 'file-failed'; from: string; name: string; reason: string }
  | { type: 'p2p-error'; peer: string; sessionId: number; message: string };

export interface SendFileOptions {
  /** Name offered to the receiver; default the file's own. */
  readonly name?: string;
  /** Cancel (BYE) once this many bytes were sent. */
  readonly cancelAfterBytes?: number;
  /** Cancel when aborted, before or during the transfer. */
  readonly signal?: AbortSignal;
}

export interface SendFileResult {
  readonly accepted: boolean;
  /** True when the receiver acked the whole file. */
  readonly completed: boolean;
  /** Bytes handed to the switchboard. */
  readonly bytes: number;
  readonly reason?: 'declined' | 'cancelled by sender' | 'cancelled by receiver';
}

export interface LinkHost {
  readonly me: string;
  readonly peer: string;
  /** Writes one switchboard MSG D; resolves once written (after window admission for windowed ones). */
  send(payload: Buffer, windowed: boolean): Promise<{ acked: Promise<void> }>;
  /** Objects this peer published, by SHA1D. */
  object(sha1d: string): Buffer | undefined;
  /** May take its time (a promise): the sender can withdraw the offer meanwhile. */
  decideFile(offer: FileOffer): FileDecision | Promise<FileDecision>;
  emit(e: PeerEvent): void;
  readonly ackTimeoutMs: number;
  readonly answerTimeoutMs: number;
}

interface Reassembly {
  readonly first: Header;
  readonly data: Buffer;
  readonly coverage: Coverage;
}

interface BaseSession {
  readonly sid: number;
  readonly callId: string;
  /** Ends the session: cleanup, and the waiting API call learns why. */
  end(error?: Error): void;
}

interface ServeSession extends BaseSession {
  readonly kind: 'serve';
}

interface FetchSession extends BaseSession {
  readonly kind: 'fetch';
  readonly size: number;
  readonly sha1d: string;
  accepted: boolean;
  data?: Buffer;
  coverage?: Coverage;
  answer(status: number): void;
  complete(data: Buffer): void;
}

interface SendSession extends BaseSession {
  readonly kind: 'send';
  accepted: boolean;
  stopped?: SendFileResult['reason'];
  /** Identifier of the file data message, once sending began. */
  dataId?: number;
  answer(status: number): void;
}

interface ReceiveSession extends BaseSession {
  readonly kind: 'receive';
  readonly name: string;
  readonly size: number;
  readonly dir: string;
  readonly cancelAfterBytes?: number;
  file?: FileHandle;
  partPath?: string;
  coverage: Coverage;
  writes: Promise<void>;
  /** Contiguous chunks not yet written, starting at batchStart. */
  batch: Buffer[];
  batchStart: number;
  batchBytes: number;
  done: boolean;
}

type Session = ServeSession | FetchSession | SendSession | ReceiveSession;

const randomU32 = (): number => randomInt(1, 0xffff_ffff);

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new P2PError(message)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Strips paths, control characters, leading dots and reserved names; never empty. */
export function safeFileName(name: string): string {
  let n = Array.from(basename(name.replace(/\\/g, '/')))
    .map((c) => (c.charCodeAt(0) < 0x20 || c === '\x7f' || '<>:"|?*'.includes(c) ? '_' : c))
    .join('')
    .replace(/^[.\s]+/, '')
    .trim();
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(n)) n = `_${n}`;
  while (Buffer.byteLength(n) > 200) n = n.slice(0, -1);
  return n || 'file';
}

async function unusedPath(dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; ; i++) {
    const candidate = join(dir, i === 0 ? name : `${stem} (${i})${ext}`);
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

export class Link {
  private nextIdentifier = randomInt(4, 0x3fff_ffff);
  private readonly partial = new Map<string, Reassembly>();
  /** Our messages waiting for the peer's ack, by Identifier. */
  private readonly acks = new Map<
    number,
    {
      promise: Promise<void>;
      resolve: () => void;
      reject: (e: Error) => void;
      acked: boolean;
      /** What a correct ack must carry: our field 32 and TotalSize (P2P.md §3.5). */
      sent?: { unique: number; total: bigint };
    }
  >();
  private readonly sessions = new Map<number, Session>();
  private readonly calls = new Map<string, Session>();
  /** File offers waiting for a decision, by Call-ID. */
  private readonly offers = new Map<string, { readonly name: string }>();
  /** Set once the switchboard is gone. */
  private closed = false;

  constructor(private readonly host: LinkHost) {}

  // ---- receiving -------------------------------------------------------------------------------

  /** One switchboard payload from the peer. Never throws: bad input ends a session, not the reader. */
  receive(payload: Buffer): void {
    try {
      const mime = splitMime(payload);
      if (contentType(mime) !== 'application/x-msnmsgrp2p') return;
      const dest = (mime.headers.get('p2p-dest') ?? '').toLowerCase();
      if (dest.includes(';{')) {
        this.error(0, 'P2P v2 packet (P2P-Dest with an endpoint GUID) dropped');
        return;
      }
      if (dest !== this.host.me) return;
      this.packet(decodePacket(mime.body));
    } catch (err) {
      const sid = err instanceof P2PError ? (err.sessionId ?? 0) : 0;
      this.error(sid, (err as Error).message);
      if (sid !== 0) this.sessions.get(sid)?.end(err as Error);
    }
  }

  private packet(p: Packet): void {
    const h = p.header;
    if (isAck(h.flags)) {
      // Matched by field 32 = our Identifier; the entry stays until its waiter has seen it.
      const waiter = this.acks.get(h.ackIdentifier);
      if (waiter) {
        if (waiter.sent && (h.ackUniqueId !== waiter.sent.unique || h.ackDataSize !== waiter.sent.total)) {
          this.error(
            h.sessionId,
            `ack of ${h.ackIdentifier} carries AckUniqueID ${h.ackUniqueId} / AckDataSize ${h.ackDataSize}, expected ${waiter.sent.unique} / ${waiter.sent.total}`,
          );
        }
        waiter.acked = true;
        waiter.resolve();
      }
      if (p.footer !== Footer.slp) this.error(h.sessionId, `ack with footer ${p.footer}`);
      return;
    }
    if (isAbort(h.flags)) {
      const s = this.sessions.get(h.sessionId);
      if (s) this.cancelledByPeer(s);
      return;
    }
    this.checkFooter(p);
    if (h.sessionId === 0) return this.reassemble(p, MAX_SLP_BYTES, (data) => this.slp(data));
    const s = this.sessions.get(h.sessionId);
    // Chunks of a session that just ended are still in flight: drop them.
    if (!s) return;
    if (s.kind === 'receive' && isData(h.flags)) return this.fileChunk(s, p);
    if (s.kind === 'fetch' && isData(h.flags)) return this.objectChunk(s, p);
    // The data-preparation message and anything else that asks for it: reassemble, ack.
    this.reassemble(p, MAX_SLP_BYTES, () => {});
  }

  /**
   * Receivers route by SessionID, but the peer also checks the footer senders must write (P2P.md
   * §3.2), once per message: a little-endian footer is a classic bug this should catch.
   */
  private checkFooter(p: Packet): void {
    const h = p.header;
    if (h.offset !== 0n) return;
    const s = this.sessions.get(h.sessionId);
    const allowed =
      h.sessionId === 0
        ? [Footer.slp]
        : s?.kind === 'receive' && isData(h.flags)
          ? [Footer.file]
          : [Footer.msnObject, Footer.emoticon, Footer.picture];
    if (!allowed.includes(p.footer as never)) {
      this.error(h.sessionId, `footer ${p.footer} (0x${p.footer.toString(16)}) where ${allowed.join(' or ')} belongs`);
    }
  }

  private reassemble(p: Packet, cap: number, done: (data: Buffer) => void): void {
    const h = p.header;
    if (h.totalSize > BigInt(cap)) throw new P2PError(`message of ${h.totalSize} bytes is too large`, h.sessionId);
    const key = `${h.sessionId}:${h.identifier}`;
    let r = this.partial.get(key);
    if (!r) {
      r = { first: h, data: Buffer.alloc(Number(h.totalSize)), coverage: new Coverage() };
      this.partial.set(key, r);
    }
    if (h.totalSize !== r.first.totalSize) throw new P2PError('TotalSize changed between chunks', h.sessionId);
    const at = Number(h.offset);
    p.payload.copy(r.data, at);
    r.coverage.add(at, at + p.payload.length);
    if (r.coverage.covered < r.data.length) return;
    this.partial.delete(key);
    if (needsAck(h.flags)) this.ack(r.first);
    done(r.data);
  }

  private slp(bytes: Buffer): void {
    const m = parseSlp(bytes);
    if (m.contentLength !== m.bodyBytes) {
      // Read leniently, but a wrong count stalls official clients (P2P.md §9.1): report it.
      this.error(0, `SLP Content-Length ${m.contentLength} but ${m.bodyBytes} body bytes (NUL included)`);
    }
    if (m.method === 'INVITE' && m.contentType === CT_SESSION_REQ) return this.invite(m);
    if (m.method === 'INVITE' && m.contentType === CT_TRANS_REQ) {
      // SB only: decline the direct connection politely (P2P.md §4.5).
      void this.respond(m, 200, 'OK', CT_TRANS_RESP, [
        ['Bridge', 'TCPv1'],
        ['Listening', 'false'],
        ['Nonce', '{00000000-0000-0000-0000-000000000000}'],
      ]);
      return;
    }
    const offer = this.offers.get(m.callId);
    if (offer && (m.method === 'BYE' || m.status !== undefined)) {
      // The sender withdrew a file offer not yet answered (BYE, or 603 as libpurple sends).
      this.offers.delete(m.callId);
      this.host.emit({ type: 'file-cancelled', from: this.host.peer, name: offer.name, bytes: 0, by: 'sender' });
      return;
    }
    const s = this.calls.get(m.callId);
    if (m.method === 'BYE') {
      if (s) this.byeReceived(s);
      return;
    }
    if (m.status !== undefined && s && (s.kind === 'fetch' || s.kind === 'send') && m.contentType === CT_SESSION_REQ) {
      s.answer(m.status);
    }
  }

  private invite(m: SlpMessage): void {
    const sid = Number(m.body.get('sessionid'));
    const euf = (m.body.get('euf-guid') ?? '').toUpperCase();
    const appId = Number(m.body.get('appid'));
    const decline = () => void this.respond(m, 603, 'Decline', CT_SESSION_REQ, [['SessionID', String(sid)]]);
    if (!Number.isInteger(sid) || sid <= 0 || sid > 0xffff_ffff || this.sessions.has(sid)) return decline();
    const context = Buffer.from(m.body.get('context') ?? '', 'base64');
    if (euf === EUF_MSN_OBJECT && [1, 11, 12].includes(appId)) {
      const obj = parseMsnObject(context.toString('utf8'));
      const data = obj && this.host.object(obj.sha1d);
      if (!obj || !data) {
        this.host.emit({ type: 'picture-refused', to: this.host.peer, sha1d: obj?.sha1d ?? '' });
        return decline();
      }
      this.serve(m, sid, obj.sha1d, data);
      return;
    }
    if (euf === EUF_FILE && appId === 2) {
      let ctx: FileContext;
      try {
        ctx = decodeFileContext(context);
      } catch (err) {
        this.error(sid, (err as Error).message);
        return decline();
      }
      const size = Number(ctx.size);
      const name = safeFileName(ctx.name);
      const offer = { name };
      this.offers.set(m.callId, offer);
      Promise.resolve(this.host.decideFile({ from: this.host.peer, name, size }))
        .catch((): FileDecision => ({ accept: false }))
        .then((decision) => {
          if (this.offers.get(m.callId) !== offer || this.closed) return;
          this.offers.delete(m.callId);
          this.host.emit({ type: 'file-offer', from: this.host.peer, name, size, accepted: decision.accept });
          if (!decision.accept) return decline();
          this.receiveFile(m, sid, name, size, decision);
        });
      return;
    }
    decline();
  }

  // ---- serving an MSN object (P2P.md §5.1, owner side) --------------------------------------------

  private serve(invite: SlpMessage, sid: number, objectId: string, data: Buffer): void {
    let timer: NodeJS.Timeout | undefined;
    const s: ServeSession = {
      kind: 'serve',
      sid,
      callId: invite.callId,
      end: () => {
        clearTimeout(timer);
        this.forget(s);
      },
    };
    this.track(s);
    const live = () => this.sessions.get(sid) === s;
    const run = async () => {
      await this.expectAck(await this.respond(invite, 200, 'OK', CT_SESSION_REQ, [['SessionID', String(sid)]]));
      if (!live()) return;
      await this.expectAck(await this.sendMessage(sid, Flags.normal, Footer.msnObject, Buffer.alloc(4)));
      if (!live()) return;
      await this.expectAck(await this.sendMessage(sid, Flags.msnObjectData, Footer.msnObject, data));
      // The BYE often arrives together with this ack, so the session may be over already: fine.
      this.host.emit({ type: 'picture-served', to: this.host.peer, sha1d: objectId, bytes: data.length });
      if (!live()) return;
      // The requester closes with BYE; without one, give up on the session after a while.
      timer = setTimeout(() => s.end(), 60_000);
      timer.unref();
    };
    run().catch((err: unknown) => {
      // A requester that closed the session early (BYE) is not an error.
      if (!live()) return;
      this.error(sid, `serving ${objectId}: ${(err as Error).message}`);
      s.end();
    });
  }

  // ---- fetching an MSN object (requester side) ----------------------------------------------------

  fetchObject(msnObjectXml: string): Promise<Buffer> {
    const obj = parseMsnObject(msnObjectXml);
    if (!obj) return Promise.reject(new P2PError('not an msnobj with SHA1D and Size'));
    const sid = this.newSessionId();
    const callId = guid();
    return new Promise<Buffer>((resolve, reject) => {
      // Armed before the session exists; it only fires later, when `s` is set.
      const timer = setTimeout(() => s.end(new P2PError('picture did not arrive in time')), this.host.answerTimeoutMs);
      const context = Buffer.concat([Buffer.from(msnObjectXml, 'utf8'), Buffer.from([0])]).toString('base64');
      const s: FetchSession = {
        kind: 'fetch',
        sid,
        callId,
        size: obj.size,
        sha1d: obj.sha1d,
        accepted: false,
        answer: (status) => {
          if (status !== 200) s.end(new P2PError(`owner answered ${status}`));
          else s.accepted = true;
        },
        end: (error) => {
          clearTimeout(timer);
          this.forget(s);
          if (error) reject(error);
        },
        complete: (data) => {
          clearTimeout(timer);
          this.forget(s);
          const bad = data.length !== obj.size || sha1d(data) !== obj.sha1d;
          // Settled once the owner acked the BYE, so the session is over on both sides.
          this.bye(callId)
            .catch((err: unknown) => this.error(sid, (err as Error).message))
            .finally(() => {
              if (!bad) return resolve(data);
              reject(
                new P2PError(`picture of ${data.length} bytes does not match Size ${obj.size} / SHA1D ${obj.sha1d}`),
              );
            });
        },
      };
      this.track(s);
      const body: Array<[string, string]> = [
        ['EUF-GUID', EUF_MSN_OBJECT],
        ['SessionID', String(sid)],
        ['AppID', '1'],
        ['Context', context],
      ];
      this.request('INVITE', callId, CT_SESSION_REQ, body)
        .then((id) => this.expectAck(id))
        .catch((err: unknown) => s.end(err as Error));
    });
  }

  private objectChunk(s: FetchSession, p: Packet): void {
    const h = p.header;
    if (h.totalSize !== BigInt(s.size))
      throw new P2PError(`object data of ${h.totalSize} bytes, Size says ${s.size}`, s.sid);
    s.data ??= Buffer.alloc(s.size);
    s.coverage ??= new Coverage();
    const at = Number(h.offset);
    p.payload.copy(s.data, at);
    s.coverage.add(at, at + p.payload.length);
    if (s.coverage.covered < s.size) return;
    this.ack(h);
    s.complete(s.data);
  }

  // ---- sending a file (P2P.md §5.2, sender side) --------------------------------------------------

  /**
   * Offers a file and streams it once accepted. `cancelAfterBytes` or `signal` (also before the
   * answer) make this side cancel with a BYE.
   */
  async sendFile(path: string, opts: SendFileOptions = {}): Promise<SendFileResult> {
    const file = await open(path, 'r');
    try {
      const size = (await file.stat()).size;
      const sid = this.newSessionId();
      const callId = guid();
      let answered!: (status: number) => void;
      let ended!: (e?: Error) => void;
      const answer = new Promise<number>((r) => (answered = r));
      const finished = new Promise<void>((resolve, reject) => (ended = (e) => (e ? reject(e) : resolve())));
      finished.catch(() => {});
      const s: SendSession = {
        kind: 'send',
        sid,
        callId,
        accepted: false,
        answer: (status) => {
          s.accepted = status === 200;
          answered(status);
        },
        end: (error) => {
          this.forget(s);
          // Before the answer: a BYE/603 here means the offer was withdrawn or refused.
          answered(0);
          ended(error);
        },
      };
      this.track(s);
      const body: Array<[string, string]> = [
        ['EUF-GUID', EUF_FILE],
        ['SessionID', String(sid)],
        ['AppID', '2'],
        ['Context', encodeFileContext(opts.name ?? basename(path), size).toString('base64')],
      ];
      await this.expectAck(await this.request('INVITE', callId, CT_SESSION_REQ, body));
      const abort = new Promise<number>((resolve) => {
        if (opts.signal?.aborted) resolve(-1);
        opts.signal?.addEventListener('abort', () => resolve(-1), { once: true });
      });
      const status = await withTimeout(
        Promise.race([answer, abort]),
        this.host.answerTimeoutMs,
        'no answer to the file invitation',
      );
      if (status === -1) {
        // Withdrawn before the receiver answered: BYE on the Call-ID (P2P.md §5.2).
        await this.bye(callId);
        s.end();
        return { accepted: false, completed: false, bytes: 0, reason: 'cancelled by sender' };
      }
      if (status === 0) await finished; // the session ended first: rethrows why, if it failed
      if (status !== 200) {
        s.end();
        return { accepted: false, completed: false, bytes: 0, reason: 'declined' };
      }
      const identifier = this.identifier();
      const unique = randomU32();
      const dataAcked = this.ackWaiter(identifier, { unique, total: BigInt(size) });
      s.dataId = identifier;
      let sent = 0;
      const block = Buffer.alloc(READ_BLOCK);
      while (sent < size && !s.stopped && this.sessions.get(sid) === s) {
        if (opts.signal?.aborted || (opts.cancelAfterBytes !== undefined && sent >= opts.cancelAfterBytes)) {
          s.stopped = 'cancelled by sender';
          break;
        }
        const { bytesRead } = await file.read(block, 0, Math.min(READ_BLOCK, size - sent), sent);
        if (bytesRead === 0) throw new P2PError('file shrank while sending', sid);
        for (let at = 0; at < bytesRead && !s.stopped; at += CHUNK_BYTES) {
          const chunk = block.subarray(at, Math.min(at + CHUNK_BYTES, bytesRead));
          const header: Header = {
            sessionId: sid,
            identifier,
            offset: BigInt(sent + at),
            totalSize: BigInt(size),
            length: chunk.length,
            flags: Flags.fileData,
            ackIdentifier: unique,
            ackUniqueId: 0,
            ackDataSize: 0n,
          };
          const { acked } = await this.host.send(
            envelope(this.host.peer, encodePacket(header, chunk, Footer.file)),
            true,
          );
          acked.catch((err: unknown) => s.end(err as Error));
        }
        sent += bytesRead;
      }
      if (this.sessions.get(sid) !== s && !s.stopped) {
        await finished;
        throw new P2PError('the file session ended before all data was sent');
      }
      if (s.stopped === 'cancelled by sender') {
        this.acks.delete(identifier);
        await this.bye(callId);
        s.end();
        return { accepted: true, completed: false, bytes: sent, reason: s.stopped };
      }
      if (s.stopped) return { accepted: true, completed: false, bytes: sent, reason: s.stopped };
      // Sender "done" = the receiver's ack of the data (or its BYE, if it cancelled meanwhile).
      await withTimeout(Promise.race([dataAcked, finished]), this.host.ackTimeoutMs, 'file data was never acked');
      if (s.stopped) return { accepted: true, completed: false, bytes: sent, reason: s.stopped };
      // The receiver sends BYE next; the session lingers until then, but not forever.
      setTimeout(() => s.end(), 60_000).unref();
      return { accepted: true, completed: true, bytes: sent };
    } finally {
      await file.close();
    }
  }

  // ---- receiving a file (receiver side) ----------------------------------------------------------

  private receiveFile(
    invite: SlpMessage,
    sid: number,
    name: string,
    size: number,
    d: FileDecision & { accept: true },
  ): void {
    const s: ReceiveSession = {
      kind: 'receive',
      sid,
      callId: invite.callId,
      name,
      size,
      dir: d.dir,
      cancelAfterBytes: d.cancelAfterBytes,
      coverage: new Coverage(),
      writes: Promise.resolve(),
      batch: [],
      batchStart: 0,
      batchBytes: 0,
      done: false,
      end: (error) => {
        this.forget(s);
        if (s.done) return;
        s.done = true;
        void this.discard(s);
        if (!error) return;
        this.host.emit({ type: 'file-failed', from: this.host.peer, name, reason: error.message });
        // A local failure (disk, bad data) must not leave the sender waiting: close the session.
        if (!this.closed) this.bye(s.callId).catch(() => {});
      },
    };
    this.track(s);
    s.writes = (async () => {
      s.partPath = await unusedPath(d.dir, `${name}.part`);
      s.file = await open(s.partPath, 'wx');
    })();
    s.writes.catch((err: unknown) => s.end(err as Error));
    this.respond(invite, 200, 'OK', CT_SESSION_REQ, [['SessionID', String(sid)]])
      .then((id) => this.expectAck(id))
      .catch((err: unknown) => s.end(err as Error));
  }

  private fileChunk(s: ReceiveSession, p: Packet): void {
    const h = p.header;
    if (s.done) return;
    if (h.totalSize !== BigInt(s.size)) {
      throw new P2PError(`file data of ${h.totalSize} bytes, offered ${s.size}`, s.sid);
    }
    const at = Number(h.offset);
    s.coverage.add(at, at + p.payload.length);
    // Contiguous chunks are written in batches; the socket is never paused, because a switchboard
    // drops a client that stops reading (the server ACKs the sender as soon as it has queued).
    if (s.batch.length > 0 && at !== s.batchStart + s.batchBytes) this.flush(s);
    if (s.batch.length === 0) s.batchStart = at;
    s.batch.push(Buffer.from(p.payload));
    s.batchBytes += p.payload.length;
    if (s.batchBytes >= WRITE_BATCH) this.flush(s);
    if (s.cancelAfterBytes !== undefined && s.coverage.covered >= s.cancelAfterBytes && s.coverage.covered < s.size) {
      s.done = true;
      this.forget(s);
      const bytes = s.coverage.covered;
      void this.discard(s);
      this.bye(s.callId)
        .catch((err: unknown) => this.error(s.sid, (err as Error).message))
        .finally(() =>
          this.host.emit({ type: 'file-cancelled', from: this.host.peer, name: s.name, bytes, by: 'receiver' }),
        );
      return;
    }
    if (s.coverage.covered < s.size) return;
    s.done = true;
    this.flush(s);
    void (async () => {
      try {
        await s.writes;
        await s.file?.close();
        s.file = undefined;
        const part = s.partPath ?? '';
        const bytes = (await stat(part)).size;
        if (bytes !== s.size) throw new P2PError(`received ${bytes} bytes of ${s.size}`, s.sid);
        const final = await unusedPath(s.dir, s.name);
        await rename(part, final);
        this.ack(h);
        await this.bye(s.callId);
        this.host.emit({ type: 'file-received', from: this.host.peer, name: s.name, bytes, file: final });
      } catch (err) {
        this.host.emit({ type: 'file-failed', from: this.host.peer, name: s.name, reason: (err as Error).message });
        void this.discard(s);
      } finally {
        this.forget(s);
      }
    })();
  }

  private flush(s: ReceiveSession): void {
    if (s.batch.length === 0) return;
    const data = Buffer.concat(s.batch);
    const at = s.batchStart;
    s.batch = [];
    s.batchBytes = 0;
    s.writes = s.writes.then(async () => {
      await s.file?.write(data, 0, data.length, at);
    });
    s.writes.catch((err: unknown) => s.end(err as Error));
  }

  private async discard(s: ReceiveSession): Promise<void> {
    try {
      await s.writes.catch(() => {});
      await s.file?.close();
      s.file = undefined;
      if (s.partPath) await rm(s.partPath, { force: true });
    } catch (err) {
      this.error(s.sid, `discarding ${s.name}: ${(err as Error).message}`);
    }
  }

  // ---- endings -----------------------------------------------------------------------------------

  private byeReceived(s: Session): void {
    if (s.kind === 'receive') {
      if (!s.done) {
        this.host.emit({
          type: 'file-cancelled',
          from: this.host.peer,
          name: s.name,
          bytes: s.coverage.covered,
          by: 'sender',
        });
      }
      s.end();
    } else if (s.kind === 'send') {
      // The receiver's BYE right after its ack of the data (often in the same TCP read) is success.
      const complete = s.dataId !== undefined && this.acks.get(s.dataId)?.acked === true;
      if (s.accepted && !complete) s.stopped ??= 'cancelled by receiver';
      s.end();
    } else if (s.kind === 'fetch') {
      s.end(new P2PError('owner closed the session'));
    } else s.end();
  }

  private cancelledByPeer(s: Session): void {
    if (s.kind === 'receive') {
      this.host.emit({
        type: 'file-cancelled',
        from: this.host.peer,
        name: s.name,
        bytes: s.coverage.covered,
        by: 'sender',
      });
      s.end();
    } else if (s.kind === 'send') {
      s.stopped ??= 'cancelled by receiver';
      s.end();
    } else s.end(new P2PError('session closed by the peer'));
  }

  /** The switchboard closed or the peer left: every session fails. */
  fail(reason: string): void {
    this.closed = true;
    const error = new P2PError(reason);
    for (const s of [...this.sessions.values()]) s.end(error);
    for (const w of this.acks.values()) w.reject(error);
    this.acks.clear();
  }

  // ---- sending -----------------------------------------------------------------------------------

  private identifier(): number {
    const id = this.nextIdentifier;
    this.nextIdentifier = (this.nextIdentifier + 1) >>> 0;
    return id;
  }

  private newSessionId(): number {
    let sid: number;
    do sid = randomInt(1, 0x7fff_ffff);
    while (this.sessions.has(sid));
    return sid;
  }

  private track(s: Session): void {
    this.sessions.set(s.sid, s);
    this.calls.set(s.callId, s);
  }

  private forget(s: Session): void {
    if (this.sessions.get(s.sid) === s) this.sessions.delete(s.sid);
    if (this.calls.get(s.callId) === s) this.calls.delete(s.callId);
  }

  /** The promise of the peer's ack of our message `identifier`, registered on first use. */
  private ackWaiter(identifier: number, sent?: { unique: number; total: bigint }): Promise<void> {
    const existing = this.acks.get(identifier);
    if (existing) return existing.promise;
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    this.acks.set(identifier, { promise, resolve, reject, acked: false, sent });
    return promise;
  }

  /** Waits (bounded) for the peer's ack of the message sent with `identifier`. */
  private expectAck(identifier: number): Promise<void> {
    return withTimeout(
      this.ackWaiter(identifier),
      this.host.ackTimeoutMs,
      `message ${identifier} was never acked`,
    ).finally(() => this.acks.delete(identifier));
  }

  /** Sends one message in chunks of 1202; returns its Identifier (registered for its ack). */
  private async sendMessage(sid: number, flags: number, footer: number, data: Buffer): Promise<number> {
    const identifier = this.identifier();
    const unique = randomU32();
    this.ackWaiter(identifier, { unique, total: BigInt(data.length) });
    for (let at = 0; at < data.length || at === 0; at += CHUNK_BYTES) {
      const chunk = data.subarray(at, at + CHUNK_BYTES);
      const header: Header = {
        sessionId: sid,
        identifier,
        offset: BigInt(at),
        totalSize: BigInt(data.length),
        length: chunk.length,
        flags,
        ackIdentifier: unique,
        ackUniqueId: 0,
        ackDataSize: 0n,
      };
      const { acked } = await this.host.send(
        envelope(this.host.peer, encodePacket(header, chunk, footer)),
        flags !== Flags.normal,
      );
      acked.catch((err: unknown) => this.error(sid, (err as Error).message));
      if (data.length === 0) break;
    }
    return identifier;
  }

  private ack(acked: Header): void {
    const packet = encodePacket(ackFor(acked, this.identifier()), Buffer.alloc(0), Footer.slp);
    this.host
      .send(envelope(this.host.peer, packet), false)
      .then(({ acked: sbAck }) => sbAck)
      .catch((err: unknown) => this.error(acked.sessionId, `ack not delivered: ${(err as Error).message}`));
  }

  private request(method: string, callId: string, ct: string, body: Array<[string, string]>): Promise<number> {
    const f = { to: this.host.peer, from: this.host.me, branch: guid(), cseq: 0, callId, contentType: ct };
    return this.sendMessage(0, Flags.normal, Footer.slp, encodeSlp({ method }, f, body));
  }

  private respond(
    m: SlpMessage,
    status: number,
    reason: string,
    ct: string,
    body: Array<[string, string]>,
  ): Promise<number> {
    const f = { to: m.from, from: this.host.me, branch: m.branch, cseq: m.cseq + 1, callId: m.callId, contentType: ct };
    const sent = this.sendMessage(0, Flags.normal, Footer.slp, encodeSlp({ status, reason }, f, body));
    sent.catch((err: unknown) => this.error(0, (err as Error).message));
    return sent;
  }

  private async bye(callId: string): Promise<void> {
    await this.expectAck(await this.request('BYE', callId, CT_SESSION_CLOSE, []));
  }

  private error(sessionId: number, message: string): void {
    this.host.emit({ type: 'p2p-error', peer: this.host.peer, sessionId, message });
  }
}
