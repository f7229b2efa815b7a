// Builders for the commands a signed-in client sends, per dialect (see the protocol notes,
// LISTS.md §3 and §5). Pure: each returns the command name and its params (TrID excluded).
import type { Contact, ListName, SettableStatus } from '../../shared/schemas';
import { encodeName, type Param } from './codec';
import { dialectOf, synLists, type DialectRef } from './dialects';
import { MsnpError } from './errors';
import { percentEncode } from './p2p/msnobj';

export interface Command {
  readonly name: string;
  readonly params: readonly Param[];
}

/**
 * `CHG <status> [<clientid> [<msnobj>]]`: MSNP8+ must carry the client id or Escargot drops the
 * command; where the dialect has MSN objects it may add your display picture's msnobj, fully
 * percent-encoded (P2P.md §2.3).
 */
export function statusCommand(
  dialect: DialectRef,
  status: SettableStatus,
  clientId: number,
  msnObject?: string,
): Command {
  const row = dialectOf(dialect);
  if (!row.syntax.clientIdInChg) return { name: 'CHG', params: [status] };
  // MSNP2P (the top four bits, P2P.md §2.5) needs ack mode D and MSN objects, which only
  // dialects with MSN objects have: elsewhere the P2P bits would promise what cannot happen.
  if (!row.capabilities.msnObjects) return { name: 'CHG', params: [status, (clientId & 0x0fffffff) >>> 0] };
  // MSNP16+ caps are `caps:capsEx`; no extended capability (P2P v2 and the like) is implemented.
  const caps = row.syntax.extendedCaps ? `${clientId}:0` : clientId;
  if (msnObject === undefined) return { name: 'CHG', params: [status, caps] };
  return { name: 'CHG', params: [status, caps, percentEncode(msnObject)] };
}

/** `REA <email> <name>` (≤9) or `PRP MFN <name>` (10+). */
export function displayNameCommand(dialect: DialectRef, email: string, displayName: string): Command {
  return dialectOf(dialect).syntax.displayName === 'PRP'
    ? { name: 'PRP', params: ['MFN', encodeName(displayName)] }
    : { name: 'REA', params: [email, encodeName(displayName)] };
}

/** Adds an address to FL (optionally into a group, MSNP7–9), AL or BL. */
export function addToListCommand(dialect: DialectRef, list: ListName, email: string, groupId?: string): Command {
  if (synLists(dialect).listAdd === 'ADC') {
    return { name: 'ADC', params: list === 'FL' ? [list, `N=${email}`, `F=${email}`] : [list, `N=${email}`] };
  }
  const group = list === 'FL' && groupId !== undefined && dialectOf(dialect).capabilities.groups ? [groupId] : [];
  return { name: 'ADD', params: [list, email, email, ...group] };
}

/** Puts a contact already on FL into a group. */
export function addToGroupCommand(dialect: DialectRef, contact: Contact, groupId: string): Command {
  if (synLists(dialect).listAdd === 'ADC') return { name: 'ADC', params: ['FL', `C=${requireGuid(contact)}`, groupId] };
  return { name: 'ADD', params: ['FL', contact.email, encodeName(contact.displayName), groupId] };
}

/** Removes a contact from a list; MSNP10+ names FL contacts by GUID. */
export function removeFromListCommand(dialect: DialectRef, list: ListName, contact: Contact): Command {
  const id = list === 'FL' ? contactId(dialect, contact) : contact.email;
  return { name: 'REM', params: [list, id] };
}

export function removeFromGroupCommand(dialect: DialectRef, contact: Contact, groupId: string): Command {
  return { name: 'REM', params: ['FL', contactId(dialect, contact), groupId] };
}

/** `ADG <name> 0` (numeric group ids) or `ADG <name>` (GUID groups). */
export function createGroupCommand(dialect: DialectRef, name: string): Command {
  return { name: 'ADG', params: [encodeName(name), ...groupTrailer(dialect)] };
}

export function renameGroupCommand(dialect: DialectRef, groupId: string, name: string): Command {
  return { name: 'REG', params: [groupId, encodeName(name), ...groupTrailer(dialect)] };
}

export function deleteGroupCommand(groupId: string): Command {
  return { name: 'RMG', params: [groupId] };
}

/** How an FL contact is named in REM and group changes. */
function contactId(dialect: DialectRef, contact: Contact): string {
  return synLists(dialect).contactId === 'guid' ? requireGuid(contact) : contact.email;
}

const groupTrailer = (dialect: DialectRef): Param[] => (synLists(dialect).groupIds === 'number' ? [0] : []);

function requireGuid(contact: Contact): string {
  if (contact.guid === undefined) {
    throw new MsnpError('state', `The server has not given ${contact.email} a contact id yet`);
  }
  return contact.guid;
}
