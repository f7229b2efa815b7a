// The list changes of the address-book dialects (MSNP13+, MSNP13-18.md §4–§6): FL through the
// address book (ABContactAdd / ABContactDelete), AL and BL through the sharing service
// (AddMember / DeleteMember), each followed by the ADL or RML that makes the notification server
// act on it; groups, which only the address book knows; and the server's own `ADL 0` / `RML 0`
// (someone added or removed you).
import type { Contact, Group, ListName } from '../../../shared/schemas';
import type { Frame } from '../codec';
import type { ClientContext } from '../context';
import { MsnpError } from '../errors';
import { decodeName } from '../codec';
import {
  abContactAddEnvelope,
  abContactDeleteEnvelope,
  abGroupAddEnvelope,
  abGroupContactEnvelope,
  abGroupDeleteEnvelope,
  abGroupUpdateEnvelope,
  memberEnvelope,
  parseContactAdd,
  parseResultGuid,
  type MemberRole,
} from '../soap/abch';
import { childrenNamed, parseXml, type XmlElement } from '../soap/parse';
import type { XmlFragment } from '../soap/xml';
import { callAddressBook } from '../sync/abch';
import { listPayloads } from '../sync/adl';

const ROLE: Partial<Record<ListName, MemberRole>> = { AL: 'Allow', BL: 'Block' };

export class AddressBookLists {
  constructor(private readonly ctx: ClientContext) {
    ctx.handle('ADL', (frame) => this.onNotice(frame, true));
    ctx.handle('RML', (frame) => this.onNotice(frame, false));
  }

  /** Puts `email` on FL, AL or BL: the SOAP change, then the ADL. */
  async add(list: ListName, email: string): Promise<void> {
    let guid: string | undefined;
    if (list === 'FL') {
      const body = await this.call('addressBook', 'ABContactAdd', (t) => abContactAddEnvelope(t, email));
      guid = parseContactAdd(body);
      if (guid === undefined) {
        throw new MsnpError('protocol', 'The address book did not say which id the contact got', {
          command: 'ABContactAdd',
        });
      }
    } else {
      await this.call('sharing', 'AddMember', (t) => memberEnvelope(t, 'AddMember', role(list), email));
    }
    // In the model when the OK is read: the contact's presence follows it at once.
    await this.tell('ADL', email, list, () => {
      this.ctx.model.addToList(email, list, guid === undefined ? {} : { guid });
      this.ctx.emitContact(email);
    });
  }

  /** Takes `contact` off FL, AL or BL: the SOAP change, then the RML. */
  async remove(list: ListName, contact: Contact): Promise<void> {
    if (list === 'FL') {
      const guid = contact.guid;
      if (guid === undefined) throw new MsnpError('state', `The address book has no id for ${contact.email}`);
      await this.call('addressBook', 'ABContactDelete', (t) => abContactDeleteEnvelope(t, guid));
    } else {
      await this.call('sharing', 'DeleteMember', (t) => memberEnvelope(t, 'DeleteMember', role(list), contact.email));
    }
    await this.tell('RML', contact.email, list, () => {
      this.ctx.model.removeFromList(contact.email, list);
      this.ctx.emitContact(contact.email);
    });
  }

  /** ABGroupAdd: a new group, with the id the address book gave it. */
  async createGroup(name: string): Promise<Group> {
    const body = await this.call('addressBook', 'ABGroupAdd', (t) => abGroupAddEnvelope(t, name));
    const id = parseResultGuid(body, 'ABGroupAddResult');
    const group = id === undefined ? undefined : this.ctx.model.upsertGroup(id, name);
    if (!group) throw new MsnpError('protocol', 'The address book did not say which id the new group got');
    this.ctx.emit('groups-changed', this.ctx.model.groups());
    return group;
  }

  async renameGroup(id: string, name: string): Promise<void> {
    await this.call('addressBook', 'ABGroupUpdate', (t) => abGroupUpdateEnvelope(t, id, name));
    this.ctx.model.upsertGroup(id, name);
    this.ctx.emit('groups-changed', this.ctx.model.groups());
  }

  async deleteGroup(id: string): Promise<void> {
    const members = this.ctx.model.contacts().filter((c) => c.groupIds.includes(id));
    await this.call('addressBook', 'ABGroupDelete', (t) => abGroupDeleteEnvelope(t, id));
    this.ctx.model.removeGroup(id);
    this.ctx.emit('groups-changed', this.ctx.model.groups());
    for (const member of members) this.ctx.emitContact(member.email);
  }

  /** Puts a listed contact into a group, or takes it out. Groups are the address book's alone: no NS command. */
  async group(contact: Contact, groupId: string, add: boolean): Promise<void> {
    const guid = contact.guid;
    if (guid === undefined) throw new MsnpError('state', `The address book has no id for ${contact.email}`);
    const action = add ? 'ABGroupContactAdd' : 'ABGroupContactDelete';
    await this.call('addressBook', action, (t) => abGroupContactEnvelope(t, action, groupId, guid));
    if (add) this.ctx.model.addToGroup(contact.email, groupId);
    else this.ctx.model.removeFromList(contact.email, 'FL', groupId);
    this.ctx.emitContact(contact.email);
  }

  private call(
    service: 'addressBook' | 'sharing',
    action: string,
    envelope: (ticket: string) => XmlFragment,
  ): Promise<XmlElement> {
    const soap = this.ctx.soap;
    if (!soap) return Promise.reject(new MsnpError('state', 'Not signed in'));
    return callAddressBook(soap, service, action, envelope);
  }

  /** One list of one address: Escargot ignores an RML naming a list the contact is not on. */
  private async tell(command: 'ADL' | 'RML', email: string, list: ListName, done: () => void): Promise<void> {
    const [payload] = listPayloads([{ email, lists: [list] }], false);
    if (payload === undefined) throw new MsnpError('invalid', `Not an e-mail address: ${email}`);
    await this.ctx.call({ name: command, params: [] }, { payload, map: done });
  }

  /** `ADL 0` / `RML 0`: someone put you on or took you off their list (RL). */
  private onNotice(frame: Frame, added: boolean): void {
    if (frame.params[0] !== '0' || !frame.payload) return;
    let root;
    try {
      root = parseXml(frame.payload.toString('utf8'), 64 * 1024);
    } catch {
      return;
    }
    for (const d of childrenNamed(root, 'd')) {
      for (const c of childrenNamed(d, 'c')) {
        const domain = d.attributes['n'];
        const local = c.attributes['n'];
        if (!domain || !local || (Number(c.attributes['l'] ?? 0) & 8) === 0) continue;
        const email = `${local}@${domain}`.toLowerCase();
        if (!added) {
          this.ctx.model.removeFromList(email, 'RL');
          this.ctx.emitContact(email);
          continue;
        }
        const friendly = c.attributes['f'];
        const contact = this.ctx.model.addToList(email, 'RL', friendly ? { displayName: decodeName(friendly) } : {});
        if (!contact) continue;
        this.ctx.emitContact(email);
        if (!contact.lists.includes('AL') && !contact.lists.includes('BL')) {
          this.ctx.emit('added-you', { email, displayName: contact.displayName });
        }
      }
    }
  }
}

function role(list: ListName): MemberRole {
  const r = ROLE[list];
  if (!r) throw new MsnpError('invalid', `A client cannot change ${list}`);
  return r;
}
