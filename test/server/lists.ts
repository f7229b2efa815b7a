// Contact-list commands of the notification server: SYN, list and group edits, privacy settings,
// display names and phone properties, each in its MSNP2–9 and MSNP10–12 forms.
import { decodeName, encodeName, type Param } from './codec';
import {
  AL,
  BL,
  FL,
  isAddress,
  LIST_BITS,
  PHONE_KEYS,
  PL,
  RL,
  type Account,
  type Contact,
  type Group,
} from './accounts';
import { notifyReverse } from './ml';
import type { Command, NsSession } from './notification';
import { announce, selfPresence, updateView } from './presence';

const GUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
/** The forward-list limit of the 2003 service. */
export const FL_LIMIT = 150;
const GROUP_LIMIT = 30;
const GROUP_NAME_MAX_CHARS = 61;
const DISPLAY_NAME_MAX_BYTES = 387;
/** Escargot never tracks MSNP10+ list stamps: it always sends these and the whole list. */
const ABCH_STAMP = '2000-01-01T00:00:00.0-00:00';
const OTHER_CONTACTS = encodeName('Other Contacts');

function displayName(s: NsSession, email: string): string {
  return encodeName(s.hub.store.get(email)?.displayName ?? email);
}

/** MSNP7–9 group field: group 0 stands for "no group". */
function groupIds(c: Contact): string {
  return c.groups.size === 0 ? '0' : [...c.groups].sort((a, b) => a - b).join(',');
}

function groupGuids(account: Account, c: Contact): string[] {
  const guids = [...c.groups].flatMap((id) => account.groups.get(id)?.guid ?? []);
  return guids.length > 0 ? [guids.join(',')] : [];
}

function phoneLines(s: NsSession, name: 'PRP' | 'BPR', phones: ReadonlyMap<string, string>): void {
  for (const [key, value] of phones) s.conn.send(name, [key, encodeName(value)]);
}

function syn(s: NsSession, trid: string, args: readonly string[]): void {
  const a = s.account as Account;
  const d = s.dialect;
  const cached = args[0];
  if (cached === undefined) {
    s.conn.error(200, trid);
    return;
  }
  s.synced = true;
  // MSNP2–9 clients that cached the current version get just the version back.
  if (d <= 9 && cached === String(a.version)) {
    s.conn.send('SYN', [trid, a.version]);
    return;
  }
  const contacts = [...a.contacts.values()];
  const groups = [...a.groups.values()].sort((x, y) => x.id - y.id);
  if (d <= 7) {
    const v = a.version;
    s.conn.send('SYN', [trid, v]);
    s.conn.send('GTC', [trid, v, a.gtc]);
    s.conn.send('BLP', [trid, v, a.blp]);
    if (d === 7) {
      const all: Array<[number, string]> = [
        [0, OTHER_CONTACTS],
        ...groups.map((g): [number, string] => [g.id, encodeName(g.name)]),
      ];
      all.forEach(([id, name], i) => s.conn.send('LSG', [trid, v, i + 1, all.length, id, name, 0]));
    }
    for (const [list, bit] of Object.entries(LIST_BITS)) {
      const members = contacts.filter((c) => c.lists & bit);
      if (members.length === 0) s.conn.send('LST', [trid, list, v, 0, 0]);
      members.forEach((c, i) => {
        const line: Param[] = [trid, list, v, i + 1, members.length, c.email, displayName(s, c.email)];
        if (d === 7 && bit === FL) line.push(groupIds(c));
        s.conn.send('LST', line);
      });
    }
    return;
  }
  if (d <= 9) s.conn.send('SYN', [trid, a.version, contacts.length, groups.length + 1]);
  else s.conn.send('SYN', [trid, ABCH_STAMP, ABCH_STAMP, contacts.length, groups.length]);
  s.conn.send('GTC', [a.gtc]);
  s.conn.send('BLP', [a.blp]);
  if (d >= 10) s.conn.send('PRP', ['MFN', encodeName(a.displayName)]);
  phoneLines(s, 'PRP', a.phones);
  if (d <= 9) {
    s.conn.send('LSG', [0, OTHER_CONTACTS, 0]);
    for (const g of groups) s.conn.send('LSG', [g.id, encodeName(g.name), 0]);
  } else {
    for (const g of groups) s.conn.send('LSG', [encodeName(g.name), g.guid]);
  }
  for (const c of contacts) {
    const name = displayName(s, c.email);
    if (d <= 9) {
      const line: Param[] = [c.email, name, c.lists];
      if (c.lists & FL) line.push(groupIds(c));
      s.conn.send('LST', line);
    } else {
      // Escargot reports a pending contact (on RL, neither allowed nor blocked) as PL without RL.
      const pending = (c.lists & RL) !== 0 && (c.lists & (AL | BL)) === 0;
      const line: Param[] = [`N=${c.email}`, `F=${name}`];
      if (c.lists & FL) line.push(`C=${c.guid}`);
      line.push(pending ? (c.lists & ~RL) | PL : c.lists);
      if (d >= 12) line.push(1);
      line.push(...groupGuids(a, c));
      s.conn.send('LST', line);
    }
    const other = s.hub.store.get(c.email);
    if (other) phoneLines(s, 'BPR', other.phones);
  }
}

