// Masking of secrets in the wire trace, line by line, and the reading of P2P headers.
import { describe, expect, it } from 'vitest';
import { maskCommandLine, maskHttpHeaders, maskText, maskUrl } from '../../../src/main/msnp/transport/mask';
import { WireTrace, type TraceEntry } from '../../../src/main/msnp/transport';
import { p2pSummary } from '../../../src/main/msnp/transport/trace';

const line = (text: string): string => {
  const [name = '', ...params] = text.split(' ');
  return maskCommandLine(name, params);
};

describe('maskCommandLine', () => {
  it.each([
    ['USR 5 MD5 S 7b1b5c9e4f0a8d3c2e6f1a0b9c8d7e6f', 'USR 5 MD5 S ***'],
    ['USR 5 MD5 S 1013928519.693957190', 'USR 5 MD5 S ***'],
    [
      'USR 6 TWN S t=53*1hAu8ADuD3TEwdXoOMi08sD*2!cMrntTwVMTjoB3p6stWTqzbkKZPVQzA5NOt19SLI60PY!b8K4YhC!Ooo5ug$$&p=5ww',
      'USR 6 TWN S ***',
    ],
    ['USR 3 TWN S lc=1033,id=507,tw=40,fs=1,ct=1062764229,kpp=1,kv=5', 'USR 3 TWN S ***'],
    [
      'USR 7 SSO S t=EwBwAq3Ds== 7+PCNdN+rFdA6aadm0cSoERDbw== {F26D1F07-95E2-403C-BC18-D4BFED493428}',
      'USR 7 SSO S *** *** ***',
    ],
    ['USR 1 alice@example.com 17262740.1050826919.32308', 'USR 1 alice@example.com ***'],
    ['ANS 1 bob@example.com 849102291.520491113 11752013', 'ANS 1 bob@example.com *** ***'],
    ['XFR 10 SB 207.46.108.37:1863 CKI 17262740.1050826919.32308', 'XFR 10 SB 207.46.108.37:1863 CKI ***'],
    [
      'RNG 11752013 207.46.108.38:1863 CKI 849102291.520491113 alice@example.com Alice',
      'RNG *** 207.46.108.38:1863 CKI *** alice@example.com Alice',
    ],
    ['CAL 2 RINGING 11752013', 'CAL 2 RINGING ***'],
  ])('%s', (input, expected) => {
    expect(line(input)).toBe(expected);
  });

  it.each([
    'USR 3 TWN I alice@example.com',
    'USR 5 OK alice@example.com Alice 1 0',
    'XFR 3 NS 127.0.0.1:1863 0 127.0.0.1:1863',
    'ANS 4 OK',
    'CAL 2 bob@example.com',
    'VER 1 MSNP12 CVR0',
    'CHG 9 NLN 0',
  ])('leaves %s alone', (input) => {
    expect(line(input)).toBe(input);
  });
});

describe('maskText', () => {
  it('masks the cookies of the MSG Hotmail profile', () => {
    const profile =
      'MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsprofile; charset=UTF-8\r\nLoginTime: 1\r\n' +
      'sid: 507\r\nkv: 5\r\nMSPAuth: 2AAAAAAAADU0p4uxxxJtDJozJSlUTS0i7YpwnC9PUHRv56YKxxxCTWmg$$\r\nClientIP: 1.2.3.4\r\n\r\n';
    const masked = maskText(profile);
    expect(masked).not.toContain('2AAAAAAAADU0p4');
    expect(masked).toContain('MSPAuth: ***');
    expect(masked).toContain('ClientIP: 1.2.3.4');
  });

  it('masks SOAP credentials and tokens', () => {
    const soap =
      '<wsse:Username>alice@example.com</wsse:Username><wsse:Password>hunter2</wsse:Password>' +
      '<wst:RequestedSecurityToken><wsse:BinarySecurityToken Id="Compact1">t=EwCoAQAA&amp;p=xyz</wsse:BinarySecurityToken>' +
      '</wst:RequestedSecurityToken><wst:RequestedProofToken><wst:BinarySecret>c2VjcmV0a2V5</wst:BinarySecret></wst:RequestedProofToken>' +
      '<TicketToken>t=abc&amp;p=def</TicketToken>';
    const masked = maskText(soap);
    for (const secret of ['hunter2', 'EwCoAQAA', 'c2VjcmV0a2V5', 't=abc']) expect(masked).not.toContain(secret);
    expect(masked).toContain('<wsse:Username>alice@example.com</wsse:Username>');
    expect(masked).toContain('<wsse:BinarySecurityToken Id="Compact1">***</wsse:BinarySecurityToken>');
  });

  it('leaves chat text alone', () => {
    const chat =
      'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Arial\r\n\r\nsee you at 5';
    expect(maskText(chat)).toBe(chat);
  });
});

