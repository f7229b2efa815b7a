import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serverToClientPayload, type Frame } from '../../../src/main/msnp/codec';
import { MsnpConnection } from '../../../src/main/msnp/connection';
import type { MsnpError } from '../../../src/main/msnp/errors';
import { ScriptedServer, type PeerConnection } from './scripted-peer';
import { failure } from '../../support/msnp-failure';

describe('MsnpConnection', () => {
  let server: ScriptedServer;
  let connection: MsnpConnection;
  let peer: PeerConnection;
  let frames: Frame[];
  let closed: Promise<{ error?: MsnpError }>;

  beforeEach(async () => {
    server = await ScriptedServer.start();
    connection = await MsnpConnection.connect({
      host: '127.0.0.1',
      port: server.port,
      payloadRule: serverToClientPayload,
      requestTimeoutMs: 300,
    });
    peer = await server.accept();
    frames = [];
    connection.on('frame', (frame) => frames.push(frame));
    closed = new Promise((resolve) => connection.once('close', resolve));
  });
  afterEach(async () => {
    connection.destroy();
    await server.close();
  });

  it('matches replies to requests by TrID, in any order, and routes everything else', async () => {
    const first = connection.request('ADG', ['One', 0]);
    const second = connection.request('ADG', ['Two', 0]);
    const [a, b] = [await peer.expect('ADG'), await peer.expect('ADG')];
    expect(a.params[0]).not.toBe(b.params[0]);
    peer.send(`ILN ${b.params[0]} NLN bob@example.com Bob\r\nADG ${b.params[0]} 2 Two 2 0\r\nCHL 0 123\r\n`);
    peer.send(`ADG ${a.params[0]} 3 One 3 0\r\n`);
    expect((await second).params).toEqual([b.params[0], '2', 'Two', '2', '0']);
    expect((await first).params[2]).toBe('One');
    expect(frames.map((f) => f.name)).toEqual(['ILN', 'CHL']);
  });

  it('accepts another reply name when asked (XFR for USR) and maps the reply synchronously', async () => {
    const seen: string[] = [];
    connection.on('frame', (f) => seen.push(`frame ${f.name}`));
    const reply = connection.request('USR', ['TWN', 'I', 'alice@example.com'], {
      accept: ['USR', 'XFR'],
      map: (f) => {
        seen.push(`reply ${f.name}`);
        return f.params[2];
      },
    });
    const usr = await peer.expect('USR');
    peer.send(`XFR ${usr.params[0]} NS 127.0.0.1:1863 0\r\nNLN NLN bob@example.com Bob\r\n`);
    await expect(reply).resolves.toBe('127.0.0.1:1863');
    // The reply was mapped before the frame that followed it was routed.
    expect(seen).toEqual(['reply XFR', 'frame NLN']);
  });

  it('rejects with the typed server error for a numeric reply', async () => {
    const reply = connection.request('ADD', ['FL', 'bob@example.com', 'bob@example.com']);
    const add = await peer.expect('ADD');
    peer.send(`215 ${add.params[0]}\r\n`);
    expect(await failure(reply)).toMatchObject({
      kind: 'server',
      code: 215,
      command: 'ADD',
      message: 'Already on that list',
    });
  });

  it('rejects a param that would break the line as invalid input, sending nothing', async () => {
    expect(await failure(connection.request('REG', ['1', 'two words', 0]))).toMatchObject({ kind: 'invalid' });
    connection.sendWithoutTrid('PNG');
    expect((await peer.read()).name).toBe('PNG');
  });

  it('rejects a mapping that throws as a protocol error', async () => {
    const reply = connection.request('XFR', ['SB'], {
      map: () => {
        throw new Error('no address');
      },
    });
    const xfr = await peer.expect('XFR');
    peer.send(`XFR ${xfr.params[0]} SB\r\n`);
    expect((await failure(reply)).kind).toBe('protocol');
  });

  it('times out a request nobody answers; a late reply is then routed as a frame', async () => {
    const reply = connection.request('GCF', ['Shields.xml']);
    const gcf = await peer.expect('GCF');
    expect(await failure(reply)).toMatchObject({ kind: 'timeout', command: 'GCF' });
    const late = new Promise<Frame>((resolve) => connection.once('frame', resolve));
    peer.send(`GCF ${gcf.params[0]} Shields.xml 2\r\nok`);
    expect((await late).payload?.toString()).toBe('ok');
    expect(connection.isOpen).toBe(true);
  });

  it('sends PNG without a TrID and payload commands with their byte length', async () => {
    connection.sendWithoutTrid('PNG');
    expect(await peer.read()).toEqual({ name: 'PNG', params: [] });
    const trid = connection.send('UUX', [], '<Data><PSM>☕</PSM></Data>');
    const uux = await peer.read();
    expect(uux.params).toEqual([String(trid), '27']);
    expect(uux.payload?.toString()).toBe('<Data><PSM>☕</PSM></Data>');
  });

  it('rejects pending requests and reports the close when the server hangs up', async () => {
    const reply = connection.request('SYN', [0]);
    await peer.expect('SYN');
    peer.hangUp();
    expect((await failure(reply)).kind).toBe('network');
    expect((await closed).error).toBeUndefined();
    expect(connection.isOpen).toBe(false);
    expect((await failure(connection.request('CHG', ['NLN']))).kind).toBe('state');
  });

  it('ends with a protocol error, not an exception, when the server sends garbage', async () => {
    const reply = connection.request('CHG', ['NLN', 0]);
    await peer.expect('CHG');
    peer.send('\u0000\u00ff not a command\r\n');
    expect((await closed).error).toMatchObject({ kind: 'protocol' });
    expect((await failure(reply)).kind).toBe('protocol');
    await peer.closed();
  });

  it('ends with a protocol error when a listener fails on a frame', async () => {
    connection.on('frame', () => {
      throw new Error('listener bug');
    });
    peer.send('NLN NLN bob@example.com Bob\r\n');
    expect((await closed).error?.message).toMatch(/listener bug/);
  });
});

describe('MsnpConnection.connect', () => {
  it('rejects with a network error when nothing listens', async () => {
    const server = await ScriptedServer.start();
    const port = server.port;
    await server.close();
    const err = await failure(MsnpConnection.connect({ host: '127.0.0.1', port, payloadRule: serverToClientPayload }));
    expect(err.kind).toBe('network');
  });
});
