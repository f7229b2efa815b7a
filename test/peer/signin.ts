// Passport 1.4 over HTTPS (LOGIN.md §6.2) and the CHL answers (CHALLENGE.md §3–4).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

function get(
  url: string,
  ca: Buffer | undefined,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, ca, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`passport: ${url} timed out`)));
    req.end();
  });
}

const header = (h: Record<string, string | string[] | undefined>, name: string): string => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
};

/** Nexus → DALogin → ticket, following up to five 302s by hand. */
export async function passportTicket(
  nexus: string,
  caPath: string | undefined,
  email: string,
  password: string,
  params: string,
): Promise<string> {
  const ca = caPath ? readFileSync(caPath) : undefined;
  const urls = header((await get(nexus, ca, {})).headers, 'PassportURLs');
  const pair = urls.split(',').find((kv) => kv.startsWith('DALogin='));
  if (!pair) throw new Error(`passport: no DALogin in ${JSON.stringify(urls)}`);
  let url = pair.slice('DALogin='.length);
  if (!/^https?:\/\//.test(url)) url = `https://${url}`;
  const enc = encodeURIComponent;
  const authorization = `Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=${enc(email)},pwd=${enc(password)},${params}`;
  for (let hop = 0; hop < 5; hop++) {
    const res = await get(url, ca, { Authorization: authorization, 'User-Agent': 'MSMSGS' });
    if (res.status === 302) {
      url = header(res.headers, 'Location');
      continue;
    }
    if (res.status === 401) throw new Error('passport: wrong e-mail or password');
    const ticket = /from-PP='([^']*)'/.exec(header(res.headers, 'Authentication-Info'))?.[1];
    if (res.status !== 200 || !ticket) throw new Error(`passport answered ${res.status}`);
    return ticket;
  }
  throw new Error('passport: too many redirects');
}

export interface ProductKey {
  readonly id: string;
  readonly key: string;
}

export const MD5_PRODUCT: ProductKey = { id: 'msmsgs@msnmsgr.com', key: 'Q1P7W2E4J9R8U3S5' };
export const MSNP11_PRODUCT: ProductKey = { id: 'PROD0090YUAUV{2B', key: 'YMM8C_H7KCQ2S_KL' };

/** MSNP6–10: hex MD5 of challenge ‖ key. */
export function md5Answer(challenge: string, p: ProductKey = MD5_PRODUCT): string {
  return createHash('md5')
    .update(challenge + p.key, 'latin1')
    .digest('hex');
}

/** MSNP11+: the 64-bit key schedule over challenge ‖ product id, XORed into MD5(challenge ‖ key). */
export function msnp11Answer(challenge: string, p: ProductKey = MSNP11_PRODUCT): string {
  const M = 0x7fffffffn;
  const digest = createHash('md5')
    .update(challenge + p.key, 'latin1')
    .digest();
  const H = [0, 4, 8, 12].map((o) => BigInt(digest.readUInt32LE(o)));
  const [h0 = 0n, h1 = 0n, h2 = 0n, h3 = 0n] = H.map((x) => x & M);
  let text = challenge + p.id;
  if (text.length % 8 !== 0) text += '0'.repeat(8 - (text.length % 8));
  const words = Buffer.from(text, 'latin1');
  let high = 0n;
  let low = 0n;
  for (let i = 0; i < words.length; i += 8) {
    let t = (0x0e79a9c1n * BigInt(words.readUInt32LE(i))) % M;
    t = (h0 * (t + low) + h1) % M;
    high += t;
    t = (BigInt(words.readUInt32LE(i + 4)) + t) % M;
    low = (h2 * t + h3) % M;
    high += low;
  }
  low = (low + h1) % M;
  high = (high + h3) % M;
  const out = Buffer.alloc(16);
  [low, high, low, high].forEach((v, i) => out.writeUInt32LE(Number(((H[i] ?? 0n) ^ v) & 0xffffffffn), 4 * i));
  return out.toString('hex');
}
