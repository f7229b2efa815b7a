// SSO (MSNP15+): the server's challenge is `MBI_KEY_OLD <nonce>`; the answer is the messenger
// token from the login service (RST) and proof that we hold its binary secret, the MBI_KEY_OLD
// blob (MSNP13-18.md §2.5), plus the machine GUID where the dialect has multiple places.
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { MsnpError } from '../errors';
import { requestTokens } from '../soap/rst';
import { throwIfCancelled, type AuthMechanism, type AuthSettings, type SsoSettings } from './mechanism';

const HASH_MAGIC = 'WS-SecureConversationSESSION KEY HASH';
const ENCRYPTION_MAGIC = 'WS-SecureConversationSESSION KEY ENCRYPTION';

const hmac = (key: Buffer, data: Buffer): Buffer => createHmac('sha1', key).update(data).digest();

/** The WS-SecureConversation key derivation: 24 bytes from `key` and `magic`. */
export function deriveKey(key: Buffer, magic: string): Buffer {
  const m = Buffer.from(magic, 'ascii');
  const h1 = hmac(key, m);
  const h2 = hmac(key, Buffer.concat([h1, m]));
  const h3 = hmac(key, h1);
  const h4 = hmac(key, Buffer.concat([h3, m]));
  return Buffer.concat([h2.subarray(0, 20), h4.subarray(0, 4)]);
}

/**
 * The MBI_KEY_OLD answer: base64 of a 28-byte little-endian header (size, CBC, CALG_3DES,
 * CALG_SHA1, IV length, hash length, cipher length), the IV, HMAC-SHA1(key2, nonce) and
 * 3DES-CBC(key3, iv, nonce padded PKCS#5-style). `nonce` is used as its ASCII text.
 */
export function mbiKeyOld(secretBase64: string, nonce: string, iv: Buffer = randomBytes(8)): string {
  if (iv.length !== 8) throw new RangeError('The IV is 8 bytes');
  const key1 = Buffer.from(secretBase64, 'base64');
  if (key1.length === 0) throw new MsnpError('protocol', 'The login service sent an empty binary secret');
  const key2 = deriveKey(key1, HASH_MAGIC);
  const key3 = deriveKey(key1, ENCRYPTION_MAGIC);
  const plain = Buffer.from(nonce, 'ascii');
  const hash = hmac(key2, plain);
  const pad = 8 - (plain.length % 8);
  const cipher = createCipheriv('des-ede3-cbc', key3, iv).setAutoPadding(false);
  const encrypted = Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]);
  const header = Buffer.alloc(28);
  [28, 1, 0x6603, 0x8004, iv.length, hash.length, encrypted.length].forEach((v, i) => header.writeUInt32LE(v, 4 * i));
  return Buffer.concat([header, iv, hash, encrypted]).toString('base64');
}

function fetchTokens(settings: AuthSettings, sso: SsoSettings): ReturnType<typeof requestTokens> {
  return requestTokens({
    url: sso.rstUrl,
    email: settings.email,
    password: settings.password,
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    ...(settings.allowInsecurePassport === undefined ? {} : { allowInsecure: settings.allowInsecurePassport }),
    ...(settings.requestTimeoutMs === undefined ? {} : { timeoutMs: settings.requestTimeoutMs }),
    ...(settings.signal === undefined ? {} : { signal: settings.signal }),
    ...(settings.transport === undefined ? {} : { transport: settings.transport }),
  });
}

function ssoOf(settings: AuthSettings): SsoSettings {
  if (!settings.sso) throw new MsnpError('invalid', 'SSO sign-in needs the address of the login service');
  return settings.sso;
}

export const sso: AuthMechanism = {
  name: 'SSO',
  prepare(settings) {
    // Needs only the password, so it runs while VER, CVR and USR I travel; a failure is
    // reported when the answer is needed.
    const store = settings.sso;
    if (store && !store.tokens.get('messenger'))
      store.tokens.refresh(() => fetchTokens(settings, store)).catch(() => undefined);
  },
  async respond([policy, nonce], settings, dialect) {
    if (policy !== 'MBI_KEY_OLD' || nonce === undefined) {
      throw new MsnpError('protocol', `Unsupported SSO challenge ${policy ?? ''}`, { command: 'USR' });
    }
    const config = ssoOf(settings);
    settings.onStep?.('passport');
    const token = await config.tokens.ensure('messenger', () => fetchTokens(settings, config));
    throwIfCancelled(settings.signal);
    if (token.secret === undefined) throw new MsnpError('protocol', 'The messenger token came without its secret');
    const answer = [token.token, mbiKeyOld(token.secret, nonce)];
    if (dialect.capabilities.multiplePlaces) {
      if (config.machineGuid === undefined) throw new MsnpError('invalid', `${dialect.name} needs a machine GUID`);
      answer.push(config.machineGuid);
    }
    return answer;
  },
  async ticketFor(service, settings, _answer, renew) {
    const config = ssoOf(settings);
    if (renew) config.tokens.clear();
    return (await config.tokens.ensure(service, () => fetchTokens(settings, config))).token;
  },
};
