// The command-line client's MSNP2P tasks: advertise and serve a display picture, download
// contacts' pictures, send files, accept or decline incoming ones. Prints JSON lines; counts
// failures for the exit code. Imports only the protocol engine.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessengerClient } from './msnp/client';
import type { Contact } from '../shared/schemas';
import { createDownload, sanitizeFileName } from './msnp/p2p/files';
import { P2PManager, supportsP2P, type P2PEvents } from './msnp/p2p/manager';
import { buildMsnObject, MsnObjectType, parseMsnObject, type MsnObject } from './msnp/p2p/msnobj';
import { fileSource } from './msnp/p2p/source';

/** Pictures are downloaded by every contact through the switchboard: keep them small. */
export const MAX_PICTURE_BYTES = 1024 * 1024;

export interface P2PCliOptions {
  readonly displayPicture?: string;
  readonly fetchPictures?: string;
  readonly sendFiles: readonly { readonly to: string; readonly path: string }[];
  readonly acceptFiles?: string;
  readonly declineFiles: boolean;
}

type Print = (event: Record<string, unknown>) => void;

/** Reads the picture to advertise; throws a readable error. */
export async function loadPicture(path: string, email: string): Promise<{ data: Buffer; object: MsnObject }> {
  const data = await readFile(path);
  if (data.length === 0 || data.length > MAX_PICTURE_BYTES) {
    throw new Error(`${path}: a display picture must be 1 byte to ${MAX_PICTURE_BYTES / 1024} KB`);
  }
  return { data, object: buildMsnObject({ creator: email.toLowerCase(), data, type: MsnObjectType.PICTURE }) };
}

function extensionOf(data: Buffer): string {
  if (data.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'png';
  if (data.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'jpg';
  if (data.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  if (data.subarray(0, 2).toString('latin1') === 'BM') return 'bmp';
  return 'bin';
}

export class P2PTasks {
  readonly p2p: P2PManager;
  private failures = 0;
  private readonly pending = new Set<Promise<unknown>>();
  /** The SHA1D fetched (or being fetched) per contact, so a repeated NLN does not fetch again. */
  private readonly fetched = new Map<string, string>();
  private readonly offers = new Map<string, P2PEvents['file-offer']>();

  constructor(
    private readonly client: MessengerClient,
    private readonly options: P2PCliOptions,
    private readonly print: Print,
    picture: { data: Buffer; object: MsnObject } | undefined,
  ) {
    this.p2p = new P2PManager(client.conversations, {
      email: client.email,
      dialect: () => client.dialect,
      objects: { get: (sha1d) => (picture && sha1d === picture.object.sha1d ? picture.data : undefined) },
    });
    this.p2p.on('file-offer', (offer) => this.onOffer(offer));
    this.p2p.on('transfer-completed', (e) => {
      if (e.direction !== 'receive') return;
      this.offers.delete(e.transferId);
      this.print({ event: 'file-received', from: e.peer, name: e.name, bytes: e.size, file: e.file });
    });
    this.p2p.on('transfer-failed', (e) => {
      if (e.direction !== 'receive' || !this.offers.delete(e.transferId)) return;
      if (e.reason === 'declined' && e.by === 'you') return;
      this.failures++;
      this.print({ event: 'file-receive-failed', from: e.peer, name: e.name, bytes: e.bytes, reason: e.message });
    });
  }

  /** Whether any picture, sent file or received file failed. */
  get failed(): boolean {
    return this.failures > 0;
  }

  /** Starts what runs once after sign-in; resolves when those tasks have ended. */
  async runOnce(): Promise<void> {
    const tasks: Promise<unknown>[] = this.options.sendFiles.map(({ to, path }) => this.sendFile(to, path));
    if (this.options.fetchPictures !== undefined) {
      for (const contact of this.client.contacts) if (contact.status !== 'FLN') tasks.push(this.fetchPicture(contact));
    }
    await Promise.all(tasks);
  }

  /** While staying: fetch the pictures of contacts who come online or change them. */
  watch(): void {
    if (this.options.fetchPictures === undefined) return;
    this.client.on('presence', (contact) => {
      if (contact.status !== 'FLN') this.track(this.fetchPicture(contact));
    });
  }

  /** Resolves once nothing is running any more (transfers in progress, fetches started while staying). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise)).catch(() => {});
    return promise;
  }

  private async fetchPicture(contact: Contact): Promise<void> {
    const dir = this.options.fetchPictures;
    const object = contact.msnObject === undefined ? undefined : parseMsnObject(contact.msnObject);
    if (dir === undefined || !object || this.fetched.get(contact.email) === object.sha1d) return;
    this.fetched.set(contact.email, object.sha1d);
    const fail = (reason: string): void => {
      this.failures++;
      this.print({ event: 'picture-failed', email: contact.email, reason });
    };
    if (!supportsP2P(contact.clientId)) {
      fail("The contact's client cannot send display pictures");
      return;
    }
    try {
      const data = await this.p2p.fetchObject({ ...object, creator: contact.email });
      const file = join(dir, sanitizeFileName(`${contact.email}.${extensionOf(data)}`));
      await writeFile(file, data);
      this.print({ event: 'picture', email: contact.email, sha1d: object.sha1d, bytes: data.length, file });
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
    }
  }

  private async sendFile(to: string, path: string): Promise<void> {
    let source;
    try {
      source = await fileSource(path);
    } catch (err) {
      this.failures++;
      this.print({ event: 'file-sent', to, name: path, bytes: 0, accepted: false, reason: String(err) });
      return;
    }
    const name = source.name;
    let accepted = false;
    const result = new Promise<void>((resolve) => {
      const offs = [
        this.p2p.on('transfer-accepted', (e) => {
          if (e.transferId === id) accepted = true;
        }),
        this.p2p.on('transfer-completed', (e) => {
          if (e.transferId !== id) return;
          for (const off of offs) off();
          this.print({ event: 'file-sent', to, name, bytes: e.size, accepted: true });
          resolve();
        }),
        this.p2p.on('transfer-failed', (e) => {
          if (e.transferId !== id) return;
          for (const off of offs) off();
          this.failures++;
          this.print({ event: 'file-sent', to, name, bytes: e.bytes, accepted, reason: e.message });
          resolve();
        }),
      ];
    });
    const id = this.p2p.sendFile(to, source);
    await this.track(result);
  }

  private onOffer(offer: P2PEvents['file-offer']): void {
    this.print({ event: 'file-offer', from: offer.peer, name: offer.name, size: offer.size });
    const dir = this.options.acceptFiles;
    if (this.options.declineFiles) {
      this.p2p.decline(offer.transferId);
      this.print({ event: 'file-declined', from: offer.peer, name: offer.name, size: offer.size });
      return;
    }
    if (dir === undefined) return;
    this.offers.set(offer.transferId, offer);
    const done = new Promise<void>((resolve) => {
      const offs = [
        this.p2p.on('transfer-completed', (e) => e.transferId === offer.transferId && finish()),
        this.p2p.on('transfer-failed', (e) => e.transferId === offer.transferId && finish()),
      ];
      const finish = (): void => {
        for (const off of offs) off();
        resolve();
      };
    });
    void this.track(done);
    createDownload(dir, offer.name).then(
      (sink) => this.p2p.accept(offer.transferId, sink),
      (err: unknown) => {
        this.p2p.decline(offer.transferId);
        this.failures++;
        this.offers.delete(offer.transferId);
        this.print({ event: 'file-receive-failed', from: offer.peer, name: offer.name, bytes: 0, reason: String(err) });
      },
    );
  }
}
