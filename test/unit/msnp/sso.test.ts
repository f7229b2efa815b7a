// The MBI_KEY_OLD answer against the vector of the protocol notes (MSNP13-18.md §2.5), and the
// SSO mechanism's answer to `USR SSO S`.
import { createDecipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKey, mbiKeyOld, sso } from '../../../src/main/msnp/auth/sso';
import { dialectOf, type Dialect } from '../../../src/main/msnp/dialects';
import { TokenStore } from '../../../src/main/msnp/soap/rst';
import { failure } from '../../support/msnp-failure';

const SECRET = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX';
const NONCE = 'SXQncyBqdXN0IGEgdGVzdCBub25jZSwgNjQgY2hhcmFjdGVycyBsb25nLi4uLi4u';
const IV = Buffer.from('0102030405060708', 'hex');
const KEY2 = '06af2ac1f46df3fde6e65fef60a13bd21eabb69f09a542c0';
const KEY3 = '2dd0114b936beb17cc1d7fa10191010bb4b7b487404c43e3';
const HASH = 'd057b7688dfcbc1af780f76b4eaf308267cec9ba';
const CIPHER =
  'fe420453c06374c450fa195600b8edc613b229785c47fc38b83fa1703c8e2cd21aae2b8d80b7ace8713bd84eb671d1b0330871efe1e125cb8e9b094de942aa53d6e7f479021425d7';
const BLOB =
  'HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAECAwQFBgcI0Fe3aI38vBr3gPdrTq8wgmfOybr+QgRTwGN0xFD6GVYAuO3GE7IpeFxH/Di4P6FwPI4s0hquK42At6zocTvYTrZx0bAzCHHv4eEly46bCU3pQqpT1uf0eQIUJdc=';

const key1 = Buffer.from(SECRET, 'base64');

describe('MBI_KEY_OLD', () => {
  it('derives the hash and encryption keys of the vector', () => {
    expect(deriveKey(key1, 'WS-SecureConversationSESSION KEY HASH').toString('hex')).toBe(KEY2);
    expect(deriveKey(key1, 'WS-SecureConversationSESSION KEY ENCRYPTION').toString('hex')).toBe(KEY3);
  });

  it('builds the vector blob: header, IV, HMAC-SHA1 of the nonce, 3DES-CBC of the padded nonce', () => {
    const blob = mbiKeyOld(SECRET, NONCE, IV);
    expect(blob).toBe(BLOB);
    const bytes = Buffer.from(blob, 'base64');
    expect(bytes.length).toBe(128);
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => bytes.readUInt32LE(4 * i))).toEqual([28, 1, 0x6603, 0x8004, 8, 20, 72]);
    expect(bytes.subarray(28, 36)).toEqual(IV);
    expect(bytes.subarray(36, 56).toString('hex')).toBe(HASH);
    expect(bytes.subarray(56).toString('hex')).toBe(CIPHER);
  });

  it('pads other nonce lengths PKCS#5-style, so the server can decrypt and check them', () => {
    const nonce = 'short nonce';
    const bytes = Buffer.from(mbiKeyOld(SECRET, nonce, IV), 'base64');
    const cipherLength = bytes.readUInt32LE(24);
    expect(cipherLength).toBe(16);
    const decipher = createDecipheriv('des-ede3-cbc', Buffer.from(KEY3, 'hex'), IV);
    const plain = Buffer.concat([decipher.update(bytes.subarray(56)), decipher.final()]);
    expect(plain.toString('ascii')).toBe(nonce);
    const hash = createHmac('sha1', Buffer.from(KEY2, 'hex')).update(nonce).digest('hex');
    expect(bytes.subarray(36, 56).toString('hex')).toBe(hash);
  });

  it('uses a fresh random IV each time', () => {
    expect(mbiKeyOld(SECRET, NONCE)).not.toBe(mbiKeyOld(SECRET, NONCE));
  });

  it('refuses an empty secret', async () => {
    expect(() => mbiKeyOld('', NONCE, IV)).toThrow(/empty binary secret/);
    expect((await failure(Promise.resolve().then(() => mbiKeyOld('', NONCE, IV)))).kind).toBe('protocol');
  });
});

describe('the SSO mechanism', () => {
  const settings = (tokens: TokenStore, machineGuid?: string) => ({
    email: 'alice@example.com',
    password: 'secret',
    nexusUrl: 'https://127.0.0.1/rdr/pprdr.asp',
    sso: { rstUrl: 'https://127.0.0.1:1/RST.srf', tokens, ...(machineGuid ? { machineGuid } : {}) },
  });
  const withToken = (): TokenStore => {
    const tokens = new TokenStore();
    void tokens.refresh(() =>
      Promise.resolve(
        new Map([['messenger', { token: 't=abc&p=', secret: SECRET, expires: Date.now() + 86_400_000 }]]),
      ),
    );
    return tokens;
  };
  // No table row has several places yet; this stands in for MSNP16.
  const mpop: Dialect = { ...dialectOf(12), capabilities: { ...dialectOf(12).capabilities, multiplePlaces: true } };

  it('answers MBI_KEY_OLD with the messenger token and a blob proving its secret', async () => {
    const [ticket, blob, ...rest] = await sso.respond(['MBI_KEY_OLD', NONCE], settings(withToken()), dialectOf(12));
    expect(ticket).toBe('t=abc&p=');
    expect(
      Buffer.from(blob ?? '', 'base64')
        .subarray(36, 56)
        .toString('hex'),
    ).toBe(HASH);
    expect(rest).toEqual([]);
  });

  it('adds the machine GUID where the dialect has multiple places', async () => {
    const guid = '{7C3A1F21-4B1E-4C58-9D4D-2A5A8E3C0B11}';
    const answer = await sso.respond(['MBI_KEY_OLD', NONCE], settings(withToken(), guid), mpop);
    expect(answer[2]).toBe(guid);
    expect((await failure(sso.respond(['MBI_KEY_OLD', NONCE], settings(withToken()), mpop))).kind).toBe('invalid');
  });

  it('refuses a challenge it does not know', async () => {
    expect((await failure(sso.respond(['MBI_KEY_NEW', NONCE], settings(withToken()), dialectOf(12)))).kind).toBe(
      'protocol',
    );
    expect((await failure(sso.respond(['MBI_KEY_OLD'], settings(withToken()), dialectOf(12)))).kind).toBe('protocol');
  });
});
