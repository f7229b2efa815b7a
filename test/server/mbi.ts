// The MBI_KEY_OLD proof of MSNP15+ sign-in (MSNP13-18.md §2.5), as the server checks it: keys
// derived from the messengerclear.live.com BinarySecret, an HMAC-SHA1 of the nonce and the nonce
// encrypted with 3DES-CBC, behind a 28-byte header of seven little-endian uint32.
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_BYTES = 28;
const CRYPT_MODE_CBC = 1;
const CALG_3DES = 0x6603;
const CALG_SHA1 = 0x8004;
const IV_BYTES = 8;
const HASH_BYTES = 20;

const hmac = (key: Buffer, ...parts: Buffer[]) => {
  const h = createHmac('sha1', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** The P_SHA1-style derivation: 24 bytes from two HMAC chains. */
export function deriveKey(key: Buffer, magic: string): Buffer {
  const m = Buffer.from(magic, 'latin1');
  const a1 = hmac(key, m);
  const a2 = hmac(key, a1);
  return Buffer.concat([hmac(key, a1, m), hmac(key, a2, m).subarray(0, 4)]);
}

export function mbiKeys(secret: Buffer): { hashKey: Buffer; cipherKey: Buffer } {
  return {
    hashKey: deriveKey(secret, 'WS-SecureConversationSESSION KEY HASH'),
    cipherKey: deriveKey(secret, 'WS-SecureConversationSESSION KEY ENCRYPTION'),
  };
}

function pkcs5(data: Buffer): Buffer {
  const n = 8 - (data.length % 8);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

/** Builds the base64 answer for `nonce` (its ASCII bytes) with the given IV. */
export function mbiAnswer(secret: Buffer, nonce: string, iv: Buffer): string {
  const { hashKey, cipherKey } = mbiKeys(secret);
  const text = Buffer.from(nonce, 'latin1');
  const cipher = createCipheriv('des-ede3-cbc', cipherKey, iv).setAutoPadding(false);
  const encrypted = Buffer.concat([cipher.update(pkcs5(text)), cipher.final()]);
  const header = Buffer.alloc(HEADER_BYTES);
  [HEADER_BYTES, CRYPT_MODE_CBC, CALG_3DES, CALG_SHA1, IV_BYTES, HASH_BYTES, encrypted.length].forEach((v, i) =>
    header.writeUInt32LE(v, i * 4),
  );
  return Buffer.concat([header, iv, hmac(hashKey, text), encrypted]).toString('base64');
}

/** Why an answer is wrong, or null when it proves possession of `secret` for `nonce`. */
export function checkMbiAnswer(secret: Buffer, nonce: string, answer: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(answer) || answer.length % 4 !== 0) return 'not base64';
  const blob = Buffer.from(answer, 'base64');
  if (blob.length < HEADER_BYTES + IV_BYTES + HASH_BYTES + 8) return 'too short';
  const field = (i: number) => blob.readUInt32LE(i * 4);
  const cipherLength = blob.length - HEADER_BYTES - IV_BYTES - HASH_BYTES;
  const expected = [HEADER_BYTES, CRYPT_MODE_CBC, CALG_3DES, CALG_SHA1, IV_BYTES, HASH_BYTES, cipherLength];
  const bad = expected.findIndex((v, i) => field(i) !== v);
  if (bad >= 0) return `header field ${bad} is ${field(bad)}, expected ${expected[bad]}`;
  const { hashKey, cipherKey } = mbiKeys(secret);
  const text = Buffer.from(nonce, 'latin1');
  const iv = blob.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
  const hash = blob.subarray(HEADER_BYTES + IV_BYTES, HEADER_BYTES + IV_BYTES + HASH_BYTES);
  if (!timingSafeEqual(hash, hmac(hashKey, text))) return 'wrong hash';
  if (cipherLength % 8 !== 0) return 'cipher text not a whole number of blocks';
  const decipher = createDecipheriv('des-ede3-cbc', cipherKey, iv).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES + IV_BYTES + HASH_BYTES)), decipher.final()]);
  const want = pkcs5(text);
  if (plain.length !== want.length || !timingSafeEqual(plain, want)) return 'wrong cipher text';
  return null;
}
