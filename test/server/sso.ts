// RST.srf (RequestMultipleSecurityTokens, MSNP13-18.md §2.3–§2.4): user name and password in,
// one compact token per requested service out, each with its own expiry, and for
// messengerclear.live.com the BinarySecret that the MBI_KEY_OLD answer proves.
import type { Hub } from './hub';
import type { SoapReply, SoapRequest } from './soap';
import { compact, SERVICES, type Token } from './tokens';
import { descendants, escapeXml, textAt } from './xml';

const NS =
  'xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wst="http://schemas.xmlsoap.org/ws/2004/04/trust" ' +
  'xmlns:wsse="http://schemas.xmlsoap.org/ws/2003/06/secext" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" ' +
  'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/03/addressing" xmlns:wsp="http://schemas.xmlsoap.org/ws/2002/12/policy" ' +
  'xmlns:psf="http://schemas.microsoft.com/Passport/SoapServices/SOAPFault"';
const LEGACY = 'http://Passport.NET/tb';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function ppHeader(reqstatus: string, puid = '0'): string {
  return (
    '<S:Header><psf:pp><psf:serverVersion>1</psf:serverVersion>' +
    `<psf:PUID>${puid}</psf:PUID><psf:configVersion>16.000.26889.00</psf:configVersion><psf:uiVersion>3.100.2179.0</psf:uiVersion>` +
    `<psf:authstate>0x48803</psf:authstate><psf:reqstatus>${reqstatus}</psf:reqstatus><psf:serverInfo>reference</psf:serverInfo>` +
    '</psf:pp></S:Header>'
  );
}

function lifetime(created: number, expires: number): string {
  return `<wst:LifeTime><wsu:Created>${iso(created)}</wsu:Created><wsu:Expires>${iso(expires)}</wsu:Expires></wst:LifeTime>`;
}

function tokenXml(token: Token, n: number): string {
  return (
    '<wst:RequestSecurityTokenResponse><wst:TokenType>urn:passport:compact</wst:TokenType>' +
    `<wsp:AppliesTo><wsa:EndpointReference><wsa:Address>${escapeXml(token.service)}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>` +
    lifetime(token.created, token.expires) +
    `<wst:RequestedSecurityToken><wsse:BinarySecurityToken Id="Compact${n}">${escapeXml(compact(token))}</wsse:BinarySecurityToken></wst:RequestedSecurityToken>` +
    `<wst:RequestedTokenReference><wsse:KeyIdentifier ValueType="urn:passport:compact"/><wsse:Reference URI="#Compact${n}"/></wst:RequestedTokenReference>` +
    (token.secret
      ? `<wst:RequestedProofToken><wst:BinarySecret>${token.secret.toString('base64')}</wst:BinarySecret></wst:RequestedProofToken>`
      : '') +
    '</wst:RequestSecurityTokenResponse>'
  );
}

/** The ticket-granting entry always listed first; clients do not use it. */
function legacyXml(now: number, expires: number): string {
  return (
    '<wst:RequestSecurityTokenResponse><wst:TokenType>urn:passport:legacy</wst:TokenType>' +
    `<wsp:AppliesTo><wsa:EndpointReference><wsa:Address>${LEGACY}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>` +
    lifetime(now, expires) +
    '<wst:RequestedSecurityToken><EncryptedData xmlns="http://www.w3.org/2001/04/xmlenc#" Id="BinaryDAToken0" Type="http://www.w3.org/2001/04/xmlenc#Element">' +
    '<CipherData><CipherValue>bm90IHVzZWQ=</CipherValue></CipherData></EncryptedData></wst:RequestedSecurityToken>' +
    '</wst:RequestSecurityTokenResponse>'
  );
}

function failed(): SoapReply {
  // Like Escargot (and unlike the old live service, which used 500): a fault with HTTP 200.
  return {
    status: 200,
    xml:
      `<?xml version="1.0" encoding="utf-8"?><S:Envelope ${NS}>${ppHeader('0x80048823')}<S:Body><S:Fault>` +
      '<faultcode>wsse:FailedAuthentication</faultcode><faultstring>Authentication Failure</faultstring>' +
      '<S:Detail><psf:error><psf:value>0x80048823</psf:value><psf:internalerror><psf:code>0x80041012</psf:code>' +
      '<psf:text>The entered and stored passwords do not match.</psf:text></psf:internalerror></psf:error></S:Detail>' +
      '</S:Fault></S:Body></S:Envelope>',
  };
}

export function rst(hub: Hub): (req: SoapRequest) => SoapReply {
  return (req) => {
    const user = descendants(req.header, 'UsernameToken')[0];
    const email = textAt(user, 'Username') ?? '';
    const password = textAt(user, 'Password');
    const account = hub.store.get(email);
    if (!account || password === undefined || account.password !== password) return failed();
    if (req.action.name !== 'RequestMultipleSecurityTokens' && req.action.name !== 'RequestSecurityToken') {
      return failed();
    }
    const addresses = descendants(req.action, 'Address')
      .map((a) => a.text.trim())
      .filter((a) => a !== LEGACY && a !== '');
    const now = Date.now();
    const tokens = addresses.map((a) => hub.tokens.issue(account.email, a, a === SERVICES.messengerClear));
    const expires = tokens[0]?.expires ?? now;
    return {
      status: 200,
      xml:
        `<?xml version="1.0" encoding="utf-8"?><S:Envelope ${NS}>${ppHeader('0x0', String(account.memberId))}<S:Body>` +
        `<wst:RequestSecurityTokenResponseCollection>${legacyXml(now, expires)}${tokens.map((t, i) => tokenXml(t, i + 1)).join('')}` +
        '</wst:RequestSecurityTokenResponseCollection></S:Body></S:Envelope>',
    };
  };
}
