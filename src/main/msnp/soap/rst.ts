// The login service (RequestMultipleSecurityTokens, MSNP13-18.md §2.3–2.4): one request with the
// account and password, one token per service back, kept with its expiry. The messenger token
// carries the binary secret the MBI_KEY_OLD answer proves.
import { MsnpError } from '../errors';
import { callSoap, type SoapCall } from './http';
import { child, descend, findAll, type XmlElement } from './parse';
import { xml, type XmlFragment } from './xml';

const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  wsse: 'http://schemas.xmlsoap.org/ws/2003/06/secext',
  saml: 'urn:oasis:names:tc:SAML:1.0:assertion',
  wsp: 'http://schemas.xmlsoap.org/ws/2002/12/policy',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsa: 'http://schemas.xmlsoap.org/ws/2004/03/addressing',
  wssc: 'http://schemas.xmlsoap.org/ws/2004/04/sc',
  wst: 'http://schemas.xmlsoap.org/ws/2004/04/trust',
  ps: 'http://schemas.microsoft.com/Passport/SoapServices/PPCRL',
};

/** The services asked for, by `wsa:Address`, with their policy. */
export const SERVICES = {
  /** The ticket-granting token; asked for as the official client did, never used. */
  passport: { address: 'http://Passport.NET/tb' },
  /** `USR SSO S`: the only token with a binary secret. */
  messenger: { address: 'messengerclear.live.com', policy: 'MBI_KEY_OLD' },
  /** Web ticket: offline-message retrieval. */
  web: { address: 'messenger.msn.com', policy: '?id=507' },
  /** Address book and sharing service. */
  contacts: { address: 'contacts.msn.com', policy: 'MBI' },
  /** Offline-message sending. */
  secure: { address: 'messengersecure.live.com', policy: 'MBI_SSL' },
  storage: { address: 'storage.msn.com', policy: 'MBI' },
} as const satisfies Record<string, { address: string; policy?: string }>;

export type ServiceName = keyof typeof SERVICES;

export interface SecurityToken {
  /** `t=…&p=…`, unescaped. */
  readonly token: string;
  /** Base64, only for the messenger token. */
  readonly secret?: string;
  /** Milliseconds since the epoch; undefined when the service gave no lifetime. */
  readonly expires?: number;
}

/** The RST envelope for these services (`policy` replaces the messenger token's, from `USR SSO S`). */
export function rstEnvelope(email: string, password: string, services: readonly ServiceName[]): XmlFragment {
  const requests = services.map((name, i) => {
    const service: { address: string; policy?: string } = SERVICES[name];
    const policy =
      service.policy === undefined ? xml`` : xml`<wsse:PolicyReference URI="${service.policy}"></wsse:PolicyReference>`;
    return xml`<wst:RequestSecurityToken Id="RST${i}"><wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType><wsp:AppliesTo><wsa:EndpointReference><wsa:Address>${service.address}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>${policy}</wst:RequestSecurityToken>`;
  });
  return xml`<?xml version="1.0" encoding="UTF-8"?><Envelope xmlns="${NS.soap}" xmlns:wsse="${NS.wsse}" xmlns:saml="${NS.saml}" xmlns:wsp="${NS.wsp}" xmlns:wsu="${NS.wsu}" xmlns:wsa="${NS.wsa}" xmlns:wssc="${NS.wssc}" xmlns:wst="${NS.wst}"><Header><ps:AuthInfo xmlns:ps="${NS.ps}" Id="PPAuthInfo"><ps:HostingApp>{7108E71A-9926-4FCB-BCC9-9A9D3F32E423}</ps:HostingApp><ps:BinaryVersion>4</ps:BinaryVersion><ps:UIVersion>1</ps:UIVersion><ps:Cookies></ps:Cookies><ps:RequestParams>AQAAAAIAAABsYwQAAAAxMDMz</ps:RequestParams></ps:AuthInfo><wsse:Security><wsse:UsernameToken Id="user"><wsse:Username>${email}</wsse:Username><wsse:Password>${password}</wsse:Password></wsse:UsernameToken></wsse:Security></Header><Body><ps:RequestMultipleSecurityTokens xmlns:ps="${NS.ps}" Id="RSTS">${requests}</ps:RequestMultipleSecurityTokens></Body></Envelope>`;
}

