// CHL/QRY as the server checks it (CHALLENGE.md): MD5 for MSNP6–10, the product-key algorithm
// from MSNP11. The OIM lock key (Store2) is the same MSNP11 computation.
import { createHash } from 'node:crypto';

export interface Product {
  readonly id: string;
  readonly key: string;
  readonly kind: 'md5' | 'msnp11';
}

export const PRODUCTS: readonly Product[] = [
  { id: 'msmsgs@msnmsgr.com', key: 'Q1P7W2E4J9R8U3S5', kind: 'md5' },
  { id: 'PROD0038W!61ZTF9', key: 'VT6PX?UQTM4WM%YR', kind: 'md5' },
  { id: 'PROD0058#7IL2{QD', key: 'QHDCY@7R1TB6W?5B', kind: 'md5' },
  { id: 'PROD0061VRRZH@4F', key: 'JXQ6J@TUOGYV@N0M', kind: 'md5' },
  { id: 'PROD00504RLUG%WL', key: 'I2EBK%PYNLZL5_J4', kind: 'md5' },
  { id: 'PROD0076ENE8*@AW', key: 'CEQJ8}OE0!WTSWII', kind: 'md5' },
  { id: 'PROD0090YUAUV{2B', key: 'YMM8C_H7KCQ2S_KL', kind: 'msnp11' },
  { id: 'PROD0101{0RM?UBW', key: 'CFHUR$52U_{VIX5T', kind: 'msnp11' },
  { id: 'PROD01065C%ZFN6F', key: 'O4BG@C7BWLYQX?5G', kind: 'msnp11' },
  { id: 'PROD0112J1LW7%NB', key: 'RH96F{PHI8PPX_TJ', kind: 'msnp11' },
  { id: 'PROD0113H11T8$X_', key: 'RG@XY*28Q5QHS%Q5', kind: 'msnp11' },
  { id: 'PROD0114ES4Z%Q5W', key: 'PK}_A_0N_K%O?A9S', kind: 'msnp11' },
  { id: 'PROD0118R6%2WYOS', key: 'YIXPX@5I2P0UT*LK', kind: 'msnp11' },
  { id: 'PROD0119GSJUC$18', key: 'ILTXC!4IXB5FB*PX', kind: 'msnp11' },
  { id: 'PROD0120PW!CCV9@', key: 'C1BX{V4W}Q3*10SM', kind: 'msnp11' },
];

export function product(id: string | undefined): Product | undefined {
  return PRODUCTS.find((p) => p.id === id);
}

export function md5Answer(challenge: string, key: string): string {
  return createHash('md5')
    .update(Buffer.from(challenge + key, 'latin1'))
    .digest('hex');
}

const MOD = 0x7fffffffn;

/** The MSNP11 answer: MD5-derived multipliers hashed over challenge‖id, XORed into the MD5. */
export function msnp11Answer(challenge: string, id: string, key: string): string {
  const digest = createHash('md5')
    .update(Buffer.from(challenge + key, 'latin1'))
    .digest();
  const words = [0, 4, 8, 12].map((o) => BigInt(digest.readUInt32LE(o)));
  const [k0, k1, k2, k3] = words.map((w) => w & MOD) as [bigint, bigint, bigint, bigint];
  const text = challenge + id;
  const padded = Buffer.from(text + '0'.repeat((8 - (text.length % 8)) % 8), 'latin1');
  let sum = 0n;
  let carry = 0n;
  for (let at = 0; at < padded.length; at += 8) {
    const first = (0x0e79a9c1n * BigInt(padded.readUInt32LE(at))) % MOD;
    const mixed = (k0 * (first + carry) + k1) % MOD;
    carry = (k2 * ((BigInt(padded.readUInt32LE(at + 4)) + mixed) % MOD) + k3) % MOD;
    sum += mixed + carry;
  }
  carry = (carry + k1) % MOD;
  sum = (sum + k3) % MOD;
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt32LE(Number((w ^ (i % 2 === 0 ? carry : sum)) & 0xffffffffn), i * 4));
  return out.toString('hex');
}

export function answer(challenge: string, p: Product): string {
  return p.kind === 'md5' ? md5Answer(challenge, p.key) : msnp11Answer(challenge, p.id, p.key);
}
