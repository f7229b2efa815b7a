// Who may contact you (`BLP`) and whether to be asked when someone adds you (`GTC`).
import type { Privacy as PrivacySettings } from '../../../shared/schemas';
import type { ClientContext } from '../context';
import { MsnpError } from '../errors';
import { parsePrivacyValue } from '../lists';

export class Privacy {
  constructor(private readonly ctx: ClientContext) {
    // The list download reads these itself; later ones (and MSNP2–7 servers sending them after
    // the lists) end up here.
    ctx.handle('GTC', (frame) => {
      const value = parsePrivacyValue(frame.params);
      if (value === 'A' || value === 'N') ctx.applyPrivacy({ gtc: value });
    });
    ctx.handle('BLP', (frame) => {
      const value = parsePrivacyValue(frame.params);
      if (value === 'AL' || value === 'BL') ctx.applyPrivacy({ blp: value });
    });
  }

  setPrivacy(change: Partial<PrivacySettings>): Promise<void> {
    return this.ctx.run(async ({ dialect }) => {
      // Address-book dialects keep these as annotations of your own entry; their servers close
      // the connection on BLP/GTC (MSNP13-18.md §1).
      if (dialect.lists.sync !== 'SYN') {
        throw new MsnpError('unsupported', `${dialect.name} keeps privacy settings in the address book`);
      }
      const current = this.ctx.model.privacy;
      if (change.blp !== undefined && change.blp !== current.blp) {
        const blp = change.blp;
        await this.ctx.call({ name: 'BLP', params: [blp] }, { map: () => this.ctx.applyPrivacy({ blp }) });
      }
      if (change.gtc !== undefined && change.gtc !== current.gtc) {
        const gtc = change.gtc;
        await this.ctx.call({ name: 'GTC', params: [gtc] }, { map: () => this.ctx.applyPrivacy({ gtc }) });
      }
    });
  }
}
