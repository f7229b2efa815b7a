// Builders for the commands a signed-in client sends, per dialect (see the protocol notes,
// LISTS.md §3 and §5). Pure: each returns the command name and its params (TrID excluded).
import type { Contact, ListName, SettableStatus } from '../../shared/schemas';
import { encodeName, type Param } from './codec';
import { MsnpError } from './errors';
import { percentEncode } from './p2p/msnobj';

export interface Command {
  readonly name: string;
  readonly params: readonly Param[];
}

/**
 * `CHG <status> [<clientid> [<msnobj>]]`: MSNP8+ must carry the client id or Escargot drops the
 * command; MSNP9+ may add your display picture's msnobj, fully percent-encoded (P2P.md §2.3).
 */
export function statusCommand(dialect: number, status: SettableStatus, clientId: number, msnObject?: string): Command {
  if (dialect < 8) return { name: 'CHG', params: [status] };
  // MSNP2P (the top four bits, P2P.md §2.5) needs ack mode D, which only MSNP9+ switchboards take.
  if (dialect < 9) return { name: 'CHG', params: [status, (clientId & 0x0fffffff) >>> 0] };
  if (msnObject === undefined) return { name: 'CHG', params: [status, clientId] };
  return { name: 'CHG', params: [status, clientId, percentEncode(msnObject)] };
}

/** `REA <email> <name>` (≤9) or `PRP MFN <name>` (10+). */
export function displayNameCommand(dialect: number, email: string, displayName: string): Command {
  return dialect >= 10
    ? { name: 'PRP', params: ['MFN', encodeName(displayName)] }
    : { name: 'REA', params: [email, encodeName(displayName)] };
}

/** Adds an address to FL (optionally into a group, MSNP7–9), AL or BL. */
export function addToListCommand(dialect: number, list: ListName, email: string, groupId?: string): Command {
  if (dialect >= 10) {
    return { name: 'ADC', params: list === 'FL' ? [list, `N=${email}`, `F=${email}`] : [list, `N=${email}`] };
  }
  const group = list === 'FL' && groupId !== undefined && dialect >= 7 ? [groupId] : [];
  return { name: 'ADD', params: [list, email, email, ...group] };
}

/** Puts a contact already on FL into a group. */
export function addToGroupCommand(dialect: number, contact: Contact, groupId: string): Command {
  if (dialect >= 10) return { name: 'ADC', params: ['FL', `C=${requireGuid(contact)}`, groupId] };
  return { name: 'ADD', params: ['FL', contact.email, encodeName(contact.displayName), groupId] };
}

/** Removes a contact from a list; MSNP10+ names FL contacts by GUID. */
export function removeFromListCommand(dialect: number, list: ListName, contact: Contact): Command {
  const id = dialect >= 10 && list === 'FL' ? requireGuid(contact) : contact.email;
  return { name: 'REM', params: [list, id] };
}

export function removeFromGroupCommand(dialect: number, contact: Contact, groupId: string): Command {
  return { name: 'REM', params: ['FL', dialect >= 10 ? requireGuid(contact) : contact.email, groupId] };
}

export function createGroupCommand(dialect: number, name: string): Command {
  return { name: 'ADG', params: dialect >= 10 ? [encodeName(name)] : [encodeName(name), 0] };
}

export function renameGroupCommand(dialect: number, groupId: string, name: string): Command {
  return { name: 'REG', params: dialect >= 10 ? [groupId, encodeName(name)] : [groupId, encodeName(name), 0] };
}

export function deleteGroupCommand(groupId: string): Command {
  return { name: 'RMG', params: [groupId] };
}

function requireGuid(contact: Contact): string {
  if (contact.guid === undefined) {
    throw new MsnpError('state', `The server has not given ${contact.email} a contact id yet`);
  }
  return contact.guid;
}
