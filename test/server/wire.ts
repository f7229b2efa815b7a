// Test-side raw MSNP client: hand-written lines out, decoded frames in. Deliberately independent of
// the project's client engine.
import { request } from 'node:https';
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { FrameReader, serverPayload } from './codec';
import { SOAP_PATHS, startServer, type RunningServer, type ServerOptions } from './index';
import { mbiAnswer } from './mbi';
import { descendants, escapeXml, parseXml, textAt, type XmlNode } from './xml';

export interface Received {
  /** The command line as text, e.g. `VER 1 MSNP8`. */
  readonly text: string;
  readonly name: string;
  readonly params: readonly string[];
  readonly payload?: Buffer;
}

export class Wire {
  private readonly frames: Received[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;
  private readonly decoder = new FrameReader(serverPayload, { maxLineBytes: 16 * 1024, maxPayloadBytes: 1024 * 1024 });

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      const { frames, error } = this.decoder.push(chunk);
      if (error) throw error;
      for (const f of frames) this.frames.push({ text: [f.name, ...f.params].join(' '), ...f });
      this.waiter?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  static connect(address: string): Promise<Wire> {
    const [host, port] = address.split(':');
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host, () => {
        socket.off('error', reject);
        resolve(new Wire(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one command line; CRLF is added. */
  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** Sends a command line followed by a payload whose byte length is appended to the line. */
  sendPayload(line: string, payload: string | Buffer): void {
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    this.socket.write(Buffer.concat([Buffer.from(`${line} ${body.length}\r\n`), body]));
  }

  raw(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next frame; rejects when none arrives in time or the server hung up. */
  async next(timeoutMs = 2000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = this.frames.shift();
      if (f) return f;
      if (this.ended) throw new Error('connection closed while waiting for a frame');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  async line(timeoutMs?: number): Promise<string> {
    return (await this.next(timeoutMs)).text;
  }

  /** Reads `n` lines. */
  async lines(n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(await this.line());
    return out;
  }

  /** Skips frames until one whose text matches. */
  async until(match: string | RegExp | ((f: Received) => boolean), timeoutMs = 2000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = await this.next(Math.max(1, deadline - Date.now()));
      if (typeof match === 'string' ? f.text === match : match instanceof RegExp ? match.test(f.text) : match(f))
        return f;
    }
  }

  /** Asserts that nothing arrives for `ms`. */
  async quiet(ms = 100): Promise<void> {
    try {
      const f = await this.next(ms);
      throw new Error(`unexpected frame: ${f.text}`);
    } catch (err) {
      if (!/timed out/.test((err as Error).message)) throw err;
    }
  }

  /** Resolves once the server has closed the connection (after any frames still queued). */
  async closed(timeoutMs = 2000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    const rest: Received[] = [];
    for (;;) {
      try {
        rest.push(await this.next(Math.max(1, deadline - Date.now())));
      } catch (err) {
        if (this.ended && this.frames.length === 0) return rest;
        throw err;
      }
    }
  }

  get isClosed(): boolean {
    return this.ended;
  }

  close(): void {
    this.socket.destroy();
  }
}

export const ACCOUNTS = [
  { email: 'alice@example.com', password: 'alice-pass-1', displayName: 'Alice Smith', contacts: ['bob@example.com'] },
  { email: 'bob@example.com', password: 'bob-pass-1', displayName: 'Bob', contacts: [] },
  { email: 'carol@example.com', password: 'p@ss,w=rd%20!', displayName: 'Carol', contacts: [] },
  { email: 'dave@example.com', password: 'dave-pass-1', displayName: 'Dave', contacts: ['alice@example.com'] },
  { email: 'erin@example.com', password: 'erin-pass-1', displayName: 'Erin', contacts: [] },
];

export function passwordOf(email: string): string {
  const a = ACCOUNTS.find((x) => x.email === email);
  if (!a) throw new Error(`no test account ${email}`);
  return a.password;
}

/** Starts a server with the test accounts; challenges are off unless a test asks for them. */
export function startTestServer(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({ accounts: ACCOUNTS, challenges: false, ...options });
}

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** GET over HTTPS trusting only the server's CA; never follows redirects. */
export function httpsGet(url: string, ca: string, headers: Record<string, string> = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, ca: readFileSync(ca), agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

export function authorization(email: string, password: string, params: string): string {
  const enc = encodeURIComponent;
  return `Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=${enc(email)},pwd=${enc(password)},${params}`;
}

/** The Passport 1.4 client dance of LOGIN.md §6.2: nexus, then login (following 302s). */
export async function passportTicket(
  server: RunningServer,
  email: string,
  password: string,
  params: string,
): Promise<string> {
  const nexus = await httpsGet(server.nexus, server.ca);
  const urls = String(nexus.headers['passporturls'] ?? '');
  const daLogin = urls
    .split(',')
    .map((kv) => kv.split('='))
    .find(([k]) => k === 'DALogin')
    ?.slice(1)
    .join('=');
  if (!daLogin) throw new Error(`no DALogin in ${urls}`);
  let url = /^https?:\/\//.test(daLogin) ? daLogin : `https://${daLogin}`;
  for (let hop = 0; hop < 5; hop++) {
    const res = await httpsGet(url, server.ca, { Authorization: authorization(email, password, params) });
    if (res.status === 302) {
      url = String(res.headers['location']);
      continue;
    }
    const m = /from-PP='([^']*)'/.exec(String(res.headers['authentication-info'] ?? ''));
    if (res.status !== 200 || !m?.[1]) throw new Error(`passport answered ${res.status}`);
    return m[1];
  }
  throw new Error('too many redirects');
}

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** MSNP2–7 sign-in straight at the notification server; leaves the profile MSG unread. */
export async function signInMd5(server: RunningServer, email: string, dialect = 7): Promise<Wire> {
  const w = await Wire.connect(server.notification);
  w.send(`VER 1 MSNP${dialect} CVR0`);
  await w.until(`VER 1 MSNP${dialect}`);
  w.send('INF 2');
  await w.until('INF 2 MD5');
  w.send(`USR 3 MD5 I ${email}`);
  const salt = (await w.next()).params[3] ?? '';
  w.send(`USR 4 MD5 S ${md5Hex(salt + passwordOf(email))}`);
  await w.until(/^USR 4 OK /);
  return w;
}

/** MSNP8+ sign-in straight at the notification server; returns after the profile MSG. */
export async function signInTwn(server: RunningServer, email: string, dialect: number): Promise<Wire> {
  return (await twnSignIn(server, email, dialect, '7.0.0816')).w;
}

/** Passport 1.4 sign-in reporting `clientVersion` in CVR; the connection and its ticket. */
async function twnSignIn(
  server: RunningServer,
  email: string,
  dialect: number,
  clientVersion: string,
): Promise<{ w: Wire; ticket: string }> {
  const w = await Wire.connect(server.notification);
  w.send(`VER 1 MSNP${dialect} CVR0`);
  await w.until(`VER 1 MSNP${dialect}`);
  w.send(`CVR 2 0x0409 winnt 5.1 i386 MSNMSGR ${clientVersion} msmsgs ${email}`);
  await w.until(/^CVR 2 /);
  w.send(`USR 3 TWN I ${email}`);
  // MSNP13+ pushes GCF 0 (the policies) before the challenge.
  const params = (await w.until(/^USR 3 TWN S /)).params[3] ?? '';
  const ticket = await passportTicket(server, email, passwordOf(email), params);
  w.send(`USR 4 TWN S ${ticket}`);
  await w.until(/^USR 4 OK /);
  await w.until(/^MSG Hotmail Hotmail /);
  return { w, ticket };
}

export interface SoapAnswer {
  readonly status: number;
  readonly text: string;
  /** The parsed body, when it is XML. */
  readonly xml?: XmlNode;
}

/** POST over HTTPS trusting only the server's CA. */
export function httpsPost(
  url: string,
  ca: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<SoapAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8', ...headers },
        ca: readFileSync(ca),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let xml: XmlNode | undefined;
          try {
            xml = text ? parseXml(text, 8 * 1024 * 1024) : undefined;
          } catch {
            xml = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, ...(xml ? { xml } : {}) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const AB = 'http://www.msn.com/webservices/AddressBook';

/** A hand-written address-book / sharing request, the way WLM 8.x frames them. */
export function abRequest(action: string, inner: string, ticket: string, scenario = 'Initial'): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP_ENV}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `<soap:Header><ABApplicationHeader xmlns="${AB}"><ApplicationId>CFE80F9D-180F-4399-82AB-413F33A1FA11</ApplicationId>` +
    `<IsMigration>false</IsMigration><PartnerScenario>${scenario}</PartnerScenario></ABApplicationHeader>` +
    `<ABAuthHeader xmlns="${AB}"><ManagedGroupRequest>false</ManagedGroupRequest><TicketToken>${escapeXml(ticket)}</TicketToken></ABAuthHeader>` +
    `</soap:Header><soap:Body><${action} xmlns="${AB}">${inner}</${action}></soap:Body></soap:Envelope>`
  );
}

export function abCall(
  server: RunningServer,
  service: 'addressBook' | 'sharing',
  action: string,
  inner: string,
  ticket: string,
) {
  return httpsPost(`${server.soapBase}${SOAP_PATHS[service]}`, server.ca, abRequest(action, inner, ticket), {
    SOAPAction: `"${AB}/${action}"`,
  });
}

export const RST_ADDRESSES = [
  ['http://Passport.NET/tb', ''],
  ['messengerclear.live.com', 'MBI_KEY_OLD'],
  ['messenger.msn.com', '?id=507'],
  ['contacts.msn.com', 'MBI'],
  ['messengersecure.live.com', 'MBI_SSL'],
  ['storage.msn.com', 'MBI'],
] as const;

export function rstRequest(email: string, password: string, addresses = RST_ADDRESSES): string {
  const tokens = addresses
    .map(
      ([address, policy], i) =>
        `<wst:RequestSecurityToken Id="RST${i}"><wst:RequestType>http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue</wst:RequestType>` +
        `<wsp:AppliesTo><wsa:EndpointReference><wsa:Address>${address}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>` +
        (policy ? `<wsse:PolicyReference URI="${escapeXml(policy)}"></wsse:PolicyReference>` : '') +
        '</wst:RequestSecurityToken>',
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Envelope xmlns="${SOAP_ENV}" xmlns:wsse="http://schemas.xmlsoap.org/ws/2003/06/secext" ` +
    'xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" xmlns:wsp="http://schemas.xmlsoap.org/ws/2002/12/policy" ' +
    'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" ' +
    'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/03/addressing" xmlns:wssc="http://schemas.xmlsoap.org/ws/2004/04/sc" ' +
    'xmlns:wst="http://schemas.xmlsoap.org/ws/2004/04/trust"><Header>' +
    '<ps:AuthInfo xmlns:ps="http://schemas.microsoft.com/Passport/SoapServices/PPCRL" Id="PPAuthInfo">' +
    '<ps:HostingApp>{7108E71A-9926-4FCB-BCC9-9A9D3F32E423}</ps:HostingApp><ps:BinaryVersion>4</ps:BinaryVersion>' +
    '<ps:UIVersion>1</ps:UIVersion><ps:Cookies></ps:Cookies><ps:RequestParams>AQAAAAIAAABsYwQAAAAxMDMz</ps:RequestParams></ps:AuthInfo>' +
    `<wsse:Security><wsse:UsernameToken Id="user"><wsse:Username>${escapeXml(email)}</wsse:Username>` +
    `<wsse:Password>${escapeXml(password)}</wsse:Password></wsse:UsernameToken></wsse:Security></Header>` +
    `<Body><ps:RequestMultipleSecurityTokens xmlns:ps="http://schemas.microsoft.com/Passport/SoapServices/PPCRL" Id="RSTS">${tokens}` +
    '</ps:RequestMultipleSecurityTokens></Body></Envelope>'
  );
}

export interface IssuedToken {
  readonly ticket: string;
  readonly secret?: string;
  readonly expires: string;
}

/** RST.srf → tokens by `wsa:Address`. Throws on a fault. */
export async function requestTokens(
  server: RunningServer,
  email: string,
  password = passwordOf(email),
): Promise<Map<string, IssuedToken>> {
  const res = await httpsPost(`${server.soapBase}${SOAP_PATHS.rst}`, server.ca, rstRequest(email, password));
  if (descendants(res.xml, 'Fault').length > 0 || res.status !== 200) throw new Error(`RST failed: ${res.text}`);
  const out = new Map<string, IssuedToken>();
  for (const r of descendants(res.xml, 'RequestSecurityTokenResponse')) {
    const address = descendants(r, 'Address')[0]?.text.trim() ?? '';
    const ticket = descendants(r, 'BinarySecurityToken')[0]?.text.trim();
    if (ticket === undefined) continue;
    const secret = descendants(r, 'BinarySecret')[0]?.text.trim();
    out.set(address, {
      ticket,
      expires: textAt(descendants(r, 'LifeTime')[0], 'Expires') ?? '',
      ...(secret ? { secret } : {}),
    });
  }
  return out;
}

/** The ticket that opens the address book: the contacts.msn.com token, or the MSNP13/14 sign-in ticket. */
export interface SignedIn {
  readonly w: Wire;
  readonly ticket: string;
  readonly tokens?: Map<string, IssuedToken>;
}

/** MSNP15+ sign-in: RST, then USR SSO with the MBI answer (and a machine GUID from MSNP16). */
export async function signInSso(
  server: RunningServer,
  email: string,
  dialect: number,
  machineGuid = '{7C3A1F21-4B1E-4C58-9D4D-2A5A8E3C0B11}',
): Promise<SignedIn> {
  const tokens = await requestTokens(server, email);
  const clear = tokens.get('messengerclear.live.com');
  if (!clear?.secret) throw new Error('no messengerclear token');
  const w = await Wire.connect(server.notification);
  w.send(`VER 1 MSNP${dialect} CVR0`);
  await w.until(`VER 1 MSNP${dialect}`);
  w.send(`CVR 2 0x0409 winnt 6.1.0 i386 MSNMSGR 14.0.8117.0416 msmsgs ${email}`);
  await w.until(/^CVR 2 /);
  w.send(`USR 3 SSO I ${email}`);
  const nonce = (await w.until(/^USR 3 SSO S MBI_KEY_OLD /)).params[4] ?? '';
  const answer = mbiAnswer(Buffer.from(clear.secret, 'base64'), nonce, randomBytes(8));
  w.send(`USR 4 SSO S ${clear.ticket} ${answer}${dialect >= 16 ? ` ${machineGuid}` : ''}`);
  await w.until(/^USR 4 OK /);
  await w.until(/^MSG Hotmail Hotmail /);
  return { w, ticket: tokens.get('contacts.msn.com')?.ticket ?? '', tokens };
}

/** MSNP13+ sign-in by the dialect's method, keeping the ticket for the SOAP services. */
export async function signInModern(server: RunningServer, email: string, dialect: number): Promise<SignedIn> {
  if (dialect >= 15) return signInSso(server, email, dialect);
  return twnSignIn(server, email, dialect, '8.1.0178');
}

/** Signs in with the dialect's method and reads up to the profile message. */
export async function signIn(server: RunningServer, email: string, dialect: number): Promise<Wire> {
  if (dialect >= 13) return (await signInModern(server, email, dialect)).w;
  if (dialect >= 8) return signInTwn(server, email, dialect);
  const w = await signInMd5(server, email, dialect);
  await w.until(/^MSG Hotmail Hotmail /);
  return w;
}

/** Signs in and goes online (CHG); what follows the CHG echo (ILN, UBX, CHL …) is left to the caller. */
export async function online(server: RunningServer, email: string, dialect: number, status = 'NLN'): Promise<Wire> {
  const w = await signIn(server, email, dialect);
  w.send(dialect >= 8 ? `CHG 9 ${status} 0` : `CHG 9 ${status}`);
  await w.until(/^CHG 9 /);
  return w;
}
