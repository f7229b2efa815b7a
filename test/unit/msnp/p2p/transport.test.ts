// The switchboard's flow control: a bounded window of un-ACKed data packets, a pause while the
// socket's buffer is full, streams taking turns, and control traffic outside the window.
import { describe, expect, it } from 'vitest';
import { Flags } from '../../../../src/main/msnp/p2p/header';
import {
  ChannelScheduler,
  Link,
  bufferSource,
  type ChunkSource,
  type LinkHandler,
  type P2PChannel,
} from '../../../../src/main/msnp/p2p/transport';

class ControlledChannel implements P2PChannel {
  congested = false;
  readonly sent: { payload: Buffer; ack: (ok: boolean) => void }[] = [];
  private drain: (() => void) | undefined;

  send(payload: Buffer): Promise<boolean> {
    return new Promise((resolve) => this.sent.push({ payload, ack: resolve }));
  }

  onDrain(listener: () => void): () => void {
    this.drain = listener;
    return () => {};
  }

  drained(): void {
    this.congested = false;
    this.drain?.();
  }

  /** ACKs the oldest `n` unanswered packets. */
  async ack(n: number): Promise<void> {
    const pending = this.sent.filter((s) => !(s as { done?: boolean }).done).slice(0, n);
    for (const s of pending) {
      (s as { done?: boolean }).done = true;
      s.ack(true);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const handler: LinkHandler = { slp: () => {}, session: () => undefined, error: () => {} };

function setup(window = 4): { channel: ControlledChannel; link: Link } {
  const channel = new ControlledChannel();
  const scheduler = new ChannelScheduler(channel, window);
  return { channel, link: new Link('bob@example.com', scheduler, handler) };
}

const sessionOf = (p: Buffer): number => p.readUInt32LE(p.indexOf('\r\n\r\n') + 4);

describe('ChannelScheduler', () => {
  it('keeps at most the window of data packets awaiting the server, whatever the size', async () => {
    const { channel, link } = setup(4);
    const stream = link.stream(
      { sessionId: 9, flags: Flags.FILE_DATA, footer: 2, total: 100 * 1202 },
      bufferSource(Buffer.alloc(100 * 1202)),
    );
    const progress: number[] = [];
    stream.onProgress = (bytes) => progress.push(bytes);
    expect(channel.sent).toHaveLength(4);
    await channel.ack(2);
    expect(channel.sent).toHaveLength(6);
    for (let i = 0; i < 60; i++) await channel.ack(4);
    await stream.sent;
    expect(channel.sent).toHaveLength(100);
    expect(progress.at(-1)).toBe(100 * 1202);
  });

  it('pauses while the socket is congested and resumes on drain', async () => {
    const { channel, link } = setup(8);
    link.stream(
      { sessionId: 9, flags: Flags.FILE_DATA, footer: 2, total: 20 * 1202 },
      bufferSource(Buffer.alloc(20 * 1202)),
    );
    expect(channel.sent).toHaveLength(8);
    channel.congested = true;
    await channel.ack(8);
    expect(channel.sent).toHaveLength(8);
    channel.drained();
    expect(channel.sent).toHaveLength(16);
  });

  it('lets streams take turns and sends acks and SLP outside the window', async () => {
    const { channel, link } = setup(4);
    for (const sessionId of [1, 2]) {
      link.stream(
        { sessionId, flags: Flags.FILE_DATA, footer: 2, total: 10 * 1202 },
        bufferSource(Buffer.alloc(10 * 1202)),
      );
    }
    // The first stream filled the window before the second arrived; from then on they alternate.
    await channel.ack(4);
    const turns = channel.sent.slice(4).map((s) => sessionOf(s.payload));
    expect(turns.filter((sid) => sid === 1)).toHaveLength(2);
    expect(turns.filter((sid) => sid === 2)).toHaveLength(2);
    expect(turns[0]).not.toBe(turns[1]);
    link.sendMessage({ sessionId: 0, flags: 0, footer: 0 }, Buffer.alloc(2000));
    // Both chunks of the SLP message go out at once, though the window is full.
    expect(channel.sent.slice(8).map((s) => sessionOf(s.payload))).toEqual([0, 0]);
  });

  it('waits for a slow source without spinning and fails a source that ends early', async () => {
    const { channel, link } = setup(4);
    let wake: (() => void) | undefined;
    const chunks: (Buffer | null | undefined)[] = [null, Buffer.alloc(1202), null, undefined];
    const source: ChunkSource = {
      read: () => (chunks.length > 0 ? (chunks.shift() as Buffer | null | undefined) : undefined),
      onReadable: (listener) => (wake = listener),
      close: () => {},
    };
    const stream = link.stream({ sessionId: 3, flags: Flags.FILE_DATA, footer: 2, total: 3 * 1202 }, source);
    expect(channel.sent).toHaveLength(0);
    wake?.();
    expect(channel.sent).toHaveLength(1);
    wake?.();
    wake?.();
    await expect(stream.sent).rejects.toMatchObject({ kind: 'io' });
  });

  it('fails streams when the switchboard closes or the server refuses a packet', async () => {
    const { channel, link } = setup(4);
    const refused = link.stream(
      { sessionId: 4, flags: Flags.DATA, footer: 1, total: 10 },
      bufferSource(Buffer.alloc(10)),
    );
    channel.sent[0]?.ack(false);
    await expect(refused.sent).rejects.toMatchObject({ kind: 'closed' });
    const cut = link.stream(
      { sessionId: 5, flags: Flags.DATA, footer: 1, total: 10 * 1202 },
      bufferSource(Buffer.alloc(10 * 1202)),
    );
    link.scheduler.close();
    await expect(cut.sent).rejects.toMatchObject({ kind: 'closed' });
  });
});
