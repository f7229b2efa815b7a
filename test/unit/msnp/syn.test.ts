// The list download fed with the SYN transcripts of each dialect family (protocol notes, LISTS.md §2).
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/main/msnp/codec';
import { ContactList } from '../../../src/main/msnp/contact-list';
import { ListDownload, synParams } from '../../../src/main/msnp/sync/syn';

function frame(line: string): Frame {
  const [name = '', ...params] = line.split(' ').filter((t) => t !== '');
  return { name, params };
}

/** Feeds lines until the download completes; returns how many lines it took and what was left. */
function run(dialect: number, lines: readonly string[], trid = 8) {
  const model = new ContactList('alice@example.com', 'Alice');
  const download = new ListDownload(dialect, model, trid);
  let used = 0;
  for (const line of lines) {
    if (download.complete) break;
    expect(download.feed(frame(line))).toBe(true);
    used++;
  }
  return { model, download, used };
}

describe('SYN download', () => {
  it('sends one cache stamp before MSNP10 and two from MSNP10', () => {
    expect(synParams(9)).toEqual(['0']);
    expect(synParams(10)).toEqual(['0', '0']);
  });

  it('MSNP2–6: ends with the last RL line', () => {
    const { model, download, used } = run(5, [
      'SYN 8 12',
      'GTC 8 12 N',
      'BLP 8 12 BL',
      'LST 8 FL 12 1 2 bob@example.com Bob',
      'LST 8 FL 12 2 2 carol@example.com Carol%20C',
      'LST 8 AL 12 1 1 bob@example.com Bob',
      'LST 8 BL 12 0 0',
      'LST 8 RL 12 1 1 bob@example.com Bob',
      'CHG 9 NLN',
    ]);
    expect(download.complete).toBe(true);
    expect(used).toBe(8);
    expect(model.privacy).toEqual({ blp: 'BL', gtc: 'N' });
    expect(model.contacts().map((c) => [c.email, c.displayName, c.lists])).toEqual([
      ['bob@example.com', 'Bob', ['FL', 'AL', 'RL']],
      ['carol@example.com', 'Carol C', ['FL']],
    ]);
  });

  it('MSNP5 (Escargot): index and total swapped still ends at the last RL line', () => {
    const { download, used } = run(5, [
      'SYN 8 12',
      'LST 8 RL 12 2 1 bob@example.com Bob',
      'LST 8 RL 12 2 2 carol@example.com Carol',
    ]);
    expect(download.complete).toBe(true);
    expect(used).toBe(3);
  });

  it('MSNP7: groups and group ids on FL lines', () => {
    const { model, download } = run(7, [
      'SYN 8 12',
      'GTC 8 12 A',
      'BLP 8 12 AL',
      'LSG 8 12 1 2 0 Other%20Contacts 0',
      'LSG 8 12 2 2 1 Friends 0',
      'LST 8 FL 12 1 1 bob@example.com Bob 0,1',
      'LST 8 AL 12 1 1 bob@example.com Bob',
      'LST 8 BL 12 0 0',
      'LST 8 RL 12 0 0',
    ]);
    expect(download.complete).toBe(true);
    expect(model.groups()).toEqual([
      { id: '0', name: 'Other Contacts' },
      { id: '1', name: 'Friends' },
    ]);
    expect(model.get('bob@example.com')).toMatchObject({ lists: ['FL', 'AL'], groupIds: ['0', '1'] });
  });

  it('MSNP2–7: a reply naming the cached version (0) means nothing follows', () => {
    expect(run(6, ['SYN 8 0']).download.complete).toBe(true);
  });

  it('ignores lines of another transaction in MSNP2–7', () => {
    const model = new ContactList('alice@example.com');
    const download = new ListDownload(7, model, 8);
    expect(download.feed(frame('LST 9 FL 12 1 1 x@example.com X'))).toBe(false);
    expect(download.feed(frame('ILN 9 NLN bob@example.com Bob'))).toBe(false);
  });

  it('MSNP8–9: counts tell when it is complete; BPR lines belong to the LST before them', () => {
    const { model, download, used } = run(9, [
      'SYN 8 27 3 2',
      'GTC A',
      'BLP AL',
      'PRP PHH 555%20123%204567',
      'LSG 0 Other%20Contacts 0',
      'LSG 1 Friends 0',
      'LST bob@example.com Bob 11 1',
      'BPR PHH 555%20999',
      'LST carol@example.com Carol 3 0,1',
      'LST dave@example.com dave@example.com 8',
      'CHG 9 NLN 0',
    ]);
    expect(download.complete).toBe(true);
    expect(used).toBe(10);
    expect(model.get('bob@example.com')?.phones).toEqual({ PHH: '555 999' });
    expect(model.get('carol@example.com')?.groupIds).toEqual(['0', '1']);
    expect(model.get('dave@example.com')).toMatchObject({ lists: ['RL'], groupIds: [] });
    // Own phone numbers are not a contact's.
    expect(model.contacts().filter((c) => Object.keys(c.phones).length > 0)).toHaveLength(1);
  });

  it('MSNP8–9: a reply without counts (cache current) completes at once', () => {
    expect(run(8, ['SYN 8 27']).download.complete).toBe(true);
  });

  it('MSNP8+: waits for the groups too when there are no contacts', () => {
    const { download, used } = run(9, ['SYN 8 5 0 1', 'GTC A', 'BLP AL', 'LSG 0 Other%20Contacts 0']);
    expect(download.complete).toBe(true);
    expect(used).toBe(4);
  });

  it('MSNP10–11: GUIDs, PRP MFN as the display name and PL for pending contacts', () => {
    const { model, download } = run(11, [
      'SYN 8 2005-04-23T18:57:44.8130000-07:00 2005-04-23T18:57:54.2070000-07:00 3 1',
      'GTC A',
      'BLP AL',
      'PRP MFN Alice%20Smith',
      'LSG Friends 8c0e4fb8-0b43-4be2-a4b1-ee0dfd6e4c3e',
      'LST N=bob@example.com F=Bob C=5b5c0c2d-0000-4a6e-9b3a-0f4e8a3c1d22 11 8c0e4fb8-0b43-4be2-a4b1-ee0dfd6e4c3e',
      'LST N=carol@example.com F=Carol C=2f9e6d1a-1111-4c0b-8d7e-5a4b3c2d1e0f 3 ',
      'LST N=dave@example.com F=dave@example.com 16',
    ]);
    expect(download.complete).toBe(true);
    expect(model.profile.displayName).toBe('Alice Smith');
    expect(model.groups()).toEqual([{ id: '8c0e4fb8-0b43-4be2-a4b1-ee0dfd6e4c3e', name: 'Friends' }]);
    expect(model.get('bob@example.com')).toMatchObject({
      guid: '5b5c0c2d-0000-4a6e-9b3a-0f4e8a3c1d22',
      groupIds: ['8c0e4fb8-0b43-4be2-a4b1-ee0dfd6e4c3e'],
    });
    expect(model.get('carol@example.com')?.groupIds).toEqual([]);
    expect(model.get('dave@example.com')?.lists).toEqual(['PL']);
  });

  it('MSNP12: reads the extra field and the Escargot transcript', () => {
    const { model, download } = run(
      12,
      [
        'SYN 5 2000-01-01T00:00:00.0-00:00 2000-01-01T00:00:00.0-00:00 1 0',
        'GTC A',
        'BLP AL',
        'PRP MFN Alice',
        'LST N=bob@example.com F=Bob C=6bd736b8-dc18-44c6-ad61-8cd12d641e79 11 1 ',
      ],
      5,
    );
    expect(download.complete).toBe(true);
    expect(model.get('bob@example.com')).toMatchObject({ lists: ['FL', 'AL', 'RL'], groupIds: [] });
  });

  it('does not claim frames that are not list lines', () => {
    const download = new ListDownload(12, new ContactList('alice@example.com'), 5);
    expect(download.feed(frame('SYN 6 x x 1 0'))).toBe(false);
    expect(download.feed(frame('MSG Hotmail Hotmail 0'))).toBe(false);
    expect(download.complete).toBe(false);
  });
});
