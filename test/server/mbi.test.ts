// The server's MBI_KEY_OLD check against the test vector of MSNP13-18.md §2.5.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkMbiAnswer, mbiAnswer, mbiKeys } from './mbi';

const secret = Buffer.from('AAECAwQFBgcICQoLDA0ODxAREhMUFRYX', 'base64');
const nonce = 'SXQncyBqdXN0IGEgdGVzdCBub25jZSwgNjQgY2hhcmFjdGVycyBsb25nLi4uLi4u';
const iv = Buffer.from('0102030405060708', 'hex');
const blob =
  'HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAECAwQFBgcI0Fe3aI38vBr3gPdrTq8wgmfOybr+QgRTwGN0xFD6GVYAuO3GE7IpeFxH/Di4P6FwPI4s0hquK42At6zocTvYTrZx0bAzCHHv4eEly46bCU3pQqpT1uf0eQIUJdc=';

describe('MBI_KEY_OLD (server side)', () => {
  it('derives the documented keys and hash', () => {
    const { hashKey, cipherKey } = mbiKeys(secret);
    expect(hashKey.toString('hex')).toBe('06af2ac1f46df3fde6e65fef60a13bd21eabb69f09a542c0');
    expect(cipherKey.toString('hex')).toBe('2dd0114b936beb17cc1d7fa10191010bb4b7b487404c43e3');
    expect(createHmac('sha1', hashKey).update(nonce).digest('hex')).toBe('d057b7688dfcbc1af780f76b4eaf308267cec9ba');
  });

  it('builds the documented blob and accepts it', () => {
    expect(mbiAnswer(secret, nonce, iv)).toBe(blob);
    expect(checkMbiAnswer(secret, nonce, blob)).toBeNull();
  });

  it('rejects a wrong secret, nonce, header, hash or padding', () => {
    expect(checkMbiAnswer(Buffer.alloc(24, 1), nonce, blob)).toBe('wrong hash');
    expect(checkMbiAnswer(secret, `${nonce.slice(1)}x`, blob)).toBe('wrong hash');
    const raw = Buffer.from(blob, 'base64');
    const header = Buffer.from(raw);
    header.writeUInt32LE(0x6601, 8);
    expect(checkMbiAnswer(secret, nonce, header.toString('base64'))).toMatch(/header field 2/);
    const hash = Buffer.from(raw);
    hash[40] = (hash[40] ?? 0) ^ 1;
    expect(checkMbiAnswer(secret, nonce, hash.toString('base64'))).toBe('wrong hash');
    const cipher = Buffer.from(raw);
    cipher[127] = (cipher[127] ?? 0) ^ 1;
    expect(checkMbiAnswer(secret, nonce, cipher.toString('base64'))).toBe('wrong cipher text');
    expect(checkMbiAnswer(secret, nonce, 'not base64!')).toBe('not base64');
  });

  it('pads other nonce lengths PKCS#5-style', () => {
    const answer = mbiAnswer(secret, 'short', iv);
    expect(Buffer.from(answer, 'base64').readUInt32LE(24)).toBe(8);
    expect(checkMbiAnswer(secret, 'short', answer)).toBeNull();
  });
});