function flCount(a: Account): number {
  let n = 0;
  for (const c of a.contacts.values()) if (c.lists & FL) n++;
  return n;
}

/**
 * Adds `target` to FL, AL or BL after the checks both ADD and ADC share. Returns an error code, or
 * 0 after success; FL side effects (reverse list, initial presence) are done by the caller.
 */
function addToList(s: NsSession, bit: number, target: Account, groupId: number | undefined): number {
  const a = s.account as Account;
  const c = a.contacts.get(target.email);
  const lists = c?.lists ?? 0;
  if (bit !== FL) {
    if (lists & bit) return 215;
    if (lists & (bit === AL ? BL : AL)) return 219;
    s.hub.store.setList(a, target.email, bit, true);
    s.hub.store.commit(a);
    return 0;
  }
  if (lists & FL) return 215;
  if (flCount(a) >= FL_LIMIT) return 210;
  s.hub.store.setList(a, target.email, FL, true);
  if (groupId !== undefined) s.hub.store.contact(a, target.email).groups.add(groupId);
  s.hub.store.commit(a, target);
  return 0;
}

function afterFlAdd(s: NsSession, trid: string, target: Account): void {
  notifyReverse(s.hub, s.account as Account, target, true);
  updateView(s, target.email, trid);
}

function afterFlRemove(s: NsSession, target: Account): void {
  s.seen.delete(target.email);
  notifyReverse(s.hub, s.account as Account, target, false);
}

function listBit(s: NsSession, trid: string, token: string | undefined): number | undefined {
  if (token === 'RL') {
    // Only the server edits the reverse list; Escargot hangs up on clients that try.
    s.conn.close('client edited RL');
    return undefined;
  }
  const bit = token === 'FL' || token === 'AL' || token === 'BL' ? LIST_BITS[token] : undefined;
  if (bit === undefined) s.conn.error(201, trid);
  return bit;
}

/** MSNP2–9: `ADD trid FL|AL|BL email friendly [groupId]`. */
function add(s: NsSession, trid: string, args: readonly string[]): void {
  const a = s.account as Account;
  const [list, email, friendly, groupToken] = args;
  if (email === undefined || friendly === undefined) {
    s.conn.error(200, trid);
    return;
  }
  const bit = listBit(s, trid, list);
  if (bit === undefined) return;
  if (!isAddress(email)) return s.conn.error(201, trid);
  const target = s.hub.store.get(email);
  if (!target) return s.conn.error(205, trid);
  const gid = bit === FL && s.dialect >= 7 && groupToken !== undefined ? Number(groupToken) : undefined;
  if (gid !== undefined && !(gid === 0 || a.groups.has(gid))) return s.conn.error(224, trid);
  const existing = a.contacts.get(target.email);
  if (bit === FL && gid !== undefined && existing && existing.lists & FL) {
    // An FL contact put into one more group.
    const inGroup = existing.groups.has(gid) || (gid === 0 && existing.groups.size === 0);
    if (inGroup) return s.conn.error(215, trid);
    // The contact stays in group 0 until the client removes it from there too.
    if (existing.groups.size === 0) existing.groups.add(0);
    existing.groups.add(gid);
    s.hub.store.commit(a);
    s.conn.send('ADD', [trid, 'FL', a.version, target.email, friendly, gid]);
    return;
  }
  const code = addToList(s, bit, target, gid);
  if (code !== 0) return s.conn.error(code, trid);
  const reply: Param[] = [trid, list as string, a.version, target.email, friendly];
  if (bit === FL && s.dialect >= 7) reply.push(gid ?? 0);
  s.conn.send('ADD', reply);
  if (bit === FL) afterFlAdd(s, trid, target);
  else announce(s.hub, s.email);
}

