// The dialect table: what each MSNP version uses and how its commands are shaped (see the
// protocol notes, LOGIN.md §0 and §7, LISTS.md §3 and §5, CHALLENGE.md). Engine code asks a
// dialect's row what to do instead of comparing version numbers, so a new dialect is a new row
// (plus the modules its row names), not a hunt for `>= N` checks.
import { MsnpError } from './errors';

/** How `USR` proves the password: MD5 of salt + password, a Passport 1.4 ticket, or SSO (RST + MBI). */
export type AuthMechanismName = 'MD5' | 'TWN' | 'SSO';

/** How the contact list is downloaded: `SYN` on the notification server, or the ABCH address book over SOAP. */
export type ListSyncName = 'SYN' | 'ABCH';

/**
 * The shape of the `SYN` download:
 * - `classic` (MSNP2–7): one list per `LST` line, each line repeating the SYN TrID and the list
 *   version; the last `RL` line ends the download; privacy lines carry the TrID too.
 * - `counted` (MSNP8–9): one `LST <email> <name> <mask> [<groups>]` per contact, the SYN reply
 *   announcing how many contacts and groups follow.
 * - `keyed` (MSNP10–12): `LST N=… F=… C=…` lines, the SYN reply starting with two time stamps.
 */
export type SynForm = 'classic' | 'counted' | 'keyed';

/** Notification-server syntax that differs between dialects, whatever the list sync. */
export interface CommandSyntax {
  /** `USR OK` carries the display name (MSNP2–9); later it arrives as `PRP MFN` (or in the address book). */
  readonly nameInUsrOk: boolean;
  /** `CHG` carries the client-capability id (MSNP8+; Escargot drops a CHG without it). */
  readonly clientIdInChg: boolean;
  /** Display name changes: `REA <email> <name>` (MSNP2–9) or `PRP MFN <name>` (10+). */
  readonly displayName: 'REA' | 'PRP';
  /** How presence lines name a contact: `bob@example.com`, or with the network, `1:bob@example.com` (MSNP18). */
  readonly handle: 'email' | 'network-prefixed';
  /** `ILN`/`NLN`/`FLN`/`UBX` carry the network id (1 = Windows Live) after the e-mail (MSNP14–17). */
  readonly networkField: boolean;
  /** Capabilities are `caps:capsEx` in `CHG`, presence and the switchboard (MSNP16+). */
  readonly extendedCaps: boolean;
}

/** Lists kept on the notification server and downloaded with `SYN` (MSNP2–12). */
export interface SynLists {
  readonly sync: 'SYN';
  readonly form: SynForm;
  /** Adding to a list: `ADD <list> <email> <name>` (MSNP2–9) or `ADC <list> N=… | C=…` (10–12). */
  readonly listAdd: 'ADD' | 'ADC';
  /** How FL contacts are named in `REM` and group changes: by e-mail, or by contact GUID (10–12). */
  readonly contactId: 'email' | 'guid';
  /**
   * Groups: numeric ids, `ADG`/`REG` ending in a `0` and `LSG <id> <name>` (MSNP7–9), or GUIDs
   * with `ADG <name>`, `REG <guid> <name>` and `LSG <name> <guid>` (10–12).
   */
  readonly groupIds: 'number' | 'guid';
  /** `ADD`/`REM` replies and notices carry the list version (MSNP2–9). */
  readonly listVersions: boolean;
  /** `LST` has a network-type field before the groups (MSNP12). */
  readonly lstNetworkField: boolean;
}

/** Lists kept in the address book and sharing service over SOAP, uploaded with `ADL` (MSNP13+). */
export interface AbchLists {
  readonly sync: 'ABCH';
}

