// Test-side raw MSNP client: hand-written lines out, decoded frames in. Deliberately independent of
// the project's client engine.
import { request } from 'node:https';
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { FrameReader, serverPayload } from './codec';
import { startServer, type RunningServer, type ServerOptions } from './index';

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
  async until(match: string | RegExp, timeoutMs = 2000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = await this.next(Math.max(1, deadline - Date.now()));
      if (typeof match === 'string' ? f.text === match : match.test(f.text)) return f;
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
  const w = await Wire.connect(server.notification);
  w.send(`VER 1 MSNP${dialect} CVR0`);
  await w.until(`VER 1 MSNP${dialect}`);
  w.send(`CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.0.0816 msmsgs ${email}`);
  await w.until(/^CVR 2 /);
  w.send(`USR 3 TWN I ${email}`);
  const params = (await w.next()).params[3] ?? '';
  const ticket = await passportTicket(server, email, passwordOf(email), params);
  w.send(`USR 4 TWN S ${ticket}`);
  await w.until(/^USR 4 OK /);
  await w.until(/^MSG Hotmail Hotmail /);
  return w;
}

/** Signs in with the dialect's method and reads up to the profile message. */
export async function signIn(server: RunningServer, email: string, dialect: number): Promise<Wire> {
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