/** MSNP10–12: `ADC trid FL|AL|BL N=email [F=name] [groupGuid]` or `ADC trid FL C=guid groupGuid`. */
function adc(s: NsSession, trid: string, args: readonly string[]): void {
  const a = s.account as Account;
  const [list, who, ...rest] = args;
  if (who === undefined) return s.conn.error(200, trid);
  if (list === 'RL' && s.dialect >= 11 && who.startsWith('N=')) {
    // MSNP11 clients confirm a pending contact this way; the RL entry itself is already there.
    const c = a.contacts.get(who.slice(2).toLowerCase());
    if (c && c.lists & RL) {
      s.conn.send('ADC', [trid, 'RL', `N=${c.email}`]);
      return;
    }
  }
  const bit = listBit(s, trid, list);
  if (bit === undefined) return;
  const friendly = rest.find((t) => t.startsWith('F='));
  const groupGuid = rest.find((t) => GUID.test(t));
  const group = groupGuid === undefined ? undefined : s.hub.store.findGroupByGuid(a, groupGuid);
  if (groupGuid !== undefined && (bit !== FL || !group)) return s.conn.error(224, trid);
  if (who.startsWith('C=')) {
    const c = s.hub.store.findContactByGuid(a, who.slice(2));
    if (bit !== FL || !group) return s.conn.error(bit === FL ? 200 : 201, trid);
    if (!c || !(c.lists & FL)) return s.conn.error(216, trid);
    if (c.groups.has(group.id)) return s.conn.error(215, trid);
    c.groups.add(group.id);
    s.hub.store.commit(a);
    s.conn.send('ADC', [trid, 'FL', `C=${c.guid}`, group.guid]);
    return;
  }
  if (!who.startsWith('N=')) return s.conn.error(201, trid);
  const email = who.slice(2);
  if (!isAddress(email)) return s.conn.error(201, trid);
  const target = s.hub.store.get(email);
  if (!target) return s.conn.error(208, trid);
  const code = addToList(s, bit, target, group?.id);
  if (code !== 0) return s.conn.error(code, trid);
  const reply: Param[] = [trid, list as string, `N=${target.email}`];
  if (bit === FL) {
    if (friendly !== undefined) reply.push(friendly);
    reply.push(`C=${s.hub.store.contact(a, target.email).guid}`);
    if (group) reply.push(group.guid);
  }
  s.conn.send('ADC', reply);
  if (bit === FL) afterFlAdd(s, trid, target);
  else announce(s.hub, s.email);
}

