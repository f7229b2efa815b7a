// The SOAP layer: request templates, parsing (prefixes tolerated, entities off, DTDs refused, a
// size bound), faults as typed errors, the RST request and response, the token store, the
// service addresses, and HTTPS against a local server with a certificate made at test time.
import { createServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MsnpError } from '../../../src/main/msnp/errors';
import { soapEndpoints } from '../../../src/main/msnp/soap/endpoints';
import { SoapFault } from '../../../src/main/msnp/soap/fault';
import { callSoap } from '../../../src/main/msnp/soap/http';
import { child, descend, findAll, parseXml, soapBody } from '../../../src/main/msnp/soap/parse';
import { parseRstBody, requestTokens, rstEnvelope, TokenStore } from '../../../src/main/msnp/soap/rst';
import { xml } from '../../../src/main/msnp/soap/xml';
import { certificates } from '../../server/certs';
import { failure } from '../../support/msnp-failure';
import { seeded } from './random';

/** An RST response shaped like the protocol notes' (MSNP13-18.md §2.4), prefixes as Escargot's. */
const RST_RESPONSE = `<?xml version="1.0" encoding="utf-8" ?>
<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wst="http://schemas.xmlsoap.org/ws/2004/04/trust" xmlns:wsse="http://schemas.xmlsoap.org/ws/2003/06/secext" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:wsp="http://schemas.xmlsoap.org/ws/2002/12/policy" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/03/addressing">
 <S:Header><psf:pp xmlns:psf="http://schemas.microsoft.com/Passport/SoapServices/SOAPFault"><psf:PUID>1</psf:PUID></psf:pp></S:Header>
 <S:Body>
  <wst:RequestSecurityTokenResponseCollection>
   <wst:RequestSecurityTokenResponse>
    <wst:TokenType>urn:passport:legacy</wst:TokenType>
    <wsp:AppliesTo><wsa:EndpointReference><wsa:Address>http://Passport.NET/tb</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>
    <wst:RequestedSecurityToken><EncryptedData xmlns="http://www.w3.org/2001/04/xmlenc#">opaque</EncryptedData></wst:RequestedSecurityToken>
    <wst:RequestedProofToken><wst:BinarySecret>ZHVtbXk=</wst:BinarySecret></wst:RequestedProofToken>
   </wst:RequestSecurityTokenResponse>
   <wst:RequestSecurityTokenResponse>
    <wst:TokenType>urn:passport:compact</wst:TokenType>
    <wsp:AppliesTo><wsa:EndpointReference><wsa:Address>messengerclear.live.com</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>
    <wst:LifeTime><wsu:Created>2026-12-01T07:28:24Z</wsu:Created><wsu:Expires>2026-12-02T07:28:24Z</wsu:Expires></wst:LifeTime>
    <wst:RequestedSecurityToken><wsse:BinarySecurityToken Id="Compact1">t=5b254762d00f089ca981Y6+H31sT&amp;p=</wsse:BinarySecurityToken></wst:RequestedSecurityToken>
    <wst:RequestedProofToken><wst:BinarySecret>LBO+bZeM9Zr5GlvorYHT4V9rr2nXpNgb</wst:BinarySecret></wst:RequestedProofToken>
   </wst:RequestSecurityTokenResponse>
   <wst:RequestSecurityTokenResponse>
    <wst:TokenType>urn:passport:compact</wst:TokenType>
    <wsp:AppliesTo><wsa:EndpointReference><wsa:Address>contacts.msn.com</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>
    <wst:LifeTime><wsu:Created>2026-12-01T07:28:24Z</wsu:Created><wsu:Expires>2026-12-02T07:28:24Z</wsu:Expires></wst:LifeTime>
    <wst:RequestedSecurityToken><wsse:BinarySecurityToken Id="Compact2">t=5b254762d00f089ca981Y6+H31sT&amp;p=</wsse:BinarySecurityToken></wst:RequestedSecurityToken>
   </wst:RequestSecurityTokenResponse>
  </wst:RequestSecurityTokenResponseCollection>
 </S:Body>
</S:Envelope>`;

