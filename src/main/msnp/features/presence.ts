// Contacts' presence: `ILN` (the initial burst), `NLN`, `FLN` and `UBX` (personal messages), and
// the announcement that opens a session to the app: signed in, the whole list, who is online,
// who is waiting for an answer.
import type { Contact } from '../../../shared/schemas';
import { isPendingAddition } from '../contact-list';
import type { ClientContext } from '../context';
import { handleEmail, hasPersonalMessage, parsePersonalMessage, parsePresence } from '../lists';
import type { Places } from './places';
import type { Profile } from './profile';

export class Presence {
  constructor(
    private readonly ctx: ClientContext,
    places: Places,
    profile: Profile,
  ) {
    ctx.handle('ILN', (frame) => this.onPresence('ILN', frame.params));
    ctx.handle('NLN', (frame) => this.onPresence('NLN', frame.params));
    ctx.handle('FLN', (frame) => {
      const email = this.emailOf(frame.params[0]);
      if (email !== undefined) this.update(email, () => ctx.model.setPresence(email, { status: 'FLN' }));
    });
    ctx.handle('UBX', (frame) => {
      const email = this.emailOf(frame.params[0]);
      const text = parsePersonalMessage(frame.payload);
      // The account's own UBX (MSNP16+) lists where else it is signed in, and carries the personal
      // message as the account has it, perhaps just set at another place.
      if (email?.toLowerCase() === ctx.email) {
        places.ownData(frame.payload);
        if (hasPersonalMessage(frame.payload)) profile.adoptPersonalMessage(text);
      }
      if (email !== undefined) this.update(email, () => ctx.model.setPersonalMessage(email, text));
    });
  }

  /** Reports the new session, then lets changes through. */
  announce(reconnected: boolean): void {
    const { ctx } = this;
    const { model } = ctx;
    const dialect = ctx.dialect?.version ?? 0;
    ctx.emit('signed-in', { protocol: `MSNP${dialect}`, dialect, profile: model.profile, reconnected });
    ctx.emit('contact-list', { contacts: model.contacts(), groups: model.groups(), privacy: model.privacy });
    ctx.announced = true;
    for (const contact of model.contacts()) if (contact.status !== 'FLN') ctx.emit('presence', contact);
    // People who added us while we were offline are asked about once per sign-in, as the classic
    // client did; a reconnection would only ask again about the same people.
    if (!reconnected) {
      for (const contact of model.contacts()) {
        if (isPendingAddition(contact))
          ctx.emit('added-you', { email: contact.email, displayName: contact.displayName });
      }
    }
  }

  private emailOf(handle: string | undefined): string | undefined {
    const dialect = this.ctx.dialect;
    return handle === undefined || !dialect ? undefined : handleEmail(dialect, handle);
  }

  private onPresence(name: 'ILN' | 'NLN', params: readonly string[]): void {
    const dialect = this.ctx.dialect;
    const line = dialect && parsePresence(dialect, name, params);
    if (!line) return;
    this.update(line.email, () =>
      this.ctx.model.setPresence(line.email, {
        status: line.status,
        displayName: line.displayName,
        ...(line.clientId === undefined ? {} : { clientId: line.clientId }),
        ...(line.msnObject === undefined ? {} : { msnObject: line.msnObject }),
      }),
    );
  }

  /** Applies a presence change and reports it when something visible changed (servers repeat themselves). */
  private update(email: string, apply: () => Contact | undefined): void {
    const before = this.ctx.model.get(email);
    const after = apply();
    if (!after || !this.ctx.announced || (before && samePresence(before, after))) return;
    this.ctx.emit('presence', after);
  }
}

function samePresence(a: Contact, b: Contact): boolean {
  return (
    a.status === b.status &&
    a.displayName === b.displayName &&
    a.personalMessage === b.personalMessage &&
    a.clientId === b.clientId &&
    a.msnObject === b.msnObject
  );
}
