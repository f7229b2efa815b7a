// The SOAP addresses as the server settings show them and as the engine uses them: one derivation,
// one refusal of Microsoft hosts, checked by the shared schema field by field.
import { describe, expect, it } from 'vitest';
import { soapEndpoints } from '../../../src/main/msnp/soap/endpoints';
import { ServerConfig } from '../../../src/shared/schemas';
import { defaultSoapUrls, microsoftHostProblem, soapOrigin } from '../../../src/shared/soap-endpoints';

describe('SOAP addresses', () => {
  it('are the engine’s whenever no service is given', () => {
    for (const server of [
      { host: 'm1.example.net', port: 1863 },
      { host: '::1', port: 1863 },
      { host: 'a.example', port: 1863, nexus: 'https://b.example:8443/rdr/pprdr.asp' },
      { host: 'a.example', port: 1863, nexus: 'https://b.example/x', soap: { base: 'https://c.example:9/p' } },
    ]) {
      expect(defaultSoapUrls(server)).toEqual(soapEndpoints(server));
    }
    expect(soapOrigin({ host: 'a.example', soap: { base: 'https://c.example:9443/some/path' } })).toBe(
      'https://c.example:9443',
    );
  });

  it('refuse Microsoft hosts in the schema, field by field, with the engine’s words', () => {
    expect(microsoftHostProblem('https://messenger.example.com/RST.srf')).toBeUndefined();
    expect(microsoftHostProblem('https://login.live.com/RST.srf')).toMatch(/login\.live\.com is a Microsoft host/);
    expect(microsoftHostProblem('not a url')).toBeUndefined();
    const parsed = ServerConfig.safeParse({
      host: 'a.example',
      port: 1863,
      soap: { base: 'https://contacts.msn.com', oim: 'ftp://a.example/o' },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['soap.base', "contacts.msn.com is a Microsoft host; a revival server's own address is needed"],
      ['soap.oim', 'Type a full address, such as https://messenger.example.com'],
    ]);
    expect(() => soapEndpoints({ host: 'a.example', port: 1863, soap: { base: 'https://contacts.msn.com' } })).toThrow(
      "contacts.msn.com is a Microsoft host; a revival server's own address is needed",
    );
  });
});