export interface Capabilities {
  /** Contact groups (MSNP7+). */
  readonly groups: boolean;
  /** Personal messages, `UUX`/`UBX` (MSNP11+). */
  readonly personalMessage: boolean;
  /** One account signed in at several places at once, each with its machine GUID (MSNP16+). */
  readonly multiplePlaces: boolean;
  /** MSN objects (display pictures) in `CHG`, `ILN` and `NLN`, with MSNP2P to fetch them (MSNP9+). */
  readonly msnObjects: boolean;
  /**
   * Offline messages kept by the server: announced on the notification server (Mail-Data), read
   * and deleted over RSI, sent with Store2 (MSNP13+, MSNP13-18.md §10).
   */
  readonly offlineMessages: boolean;
}

export interface Dialect {
  readonly version: number;
  /** As named in `VER`: `MSNP12`. */
  readonly name: string;
  /** What precedes `USR`: `INF` asks for the auth method (MSNP2–7), `CVR` reports the client version (8+). */
  readonly handshake: 'INF' | 'CVR';
  /** The version reported in `CVR`: what the official client of that era sent. */
  readonly clientVersion?: string;
  readonly auth: AuthMechanismName;
  /** The product id a `CHL` is answered with (its key and algorithm are in challenge.ts). */
  readonly challengeProduct: string;
  readonly syntax: CommandSyntax;
  /** Where the lists live and, for SYN, how its commands are shaped. */
  readonly lists: SynLists | AbchLists;
  readonly capabilities: Capabilities;
}

const CLASSIC: CommandSyntax = {
  nameInUsrOk: true,
  clientIdInChg: false,
  displayName: 'REA',
  handle: 'email',
  networkField: false,
  extendedCaps: false,
};
const TWEENER: CommandSyntax = { ...CLASSIC, clientIdInChg: true };
const KEYED: CommandSyntax = { ...CLASSIC, nameInUsrOk: false, clientIdInChg: true, displayName: 'PRP' };

const BY_EMAIL: Omit<SynLists, 'form'> = {
  sync: 'SYN',
  listAdd: 'ADD',
  contactId: 'email',
  groupIds: 'number',
  listVersions: true,
  lstNetworkField: false,
};
const BY_GUID: Omit<SynLists, 'form'> = {
  sync: 'SYN',
  listAdd: 'ADC',
  contactId: 'guid',
  groupIds: 'guid',
  listVersions: false,
  lstNetworkField: false,
};

interface Era {
  readonly handshake: 'INF' | 'CVR';
  readonly clientVersion?: string;
  readonly auth: AuthMechanismName;
  readonly challengeProduct: string;
  readonly syntax: CommandSyntax;
  readonly lists: SynLists | AbchLists;
  readonly capabilities: Capabilities;
}

const row = (version: number, era: Era): Dialect => ({ version, name: `MSNP${version}`, ...era });

const MD5_ERA = (groups: boolean): Era => ({
  handshake: 'INF',
  auth: 'MD5',
  challengeProduct: 'msmsgs@msnmsgr.com',
  syntax: CLASSIC,
  lists: { ...BY_EMAIL, form: 'classic' },
  capabilities: { groups, personalMessage: false, multiplePlaces: false, msnObjects: false, offlineMessages: false },
});

const TWN_ERA = (
  clientVersion: string,
  syntax: CommandSyntax,
  lists: SynLists,
  challengeProduct: string,
  msnObjects = true,
): Era => ({
  handshake: 'CVR',
  clientVersion,
  auth: 'TWN',
  challengeProduct,
  syntax,
  lists,
  capabilities: {
    groups: true,
    personalMessage: challengeProduct !== 'msmsgs@msnmsgr.com',
    multiplePlaces: false,
    msnObjects,
    offlineMessages: false,
  },
});

const ABCH_ERA = (
  clientVersion: string,
  auth: AuthMechanismName,
  challengeProduct: string,
  extra: Partial<Pick<CommandSyntax, 'handle' | 'networkField' | 'extendedCaps'>> & {
    readonly multiplePlaces?: boolean;
  } = {},
): Era => ({
  handshake: 'CVR',
  clientVersion,
  auth,
  challengeProduct,
  syntax: {
    ...KEYED,
    handle: extra.handle ?? 'email',
    networkField: extra.networkField ?? false,
    extendedCaps: extra.extendedCaps ?? false,
  },
  lists: { sync: 'ABCH' },
  capabilities: {
    groups: true,
    personalMessage: true,
    multiplePlaces: extra.multiplePlaces ?? false,
    msnObjects: true,
    offlineMessages: true,
  },
});

