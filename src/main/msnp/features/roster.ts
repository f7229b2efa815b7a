// The contact list's operations: contacts in and out of lists and groups, blocking, answering
// "X added you", and the group commands; plus the list changes the server reports on its own
// (`ADD`/`ADC`/`REM` notices, mostly someone adding or removing you, and `BPR` phone numbers).
import type { Contact, Group, ListName } from '../../../shared/schemas';
import type { Frame } from '../codec';
import {
  addToGroupCommand,
  addToListCommand,
  createGroupCommand,
  deleteGroupCommand,
  removeFromGroupCommand,
  removeFromListCommand,
  renameGroupCommand,
} from '../commands';
import type { ClientContext } from '../context';
import { MsnpError } from '../errors';
import { AddressBookLists } from './address-book';
import { parseAdgReply, parseListChange, parseProperty } from '../lists';

const ADDRESS = /^[^\s@]+@[^\s@]+$/;
const MAX_GROUP_NAME = 61;

export class Roster {
  private readonly addressBook: AddressBookLists;

  constructor(private readonly ctx: ClientContext) {
    this.addressBook = new AddressBookLists(ctx);
    ctx.handle('ADD', (frame) => this.onListNotice(frame));
    ctx.handle('ADC', (frame) => this.onListNotice(frame));
    ctx.handle('REM', (frame) => this.onListNotice(frame));
    ctx.handle('BPR', (frame) => {
      const prop = parseProperty(frame.params);
      const contact = prop && ctx.model.setPhone(prop.email, prop.key, prop.value);
      if (contact && ctx.announced) ctx.emit('list-changed', { email: contact.email, contact });
    });
  }

  /**
   * Adds a contact to your list (FL, and AL unless you already allowed or blocked them),
   * optionally into a group. Resolves with the contact as now listed.
   */
  addContact(email: string, options: { groupId?: string } = {}): Promise<Contact> {
    return this.ctx.run(async ({ dialect }) => {
      const address = checkAddress(email);
      const { groupId } = options;
      if (groupId !== undefined && !dialect.capabilities.groups) throw groupsUnsupported();
      const model = (): ClientContext['model'] => this.ctx.model;
      if (!model().get(address)?.lists.includes('FL')) await this.addToList('FL', address, groupId);
      const listed = model().get(address);
      if (groupId !== undefined && listed && !listed.groupIds.includes(groupId)) {
        await this.addToGroup(listed, groupId);
      }
      if (!onAny(model().get(address), 'AL', 'BL')) await this.addToList('AL', address);
      return this.requireContact(address);
    });
  }

  /** Removes a contact from your list (FL); allow/block state is kept. */
  removeContact(email: string): Promise<void> {
    return this.ctx.run(async () => {
      const contact = this.requireContact(checkAddress(email));
      if (contact.lists.includes('FL')) await this.removeFromList('FL', contact);
    });
  }

  /** Blocks someone (BL, leaving AL). */
  blockContact(email: string): Promise<void> {
    return this.ctx.run(async () => {
      const address = checkAddress(email);
      const contact = this.ctx.model.get(address);
      if (contact?.lists.includes('AL')) await this.removeFromList('AL', contact);
      if (!contact?.lists.includes('BL')) await this.addToList('BL', address);
    });
  }

  /** Unblocks someone (AL, leaving BL). */
  unblockContact(email: string): Promise<void> {
    return this.ctx.run(async () => {
      const address = checkAddress(email);
      const contact = this.ctx.model.get(address);
      if (contact?.lists.includes('BL')) await this.removeFromList('BL', contact);
      if (!contact?.lists.includes('AL')) await this.addToList('AL', address);
    });
  }

  /** Answers "X added you": allow (AL) or block (BL) them, and optionally add them to your list. */
  respondToAddition(email: string, answer: { allow: boolean; addToContacts: boolean }): Promise<void> {
    return this.ctx.run(async () => {
      const address = checkAddress(email);
      const [target, opposite]: [ListName, ListName] = answer.allow ? ['AL', 'BL'] : ['BL', 'AL'];
      const contact = this.ctx.model.get(address);
      if (contact?.lists.includes(opposite)) await this.removeFromList(opposite, contact);
      if (!contact?.lists.includes(target)) await this.addToList(target, address);
      if (this.ctx.model.get(address)?.lists.includes('PL')) {
        this.ctx.model.resolvePending(address);
        this.ctx.emitContact(address);
      }
      if (answer.addToContacts) await this.addContact(address);
    });
  }

  /** Moves a listed contact into `toGroupId`, out of `fromGroupId` when given. */
  moveContact(email: string, fromGroupId: string | undefined, toGroupId: string): Promise<void> {
    return this.ctx.run(async ({ dialect }) => {
      if (!dialect.capabilities.groups) throw groupsUnsupported();
      const contact = this.requireContact(checkAddress(email));
      if (!contact.lists.includes('FL')) throw new MsnpError('invalid', `${contact.email} is not in your contacts`);
      if (!contact.groupIds.includes(toGroupId)) await this.addToGroup(contact, toGroupId);
      if (fromGroupId !== undefined && fromGroupId !== toGroupId && contact.groupIds.includes(fromGroupId)) {
        if (dialect.lists.sync === 'ABCH') {
          await this.addressBook.group(contact, fromGroupId, false);
          return;
        }
        await this.ctx.call(removeFromGroupCommand(dialect, contact, fromGroupId), {
          map: () => {
            this.ctx.model.removeFromList(contact.email, 'FL', fromGroupId);
            this.ctx.emitContact(contact.email);
          },
        });
      }
    });
  }

