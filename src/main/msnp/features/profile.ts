// Your own status, display name and personal message: the operations that change them, the
// `PRP` lines that report them, and what to restore whenever a session starts.
import { SettableStatus } from '../../../shared/schemas';
import { encodeName } from '../codec';
import { displayNameCommand, statusCommand } from '../commands';
import type { ContactList } from '../contact-list';
import type { ClientContext } from '../context';
import { MsnpError } from '../errors';
import { parseProperty, personalMessagePayload, privateEndpointPayload } from '../lists';

const MAX_DISPLAY_NAME_BYTES = 387;
const MAX_PERSONAL_MESSAGE = 129;

export interface ProfileOptions {
  /** Status to appear with. Default `NLN`. */
  readonly status?: SettableStatus;
  /** Personal message to set at sign-in; without it the server's stays untouched. */
  readonly personalMessage?: string;
  /** Capability bits sent with `CHG` where the dialect has them. */
  readonly clientId: number;
  /** Your display picture's msnobj XML, advertised with every `CHG` where the dialect has MSN objects. */
  readonly msnObject?: string;
  /** This place's GUID and name, sent where the dialect has multiple places (MSNP16+). */
  readonly place: { readonly machineGuid: string; readonly name: string };
}

export class Profile {
  private desiredStatus: SettableStatus;
  /** The personal message to restore; undefined until one is set. */
  private desiredPersonalMessage: string | undefined;
  private readonly clientId: number;
  /** The msnobj advertised with every CHG, kept for reconnections; undefined for no picture. */
  private desiredMsnObject: string | undefined;
  private readonly place: ProfileOptions['place'];

  constructor(
    private readonly ctx: ClientContext,
    options: ProfileOptions,
  ) {
    this.desiredStatus = options.status ?? 'NLN';
    this.desiredPersonalMessage = options.personalMessage;
    this.clientId = options.clientId;
    this.desiredMsnObject = options.msnObject;
    this.place = options.place;
    ctx.handle('PRP', (frame) => {
      const prop = parseProperty(frame.params);
      if (prop?.key === 'MFN' && prop.value !== '') ctx.applyProfile({ displayName: prop.value });
    });
  }

  /** A new session's model starts with the personal message the user set. */
  seed(model: ContactList): void {
    model.updateProfile({ personalMessage: this.desiredPersonalMessage ?? '' });
  }

  setStatus(status: SettableStatus): Promise<void> {
    if (!SettableStatus.options.includes(status))
      return Promise.reject(new MsnpError('invalid', `Not a status: ${String(status)}`));
    return this.ctx.run(async ({ dialect }) => {
      await this.ctx.call(statusCommand(dialect, status, this.clientId, this.desiredMsnObject), {
        map: () => this.ctx.applyProfile({ status }),
      });
      this.desiredStatus = status;
      // The account's other places show this place's own status.
      if (dialect.capabilities.multiplePlaces) await this.sendPlace(status);
    });
  }

  /** Advertises a new display picture (its msnobj XML, exactly as built), or none with `undefined`. */
  setMsnObject(msnObject: string | undefined): Promise<void> {
    return this.ctx.run(async ({ dialect }) => {
      if (!dialect.capabilities.msnObjects) {
        throw new MsnpError('unsupported', 'Display pictures need MSNP9 or later');
      }
      await this.ctx.call(statusCommand(dialect, this.desiredStatus, this.clientId, msnObject));
      this.desiredMsnObject = msnObject;
    });
  }

  setDisplayName(displayName: string): Promise<void> {
    const name = displayName.trim();
    return this.ctx.run(async ({ dialect }) => {
      if (name === '' || encodeName(name).length > MAX_DISPLAY_NAME_BYTES) {
        throw new MsnpError('invalid', 'A display name must be 1 to 129 characters');
      }
      await this.ctx.call(displayNameCommand(dialect, this.ctx.model.profile.email, name), {
        map: () => this.ctx.applyProfile({ displayName: name }),
      });
    });
  }

  setPersonalMessage(text: string): Promise<void> {
    return this.ctx.run(async ({ dialect }) => {
      if (!dialect.capabilities.personalMessage) {
        throw new MsnpError('unsupported', 'Personal messages need MSNP11 or later');
      }
      if (text.length > MAX_PERSONAL_MESSAGE) {
        throw new MsnpError('invalid', `A personal message is at most ${MAX_PERSONAL_MESSAGE} characters`);
      }
      await this.sendPersonalMessage(text);
    });
  }

  /** What going online sends: `CHG` with the wanted status, then the personal message where the dialect has one. */
  onlineSteps(): Array<() => Promise<unknown>> {
    const { dialect } = this.ctx.session();
    const status = this.desiredStatus;
    const personalMessage = this.desiredPersonalMessage;
    const steps: Array<() => Promise<unknown>> = [
      () =>
        this.ctx.call(statusCommand(dialect, status, this.clientId, this.desiredMsnObject), {
          map: () => this.ctx.model.updateProfile({ status }),
        }),
    ];
    if (dialect.capabilities.personalMessage && personalMessage !== undefined) {
      steps.push(() => this.sendPersonalMessage(personalMessage));
    }
    if (dialect.capabilities.multiplePlaces) steps.push(() => this.sendPlace(status));
    return steps;
  }

  /**
   * The account's personal message as the server has it (set at another place, or in an earlier
   * session): shown as ours, and what a reconnection restores.
   */
  adoptPersonalMessage(text: string): void {
    if (text === this.ctx.model.profile.personalMessage) return;
    this.desiredPersonalMessage = text;
    this.ctx.applyProfile({ personalMessage: text });
  }

  /** `UUX` with this place's name and status, which the account's other places list (MSNP16+). */
  private sendPlace(status: SettableStatus): Promise<unknown> {
    return this.ctx.call(
      { name: 'UUX', params: [] },
      { payload: privateEndpointPayload({ name: this.place.name, status }) },
    );
  }

  private sendPersonalMessage(text: string): Promise<void> {
    const { dialect } = this.ctx.session();
    const guid = dialect.capabilities.multiplePlaces ? this.place.machineGuid : undefined;
    return this.ctx.call(
      { name: 'UUX', params: [] },
      {
        payload: personalMessagePayload(text, guid),
        map: () => {
          this.desiredPersonalMessage = text;
          this.ctx.applyProfile({ personalMessage: text });
        },
      },
    );
  }
}
