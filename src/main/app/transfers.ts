// File transfers as the conversation windows see them: the engine's P2P transfers (by engine
// conversation and transfer id) turned into `Transfer` entries of the app's conversations, with
// the decisions a user makes — accept into which folder, decline, cancel, open — and a clear
// reason for every way one can end. Received files never overwrite anything and are written to
// `<name>.part` until complete (the engine's sink does that); this service picks the folder.
import { basename } from 'node:path';
import { CommandError } from '../../shared/ipc';
import type { Participant, Transfer } from '../../shared/schemas';
import type { P2PEvents } from '../msnp/p2p/manager';
import { sha1dToHex, type ObjectStore } from './pictures/store';

/** The engine's transfer events this service follows. */
export type EngineTransferEvents = Pick<
  P2PEvents,
  'file-offer' | 'transfer-accepted' | 'transfer-progress' | 'transfer-completed' | 'transfer-failed'
>;

/** The engine's P2P layer as this service uses it. */
export interface TransferEngine<Source, Sink> {
  sendFile(email: string, source: Source, options: { conversationId?: string }): string;
  accept(transferId: string, sink: Sink): Promise<void>;
  decline(transferId: string): void;
  cancel(transferId: string): void;
  on<K extends keyof EngineTransferEvents>(event: K, listener: (payload: EngineTransferEvents[K]) => void): () => void;
}

/** What the desktop does with files: the chooser, the folder received files go to, opening them. */
export interface FileHost {
  chooseFiles(senderId: string): Promise<string[]>;
  /** The folder chooser for "save received files in"; undefined when the user cancels. */
  chooseFolder(senderId: string): Promise<string | undefined>;
  /** A small PNG preview of a picture file, sent with the invitation; undefined for other files. */
  thumbnail(path: string): Promise<Buffer | undefined>;
  /** Where received files are saved (the user's choice, else the OS Downloads folder). */
  receiveFolder(): string;
  openPath(path: string): Promise<void>;
  showInFolder(path: string): void;
}

/** What the service needs to know of a file it offers. */
export interface OfferedFile {
  readonly name: string;
  readonly size: number;
}

export interface TransfersDeps<Source extends OfferedFile, Sink> {
  readonly emit: (conversationId: string, transfer: Transfer) => void;
  readonly files: FileHost;
  readonly objects: ObjectStore;
  /** A file on disk as the engine sends it (with a preview when it is a picture). */
  readonly openSource: (path: string) => Promise<Source>;
  /** Where a received file is streamed: a fresh `.part` in `folder`, renamed when complete. */
  readonly createSink: (folder: string, name: string) => Promise<Sink>;
  /** The app conversation an engine conversation belongs to (adopting it if need be). */
  readonly appConversation: (engineConversationId: string) => string | undefined;
  /** The engine conversation and the one person of an app conversation, opened if needed. */
  readonly engineConversation: (conversationId: string) => { readonly engineId: string; readonly peer: Participant };
  readonly participant: (email: string) => Participant;
  /** Someone offers a file: the conversation window should come up, as for a message. */
  readonly offered: (conversationId: string, transfer: Transfer) => void;
  readonly now: () => number;
}

interface Tracked {
  transfer: Transfer;
  readonly conversationId: string;
  /** Where the received file ended up, for Open and Open Folder. */
  file?: string;
  /** Recent (time, bytes) samples for the speed. */
  readonly samples: [number, number][];
  /** When progress was last sent to the windows. */
  shownAt: number;
}

const SPEED_WINDOW_MS = 3000;
/** Progress reaches the windows at most this often: a bar needs no more, a 100 MB file sends thousands. */
export const PROGRESS_INTERVAL_MS = 100;

export class TransfersService<Source extends OfferedFile, Sink> {
  private readonly transfers = new Map<string, Tracked>();
  private engine: TransferEngine<Source, Sink> | undefined;
  private detachEngine: (() => void)[] = [];

  constructor(private readonly deps: TransfersDeps<Source, Sink>) {}

