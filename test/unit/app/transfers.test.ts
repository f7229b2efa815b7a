import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandError } from '../../../src/shared/ipc';
import type { Transfer } from '../../../src/shared/schemas';
import { ObjectStore } from '../../../src/main/app/pictures/store';
import { endedText, formatBytes } from '../../../src/shared/transfers';
import {
  PROGRESS_INTERVAL_MS,
  TransfersService,
  type EngineTransferEvents,
  type TransferEngine,
} from '../../../src/main/app/transfers';

interface Source {
  readonly name: string;
  readonly size: number;
}
interface Sink {
  readonly folder: string;
  readonly name: string;
}

class FakeEngine implements TransferEngine<Source, Sink> {
  readonly calls: string[] = [];
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();
  private next = 0;

  sendFile(email: string, source: Source, options: { conversationId?: string }): string {
    this.calls.push(`send ${email} ${source.name} on ${options.conversationId}`);
    return `t${++this.next}`;
  }
  accept(transferId: string, sink: Sink): Promise<void> {
    this.calls.push(`accept ${transferId} into ${sink.folder}/${sink.name}`);
    return Promise.resolve();
  }
  decline(transferId: string): void {
    this.calls.push(`decline ${transferId}`);
  }
  cancel(transferId: string): void {
    this.calls.push(`cancel ${transferId}`);
  }
  on<K extends keyof EngineTransferEvents>(event: K, listener: (payload: EngineTransferEvents[K]) => void) {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }
  fire<K extends keyof EngineTransferEvents>(event: K, payload: EngineTransferEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: typeof payload) => void)(payload);
  }
}

const bob = { email: 'bob@example.com', displayName: 'Bob' };

function gif(): Buffer {
  return Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
}