/** `REM trid FL|AL|BL id [group]`: id is the e-mail, except on FL in MSNP10+ (contact GUID). */
function rem(s: NsSession, trid: string, args: readonly string[]): void {
  const a = s.account as Account;
  const store = s.hub.store;
  const [list, id, groupToken] = args;
  if (id === undefined) return s.conn.error(200, trid);
  const bit = listBit(s, trid, list);
  if (bit === undefined) return;
  const abch = s.dialect >= 10;
  let c: Contact | undefined;
  if (bit === FL && abch) {
    if (!GUID.test(id)) return s.conn.error(403, trid);
    c = store.findContactByGuid(a, id);
  } else {
    c = a.contacts.get(id.toLowerCase());
  }
  if (!c || !(c.lists & bit)) return s.conn.error(216, trid);
  const versioned = (...rest: Param[]): Param[] =>
    abch ? [trid, list as string, ...rest] : [trid, list as string, a.version, ...rest];
  if (bit === FL && groupToken !== undefined && (abch || s.dialect >= 7)) {
    const group = abch ? store.findGroupByGuid(a, groupToken) : a.groups.get(Number(groupToken));
    const gid = group?.id ?? (groupToken === '0' && !abch ? 0 : undefined);
    if (gid === undefined) return s.conn.error(224, trid);
    const inGroup = c.groups.has(gid) || (gid === 0 && c.groups.size === 0);
    if (!inGroup) return s.conn.error(225, trid);
    c.groups.delete(gid);
    store.commit(a);
    s.conn.send('REM', versioned(id, groupToken));
    return;
  }
  const target = store.get(c.email);
  store.setList(a, c.email, bit, false);
  store.commit(a, ...(bit === FL && target ? [target] : []));
  s.conn.send('REM', versioned(abch && bit === FL ? c.guid : c.email));
  if (bit === FL) {
    if (target) afterFlRemove(s, target);
  } else {
    announce(s.hub, s.email);
  }
}

function checkGroupName(s: NsSession, trid: string, token: string | undefined, except?: Group): string | undefined {
  const a = s.account as Account;
  if (token === undefined) {
    s.conn.error(200, trid);
    return undefined;
  }
  const name = decodeName(token);
  let code = 0;
  if ([...name].length > GROUP_NAME_MAX_CHARS) code = 229;
  else if (name.length === 0) code = 201;
  else if ([...a.groups.values()].some((g) => g !== except && g.name === name)) code = 228;
  if (code !== 0) s.conn.error(code, trid);
  return code === 0 ? name : undefined;
}

/** The group named by a number (MSNP7–9) or GUID (MSNP10+); group 0 is never a stored group. */
function findGroup(s: NsSession, token: string | undefined): Group | undefined {
  const a = s.account as Account;
  if (token === undefined) return undefined;
  return s.dialect >= 10 ? s.hub.store.findGroupByGuid(a, token) : a.groups.get(Number(token));
}

function adg(s: NsSession, trid: string, args: readonly string[]): void {
  const a = s.account as Account;
  const name = checkGroupName(s, trid, args[0]);
  if (name === undefined) return;
  if (a.groups.size >= GROUP_LIMIT) return s.conn.error(223, trid);
  const g = s.hub.store.addGroup(a, name);
  s.hub.store.commit(a);
  if (s.dialect >= 10) s.conn.send('ADG', [trid, encodeName(name), g.guid, 0]);
  else s.conn.send('ADG', [trid, a.version, encodeName(name), g.id, 0]);
}

function rmg(s: NsSession, trid: string, args: readonly string[]): void {
  const a = s.account as Account;
  if (args[0] === undefined) return s.conn.error(200, trid);
  if (s.dialect <= 9 && args[0] === '0') return s.conn.error(230, trid);
  const g = findGroup(s, args[0]);
  if (!g) return s.conn.error(224, trid);
  s.hub.store.removeGroup(a, g);
  s.hub.store.commit(a);
  if (s.dialect >= 10) s.conn.send('RMG', [trid, 1, g.guid]);
  else s.conn.send('RMG', [trid, a.version, g.id]);
}

function reg(s: NsSession, trid: string, args: readonly string[]): void {
  const a = s.account as Account;
  if (args[1] === undefined) return s.conn.error(200, trid);
  const g = findGroup(s, args[0]);
  if (!g) return s.conn.error(224, trid);
  const name = checkGroupName(s, trid, args[1], g);
  if (name === undefined) return;
  g.name = name;
  s.hub.store.commit(a);
  if (s.dialect >= 10) s.conn.send('REG', [trid, 1, encodeName(name), g.guid, 0]);
  else s.conn.send('REG', [trid, a.version, g.id, encodeName(name), 0]);
}

function privacy(key: 'blp' | 'gtc', values: readonly string[]): Command['run'] {
  return (s, trid, args) => {
    const a = s.account as Account;
    const value = args[0];
    if (value === undefined || !values.includes(value)) return s.conn.error(201, trid);
    if (a[key] === value) return s.conn.error(218, trid);
    if (key === 'blp') a.blp = value as Account['blp'];
    else a.gtc = value as Account['gtc'];
    s.hub.store.commit(a);
    s.conn.send(key.toUpperCase(), s.dialect <= 9 ? [trid, a.version, value] : [trid, value]);
    if (key === 'blp') announce(s.hub, s.email);
  };
}

