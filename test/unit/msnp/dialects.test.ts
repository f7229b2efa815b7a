// The dialect table against the protocol notes (LOGIN.md §0/§7, LISTS.md, CHALLENGE.md), and the
// dialect lists derived from the modules the engine is built with.
import { describe, expect, it } from 'vitest';
import { productKeyFor } from '../../../src/main/msnp/challenge';
import { DIALECTS, dialectOf, dialectsUsing, synLists } from '../../../src/main/msnp/dialects';
import { DEFAULT_DIALECTS, LEGACY_DIALECTS, SUPPORTED_DIALECTS } from '../../../src/main/msnp/modules';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('dialect table', () => {
  it('signs in with MD5 after INF up to MSNP7 and with Passport after CVR from MSNP8', () => {
    for (const v of range(2, 7)) {
      expect(dialectOf(v)).toMatchObject({ handshake: 'INF', auth: 'MD5', lists: { sync: 'SYN' } });
    }
    for (const v of range(8, 12))
      expect(dialectOf(v)).toMatchObject({ handshake: 'CVR', auth: 'TWN', lists: { sync: 'SYN' } });
    expect(range(8, 12).map((v) => dialectOf(v).clientVersion)).toEqual([
      '5.0.0540',
      '6.0.0602',
      '6.2.0208',
      '7.0.0816',
      '7.5.0324',
    ]);
  });

  it('names each dialect as VER does', () => {
    for (const v of range(2, 18)) expect(dialectOf(v).name).toBe(`MSNP${v}`);
  });

  it('keeps the lists in the address book from MSNP13 and signs in with SSO from MSNP15', () => {
    for (const v of range(13, 18)) expect(dialectOf(v)).toMatchObject({ handshake: 'CVR', lists: { sync: 'ABCH' } });
    expect(range(13, 18).map((v) => dialectOf(v).auth)).toEqual(['TWN', 'TWN', 'SSO', 'SSO', 'SSO', 'SSO']);
    expect(range(2, 18).filter((v) => dialectOf(v).capabilities.multiplePlaces)).toEqual([16, 17, 18]);
    expect(range(2, 18).filter((v) => dialectOf(v).capabilities.offlineMessages)).toEqual([13, 14, 15, 16, 17, 18]);
    expect(range(2, 18).filter((v) => dialectOf(v).syntax.handle === 'network-prefixed')).toEqual([18]);
    expect(range(13, 18).map((v) => dialectOf(v).syntax.displayName)).toEqual(Array(6).fill('PRP'));
  });

  it('has no SYN list commands where the lists are in the address book', () => {
    expect(() => synLists(13)).toThrow(expect.objectContaining({ kind: 'unsupported' }));
    expect(synLists(12).listAdd).toBe('ADC');
  });

  it('gives the command shapes that changed: REA→PRP and ADD→ADC at 10, client ids from 8', () => {
    const at = (v: number) => ({ ...dialectOf(v).syntax, ...synLists(v) });
    expect(range(2, 12).map((v) => at(v).displayName)).toEqual([...Array(8).fill('REA'), 'PRP', 'PRP', 'PRP']);
    expect(range(2, 12).map((v) => at(v).listAdd)).toEqual([...Array(8).fill('ADD'), 'ADC', 'ADC', 'ADC']);
    expect(range(2, 12).map((v) => at(v).contactId)).toEqual([...Array(8).fill('email'), 'guid', 'guid', 'guid']);
    expect(range(2, 12).map((v) => at(v).clientIdInChg)).toEqual([...Array(6).fill(false), ...Array(5).fill(true)]);
    expect(range(2, 12).map((v) => at(v).nameInUsrOk)).toEqual([...Array(8).fill(true), false, false, false]);
    expect(range(2, 12).map((v) => at(v).form)).toEqual([
      ...Array(6).fill('classic'),
      'counted',
      'counted',
      'keyed',
      'keyed',
      'keyed',
    ]);
    expect(range(2, 12).filter((v) => at(v).lstNetworkField)).toEqual([12]);
  });

  it('gives groups from MSNP7 and personal messages from MSNP11', () => {
    expect(range(2, 12).filter((v) => dialectOf(v).capabilities.groups)).toEqual(range(7, 12));
    expect(range(2, 12).filter((v) => dialectOf(v).capabilities.personalMessage)).toEqual([11, 12]);
  });

  it('answers CHL with the MSN 3.6–6 product up to MSNP10 and the MSN 7 one from MSNP11', () => {
    expect(range(2, 12).map((v) => dialectOf(v).challengeProduct)).toEqual([
      ...Array(9).fill('msmsgs@msnmsgr.com'),
      'PROD0090YUAUV{2B',
      'PROD0090YUAUV{2B',
    ]);
  });

  it('names a product whose key the engine has, in every dialect', () => {
    for (const v of range(2, 18)) expect(productKeyFor(v).id).toBe(dialectOf(v).challengeProduct);
  });

  it('refuses a version it does not have', () => {
    expect(() => dialectOf(1)).toThrow(RangeError);
    expect(() => dialectOf(99)).toThrow(/MSNP99/);
    expect(dialectOf(DIALECTS[9] ?? 0)).toBe(DIALECTS[9]);
  });
});

describe('dialects spoken', () => {
  it('are the rows whose auth mechanism and list sync are built in', () => {
    expect(SUPPORTED_DIALECTS).toEqual(range(2, 18).reverse());
    expect(dialectsUsing(['TWN'], ['SYN'])).toEqual(range(8, 12).reverse());
    expect(dialectsUsing(['MD5', 'TWN'], ['ABCH'])).toEqual([14, 13]);
    expect(dialectsUsing(['MD5', 'TWN', 'SSO'], ['SYN', 'ABCH'])).toEqual(range(2, 18).reverse());
  });

  it('leave the MD5 and address-book dialects out by default', () => {
    expect(DEFAULT_DIALECTS).toEqual([12, 11, 10, 9, 8]);
    expect(LEGACY_DIALECTS).toEqual(range(2, 12).reverse());
  });

  it('say where presence lines carry a network id and caps:capsEx', () => {
    expect(range(2, 18).filter((v) => dialectOf(v).syntax.networkField)).toEqual([14, 15, 16, 17]);
    expect(range(2, 18).filter((v) => dialectOf(v).syntax.extendedCaps)).toEqual([16, 17, 18]);
  });
});
