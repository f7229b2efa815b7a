// The proxy clients against scripted proxies: the exact bytes they send, replies split or
// joined with the first data of the tunnel, and answers that are not what was asked for.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProxyError } from '../../../src/main/msnp/transport';
import { httpConnectSockets } from '../../../src/main/msnp/transport/http-connect';
import { socks4aSockets, socks5Sockets } from '../../../src/main/msnp/transport/socks';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A proxy that runs `script` on each connection with what it has read so far. */
async function scripted(script: (socket: Socket, read: () => Promise<Buffer>) => Promise<void>): Promise<number> {
  server = createServer((socket) => {
    const chunks: Buffer[] = [];
    let wake: (() => void) | undefined;
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      wake?.();
    });
    socket.on('error', () => socket.destroy());
    const read = async (): Promise<Buffer> => {
      while (chunks.length === 0) await new Promise<void>((r) => (wake = r));
      return Buffer.concat(chunks.splice(0));
    };
    void script(socket, read).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function firstData(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once('data', (c: Buffer) => resolve(c.toString())));
}

describe('SOCKS5', () => {
  it('sends the host name unresolved, authenticates, and keeps data that came with the reply', async () => {
    const seen: Buffer[] = [];
    const port = await scripted(async (socket, read) => {
      seen.push(await read());
      socket.write(Buffer.from([5, 2]));
      seen.push(await read());
      socket.write(Buffer.from([1, 0]));
      seen.push(await read());
      // Reply with a domain-name bound address, and the server's first line in the same packet.
      const name = Buffer.from('relay.example');
      socket.write(
        Buffer.concat([
          Buffer.from([5, 0, 0, 3, name.length]),
          name,
          Buffer.from([0x07, 0x47]),
          Buffer.from('VER 1 MSNP12\r\n'),
        ]),
      );
    });
    const socket = await socks5Sockets({ host: '127.0.0.1', port, username: 'me', password: 'pässword' }).connect({
      host: 'messenger.example',
      port: 1863,
    });
    const data = firstData(socket);
    socket.resume();
    expect(await data).toBe('VER 1 MSNP12\r\n');
    socket.destroy();
    expect(seen[0]).toEqual(Buffer.from([5, 2, 0, 2]));
    expect(seen[1]).toEqual(
      Buffer.concat([Buffer.from([1, 2]), Buffer.from('me'), Buffer.from([9]), Buffer.from('pässword')]),
    );
    expect(seen[2]).toEqual(
      Buffer.concat([Buffer.from([5, 1, 0, 3, 17]), Buffer.from('messenger.example'), Buffer.from([0x07, 0x47])]),
    );
  });

  it('encodes IPv6 addresses', async () => {
    let request: Buffer | undefined;
    const port = await scripted(async (socket, read) => {
      await read();
      socket.write(Buffer.from([5, 0]));
      request = await read();
      socket.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
    });
    const socket = await socks5Sockets({ host: '127.0.0.1', port }).connect({ host: '2001:db8::1', port: 443 });
    socket.destroy();
    expect(request?.subarray(0, 4)).toEqual(Buffer.from([5, 1, 0, 4]));
    expect(request?.subarray(4, 20).toString('hex')).toBe('20010db8000000000000000000000001');
  });

  it('tells a refused connection, a proxy that wants a password and one that is not SOCKS5 apart', async () => {
    const refuse = await scripted(async (socket, read) => {
      await read();
      socket.write(Buffer.from([5, 0]));
      await read();
      socket.write(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
    });
    const refused = await socks5Sockets({ host: '127.0.0.1', port: refuse })
      .connect({ host: 'h', port: 1 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProxyError);
    expect((refused as ProxyError).failure).toBe('target-unreachable');
    expect((refused as ProxyError).message).toMatch(/connection refused by the server/);
    await new Promise<void>((resolve) => server?.close(() => resolve()));

    const wants = await scripted(async (socket, read) => {
      await read();
      socket.write(Buffer.from([5, 0xff]));
    });
    const noAuth = await socks5Sockets({ host: '127.0.0.1', port: wants })
      .connect({ host: 'h', port: 1 })
      .catch((e: unknown) => e);
    expect((noAuth as ProxyError).failure).toBe('auth');
    await new Promise<void>((resolve) => server?.close(() => resolve()));

    const http = await scripted(async (socket, read) => {
      await read();
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    const wrong = await socks5Sockets({ host: '127.0.0.1', port: http })
      .connect({ host: 'h', port: 1 })
      .catch((e: unknown) => e);
    expect((wrong as ProxyError).failure).toBe('protocol');
  });

  it('gives up on a proxy that never answers, within the time allowed', async () => {
    const port = await scripted(async (_socket, read) => {
      await read();
    });
    const err = await socks5Sockets({ host: '127.0.0.1', port })
      .connect({ host: 'h', port: 1 }, { timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect((err as ProxyError).failure).toBe('unreachable');
    expect((err as ProxyError).message).toMatch(/did not complete the handshake within 100 ms/);
  });
});

describe('SOCKS4a', () => {
  it('sends 0.0.0.1 and the host name, or an IPv4 address as it is', async () => {
    const requests: Buffer[] = [];
    const port = await scripted(async (socket, read) => {
      requests.push(await read());
      socket.write(Buffer.from([0, 0x5a, 0, 0, 0, 0, 0, 0]));
    });
    const factory = socks4aSockets({ host: '127.0.0.1', port, userId: 'u' });
    (await factory.connect({ host: 'messenger.example', port: 1863 })).destroy();
    (await factory.connect({ host: '10.1.2.3', port: 1864 })).destroy();
    expect(requests[0]).toEqual(
      Buffer.concat([Buffer.from([4, 1, 0x07, 0x47, 0, 0, 0, 1]), Buffer.from('u\0messenger.example\0')]),
    );
    expect(requests[1]).toEqual(Buffer.concat([Buffer.from([4, 1, 0x07, 0x48, 10, 1, 2, 3]), Buffer.from('u\0')]));
    await expect(factory.connect({ host: '::1', port: 1 })).rejects.toThrow(/IPv6/);
  });
});

describe('HTTP CONNECT', () => {
  it('sends Basic credentials and keeps data that came with the answer', async () => {
    let request = '';
    const port = await scripted(async (socket, read) => {
      request = (await read()).toString();
      socket.write('HTTP/1.1 200 Connection established\r\nProxy-Agent: test\r\n\r\nVER 1 MSNP12\r\n');
    });
    const socket = await httpConnectSockets({ host: '127.0.0.1', port, username: 'me', password: 'secret' }).connect({
      host: 'messenger.example',
      port: 1863,
    });
    const data = firstData(socket);
    socket.resume();
    expect(await data).toBe('VER 1 MSNP12\r\n');
    socket.destroy();
    expect(request).toBe(
      'CONNECT messenger.example:1863 HTTP/1.1\r\nHost: messenger.example:1863\r\n' +
        `Proxy-Authorization: Basic ${Buffer.from('me:secret').toString('base64')}\r\n\r\n`,
    );
  });

  it.each([
    [407, 'auth'],
    [403, 'refused'],
    [502, 'target-unreachable'],
  ])('reads HTTP %i as %s', async (status, failure) => {
    const port = await scripted(async (socket, read) => {
      await read();
      socket.end(`HTTP/1.1 ${status} Nope\r\nContent-Length: 0\r\n\r\n`);
    });
    const err = await httpConnectSockets({ host: '127.0.0.1', port })
      .connect({ host: 'h', port: 1 })
      .catch((e: unknown) => e);
    expect((err as ProxyError).failure).toBe(failure);
    expect((err as ProxyError).message).toContain(`HTTP ${status} Nope`);
  });
});
