// The dialect table: what each MSNP version uses and how its commands are shaped (see the
// protocol notes, LOGIN.md §0 and §7, LISTS.md §3 and §5, CHALLENGE.md). Engine code asks a
// dialect's row what to do instead of comparing version numbers, so a new dialect is a new row
// (plus the modules its row names), not a hunt for `>= N` checks.

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

export interface CommandSyntax {
  /** `USR OK` carries the display name (MSNP2–9); later it arrives as `PRP MFN` with the list. */
  readonly nameInUsrOk: boolean;
  /** `CHG` carries the client-capability id (MSNP8+; Escargot drops a CHG without it). */
  readonly clientIdInChg: boolean;
  /** Display name changes: `REA <email> <name>` (MSNP2–9) or `PRP MFN <name>` (10+). */
  readonly displayName: 'REA' | 'PRP';
  /** Adding to a list: `ADD <list> <email> <name>` (MSNP2–9) or `ADC <list> N=… | C=…` (10+). */
  readonly listAdd: 'ADD' | 'ADC';
  /** How FL contacts are named in `REM` and group changes: by e-mail, or by contact GUID (10+). */
  readonly contactId: 'email' | 'guid';
  /**
   * Groups: numeric ids, `ADG`/`REG` ending in a `0` and `LSG <id> <name>` (MSNP7–9), or GUIDs
   * with `ADG <name>`, `REG <guid> <name>` and `LSG <name> <guid>` (10+).
   */
  readonly groupIds: 'number' | 'guid';
  /** `ADD`/`REM` replies and notices carry the list version (MSNP2–9). */
  readonly listVersions: boolean;
  readonly syn: SynForm;
  /** `LST` has a network-type field before the groups (MSNP12). */
  readonly lstNetworkField: boolean;
}

export interface Capabilities {
  /** Contact groups (MSNP7+). */
  readonly groups: boolean;
  /** Personal messages, `UUX`/`UBX` (MSNP11+). */
  readonly personalMessage: boolean;
  /** One account signed in at several places at once, each with its machine GUID (MSNP16+). */
  readonly multiplePlaces: boolean;
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
  readonly listSync: ListSyncName;
  /** The product id a `CHL` is answered with (its key and algorithm are in challenge.ts). */
  readonly challengeProduct: string;
  readonly syntax: CommandSyntax;
  readonly capabilities: Capabilities;
}

const MD5_PRODUCT = 'msmsgs@msnmsgr.com';
const MSNP11_PRODUCT = 'PROD0090YUAUV{2B';

const CLASSIC: CommandSyntax = {
  nameInUsrOk: true,
  clientIdInChg: false,
  displayName: 'REA',
  listAdd: 'ADD',
  contactId: 'email',
  groupIds: 'number',
  listVersions: true,
  syn: 'classic',
  lstNetworkField: false,
};
const TWEENER: CommandSyntax = { ...CLASSIC, clientIdInChg: true, syn: 'counted' };
const KEYED: CommandSyntax = {
  nameInUsrOk: false,
  clientIdInChg: true,
  displayName: 'PRP',
  listAdd: 'ADC',
  contactId: 'guid',
  groupIds: 'guid',
  listVersions: false,
  syn: 'keyed',
  lstNetworkField: false,
};

const md5Era = (version: number, groups: boolean): Dialect => ({
  version,
  name: `MSNP${version}`,
  handshake: 'INF',
  auth: 'MD5',
  listSync: 'SYN',
  challengeProduct: MD5_PRODUCT,
  syntax: CLASSIC,
  capabilities: { groups, personalMessage: false, multiplePlaces: false },
});

const twnEra = (
  version: number,
  clientVersion: string,
  syntax: CommandSyntax,
  era: { readonly challengeProduct: string; readonly personalMessage: boolean },
): Dialect => ({
  version,
  name: `MSNP${version}`,
  handshake: 'CVR',
  clientVersion,
  auth: 'TWN',
  listSync: 'SYN',
  challengeProduct: era.challengeProduct,
  syntax,
  capabilities: { groups: true, personalMessage: era.personalMessage, multiplePlaces: false },
});

const MSNP8_10 = { challengeProduct: MD5_PRODUCT, personalMessage: false };
const MSNP11_12 = { challengeProduct: MSNP11_PRODUCT, personalMessage: true };

/** Every dialect the engine knows, by version. MSNP13–18 (TWN/SSO + ABCH) join with their modules. */
export const DIALECTS: Readonly<Record<number, Dialect>> = Object.freeze({
  2: md5Era(2, false),
  3: md5Era(3, false),
  4: md5Era(4, false),
  5: md5Era(5, false),
  6: md5Era(6, false),
  7: md5Era(7, true),
  8: twnEra(8, '5.0.0540', TWEENER, MSNP8_10),
  9: twnEra(9, '6.0.0602', TWEENER, MSNP8_10),
  10: twnEra(10, '6.2.0208', KEYED, MSNP8_10),
  11: twnEra(11, '7.0.0816', KEYED, MSNP11_12),
  12: twnEra(12, '7.5.0324', { ...KEYED, lstNetworkField: true }, MSNP11_12),
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

/** Dialects this engine speaks, highest first: the rows whose auth mechanism and list sync are plugged in. */
export function dialectsUsing(mechanisms: readonly AuthMechanismName[], listSyncs: readonly ListSyncName[]): number[] {
  return Object.values(DIALECTS)
    .filter((d) => mechanisms.includes(d.auth) && listSyncs.includes(d.listSync))
    .map((d) => d.version)
    .sort((a, b) => b - a);
}
