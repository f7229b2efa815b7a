// The notification server's side of conversations: asking for a switchboard (`XFR SB`) and the
// invitations to one (`RNG`).
import { decodeName } from '../codec';
import type { ClientContext } from '../context';
import { MsnpError } from '../errors';
import type { SwitchboardTicket } from '../events';
import { parseHostPort } from '../login';

export class SwitchboardRequests {
  constructor(private readonly ctx: ClientContext) {
    ctx.handle('RNG', (frame) => this.onRing(frame.params));
  }

  /** Asks for a new switchboard (`XFR <trid> SB`). */
  requestSwitchboard(): Promise<SwitchboardTicket> {
    return this.ctx.run(() =>
      this.ctx.call(
        { name: 'XFR', params: ['SB'] },
        {
          map: (reply): SwitchboardTicket => {
            const [, kind, address, scheme, cookie] = reply.params;
            const target = parseHostPort(address);
            if (kind !== 'SB' || !target || scheme !== 'CKI' || cookie === undefined) {
              throw new MsnpError('protocol', 'The server sent an unusable switchboard address', { command: 'XFR' });
            }
            return { host: target.host, port: target.port, cookie };
          },
        },
      ),
    );
  }

  private onRing(params: readonly string[]): void {
    const [sessionId, address, scheme, cookie, callerEmail, callerFriendly] = params;
    const target = parseHostPort(address);
    if (sessionId === undefined || !target || scheme !== 'CKI' || cookie === undefined || callerEmail === undefined)
      return;
    this.ctx.emit('invitation', {
      sessionId,
      host: target.host,
      port: target.port,
      cookie,
      callerEmail,
      callerDisplayName: decodeName(callerFriendly ?? callerEmail),
    });
  }
}
