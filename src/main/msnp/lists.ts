// Pure parsers for contact-list and presence lines, branching on the dialect table's syntax
// (see the protocol notes, LISTS.md). They take the params of a frame and return plain records, or
// undefined for a line they cannot read, which callers ignore: later dialects append fields and
// servers differ, so nothing here throws.
import { BRACED_GUID, MAX_PLACE_NAME, Status, type ListName, type SettableStatus } from '../../shared/schemas';
import { decodeName } from './codec';
import { isListName, listsFromMask } from './contact-list';
import { dialectOf, synLists, type DialectRef } from './dialects';

export interface ListEntry {
  readonly email: string;
  readonly displayName: string;
  readonly lists: readonly ListName[];
  readonly groupIds: readonly string[];
  readonly guid?: string;
}

/** An MSNP2–7 `LST` line: one list per line, with its position in that list. */
export interface ClassicListLine {
  readonly list: ListName;
  readonly index: number;
  readonly total: number;
  /** Absent for the single line of an empty list. */
  readonly entry?: ListEntry;
}

const GUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const NUMBER = /^\d+$/;

export const isGuid = (text: string): boolean => GUID.test(text);

const splitIds = (token: string | undefined): string[] =>
  token === undefined ? [] : token.split(',').filter((id) => id.length > 0);

/** `LST trid <list> <ver> <index> <total> [<email> <friendly> [<groups>]]` (MSNP2–7). */
export function parseClassicLst(params: readonly string[]): ClassicListLine | undefined {
  const [, list, , index, total, email, friendly, groups] = params;
  if (!isListName(list) || index === undefined || total === undefined) return undefined;
  if (!NUMBER.test(index) || !NUMBER.test(total)) return undefined;
  const line = { list, index: Number(index), total: Number(total) };
  if (email === undefined) return line;
  const entry: ListEntry = {
    email,
    displayName: decodeName(friendly ?? email),
    lists: [list],
    groupIds: list === 'FL' ? splitIds(groups) : [],
  };
  return { ...line, entry };
}

/**
 * MSNP8–9: `LST <email> <friendly> <lists> [<groupIds>]`.
 * MSNP10–12: `LST N=<email> [F=<friendly>] [C=<guid>] <lists> [<type> (12)] [<groupGuids>]`.
 */
export function parseLst(dialect: DialectRef, params: readonly string[]): ListEntry | undefined {
  const shape = synLists(dialect);
  if (shape.form !== 'keyed') {
    const [email, friendly, mask, groups] = params;
    if (email === undefined || mask === undefined || !NUMBER.test(mask)) return undefined;
    const lists = listsFromMask(Number(mask));
    return {
      email,
      displayName: decodeName(friendly ?? email),
      lists,
      groupIds: lists.includes('FL') ? splitIds(groups) : [],
    };
  }
  const keyed = parseKeyed(params);
  if (keyed.email === undefined) return undefined;
  const rest = keyed.rest;
  const mask = rest[0];
  if (mask === undefined || !NUMBER.test(mask)) return undefined;
  let groupToken = rest[1];
  // MSNP12 inserts a numeric field (network type) before the groups.
  if (shape.lstNetworkField && groupToken !== undefined && NUMBER.test(groupToken)) groupToken = rest[2];
  const lists = listsFromMask(Number(mask));
  return {
    email: keyed.email,
    displayName: keyed.displayName ?? keyed.email,
    lists,
    groupIds: lists.includes('FL') ? splitIds(groupToken) : [],
    ...(keyed.guid === undefined ? {} : { guid: keyed.guid }),
  };
}

interface Keyed {
  email?: string;
  displayName?: string;
  guid?: string;
  rest: string[];
}

/** Splits `N=` `F=` `C=` tokens (MSNP10+) from positional ones. */
function parseKeyed(tokens: readonly string[]): Keyed {
  const out: Keyed = { rest: [] };
  for (const token of tokens) {
    if (token.startsWith('N=')) out.email = token.slice(2);
    else if (token.startsWith('F=')) out.displayName = decodeName(token.slice(2));
    else if (token.startsWith('C=')) out.guid = token.slice(2);
    else out.rest.push(token);
  }
  return out;
}