const RST_FAULT = `<?xml version="1.0" encoding="utf-8" ?>
<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsse="http://schemas.xmlsoap.org/ws/2003/06/secext" xmlns:psf="http://schemas.microsoft.com/Passport/SoapServices/SOAPFault">
 <S:Body><S:Fault><faultcode>wsse:FailedAuthentication</faultcode><faultstring>Authentication Failure</faultstring>
  <detail><psf:error><psf:value>0x80048821</psf:value><psf:internalerror><psf:code>0x80048823</psf:code></psf:internalerror></psf:error></detail>
 </S:Fault></S:Body>
</S:Envelope>`;

describe('request templates', () => {
  it('escape every interpolated value and keep nested fragments', () => {
    const inner = xml`<b>${'1 < 2 & "3"'}</b>`;
    expect(xml`<a x="${"it's"}">${inner}${[inner, inner]}${7}</a>`.text).toBe(
      '<a x="it&apos;s"><b>1 &lt; 2 &amp; &quot;3&quot;</b><b>1 &lt; 2 &amp; &quot;3&quot;</b><b>1 &lt; 2 &amp; &quot;3&quot;</b>7</a>',
    );
  });

  it('put the account and password of an RST request where they belong, whatever they contain', () => {
    const password = `p<a>ss&w"ord'</wsse:Password>`;
    const envelope = parseXml(rstEnvelope('alice@example.com', password, ['messenger', 'contacts']).text);
    const token = descend(envelope, 'Header', 'Security', 'UsernameToken');
    expect(child(token, 'Username')?.text).toBe('alice@example.com');
    expect(child(token, 'Password')?.text).toBe(password);
    const addresses = findAll(envelope, 'Address').map((a) => a.text);
    expect(addresses).toEqual(['messengerclear.live.com', 'contacts.msn.com']);
    expect(findAll(envelope, 'PolicyReference').map((p) => p.attributes['URI'])).toEqual(['MBI_KEY_OLD', 'MBI']);
  });
});

describe('parsing', () => {
  it('reads tokens by address, unescaped, with their secret and expiry', () => {
    const tokens = parseRstBody(soapBody(RST_RESPONSE, 'RST'));
    expect(tokens.get('messengerclear.live.com')).toEqual({
      token: 't=5b254762d00f089ca981Y6+H31sT&p=',
      secret: 'LBO+bZeM9Zr5GlvorYHT4V9rr2nXpNgb',
      expires: Date.parse('2026-12-02T07:28:24Z'),
    });
    expect(tokens.get('contacts.msn.com')?.secret).toBeUndefined();
    // The ticket-granting entry has no compact token.
    expect(tokens.has('http://Passport.NET/tb')).toBe(false);
  });

  it('tolerates any prefix, or none, and decodes character references but not CDATA', () => {
    const a = parseXml(
      '<x:Envelope xmlns:x="s"><x:Body><v a="&#x263A;">caf&#233; &lt;b&gt;</v><w><![CDATA[&lt;kept&gt;]]></w></x:Body></x:Envelope>',
    );
    const b = parseXml('<Envelope><Body><v a="☺">café &lt;b&gt;</v><w>&amp;lt;kept&amp;gt;</w></Body></Envelope>');
    expect(a).toEqual(b);
    expect(descend(a, 'Body', 'v')?.text).toBe('café <b>');
    expect(descend(a, 'Body', 'w')?.text).toBe('&lt;kept&gt;');
  });

  it('turns faults into typed errors with the fault text', () => {
    const err = (() => {
      try {
        soapBody(RST_FAULT, 'RST');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SoapFault);
    expect(err).toMatchObject({ kind: 'auth', faultName: 'FailedAuthentication', faultText: 'Authentication Failure' });
    expect((err as SoapFault).detail).toContain('0x80048823');
    const soap12 =
      '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><e:Fault><e:Code><e:Value>e:Receiver</e:Value></e:Code><e:Reason><e:Text xml:lang="en">Busy</e:Text></e:Reason></e:Fault></e:Body></e:Envelope>';
    expect(() => soapBody(soap12, 'ABFindAll')).toThrow(expect.objectContaining({ kind: 'server', faultText: 'Busy' }));
  });

  it.each([
    ['malformed', '<Envelope><Body></Envelope>'],
    ['not XML at all', 'Internal Server Error'],
    ['two roots', '<Envelope/><Envelope/>'],
    [
      'an entity bomb',
      `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Envelope><Body>&b;</Body></Envelope>`,
    ],
    [
      'an external entity',
      `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Envelope><Body>&e;</Body></Envelope>`,
    ],
    ['a huge document', `<Envelope><Body>${'<a>x</a>'.repeat(700_000)}</Body></Envelope>`],
  ])('refuses %s with a protocol error', (_, text) => {
    expect(() => soapBody(text, 'RST')).toThrow(expect.objectContaining({ name: 'MsnpError', kind: 'protocol' }));
  });

  it('refuses an envelope without a Body, and a document that is no envelope', () => {
    expect(() => soapBody('<Envelope><Header/></Envelope>', 'RST')).toThrow(/without a Body/);
    expect(() => soapBody('<html><body/></html>', 'RST')).toThrow(/SOAP envelope/);
  });

  it('never throws anything but an MsnpError, however the response is mangled', () => {
    const rand = seeded(20261201);
    for (let i = 0; i < 400; i++) {
      const chars = [...RST_RESPONSE];
      const edits = 1 + Math.floor(rand() * 8);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * chars.length);
        const pick = rand();
        if (pick < 0.4) chars.splice(at, 1 + Math.floor(rand() * 40));
        else if (pick < 0.7) chars.splice(at, 0, '<>&;"\'/=!?[]'[Math.floor(rand() * 12)] ?? '<');
        else chars[at] = String.fromCharCode(Math.floor(rand() * 0x3000));
      }
      try {
        parseRstBody(soapBody(chars.join(''), 'RST'));
      } catch (err) {
        expect(err).toBeInstanceOf(MsnpError);
      }
    }
  });
});

