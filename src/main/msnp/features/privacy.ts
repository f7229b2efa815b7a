// Who may contact you (`BLP`) and whether to be asked when someone adds you (`GTC`).
import type { Privacy as PrivacySettings } from '../../../shared/schemas';
import type { ClientContext } from '../context';
import { MsnpError } from '../errors';
import { parsePrivacyValue } from '../lists';
import { privacyUpdateEnvelope } from '../soap/abch';
import { callAddressBook } from '../sync/abch';

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
      const current = this.ctx.model.privacy;
      // Address-book dialects keep these as annotations of your own entry; their servers close
      // the connection on BLP/GTC (MSNP13-18.md §1, §5.4).
      if (dialect.lists.sync === 'ABCH') {
        const wanted = {
          ...(change.blp !== undefined && change.blp !== current.blp ? { blp: change.blp } : {}),
          ...(change.gtc !== undefined && change.gtc !== current.gtc ? { gtc: change.gtc } : {}),
        };
        const soap = this.ctx.soap;
        if (Object.keys(wanted).length === 0) return;
        if (!soap) throw new MsnpError('state', 'Not signed in');
        await callAddressBook(soap, 'addressBook', 'ABContactUpdate', (t) => privacyUpdateEnvelope(t, wanted));
        this.ctx.applyPrivacy(wanted);
        return;
      }
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