  attach(engine: TransferEngine<Source, Sink>): void {
    this.detach();
    this.engine = engine;
    this.detachEngine = [
      engine.on('file-offer', (offer) => void this.offered(offer)),
      engine.on('transfer-accepted', ({ transferId }) => this.start(transferId)),
      engine.on('transfer-progress', ({ transferId, bytes }) => this.progress(transferId, bytes)),
      engine.on('transfer-completed', ({ transferId, file, size }) => {
        const tracked = this.transfers.get(transferId);
        if (!tracked) return;
        if (file !== undefined) tracked.file = file;
        this.update(transferId, {
          state: 'done',
          bytes: size,
          speed: 0,
          ...(file === undefined ? {} : { savedAs: basename(file) }),
        });
      }),
      engine.on('transfer-failed', (failure) => this.failed(failure)),
    ];
  }

  /** The session ended: transfers still running end with it. */
  detach(): void {
    for (const off of this.detachEngine.splice(0)) off();
    this.engine = undefined;
    for (const [id, tracked] of this.transfers) {
      if (isRunning(tracked.transfer))
        this.update(id, { state: 'failed', speed: 0, reason: 'you were signed out before it finished' });
    }
  }

  async chooseAndSend(conversationId: string, senderId: string): Promise<string[]> {
    this.requireEngine();
    const paths = await this.deps.files.chooseFiles(senderId);
    return paths.length === 0 ? [] : this.send(conversationId, paths);
  }

  /** Offers each file; a file that cannot be read is reported and the others still go. */
  async send(conversationId: string, paths: readonly string[]): Promise<string[]> {
    const engine = this.requireEngine();
    const { engineId, peer } = this.deps.engineConversation(conversationId);
    const ids: string[] = [];
    const unreadable: string[] = [];
    for (const path of paths) {
      let source: Source;
      try {
        source = await this.deps.openSource(path);
      } catch {
        unreadable.push(basename(path));
        continue;
      }
      const transferId = engine.sendFile(peer.email, source, { conversationId: engineId });
      ids.push(transferId);
      const { name, size } = source;
      this.track(conversationId, {
        id: transferId,
        direction: 'send',
        peer,
        name,
        size,
        bytes: 0,
        speed: 0,
        state: 'waiting',
      });
    }
    if (unreadable.length > 0 && ids.length === 0)
      throw new CommandError(`Could not read ${unreadable.map((n) => `"${n}"`).join(', ')}: nothing was sent`);
    if (unreadable.length > 0)
      throw new CommandError(
        `Could not read ${unreadable.map((n) => `"${n}"`).join(', ')}; the other files were offered`,
      );
    return ids;
  }

  async accept(transferId: string): Promise<void> {
    const tracked = this.require(transferId, 'offered');
    const engine = this.requireEngine();
    const folder = this.deps.files.receiveFolder();
    let sink: Sink;
    try {
      sink = await this.deps.createSink(folder, tracked.transfer.name);
    } catch (err) {
      engine.decline(transferId);
      this.update(transferId, {
        state: 'failed',
        reason: `it could not be saved in ${folder} (${err instanceof Error ? err.message : String(err)})`,
      });
      return;
    }
    this.start(transferId);
    await engine.accept(transferId, sink);
  }

  decline(transferId: string): void {
    this.require(transferId, 'offered');
    this.requireEngine().decline(transferId);
    this.update(transferId, { state: 'declined', endedBy: 'you' });
  }

  cancel(transferId: string): void {
    const tracked = this.require(transferId);
    if (!isRunning(tracked.transfer)) throw new CommandError('That transfer has already ended');
    this.requireEngine().cancel(transferId);
    this.update(transferId, { state: 'cancelled', endedBy: 'you', speed: 0 });
  }

  async open(transferId: string): Promise<void> {
    await this.deps.files.openPath(this.savedFile(transferId));
  }

  /** Where a received file was saved, once it is complete. */
  savedPath(transferId: string): string | undefined {
    return this.transfers.get(transferId)?.file;
  }

  showInFolder(transferId: string): void {
    this.deps.files.showInFolder(this.savedFile(transferId));
  }