/** Validates and applies a new display name; returns its canonical encoding, or undefined after an error reply. */
function rename(s: NsSession, trid: string, token: string | undefined): string | undefined {
  const a = s.account as Account;
  if (token === undefined) {
    s.conn.error(200, trid);
    return undefined;
  }
  const name = decodeName(token);
  const encoded = encodeName(name);
  if (name.trim().length === 0 || Buffer.byteLength(encoded) > DISPLAY_NAME_MAX_BYTES) {
    s.conn.error(209, trid);
    return undefined;
  }
  a.displayName = name;
  s.hub.store.commit(a);
  return encoded;
}

/** MSNP2–9 `REA trid email name` (own name only). */
function rea(s: NsSession, trid: string, args: readonly string[]): void {
  if (s.dialect >= 10) return s.conn.error(502, trid);
  const [email, token] = args;
  if (email === undefined) return s.conn.error(200, trid);
  if (email.toLowerCase() !== s.email) return s.conn.error(201, trid);
  const encoded = rename(s, trid, token);
  if (encoded === undefined) return;
  s.conn.send('REA', [trid, (s.account as Account).version, s.email, encoded]);
  announce(s.hub, s.email);
}

/** `PRP trid key [value]`: phone properties (MSNP5+) and, from MSNP10, MFN (display name). */
function prp(s: NsSession, trid: string, args: readonly string[]): void {
  const a = s.account as Account;
  const [key, value] = args;
  if (key === 'MFN') {
    if (s.dialect <= 9) return s.conn.error(715, trid);
    const encoded = rename(s, trid, value);
    if (encoded === undefined) return;
    s.conn.send('PRP', [trid, 'MFN', encoded]);
    announce(s.hub, s.email);
    selfPresence(s.hub, s.email);
    return;
  }
  if (key === undefined || !(PHONE_KEYS as readonly string[]).includes(key)) return s.conn.error(201, trid);
  // No value clears the property.
  if (value === undefined) a.phones.delete(key);
  else a.phones.set(key, decodeName(value));
  s.hub.store.commit(a);
  const shown = value === undefined ? [] : [encodeName(decodeName(value))];
  s.conn.send('PRP', s.dialect <= 9 ? [trid, a.version, key, ...shown] : [trid, key, ...shown]);
}

const SHIELDS = Buffer.from(
  '<?xml version="1.0" encoding="utf-8" ?><config><shield><cli maj="7" min="0" minbld="0" maxbld="9999" deny=" " /></shield><block></block></config>',
);

/** MSNP11–12 `GCF trid Shields.xml`: only valid after SYN; from MSNP13 at any time. */
function gcf(s: NsSession, trid: string, args: readonly string[]): void {
  if (args[0] === undefined) return s.conn.error(200, trid);
  if (!s.synced && s.dialect <= 12) return s.conn.error(715, trid);
  s.conn.send('GCF', [trid, args[0]], SHIELDS);
}

// From MSNP13 the lists live in the address book: SYN answers 502 and the old list commands close
// the connection, as on Escargot.
export const LIST_COMMANDS: Record<string, Command> = {
  SYN: { run: syn, max: 12, above: 502 },
  ADD: { run: add, max: 9, closeOutside: true },
  ADC: { run: adc, min: 10, max: 12, closeOutside: true },
  REM: { run: rem, max: 12, above: 'close' },
  ADG: { run: adg, min: 7, max: 12, above: 'close' },
  RMG: { run: rmg, min: 7, max: 12, above: 'close' },
  REG: { run: reg, min: 7, max: 12, above: 'close' },
  BLP: { run: privacy('blp', ['AL', 'BL']), max: 12, above: 'close' },
  GTC: { run: privacy('gtc', ['A', 'N']), max: 12, above: 'close' },
  REA: { run: rea, max: 12, above: 'close' },
  PRP: { run: prp, min: 5 },
  GCF: { run: gcf, min: 11 },
};