describe('TokenStore', () => {
  it('keeps tokens until shortly before they expire and shares one request in flight', async () => {
    let now = 1_000_000;
    const store = new TokenStore(() => now);
    let calls = 0;
    const fetch = (): Promise<Map<'messenger', { token: string; expires: number }>> => {
      calls++;
      return Promise.resolve(new Map([['messenger', { token: `t=${calls}&p=`, expires: now + 600_000 }]]));
    };
    const [a, b] = await Promise.all([store.ensure('messenger', fetch), store.ensure('messenger', fetch)]);
    expect([a.token, b.token, calls]).toEqual(['t=1&p=', 't=1&p=', 1]);
    now += 500_000;
    expect((await store.ensure('messenger', fetch)).token).toBe('t=1&p=');
    now += 50_000;
    expect((await store.ensure('messenger', fetch)).token).toBe('t=2&p=');
    store.clear();
    expect(store.get('messenger')).toBeUndefined();
  });

  it('lets a failed request be tried again', async () => {
    const store = new TokenStore();
    const refused = new MsnpError('auth', 'no');
    expect(await failure(store.ensure('messenger', () => Promise.reject(refused)))).toBe(refused);
    const token = { token: 't=x&p=' };
    expect(await store.ensure('messenger', () => Promise.resolve(new Map([['messenger', token]])))).toBe(token);
  });
});

describe('service addresses', () => {
  it('default to the Escargot paths under https://<host>', () => {
    expect(soapEndpoints({ host: 'm1.example.net', port: 1863 })).toEqual({
      rst: 'https://m1.example.net/RST.srf',
      addressBook: 'https://m1.example.net/abservice/abservice.asmx',
      sharing: 'https://m1.example.net/abservice/SharingService.asmx',
      storage: 'https://m1.example.net/storageservice/SchematizedStore.asmx',
      oim: 'https://m1.example.net/OimWS/oim.asmx',
      rsi: 'https://m1.example.net/rsi/rsi.asmx',
    });
    expect(soapEndpoints({ host: '::1', port: 1863 }).rst).toBe('https://[::1]/RST.srf');
  });

  it('follow the nexus origin, then the SOAP base, then each URL given', () => {
    const nexus = { host: '127.0.0.1', port: 1863, nexus: 'https://127.0.0.1:8443/rdr/pprdr.asp' };
    expect(soapEndpoints(nexus).addressBook).toBe('https://127.0.0.1:8443/abservice/abservice.asmx');
    const based = { ...nexus, soap: { base: 'https://soap.example.net:9443/ignored/path' } };
    expect(soapEndpoints(based).rst).toBe('https://soap.example.net:9443/RST.srf');
    const explicit = { ...based, soap: { ...based.soap, oim: 'https://oim.example.net/o.asmx' } };
    expect(soapEndpoints(explicit).oim).toBe('https://oim.example.net/o.asmx');
    expect(soapEndpoints(explicit).sharing).toBe('https://soap.example.net:9443/abservice/SharingService.asmx');
  });

  it('never point at a Microsoft host', async () => {
    const server = { host: 'example.net', port: 1863, soap: { rst: 'https://login.live.com/RST.srf' } };
    expect((await failure(Promise.resolve().then(() => soapEndpoints(server)))).kind).toBe('invalid');
    const nexus = { host: 'example.net', port: 1863, nexus: 'https://nexus.passport.com/rdr/pprdr.asp' };
    expect(() => soapEndpoints(nexus)).toThrow(/Microsoft/);
  });
});

