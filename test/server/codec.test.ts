// The server's own framing and challenge code, checked against the published vectors of
// CHALLENGE.md rather than against the client engine.
import { describe, expect, it } from 'vitest';
import { md5Answer, msnp11Answer } from './challenge';
import { clientPayload, encodeCommand, FrameReader, parseMime, serverPayload } from './codec';

const limits = { maxLineBytes: 64, maxPayloadBytes: 32 };

describe('server framing', () => {
  it('reads lines and payloads split across chunks', () => {
    const r = new FrameReader(clientPayload, limits);
    expect(r.push(Buffer.from('VER 1 MSNP18 CVR0\r\nADL 2 5\r\n<m')).frames).toEqual([
      { name: 'VER', params: ['1', 'MSNP18', 'CVR0'] },
    ]);
    expect(r.push(Buffer.from('l/>PNG\n')).frames).toEqual([
      { name: 'ADL', params: ['2', '5'], payload: Buffer.from('<ml/>') },
      { name: 'PNG', params: [] },
    ]);
  });

  it('tells ADL replies from server-sent ADL payloads', () => {
    const r = new FrameReader(serverPayload, limits);
    const { frames } = r.push(Buffer.from('ADL 5 OK\r\nADL 0 3\r\nabcUUX 7 0\r\n'));
    expect(frames.map((f) => [f.name, f.params, f.payload?.toString()])).toEqual([
      ['ADL', ['5', 'OK'], undefined],
      ['ADL', ['0', '3'], 'abc'],
      ['UUX', ['7', '0'], ''],
    ]);
  });

  it.each([
    ['x'.repeat(80), /too long/],
    ['ver 1\r\n', /not a command/],
    ['MSG 1 A x\r\n', /bad payload length/],
    ['MSG 1 A 33\r\n', /payload of 33/],
  ])('gives up on %j', (input, error) => {
    const r = new FrameReader(clientPayload, limits);
    expect(r.push(Buffer.from(input)).error?.message).toMatch(error);
    expect(r.push(Buffer.from('PNG\r\n')).frames).toEqual([]);
  });

  it('appends the byte length of a payload and refuses unsafe tokens', () => {
    expect(encodeCommand('UBX', ['1:a@b.c'], 'é').toString()).toBe('UBX 1:a@b.c 2\r\né');
    expect(() => encodeCommand('NLN', ['a b'])).toThrow(TypeError);
  });

  it('splits MIME headers from the body, CRLF or LF', () => {
    const m = parseMime(Buffer.from('MIME-Version: 1.0\nContent-Type: text/plain\n\nhi'));
    expect(m.headers.get('content-type')).toBe('text/plain');
    expect(m.body.toString()).toBe('hi');
  });
});

describe('server challenge answers (CHALLENGE.md vectors)', () => {
  it.each([
    ['11111111111111111111', '3b6666b60157322b6fc6e41a115968f5'],
    ['15570131571988941333', '8f2f5a91b72102cd28355e9fc9000d6e'],
    ['22299241447072743325', '20dba7e6e9817826b9cd5240cc8add99'],
  ])('MD5 %s', (chl, expected) => {
    expect(md5Answer(chl, 'Q1P7W2E4J9R8U3S5')).toBe(expected);
  });

  it.each([
    ['22210219642164014968', 'PROD0090YUAUV{2B', 'YMM8C_H7KCQ2S_KL', '85ecb0db8f32113df79ce0892b9a102c'],
    ['36819795137093047918', 'PROD0090YUAUV{2B', 'YMM8C_H7KCQ2S_KL', 'e7ad3cb09d3e9e4e7c720175984809e9'],
    ['14494180082586329971', 'PROD0090YUAUV{2B', 'YMM8C_H7KCQ2S_KL', '4e11d4cd56a65bdf04f60aa133db7ebc'],
    ['11533365622852247127', 'PROD0113H11T8$X_', 'RG@XY*28Q5QHS%Q5', 'f086d1ded067186deca8dba2231602cf'],
    ['237191752526424888127371168', 'PROD0113H11T8$X_', 'RG@XY*28Q5QHS%Q5', '65b6b623c649c25629af048d34066040'],
    // The OIM lock key of MSNP13-18.md §10.5.
    ['1850937852', 'PROD0119GSJUC$18', 'ILTXC!4IXB5FB*PX', '844559b18ac25f3affb9281fd729203c'],
  ])('MSNP11 %s with %s', (chl, id, key, expected) => {
    expect(msnp11Answer(chl, id, key)).toBe(expected);
  });
});