  private async offered(offer: EngineTransferEvents['file-offer']): Promise<void> {
    const conversationId = this.deps.appConversation(offer.conversationId);
    if (conversationId === undefined) {
      this.engine?.decline(offer.transferId);
      return;
    }
    let previewId: string | undefined;
    if (offer.preview) {
      // A preview is a picture from a contact like any other: only shown once it passes the checks.
      previewId = await this.deps.objects.put(offer.preview).then(
        (stored) => sha1dToHex(stored.sha1d),
        () => undefined,
      );
    }
    const transfer: Transfer = {
      id: offer.transferId,
      direction: 'receive',
      peer: this.deps.participant(offer.peer),
      name: offer.name,
      size: offer.size,
      bytes: 0,
      speed: 0,
      state: 'offered',
      ...(previewId === undefined ? {} : { previewId }),
    };
    this.track(conversationId, transfer);
    this.deps.offered(conversationId, transfer);
  }

  private failed(failure: EngineTransferEvents['transfer-failed']): void {
    const tracked = this.transfers.get(failure.transferId);
    // Ended here already (declined or cancelled by us): the engine's echo adds nothing.
    if (!tracked || !isRunning(tracked.transfer)) return;
    const endedBy = failure.by === 'you' ? ('you' as const) : ('them' as const);
    if (failure.reason === 'declined') this.update(failure.transferId, { state: 'declined', endedBy: 'them' });
    else if (failure.reason === 'cancelled')
      this.update(failure.transferId, { state: 'cancelled', endedBy, speed: 0, bytes: failure.bytes });
    else
      this.update(failure.transferId, {
        state: 'failed',
        speed: 0,
        bytes: failure.bytes,
        reason: failure.message.replace(/\.$/, ''),
      });
  }

  private progress(transferId: string, bytes: number): void {
    const tracked = this.transfers.get(transferId);
    if (!tracked) return;
    const now = this.deps.now();
    tracked.samples.push([now, bytes]);
    while (tracked.samples.length > 2 && now - (tracked.samples[0]?.[0] ?? now) > SPEED_WINDOW_MS)
      tracked.samples.shift();
    const [first] = tracked.samples;
    const elapsed = first ? now - first[0] : 0;
    const speed = first && elapsed > 0 ? ((bytes - first[1]) * 1000) / elapsed : 0;
    const change = { state: 'active' as const, bytes, speed: Math.max(0, Math.round(speed)) };
    if (tracked.transfer.state === 'active' && now - tracked.shownAt < PROGRESS_INTERVAL_MS) {
      tracked.transfer = { ...tracked.transfer, ...change };
      return;
    }
    tracked.shownAt = now;
    this.update(transferId, change);
  }

  /** Data starts flowing: the speed is measured from now. */
  private start(transferId: string): void {
    const tracked = this.transfers.get(transferId);
    if (!tracked || tracked.transfer.state === 'active') return;
    tracked.samples.splice(0, tracked.samples.length, [this.deps.now(), tracked.transfer.bytes]);
    this.update(transferId, { state: 'active' });
  }

  private track(conversationId: string, transfer: Transfer): void {
    const now = this.deps.now();
    this.transfers.set(transfer.id, { transfer, conversationId, samples: [[now, 0]], shownAt: now });
    this.deps.emit(conversationId, transfer);
  }

  private update(transferId: string, change: Partial<Transfer>): void {
    const tracked = this.transfers.get(transferId);
    if (!tracked) return;
    tracked.transfer = { ...tracked.transfer, ...change };
    this.deps.emit(tracked.conversationId, tracked.transfer);
  }

  private savedFile(transferId: string): string {
    const tracked = this.require(transferId);
    if (tracked.transfer.state !== 'done' || tracked.file === undefined)
      throw new CommandError('That file has not been received');
    return tracked.file;
  }

  private require(transferId: string, state?: Transfer['state']): Tracked {
    const tracked = this.transfers.get(transferId);
    if (!tracked) throw new CommandError('That file transfer is not known');
    if (state !== undefined && tracked.transfer.state !== state)
      throw new CommandError('That file transfer is no longer waiting for an answer');
    return tracked;
  }

  private requireEngine(): TransferEngine<Source, Sink> {
    if (!this.engine) throw new CommandError('You are not connected right now');
    return this.engine;
  }
}

function isRunning(transfer: Transfer): boolean {
  return transfer.state === 'offered' || transfer.state === 'waiting' || transfer.state === 'active';
}
