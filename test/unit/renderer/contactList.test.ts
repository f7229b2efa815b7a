import { describe, expect, it } from 'vitest';
import type { Contact, Status } from '../../../src/shared/schemas';
import { buildRows, contactName, type ListOptions } from '../../../src/renderer/src/lib/contactList';

const contact = (
  email: string,
  displayName: string,
  status: Status,
  groupIds: string[] = [],
  lists = ['FL'],
): Contact => ({ email, displayName, status, groupIds, lists, personalMessage: '', phones: {} }) as Contact;

const contacts = [
  contact('zoe@x.com', 'Zoe', 'NLN', ['g1']),
  contact('adam@x.com', 'adam', 'FLN', ['g1']),
  contact('bob@x.com', 'Bob', 'AWY', ['g1', 'g2']),
  contact('carl@x.com', 'Carl', 'HDN', []),
  contact('pending@x.com', 'Pending', 'NLN', [], ['RL']),
];
const groups = [
  { id: 'g2', name: 'Work' },
  { id: 'g1', name: 'friends' },
  { id: 'g3', name: 'Empty' },
];
const options = (o: Partial<ListOptions> = {}): ListOptions => ({
  view: 'groups',
  query: '',
  collapsed: new Set(),
  ...o,
});
const summary = (rows: ReturnType<typeof buildRows>): string[] =>
  rows.map((r) => (r.kind === 'group' ? `${r.name} ${r.count}` : `  ${r.email}`));

describe('buildRows', () => {
  it('lists groups alphabetically with online/total counts, online contacts first, ungrouped last', () => {
    expect(summary(buildRows(contacts, groups, options()))).toEqual([
      'Empty (0/0)',
      'friends (2/3)',
      '  bob@x.com',
      '  zoe@x.com',
      '  adam@x.com',
      'Work (1/1)',
      '  bob@x.com',
      'Other Contacts (0/1)',
      '  carl@x.com',
    ]);
  });

  it('has an Online / Offline view', () => {
    expect(summary(buildRows(contacts, groups, options({ view: 'status' })))).toEqual([
      'Online (2)',
      '  bob@x.com',
      '  zoe@x.com',
      'Offline (2)',
      '  adam@x.com',
      '  carl@x.com',
    ]);
  });

  it('hides the members of collapsed groups but keeps the header and its count', () => {
    const rows = buildRows(contacts, groups, options({ view: 'status', collapsed: new Set(['status:online']) }));
    expect(summary(rows)).toEqual(['Online (2)', 'Offline (2)', '  adam@x.com', '  carl@x.com']);
    expect(rows[0]).toMatchObject({ kind: 'group', collapsed: true });
  });

  it('filters by name or e-mail and drops groups left empty', () => {
    expect(summary(buildRows(contacts, groups, options({ query: ' BO ' })))).toEqual([
      'friends (1/1)',
      '  bob@x.com',
      'Work (1/1)',
      '  bob@x.com',
    ]);
    expect(summary(buildRows(contacts, groups, options({ query: 'carl@' })))).toEqual([
      'Other Contacts (0/1)',
      '  carl@x.com',
    ]);
  });

  it('gives a contact in two groups a distinct row in each', () => {
    const keys = buildRows(contacts, groups, options()).map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('contactName', () => {
  it('falls back to the e-mail address for a blank name', () => {
    expect(contactName({ displayName: '  ', email: 'a@b.c' })).toBe('a@b.c');
    expect(contactName({ displayName: 'A', email: 'a@b.c' })).toBe('A');
  });
});