describe('maskHttpHeaders and maskUrl', () => {
  it('masks credentials, cookies, tickets and the gateway session', () => {
    const masked = maskHttpHeaders({
      Authorization: 'Passport1.4 OrgVerb=GET,sign-in=alice%40example.com,pwd=hunter2',
      'authentication-info': "Passport1.4 da-status=success,from-PP='t=tick&p=et'",
      'set-cookie': ['MSPAuth=abc', 'MSPProf=def'],
      'Proxy-Authorization': 'Basic b2ZmaWNlOnNlY3JldA==',
      'x-msn-messenger': 'SessionID=2015625331.22587; GW-IP=127.0.0.1',
      'Content-Type': 'text/xml',
    });
    expect(JSON.stringify(masked)).not.toMatch(/hunter2|tick|abc|def|b2ZmaWNl|2015625331/);
    expect(masked['x-msn-messenger']).toBe('SessionID=***; GW-IP=127.0.0.1');
    expect(masked['Content-Type']).toBe('text/xml');
  });

  it('masks session and ticket query values and user info', () => {
    expect(maskUrl('https://gw.example/gateway/gateway.dll?SessionID=123.456&Action=poll')).toBe(
      'https://gw.example/gateway/gateway.dll?SessionID=***&Action=poll',
    );
    expect(maskUrl('https://me:pw@example.com/x?t=ticket&p=profile')).not.toMatch(/me|pw|ticket|profile/);
  });
});

describe('WireTrace', () => {
  it('builds nothing while nobody listens', () => {
    const trace = new WireTrace();
    let built = 0;
    const payload = {
      get length() {
        built++;
        return 0;
      },
    } as unknown as Buffer;
    trace.command('ns-1', 'in', 'MSG', ['Hotmail', 'Hotmail', '0'], payload);
    trace.http('http-1', 'out', 'GET https://x/', { Authorization: 'secret' }, payload);
    expect(built).toBe(0);
  });

  it('masks written commands and names connections per kind', () => {
    const trace = new WireTrace();
    const seen: TraceEntry[] = [];
    trace.subscribe((e) => seen.push(e));
    const ns = trace.open('ns');
    const sb = trace.open('sb');
    expect([ns, sb, trace.open('sb')]).toEqual(['ns-1', 'sb-1', 'sb-2']);
    trace.written(ns, Buffer.from('USR 4 TWN S t=secret&p=more\r\n'));
    trace.written(ns, Buffer.from('QRY 7 PROD0090YUAUV{2B 32\r\n0123456789abcdef0123456789abcdef'));
    expect(seen.map((e) => [e.connection, e.direction, e.line, e.payload])).toEqual([
      ['ns-1', 'out', 'USR 4 TWN S ***', undefined],
      ['ns-1', 'out', 'QRY 7 PROD0090YUAUV{2B 32', '***'],
    ]);
  });

  it('decodes the P2P binary header and shows binary data as a summary', () => {
    const header = Buffer.alloc(48);
    header.writeUInt32LE(53170, 0);
    header.writeUInt32LE(1001, 4);
    header.writeBigUInt64LE(1202n, 8);
    header.writeBigUInt64LE(5000n, 16);
    header.writeUInt32LE(4, 24);
    header.writeUInt32LE(0x20, 28);
    const footer = Buffer.from([0, 0, 0, 1]);
    const mime = Buffer.from(
      'MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\nP2P-Dest: bob@example.com\r\n\r\n',
    );
    const payload = Buffer.concat([mime, header, Buffer.from([0xff, 0x00, 0xd8, 0x01]), footer]);
    expect(p2pSummary(Buffer.concat([header, Buffer.alloc(4), footer]))).toBe(
      'P2P session=53170 id=1001 offset=1202 total=5000 size=4 flags=0x20 ackId=0 ackUid=0 ackSize=0 footer=1',
    );
    const trace = new WireTrace();
    const seen: TraceEntry[] = [];
    trace.subscribe((e) => seen.push(e));
    trace.command('sb-1', 'in', 'MSG', ['bob@example.com', 'Bob', String(payload.length)], payload);
    expect(seen[0]?.p2p).toMatch(/^P2P session=53170 id=1001/);
    expect(seen[0]?.payload).toBe(
      'MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\nP2P-Dest: bob@example.com',
    );
  });

  it('shows a payload that is not text as hex', () => {
    const trace = new WireTrace();
    const seen: TraceEntry[] = [];
    trace.subscribe((e) => seen.push(e));
    trace.command('ns-1', 'in', 'GCF', ['0', '4'], Buffer.from([0, 1, 2, 0xff]));
    expect(seen[0]).toMatchObject({ payload: '000102ff', payloadEncoding: 'hex' });
  });
});

describe('entry size', () => {
  it('clips what no inspector could show, whatever arrives', () => {
    const trace = new WireTrace();
    const seen: TraceEntry[] = [];
    trace.subscribe((e) => seen.push(e));
    trace.note('ns-1', 'x'.repeat(100_000));
    trace.http('http-1', 'in', 'HTTP 200 OK', { 'x-long': 'y'.repeat(100_000) });
    expect(seen[0]?.line.length).toBeLessThan(5000);
    expect(seen[1]?.payload?.length).toBeLessThan(40_000);
    expect(seen[1]?.payload).toMatch(/more characters\)$/);
  });
});

describe('long bodies', () => {
  it('masks a token that straddles the point where the body is cut', () => {
    const trace = new WireTrace();
    const seen: TraceEntry[] = [];
    trace.subscribe((e) => seen.push(e));
    const token = `t=${'Q'.repeat(400)}&p=${'R'.repeat(40)}`;
    const body = `<Envelope>${' '.repeat(8 * 1024 - 200)}<wsse:BinarySecurityToken Id="Compact1">${token}</wsse:BinarySecurityToken>${' '.repeat(2000)}</Envelope>`;
    trace.http('soap-1', 'in', 'HTTP 200 OK', {}, Buffer.from(body));
    const payload = seen[0]?.payload ?? '';
    expect(payload).toMatch(/more characters$/);
    expect(payload).not.toContain('QQQQ');
    expect(payload).toContain('<wsse:BinarySecurityToken Id="Compact1">***');
  });
});