export interface GroupLine {
  readonly id: string;
  readonly name: string;
}

/**
 * MSNP7: `LSG trid <ver> <index> <total> <id> <name> 0`; MSNP8–9: `LSG <id> <name> 0`;
 * MSNP10–12: `LSG <name> <guid>`.
 */
export function parseLsg(dialect: DialectRef, params: readonly string[]): GroupLine | undefined {
  const shape = synLists(dialect);
  const [a, b] = shape.form === 'classic' ? params.slice(4) : params;
  if (a === undefined || b === undefined) return undefined;
  return shape.groupIds === 'guid' ? { id: b, name: decodeName(a) } : { id: a, name: decodeName(b) };
}

/**
 * The group in an `ADG` reply: `ADG trid <ver> <name> <id> 0` (≤9). MSNP10+ layouts differ between
 * servers, so there the id is the GUID token, or else the token after the name that was asked for.
 */
export function parseAdgReply(
  dialect: DialectRef,
  params: readonly string[],
  requestedName: string,
): GroupLine | undefined {
  if (synLists(dialect).groupIds === 'number') {
    const [, , name, id] = params;
    return name === undefined || id === undefined ? undefined : { id, name: decodeName(name) };
  }
  const rest = params.slice(1);
  const guid = rest.find(isGuid);
  if (guid !== undefined) return { id: guid, name: requestedName };
  const at = rest.findIndex((t) => decodeName(t) === requestedName);
  const id = at < 0 ? undefined : rest[at + 1];
  return id === undefined ? undefined : { id, name: requestedName };
}

export interface ListChange {
  readonly list: ListName;
  /** Absent when the line names the contact only by GUID. */
  readonly email?: string;
  readonly guid?: string;
  readonly displayName?: string;
  readonly groupId?: string;
}

/**
 * `ADD`/`REM` (≤9) and `ADC`/`REM` (10+) lines, as replies or as async notices (TrID 0). Read by
 * pattern rather than position: Escargot's async `ADD 0 <ver> RL …` puts the version first.
 */
export function parseListChange(dialect: DialectRef, name: string, params: readonly string[]): ListChange | undefined {
  const at = params.findIndex((t, i) => i > 0 && isListName(t));
  const list = params[at];
  if (at < 0 || !isListName(list)) return undefined;
  const after = params.slice(at + 1);
  if (name === 'ADC') {
    const keyed = parseKeyed(after);
    const groupId = keyed.rest[0];
    return {
      list,
      ...(keyed.email === undefined ? {} : { email: keyed.email }),
      ...(keyed.guid === undefined ? {} : { guid: keyed.guid }),
      ...(keyed.displayName === undefined ? {} : { displayName: keyed.displayName }),
      ...(groupId === undefined ? {} : { groupId }),
    };
  }
  if (name === 'ADD') {
    const e = params.findIndex((t) => t.includes('@'));
    const email = params[e];
    if (e < 0 || email === undefined) return undefined;
    const friendly = params[e + 1];
    const groupId = params[e + 2];
    return {
      list,
      email,
      ...(friendly === undefined ? {} : { displayName: decodeName(friendly) }),
      ...(groupId === undefined ? {} : { groupId }),
    };
  }
  // REM: ≤9 `<list> <ver> <email> [<group>]`; 10+ `<list> <guid|email> [<group>]`.
  const versioned = synLists(dialect).listVersions && after.length > 1 && NUMBER.test(after[0] ?? '');
  const [id, groupId] = versioned ? after.slice(1) : after;
  if (id === undefined) return undefined;
  return {
    list,
    ...(id.includes('@') ? { email: id } : { guid: id }),
    ...(groupId === undefined ? {} : { groupId }),
  };
}

/** The last token of `BLP`/`GTC` in every form (`BLP AL`, `BLP trid ver AL`). */
export function parsePrivacyValue(params: readonly string[]): string | undefined {
  return params[params.length - 1];
}

