// The gateway client against a scripted gateway: the X-MSN-Messenger header, a session id that
// changes with every answer (as the official gateway's did), polling, and the end of a session.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { MsnpError } from '../../../src/main/msnp/errors';
import { directSockets } from '../../../src/main/msnp/transport';
import { openGatewayStream, parseGatewayHeader } from '../../../src/main/msnp/transport/gateway';

describe('parseGatewayHeader', () => {
  it('reads GW-IP and GatewayIP, and Session=close', () => {
    expect(parseGatewayHeader('SessionID=2015625331.22587; GW-IP=207.46.110.18')).toEqual({
      sessionId: '2015625331.22587',
      gatewayIp: '207.46.110.18',
      close: false,
    });
    expect(parseGatewayHeader('SessionID=1.2;GatewayIP=10.0.0.1; Session=close')).toMatchObject({
      gatewayIp: '10.0.0.1',
      close: true,
    });
    expect(parseGatewayHeader(undefined)).toEqual({ close: false });
  });
});

interface Seen {
  readonly query: URLSearchParams;
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

let server: Server | undefined;
let stream: Duplex | undefined;
afterEach(async () => {
  stream?.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A gateway that answers each request with `script(n, seen)`, naming session `s<n>` each time. */
async function scripted(
  script: (n: number, seen: Seen) => { body?: string; close?: boolean; status?: number },
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        query: new URLSearchParams((req.url ?? '').split('?')[1] ?? ''),
        body: Buffer.concat(chunks).toString(),
        headers: req.headers,
      };
      seen.push(entry);
      const n = seen.length;
      const answer = script(n, entry);
      const body = answer.body ?? '';
      res.writeHead(answer.status ?? 200, {
        'X-MSN-Messenger': `SessionID=s${n}; GW-IP=127.0.0.1${answer.close ? '; Session=close' : ''}`,
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/gateway/gateway.dll`, seen };
}

const open = (url: string, role: 'ns' | 'sb' = 'ns', host = 'messenger.example', port = 1863): Promise<Duplex> =>
  openGatewayStream({ host, port, role }, { url, sockets: directSockets, allowInsecure: true, pollIntervalMs: 20 });

function received(s: Duplex, until: string): Promise<string> {
  let text = '';
  return new Promise((resolve) =>
    s.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes(until)) resolve(text);
    }),
  );
}

describe('the gateway stream', () => {
  it('opens with Action=open, sends with the latest SessionID, polls, and ends at Session=close', async () => {
    const { url, seen } = await scripted((n, s) => {
      if (s.body.startsWith('VER')) return { body: 'VER 1 MSNP12\r\n' };
      if (n === 5) return { body: 'OUT SSD\r\n', close: true };
      return {};
    });
    stream = await open(url);
    expect(seen[0]?.query.get('Action')).toBe('open');
    expect(seen[0]?.query.get('Server')).toBe('NS');
    expect(seen[0]?.query.get('IP')).toBe('messenger.example');
    expect(seen[0]?.headers['content-type']).toBe('application/x-msn-messenger');
    const got = received(stream, 'OUT SSD');
    const ended = new Promise<void>((resolve) => stream?.on('close', () => resolve()));
    stream.write('VER 1 MSNP12 CVR0\r\n');
    expect(await got).toBe('VER 1 MSNP12\r\nOUT SSD\r\n');
    await ended;
    expect(seen[1]).toMatchObject({ body: 'VER 1 MSNP12 CVR0\r\n' });
    expect(seen[1]?.query.get('SessionID')).toBe('s1');
    expect(seen[1]?.query.get('Action')).toBeNull();
    // Each request carries the id the previous answer named; idle ones are polls.
    expect(seen.slice(2).map((s) => [s.query.get('Action'), s.query.get('SessionID')])).toEqual([
      ['poll', 's2'],
      ['poll', 's3'],
      ['poll', 's4'],
    ]);
  });

  it('names a switchboard and its port when it is not 1863', async () => {
    const { url, seen } = await scripted(() => ({}));
    stream = await open(url, 'sb', '10.0.0.5', 1864);
    expect(seen[0]?.query.get('Server')).toBe('SB');
    expect(seen[0]?.query.get('IP')).toBe('10.0.0.5:1864');
  });

  it('fails the opening when the gateway refuses it, and the stream when it forgets the session', async () => {
    const refused = await scripted(() => ({ status: 404 }));
    const err = await open(refused.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MsnpError);
    expect((err as MsnpError).message).toMatch(/refused the session: HTTP 404/);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const forgetful = await scripted((n) => (n >= 3 ? { status: 400 } : {}));
    stream = await open(forgetful.url);
    const failed = await new Promise<Error>((resolve) => stream?.on('error', resolve));
    expect(failed.message).toMatch(/ended the session: HTTP 400/);
  });

  it('refuses an unencrypted gateway unless allowed', async () => {
    await expect(
      openGatewayStream(
        { host: 'h', port: 1863, role: 'ns' },
        { url: 'http://127.0.0.1:1/gateway/gateway.dll', sockets: directSockets },
      ),
    ).rejects.toThrow(/unencrypted gateway/);
  });
});
