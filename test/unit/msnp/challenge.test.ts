// Every test vector published in the protocol notes (CHALLENGE.md).
import { describe, expect, it } from 'vitest';
import {
  PRODUCT_KEYS,
  challengeResponse,
  md5Response,
  msnp11Response,
  productKeyFor,
  type ProductKey,
} from '../../../src/main/msnp/challenge';

function pair(id: string): ProductKey {
  const found = PRODUCT_KEYS.find((p) => p.id === id);
  if (!found) throw new Error(`no product key ${id}`);
  return found;
}

describe('MSNP6–10 challenge (MD5)', () => {
  it.each([
    ['11111111111111111111', 'msmsgs@msnmsgr.com', '3b6666b60157322b6fc6e41a115968f5'],
    ['15570131571988941333', 'msmsgs@msnmsgr.com', '8f2f5a91b72102cd28355e9fc9000d6e'],
    ['22299241447072743325', 'msmsgs@msnmsgr.com', '20dba7e6e9817826b9cd5240cc8add99'],
    ['11111111111111111111', 'PROD0038W!61ZTF9', '24e9d73d581c8068aa24b0d8af4dae13'],
    ['15570131571988941333', 'PROD0038W!61ZTF9', 'ca90e6a7c94a14aae7b3ae0f6018433e'],
    ['22299241447072743325', 'PROD0038W!61ZTF9', '0374583b2f53a43d4392bf5a8355dc75'],
    ['11111111111111111111', 'PROD0061VRRZH@4F', '8919f27ac7fb6908fd2daf7555c661e8'],
    ['15570131571988941333', 'PROD0061VRRZH@4F', '769dfe2c4292159189b71837ce37b74e'],
    ['22299241447072743325', 'PROD0061VRRZH@4F', '4485729655e8fd1bd77c9e43c5bf8344'],
  ])('%s with %s → %s', (challenge, id, expected) => {
    expect(challengeResponse(challenge, pair(id))).toBe(expected);
    expect(md5Response(challenge, pair(id).key)).toBe(expected);
  });
});

describe('MSNP11+ challenge', () => {
  it.each([
    ['22210219642164014968', 'PROD0090YUAUV{2B', '85ecb0db8f32113df79ce0892b9a102c'],
    ['36819795137093047918', 'PROD0090YUAUV{2B', 'e7ad3cb09d3e9e4e7c720175984809e9'],
    ['21948129323261853323', 'PROD0090YUAUV{2B', '59bcf63ed21f44906c3d3e121ddbed65'],
    ['41525959199453244913', 'PROD0090YUAUV{2B', 'dcb8ff529e4dd12cc43389851128d2db'],
    ['31744216663023315951', 'PROD0090YUAUV{2B', 'd15553d0ea89c9f63bbb98a208fa4235'],
    ['14494180082586329971', 'PROD0090YUAUV{2B', '4e11d4cd56a65bdf04f60aa133db7ebc'],
    ['11533365622852247127', 'PROD0113H11T8$X_', 'f086d1ded067186deca8dba2231602cf'],
    ['237191752526424888127371168', 'PROD0113H11T8$X_', '65b6b623c649c25629af048d34066040'],
  ])('%s with %s → %s', (challenge, id, expected) => {
    const p = pair(id);
    expect(challengeResponse(challenge, p)).toBe(expected);
    expect(msnp11Response(challenge, p.id, p.key)).toBe(expected);
  });

  it('pads with ASCII zeros only when the length is not a multiple of 8 (libpurple rule)', () => {
    expect(challengeResponse('123456789012345678901234', pair('PROD0090YUAUV{2B'))).toBe(
      'cfd1a4febba8ec8488adc3c0916fb4fa',
    );
  });
});

describe('productKeyFor', () => {
  it('uses the MSN 3.6–5 pair up to MSNP10 and the MSN 7.0 pair from MSNP11', () => {
    for (const dialect of [6, 8, 9, 10]) expect(productKeyFor(dialect).id).toBe('msmsgs@msnmsgr.com');
    for (const dialect of [11, 12]) {
      expect(productKeyFor(dialect)).toEqual({ id: 'PROD0090YUAUV{2B', key: 'YMM8C_H7KCQ2S_KL', algorithm: 'msnp11' });
    }
  });

  it('answers the wire examples of the protocol notes', () => {
    expect(challengeResponse('15570131571988941333', productKeyFor(7))).toBe('8f2f5a91b72102cd28355e9fc9000d6e');
    expect(challengeResponse('22210219642164014968', productKeyFor(11))).toBe('85ecb0db8f32113df79ce0892b9a102c');
  });
});