describe('TransfersService', () => {
  let dir: string;
  let engine: FakeEngine;
  let clock: number;
  let shown: [string, Transfer][];
  let service: TransfersService<Source, Sink>;
  let opened: string[];
  let unreadable: Set<string>;
  let alerted: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'revival-transfers-'));
    engine = new FakeEngine();
    clock = 1_000;
    shown = [];
    opened = [];
    unreadable = new Set();
    alerted = [];
    service = new TransfersService<Source, Sink>({
      emit: (conversationId, transfer) => shown.push([conversationId, transfer]),
      files: {
        chooseFiles: () => Promise.resolve(['/home/me/a.txt', '/home/me/b.png']),
        chooseFolder: () => Promise.resolve(undefined),
        thumbnail: () => Promise.resolve(undefined),
        receiveFolder: () => '/home/me/Downloads',
        openPath: (path) => {
          opened.push(`open ${path}`);
          return Promise.resolve();
        },
        showInFolder: (path) => opened.push(`show ${path}`),
      },
      objects: new ObjectStore(dir),
      openSource: (path) =>
        unreadable.has(path)
          ? Promise.reject(new Error('EACCES'))
          : Promise.resolve({ name: path.split('/').pop() ?? '', size: 1000 }),
      createSink: (folder, name) => Promise.resolve({ folder, name }),
      appConversation: (engineId) => (engineId === 'sb-1' ? 'conv-1' : undefined),
      engineConversation: () => ({ engineId: 'sb-1', peer: bob }),
      participant: (email) => (email === bob.email ? bob : { email, displayName: email }),
      offered: (conversationId, transfer) => alerted.push(`${conversationId} ${transfer.name}`),
      now: () => clock,
    });
    service.attach(engine);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const last = (): Transfer | undefined => shown.at(-1)?.[1];
  const info = (transferId: string, direction: 'send' | 'receive' = 'send') => ({
    transferId,
    conversationId: 'sb-1',
    direction,
    peer: bob.email,
    name: 'a.txt',
    size: 1000,
  });

  it('offers each chosen file in the conversation and follows it to the end', async () => {
    const ids = await service.chooseAndSend('conv-1', 'window-1');
    expect(ids).toEqual(['t1', 't2']);
    expect(engine.calls).toEqual(['send bob@example.com a.txt on sb-1', 'send bob@example.com b.png on sb-1']);
    expect(shown.map(([c, t]) => `${c} ${t.name} ${t.state}`)).toEqual([
      'conv-1 a.txt waiting',
      'conv-1 b.png waiting',
    ]);
    engine.fire('transfer-accepted', info('t1'));
    clock += 1000;
    engine.fire('transfer-progress', { transferId: 't1', bytes: 500, size: 1000 });
    expect(last()).toMatchObject({ id: 't1', state: 'active', bytes: 500, speed: 500 });
    engine.fire('transfer-completed', info('t1'));
    expect(last()).toMatchObject({ id: 't1', state: 'done', bytes: 1000, speed: 0 });
  });

  it('sends progress to the windows at most every 100 ms', async () => {
    await service.send('conv-1', ['/a.txt']);
    engine.fire('transfer-accepted', info('t1'));
    const before = shown.length;
    for (let i = 1; i <= 50; i++) {
      clock += 10;
      engine.fire('transfer-progress', { transferId: 't1', bytes: i * 10, size: 1000 });
    }
    // 500 ms of progress events every 10 ms: about one update per interval.
    expect(shown.length - before).toBeLessThanOrEqual(500 / PROGRESS_INTERVAL_MS + 1);
    expect(shown.length - before).toBeGreaterThanOrEqual(4);
  });

  it('offers the readable files and says which could not be read', async () => {
    unreadable.add('/secret.txt');
    await expect(service.send('conv-1', ['/secret.txt', '/ok.txt'])).rejects.toThrow(
      'Could not read "secret.txt"; the other files were offered',
    );
    expect(engine.calls).toEqual(['send bob@example.com ok.txt on sb-1']);
    await expect(service.send('conv-1', ['/secret.txt'])).rejects.toThrow('nothing was sent');
  });

  it('shows an offer with its verified preview, and accepts it into the receive folder', async () => {
    engine.fire('file-offer', { ...info('r1', 'receive'), name: 'photo.gif', preview: gif() });
    await new Promise((r) => setTimeout(r, 20));
    expect(last()).toMatchObject({ id: 'r1', direction: 'receive', state: 'offered', name: 'photo.gif', peer: bob });
    expect(last()?.previewId).toMatch(/^[0-9a-f]{40}$/);
    expect(alerted).toEqual(['conv-1 photo.gif']);
    await service.accept('r1');
    expect(engine.calls).toEqual(['accept r1 into /home/me/Downloads/photo.gif']);
    engine.fire('transfer-completed', { ...info('r1', 'receive'), file: '/home/me/Downloads/photo (1).gif' });
    expect(last()).toMatchObject({ state: 'done', savedAs: 'photo (1).gif' });
    await service.open('r1');
    service.showInFolder('r1');
    expect(opened).toEqual(['open /home/me/Downloads/photo (1).gif', 'show /home/me/Downloads/photo (1).gif']);
  });

  it('drops a preview that is not a picture it may show', async () => {
    engine.fire('file-offer', { ...info('r1', 'receive'), preview: Buffer.from('<script>') });
    await new Promise((r) => setTimeout(r, 20));
    expect(last()?.state).toBe('offered');
    expect(last()?.previewId).toBeUndefined();
  });

  it('gives sizes in the units people read', () => {
    expect([0, 1, 1023, 1536, 10 * 1024, 5 * 1024 * 1024 + 1, 3 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 bytes',
      '1 byte',
      '1023 bytes',
      '1.5 KB',
      '10 KB',
      '5.0 MB',
      '3.0 GB',
    ]);
  });

  it('words every way a transfer ends', async () => {
    await service.send('conv-1', ['/a.txt', '/b.txt', '/c.txt']);
    engine.fire('transfer-failed', { ...info('t1'), reason: 'declined', message: 'Declined', bytes: 0 });
    engine.fire('transfer-failed', { ...info('t2'), reason: 'cancelled', by: 'peer', message: 'Cancelled', bytes: 10 });
    engine.fire('transfer-failed', {
      ...info('t3'),
      reason: 'closed',
      message: 'The conversation closed before the file was sent.',
      bytes: 20,
    });
    const byId = new Map(shown.map(([, t]) => [t.id, t]));
    expect(endedText(byId.get('t1') as Transfer)).toBe('Bob has declined to receive "a.txt".');
    expect(endedText(byId.get('t2') as Transfer)).toBe('Bob has cancelled the transfer of "b.txt".');
    expect(endedText(byId.get('t3') as Transfer)).toBe(
      'The transfer of "c.txt" failed: The conversation closed before the file was sent.',
    );
  });

  it('declines and cancels on our side, once', async () => {
    engine.fire('file-offer', info('r1', 'receive'));
    await new Promise((r) => setTimeout(r, 0));
    service.decline('r1');
    expect(endedText(last() as Transfer)).toBe('You have declined to receive "a.txt".');
    expect(() => service.decline('r1')).toThrow(CommandError);
    await service.send('conv-1', ['/a.txt']);
    service.cancel('t1');
    expect(endedText(last() as Transfer)).toBe('You have cancelled the transfer of "a.txt".');
    // The engine echoes our cancel as a failure: the window already says what happened.
    const count = shown.length;
    engine.fire('transfer-failed', { ...info('t1'), reason: 'cancelled', by: 'you', message: 'Cancelled', bytes: 0 });
    expect(shown.length).toBe(count);
    expect(() => service.cancel('t1')).toThrow('already ended');
    expect(engine.calls).toEqual(['decline r1', 'send bob@example.com a.txt on sb-1', 'cancel t1']);
  });

  it('fails a file it cannot save instead of accepting it', async () => {
    const failing = new TransfersService<Source, Sink>({
      emit: (conversationId, transfer) => shown.push([conversationId, transfer]),
      files: {
        chooseFiles: () => Promise.resolve([]),
        chooseFolder: () => Promise.resolve(undefined),
        thumbnail: () => Promise.resolve(undefined),
        receiveFolder: () => '/ro',
        openPath: () => Promise.resolve(),
        showInFolder: () => {},
      },
      objects: new ObjectStore(dir),
      openSource: () => Promise.reject(new Error('unused')),
      createSink: () => Promise.reject(new Error('EROFS: read-only file system')),
      appConversation: () => 'conv-1',
      engineConversation: () => ({ engineId: 'sb-1', peer: bob }),
      participant: () => bob,
      offered: () => {},
      now: () => clock,
    });
    const other = new FakeEngine();
    failing.attach(other);
    other.fire('file-offer', info('r9', 'receive'));
    await new Promise((r) => setTimeout(r, 0));
    await failing.accept('r9');
    expect(other.calls).toEqual(['decline r9']);
    expect(last()).toMatchObject({ state: 'failed' });
    expect(last()?.reason).toContain('EROFS');
  });

  it('ends running transfers when the session ends, and refuses new ones', async () => {
    await service.send('conv-1', ['/a.txt']);
    service.detach();
    expect(last()).toMatchObject({ state: 'failed', reason: 'you were signed out before it finished' });
    await expect(service.send('conv-1', ['/a.txt'])).rejects.toThrow('You are not connected right now');
  });
});