const PROPERTY_KEYS = new Set(['PHH', 'PHW', 'PHM', 'MOB', 'MBE', 'MFN', 'WWE', 'HSB']);

export interface PropertyLine {
  /** The contact, for `BPR` forms that name one. */
  readonly email?: string;
  readonly key: string;
  /** Decoded; empty when the property was cleared. */
  readonly value: string;
}

/**
 * `PRP`/`BPR` in any form: `PRP <key> <value>`, `PRP trid [ver] <key> <value>`,
 * `BPR <key> <value>` (applies to the preceding `LST`), `BPR [ver] <email> <key> <value>`.
 */
export function parseProperty(params: readonly string[]): PropertyLine | undefined {
  const at = params.findIndex((t) => PROPERTY_KEYS.has(t));
  const key = params[at];
  if (at < 0 || key === undefined) return undefined;
  const email = params.slice(0, at).find((t) => t.includes('@'));
  const value = decodeName(params[at + 1] ?? '');
  return email === undefined ? { key, value } : { email, key, value };
}

export interface PresenceLine {
  readonly email: string;
  readonly status: Status;
  readonly displayName: string;
  readonly clientId?: number;
  /** Decoded MSN object XML, only when it names a real object. */
  readonly msnObject?: string;
}

/**
 * The address in a presence handle: MSNP18's `1:bob@example.com` loses its network prefix, and
 * a place (`bob@example.com;{guid}`) or circle suffix (`;via=…`) is dropped.
 */
export function handleEmail(dialect: DialectRef, handle: string): string {
  const bare = handle.split(';')[0] ?? handle;
  return dialectOf(dialect).syntax.handle === 'network-prefixed' ? bare.replace(/^\d{1,3}:/, '') : bare;
}

/**
 * `ILN trid <st> <handle> [<network> (14–17)] <friendly> [<caps> [<msnobj>]]`, or the same
 * without the TrID for `NLN`; caps are `caps:capsEx` from MSNP16 (the first number is kept).
 */
