// CHL/QRY challenge answers (see the protocol notes, CHALLENGE.md). Shared by the engine, which
// answers challenges, and the reference server, which checks the answers.
import { createHash } from 'node:crypto';
import { dialectOf, type DialectRef } from './dialects';

export interface ProductKey {
  readonly id: string;
  readonly key: string;
  readonly algorithm: 'md5' | 'msnp11';
}

/** Every published product id / key pair, in the order of the protocol notes' table. */
export const PRODUCT_KEYS: readonly ProductKey[] = [
  { id: 'msmsgs@msnmsgr.com', key: 'Q1P7W2E4J9R8U3S5', algorithm: 'md5' },
  { id: 'PROD0038W!61ZTF9', key: 'VT6PX?UQTM4WM%YR', algorithm: 'md5' },
  { id: 'PROD0058#7IL2{QD', key: 'QHDCY@7R1TB6W?5B', algorithm: 'md5' },
  { id: 'PROD0061VRRZH@4F', key: 'JXQ6J@TUOGYV@N0M', algorithm: 'md5' },
  { id: 'PROD00504RLUG%WL', key: 'I2EBK%PYNLZL5_J4', algorithm: 'md5' },
  { id: 'PROD0076ENE8*@AW', key: 'CEQJ8}OE0!WTSWII', algorithm: 'md5' },
  { id: 'PROD0090YUAUV{2B', key: 'YMM8C_H7KCQ2S_KL', algorithm: 'msnp11' },
  { id: 'PROD0101{0RM?UBW', key: 'CFHUR$52U_{VIX5T', algorithm: 'msnp11' },
  { id: 'PROD01065C%ZFN6F', key: 'O4BG@C7BWLYQX?5G', algorithm: 'msnp11' },
  { id: 'PROD0112J1LW7%NB', key: 'RH96F{PHI8PPX_TJ', algorithm: 'msnp11' },
  { id: 'PROD0113H11T8$X_', key: 'RG@XY*28Q5QHS%Q5', algorithm: 'msnp11' },
  { id: 'PROD0114ES4Z%Q5W', key: 'PK}_A_0N_K%O?A9S', algorithm: 'msnp11' },
  { id: 'PROD0118R6%2WYOS', key: 'YIXPX@5I2P0UT*LK', algorithm: 'msnp11' },
  { id: 'PROD0119GSJUC$18', key: 'ILTXC!4IXB5FB*PX', algorithm: 'msnp11' },
  { id: 'PROD0120PW!CCV9@', key: 'C1BX{V4W}Q3*10SM', algorithm: 'msnp11' },
];

/** The pair a client of the given dialect uses (MSNP6–10: MD5, MSNP11+: the MSNP11 algorithm). */
export function productKeyFor(dialect: DialectRef): ProductKey {
  const id = dialectOf(dialect).challengeProduct;
  const pair = PRODUCT_KEYS.find((p) => p.id === id);
  if (!pair) throw new Error(`missing product key ${id}`);
  return pair;
}

export function md5Response(challenge: string, key: string): string {
  return createHash('md5')
    .update(challenge + key, 'latin1')
    .digest('hex');
}

export function msnp11Response(challenge: string, productId: string, productKey: string): string {
  const M = 0x7fffffffn;
  const MAGIC = 0x0e79a9c1n;
  const d = createHash('md5')
    .update(challenge + productKey, 'latin1')
    .digest();
  const H = [0, 1, 2, 3].map((i) => BigInt(d.readUInt32LE(4 * i)));
  const h = H.map((x) => x & M);
  const [h0, h1, h2, h3] = h as [bigint, bigint, bigint, bigint];
  let s = challenge + productId;
  // Pad only when needed (libpurple and msnp-wiki), with the ASCII digit zero.
  if (s.length % 8 !== 0) s += '0'.repeat(8 - (s.length % 8));
  const b = Buffer.from(s, 'latin1');
  let high = 0n;
  let low = 0n;
  for (let i = 0; i < b.length; i += 8) {
    const w0 = BigInt(b.readUInt32LE(i));
    const w1 = BigInt(b.readUInt32LE(i + 4));
    let t = (MAGIC * w0) % M;
    t = (h0 * (t + low) + h1) % M;
    high += t;
    t = (w1 + t) % M;
    low = (h2 * t + h3) % M;
    high += low;
  }
  low = (low + h1) % M;
  high = (high + h3) % M;
  const out = Buffer.alloc(16);
  const r = [(H[0] as bigint) ^ low, (H[1] as bigint) ^ high, (H[2] as bigint) ^ low, (H[3] as bigint) ^ high];
  r.forEach((v, i) => out.writeUInt32LE(Number(v & 0xffffffffn), 4 * i));
  return out.toString('hex');
}

export function challengeResponse(challenge: string, pair: ProductKey): string {
  return pair.algorithm === 'md5' ? md5Response(challenge, pair.key) : msnp11Response(challenge, pair.id, pair.key);
}