const PLACES = { multiplePlaces: true, extendedCaps: true } as const;

/**
 * Every dialect, by version. Rows name the modules they need; the engine speaks those whose
 * modules are built in (modules.ts).
 */
export const DIALECTS: Readonly<Record<number, Dialect>> = Object.freeze({
  2: row(2, MD5_ERA(false)),
  3: row(3, MD5_ERA(false)),
  4: row(4, MD5_ERA(false)),
  5: row(5, MD5_ERA(false)),
  6: row(6, MD5_ERA(false)),
  7: row(7, MD5_ERA(true)),
  8: row(8, TWN_ERA('5.0.0540', TWEENER, { ...BY_EMAIL, form: 'counted' }, 'msmsgs@msnmsgr.com', false)),
  9: row(9, TWN_ERA('6.0.0602', TWEENER, { ...BY_EMAIL, form: 'counted' }, 'msmsgs@msnmsgr.com')),
  10: row(10, TWN_ERA('6.2.0208', KEYED, { ...BY_GUID, form: 'keyed' }, 'msmsgs@msnmsgr.com')),
  11: row(11, TWN_ERA('7.0.0816', KEYED, { ...BY_GUID, form: 'keyed' }, 'PROD0090YUAUV{2B')),
  12: row(12, TWN_ERA('7.5.0324', KEYED, { ...BY_GUID, form: 'keyed', lstNetworkField: true }, 'PROD0090YUAUV{2B')),
  13: row(13, ABCH_ERA('8.1.0178', 'TWN', 'PROD0112J1LW7%NB')),
  14: row(14, ABCH_ERA('8.1.0178', 'TWN', 'PROD0112J1LW7%NB', { networkField: true })),
  15: row(15, ABCH_ERA('8.5.1288.816', 'SSO', 'PROD0119GSJUC$18', { networkField: true })),
  16: row(16, ABCH_ERA('14.0.8117.0416', 'SSO', 'PROD0120PW!CCV9@', { ...PLACES, networkField: true })),
  17: row(17, ABCH_ERA('14.0.8117.0416', 'SSO', 'PROD0120PW!CCV9@', { ...PLACES, networkField: true })),
  18: row(18, ABCH_ERA('14.0.8117.0416', 'SSO', 'PROD0120PW!CCV9@', { ...PLACES, handle: 'network-prefixed' })),
});

/** A dialect given by number or by its row; every pure builder and parser accepts both. */
export type DialectRef = number | Dialect;

/** The row of a dialect; throws for a version the table does not have (a programming error). */
export function dialectOf(ref: DialectRef): Dialect {
  if (typeof ref !== 'number') return ref;
  const row = DIALECTS[ref];
  if (!row) throw new RangeError(`MSNP${ref} is not in the dialect table`);
  return row;
}

/** The SYN-era list syntax of a dialect; an ABCH dialect has none (its lists are not on the notification server). */
export function synLists(ref: DialectRef): SynLists {
  const d = dialectOf(ref);
  if (d.lists.sync !== 'SYN') {
    throw new MsnpError(
      'unsupported',
      `${d.name} keeps the contact list in the address book, not on the notification server`,
    );
  }
  return d.lists;
}

/** Dialects this engine speaks, highest first: the rows whose auth mechanism and list sync are plugged in. */
export function dialectsUsing(mechanisms: readonly AuthMechanismName[], listSyncs: readonly ListSyncName[]): number[] {
  return Object.values(DIALECTS)
    .filter((d) => mechanisms.includes(d.auth) && listSyncs.includes(d.lists.sync))
    .map((d) => d.version)
    .sort((a, b) => b - a);
}