/** The tokens of an RST response's Body, by `wsa:Address` (not by position or Id). */
export function parseRstBody(body: XmlElement): Map<string, SecurityToken> {
  const tokens = new Map<string, SecurityToken>();
  for (const response of findAll(body, 'RequestSecurityTokenResponse')) {
    const address = descend(response, 'AppliesTo', 'EndpointReference', 'Address')?.text;
    const token = descend(response, 'RequestedSecurityToken', 'BinarySecurityToken')?.text;
    if (address === undefined || token === undefined || token === '') continue;
    const secret = descend(response, 'RequestedProofToken', 'BinarySecret')?.text;
    const expiresText = descend(child(response, 'LifeTime') ?? child(response, 'Lifetime'), 'Expires')?.text;
    const expires = expiresText === undefined ? Number.NaN : Date.parse(expiresText);
    tokens.set(address, {
      token,
      ...(secret === undefined || secret === '' ? {} : { secret }),
      ...(Number.isFinite(expires) ? { expires } : {}),
    });
  }
  return tokens;
}

export interface RstRequest extends Omit<SoapCall, 'service' | 'envelope' | 'action'> {
  readonly email: string;
  readonly password: string;
  readonly services?: readonly ServiceName[];
}

/** Asks the login service for tokens; a refused password rejects with a SoapFault of kind `auth`. */
export async function requestTokens(request: RstRequest): Promise<Map<ServiceName, SecurityToken>> {
  const { email, password, services = Object.keys(SERVICES) as ServiceName[], ...call } = request;
  const body = await callSoap({ ...call, service: 'RST', envelope: rstEnvelope(email, password, services) });
  const byAddress = parseRstBody(body);
  const tokens = new Map<ServiceName, SecurityToken>();
  for (const name of services) {
    const token = byAddress.get(SERVICES[name].address);
    if (token) tokens.set(name, token);
  }
  if (!tokens.has('messenger') && services.includes('messenger')) {
    throw new MsnpError('protocol', 'The login service sent no messenger token', { command: 'RST' });
  }
  return tokens;
}

/**
 * Tokens for one account, kept per service until they expire. One RST in flight at a time: a
 * sign-in can start it before the server asks (it needs only the password) and collect it later.
 */
export class TokenStore {
  private tokens: Map<ServiceName, SecurityToken> | undefined;
  private inFlight: Promise<Map<ServiceName, SecurityToken>> | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** A token still valid for at least `marginMs`, if one is kept. */
  get(service: ServiceName, marginMs = 60_000): SecurityToken | undefined {
    const token = this.tokens?.get(service);
    if (!token || (token.expires !== undefined && token.expires - marginMs <= this.now())) return undefined;
    return token;
  }

  /** The kept token, or a fresh set of tokens from `fetch` (shared with a request already in flight). */
  async ensure(service: ServiceName, fetch: () => Promise<Map<ServiceName, SecurityToken>>): Promise<SecurityToken> {
    const kept = this.get(service);
    if (kept) return kept;
    const tokens = await this.refresh(fetch);
    const token = tokens.get(service);
    if (!token) throw new MsnpError('protocol', `The login service sent no ${service} token`, { command: 'RST' });
    return token;
  }

  /** Starts (or joins) a request for new tokens. */
  refresh(fetch: () => Promise<Map<ServiceName, SecurityToken>>): Promise<Map<ServiceName, SecurityToken>> {
    if (!this.inFlight) {
      const request = fetch();
      this.inFlight = request;
      request.then(
        (tokens) => {
          this.tokens = tokens;
          if (this.inFlight === request) this.inFlight = undefined;
        },
        () => {
          if (this.inFlight === request) this.inFlight = undefined;
        },
      );
    }
    return this.inFlight;
  }

  /** Forgets every token, e.g. after the server refused one. */
  clear(): void {
    this.tokens = undefined;
  }
}