describe('over HTTPS', () => {
  let server: Server;
  let base: string;
  let ca: Buffer;
  let answer: (body: string) => { status: number; body: string } = () => ({ status: 200, body: RST_RESPONSE });
  const received: Array<{ path: string; action: string | undefined; body: string }> = [];

  beforeAll(async () => {
    const certs = await certificates();
    ca = readFileSync(certs.caPath);
    server = createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ path: req.url ?? '', action: req.headers['soapaction'] as string | undefined, body });
        const reply = answer(body);
        res.writeHead(reply.status, { 'Content-Type': 'text/xml; charset=utf-8' }).end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('asks for every token and keeps them by service', async () => {
    answer = () => ({ status: 200, body: RST_RESPONSE });
    const tokens = await requestTokens({ url: `${base}/RST.srf`, email: 'alice@example.com', password: 'a&b', ca });
    expect(tokens.get('messenger')?.secret).toBe('LBO+bZeM9Zr5GlvorYHT4V9rr2nXpNgb');
    expect(tokens.get('contacts')?.token).toBe('t=5b254762d00f089ca981Y6+H31sT&p=');
    const request = received.at(-1);
    expect(request?.path).toBe('/RST.srf');
    expect(request?.body).toContain('<wsse:Password>a&amp;b</wsse:Password>');
  });

  it('reports a refused password as refused credentials, whether HTTP 200 or 500 carries the fault', async () => {
    for (const status of [200, 500]) {
      answer = () => ({ status, body: RST_FAULT });
      const err = await failure(requestTokens({ url: `${base}/RST.srf`, email: 'a@b.c', password: 'x', ca }));
      expect(err).toBeInstanceOf(SoapFault);
      expect(err.kind).toBe('auth');
    }
  });

  it('reports a response with no messenger token, a bare error page and an oversized answer', async () => {
    answer = () => ({
      status: 200,
      body: '<Envelope><Body><RequestSecurityTokenResponseCollection/></Body></Envelope>',
    });
    expect((await failure(requestTokens({ url: `${base}/RST.srf`, email: 'a@b.c', password: 'x', ca }))).kind).toBe(
      'protocol',
    );
    answer = () => ({ status: 500, body: '<html>Internal Server Error</html>' });
    expect(
      await failure(
        callSoap({ service: 'ABFindAll', url: `${base}/abservice/abservice.asmx`, envelope: xml`<x/>`, ca }),
      ),
    ).toMatchObject({ kind: 'server', message: 'ABFindAll answered HTTP 500 without a SOAP response' });
    answer = () => ({ status: 200, body: `<Envelope><Body>${'x'.repeat(200_000)}</Body></Envelope>` });
    expect(
      (await failure(callSoap({ service: 'RST', url: `${base}/RST.srf`, envelope: xml`<x/>`, ca, maxBytes: 100_000 })))
        .kind,
    ).toBe('protocol');
  });

  it('sends the SOAP action and trusts only the server entry’s CA', async () => {
    answer = () => ({ status: 200, body: '<Envelope><Body><Ok/></Body></Envelope>' });
    const body = await callSoap({
      service: 'ABFindAll',
      url: `${base}/abservice/abservice.asmx`,
      envelope: xml`<x/>`,
      action: 'http://www.msn.com/webservices/AddressBook/ABFindAll',
      ca,
    });
    expect(child(body, 'Ok')).toBeDefined();
    expect(received.at(-1)?.action).toBe('"http://www.msn.com/webservices/AddressBook/ABFindAll"');
    expect((await failure(callSoap({ service: 'RST', url: `${base}/RST.srf`, envelope: xml`<x/>` }))).kind).toBe(
      'network',
    );
    expect(
      (await failure(callSoap({ service: 'RST', url: base.replace('https:', 'http:'), envelope: xml`<x/>` }))).kind,
    ).toBe('invalid');
  });
});