export function parsePresence(
  dialect: DialectRef,
  name: 'ILN' | 'NLN',
  params: readonly string[],
): PresenceLine | undefined {
  const row = dialectOf(dialect);
  const [st, handle, ...rest] = name === 'ILN' ? params.slice(1) : params;
  if (st === undefined || handle === undefined) return undefined;
  // Escargot omits absent fields, so the network id is recognised rather than counted.
  if (row.syntax.networkField && rest.length > 1 && NUMBER.test(rest[0] ?? '')) rest.shift();
  const [friendly, caps, msnObject] = rest;
  const email = handleEmail(row, handle);
  const status: Status = Status.safeParse(st).data ?? 'NLN';
  const object = msnObject === undefined ? undefined : decodeName(msnObject);
  const clientId = (row.syntax.extendedCaps ? /^(\d+)(?::\d+)?$/ : /^(\d+)$/).exec(caps ?? '')?.[1];
  return {
    email,
    status,
    displayName: decodeName(friendly ?? email),
    ...(clientId !== undefined && Number(clientId) <= 0xffffffff ? { clientId: Number(clientId) } : {}),
    ...(object !== undefined && /\b(?:Creator|SHA1D)=/.test(object) ? { msnObject: object } : {}),
  };
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', apos: "'", quot: '"' };

export function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code =
        entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return XML_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** The personal message in a `UBX` payload; empty for an empty or unreadable payload. */
export function parsePersonalMessage(payload: Buffer | undefined): string {
  const xml = payload?.toString('utf8') ?? '';
  const psm = /<PSM>([\s\S]*?)<\/PSM>/.exec(xml)?.[1];
  return psm === undefined ? '' : xmlUnescape(psm);
}

/** Whether a `UBX`/`UUX` payload says what the personal message is (an empty `<PSM></PSM>` does). */
export function hasPersonalMessage(payload: Buffer | undefined): boolean {
  return /<PSM>[\s\S]*?<\/PSM>/.test(payload?.toString('utf8') ?? '');
}

/**
 * The `UUX` payload that sets a personal message (no current media); with `machineGuid`, the
 * place's GUID as well, as clients with multiple places send it (MSNP16+).
 */
export function personalMessagePayload(text: string, machineGuid?: string): string {
  const guid = machineGuid === undefined ? '' : `<MachineGuid>${xmlEscape(machineGuid)}</MachineGuid>`;
  return `<Data><PSM>${xmlEscape(text)}</PSM><CurrentMedia></CurrentMedia>${guid}</Data>`;
}

/** What a place says about itself (MSNP16+): its own `UUX`, separate from the personal message. */
export function privateEndpointPayload(place: { name: string; status: SettableStatus }): string {
  return (
    `<PrivateEndpointData><EpName>${xmlEscape(place.name)}</EpName><Idle>${place.status === 'IDL'}</Idle>` +
    `<ClientType>1</ClientType><State>${place.status}</State></PrivateEndpointData>`
  );
}

/** One place an account is signed in at, from its own `UBX` (MSNP16+). */
export interface EndpointEntry {
  /** The place's machine GUID as the server spells it, `{…}`. */
  readonly id: string;
  /** Its `EpName`; empty when the server gave none. */
  readonly name: string;
  /** Its own status; `NLN` when the server gave none or an unknown one. */
  readonly state: Status;
}

/**
 * The places listed in an account's own `UBX`: each `EndpointData` and `PrivateEndpointData`
 * (matched by id, case-insensitively), in the order they first appear. Read element by element
 * rather than as XML, because servers re-escape text in ways that are not always valid XML.
 */
export function parseEndpoints(payload: Buffer | undefined): EndpointEntry[] {
  const xml = payload?.toString('utf8') ?? '';
  const found = new Map<string, { id: string; name: string; state: Status }>();
  const entry = (id: string): { id: string; name: string; state: Status } => {
    const key = id.toLowerCase();
    let place = found.get(key);
    if (!place) {
      place = { id, name: '', state: 'NLN' };
      found.set(key, place);
    }
    return place;
  };
  const element = /<(PrivateEndpointData|EndpointData)\s+id\s*=\s*"([^"]*)"\s*(\/>|>([\s\S]*?)<\/\1>)/g;
  for (const m of xml.matchAll(element)) {
    const id = xmlUnescape(m[2] ?? '').trim();
    if (!BRACED_GUID.test(id)) continue;
    const place = entry(id);
    if (m[1] !== 'PrivateEndpointData') continue;
    const body = m[4] ?? '';
    const name = /<EpName>([\s\S]*?)<\/EpName>/.exec(body)?.[1];
    const state = /<State>([\s\S]*?)<\/State>/.exec(body)?.[1];
    // Another client's text: kept to a length any window can show.
    if (name !== undefined) place.name = xmlUnescape(name).trim().slice(0, MAX_PLACE_NAME);
    if (state !== undefined) place.state = Status.safeParse(state.trim()).data ?? 'NLN';
  }
  return [...found.values()];
}

export interface SynReply {
  /** Contact and group counts (MSNP8+); absent when the server says the cached list is current. */
  readonly counts?: { readonly contacts: number; readonly groups: number };
  /** MSNP2–7 list version. */
  readonly version?: string;
}

/** `SYN trid <ver>` (≤7), `SYN trid <ver> [<c> <g>]` (8–9), `SYN trid <stamp> <stamp> [<c> <g>]` (10–12). */
export function parseSynReply(dialect: DialectRef, params: readonly string[]): SynReply {
  const form = synLists(dialect).form;
  if (form === 'classic') return params[1] === undefined ? {} : { version: params[1] };
  const [c, g] = params.slice(form === 'keyed' ? 3 : 2);
  if (c === undefined || g === undefined || !NUMBER.test(c) || !NUMBER.test(g)) return {};
  return { counts: { contacts: Number(c), groups: Number(g) } };
}