  createGroup(name: string): Promise<Group> {
    return this.ctx.run(async ({ dialect }) => {
      if (!dialect.capabilities.groups) throw groupsUnsupported();
      const clean = checkGroupName(name);
      if (dialect.lists.sync === 'ABCH') return this.addressBook.createGroup(clean);
      return this.ctx.call(createGroupCommand(dialect, clean), {
        map: (reply) => {
          const line = parseAdgReply(dialect, reply.params, clean);
          const group = line && this.ctx.model.upsertGroup(line.id, clean);
          if (!group)
            throw new MsnpError('protocol', 'The server did not say which id the new group got', { command: 'ADG' });
          this.ctx.emit('groups-changed', this.ctx.model.groups());
          return group;
        },
      });
    });
  }

  renameGroup(id: string, name: string): Promise<void> {
    return this.ctx.run(async ({ dialect }) => {
      const clean = checkGroupName(name);
      if (!this.ctx.model.group(id)) throw new MsnpError('invalid', `No group ${id}`);
      if (dialect.lists.sync === 'ABCH') return this.addressBook.renameGroup(id, clean);
      await this.ctx.call(renameGroupCommand(dialect, id, clean), {
        map: () => {
          this.ctx.model.upsertGroup(id, clean);
          this.ctx.emit('groups-changed', this.ctx.model.groups());
        },
      });
    });
  }

  deleteGroup(id: string): Promise<void> {
    return this.ctx.run(async ({ dialect }) => {
      const model = this.ctx.model;
      if (!model.group(id)) throw new MsnpError('invalid', `No group ${id}`);
      if (dialect.lists.sync === 'ABCH') return this.addressBook.deleteGroup(id);
      const members = model.contacts().filter((c) => c.groupIds.includes(id));
      await this.ctx.call(deleteGroupCommand(id), {
        map: () => {
          this.ctx.model.removeGroup(id);
          this.ctx.emit('groups-changed', this.ctx.model.groups());
          for (const member of members) this.ctx.emitContact(member.email);
        },
      });
    });
  }

  /** `ADD`/`ADC`/`REM` that are not replies to our requests: mostly RL changes (someone added or removed you). */
  private onListNotice(frame: Frame): void {
    const { model } = this.ctx;
    const dialect = this.ctx.dialect;
    if (!dialect) return;
    const change = parseListChange(dialect, frame.name, frame.params);
    if (!change) return;
    const email = change.email ?? (change.guid === undefined ? undefined : model.byGuid(change.guid)?.email);
    if (email === undefined) return;
    if (frame.name === 'REM') {
      model.removeFromList(email, change.list, change.groupId);
      this.ctx.emitContact(email);
      return;
    }
    const contact = model.addToList(email, change.list, {
      ...(change.displayName === undefined ? {} : { displayName: change.displayName }),
      ...(change.guid === undefined ? {} : { guid: change.guid }),
      ...(change.groupId === undefined ? {} : { groupIds: [change.groupId] }),
    });
    if (!contact) return;
    this.ctx.emitContact(contact.email);
    if ((change.list === 'RL' || change.list === 'PL') && !onAny(contact, 'AL', 'BL')) {
      this.ctx.emit('added-you', { email: contact.email, displayName: contact.displayName });
    }
  }

  private addToList(list: ListName, email: string, groupId?: string): Promise<void> {
    const { dialect } = this.ctx.session();
    if (dialect.lists.sync === 'ABCH') return this.addressBook.add(list, email);
    return this.ctx.call(addToListCommand(dialect, list, email, groupId), {
      map: (reply) => {
        // The group comes from the reply: MSNP10+ adds to FL and to a group in two steps.
        const change = parseListChange(dialect, reply.name, reply.params);
        this.ctx.model.addToList(email, list, {
          ...(change?.displayName === undefined ? {} : { displayName: change.displayName }),
          ...(change?.guid === undefined ? {} : { guid: change.guid }),
          ...(change?.groupId === undefined ? {} : { groupIds: [change.groupId] }),
        });
        this.ctx.emitContact(email);
      },
    });
  }

  private addToGroup(contact: Contact, groupId: string): Promise<void> {
    const { dialect } = this.ctx.session();
    if (dialect.lists.sync === 'ABCH') return this.addressBook.group(contact, groupId, true);
    return this.ctx.call(addToGroupCommand(dialect, contact, groupId), {
      map: () => {
        this.ctx.model.addToGroup(contact.email, groupId);
        this.ctx.emitContact(contact.email);
      },
    });
  }

  private removeFromList(list: ListName, contact: Contact): Promise<void> {
    const { dialect } = this.ctx.session();
    if (dialect.lists.sync === 'ABCH') return this.addressBook.remove(list, contact);
    return this.ctx.call(removeFromListCommand(dialect, list, contact), {
      map: () => {
        this.ctx.model.removeFromList(contact.email, list);
        this.ctx.emitContact(contact.email);
      },
    });
  }

  private requireContact(email: string): Contact {
    const contact = this.ctx.model.get(email);
    if (!contact) throw new MsnpError('invalid', `${email} is not on any of your lists`);
    return contact;
  }
}

const groupsUnsupported = (): MsnpError => new MsnpError('unsupported', 'Groups need MSNP7 or later');

export function onAny(contact: Contact | undefined, ...lists: ListName[]): boolean {
  return contact !== undefined && lists.some((list) => contact.lists.includes(list));
}

function checkAddress(email: string): string {
  const address = email.trim().toLowerCase();
  if (!ADDRESS.test(address) || address.length > 129) throw new MsnpError('invalid', `Not an e-mail address: ${email}`);
  return address;
}

function checkGroupName(name: string): string {
  const clean = name.trim();
  if (clean === '' || clean.length > MAX_GROUP_NAME) {
    throw new MsnpError('invalid', `A group name must be 1 to ${MAX_GROUP_NAME} characters`);
  }
  return clean;
}
