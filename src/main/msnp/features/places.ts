// Your other places (MPOP, MSNP16+): the account's own `UBX` lists every place it is signed in
// at; this keeps the others, signs them out on request (`UUN … 4` + `goawyplzthxbye`), and
// notices when another place signs this one out (the same, received as `UBN`).
import type { ClientContext } from '../context';
import { MsnpError } from '../errors';
import type { Place } from '../events';
import { handleEmail, parseEndpoints } from '../lists';

/** The `UUN`/`UBN` type that asks a place to sign out, and its payload (protocol notes §7.6). */
export const SIGN_OUT_TYPE = '4';
export const SIGN_OUT_PAYLOAD = 'goawyplzthxbye';

/** The command that asks the place `guid` of `email` to sign out. */
export function signOutPlaceCommand(email: string, guid: string): { name: 'UUN'; params: string[]; payload: string } {
  return { name: 'UUN', params: [`${email};${guid}`, SIGN_OUT_TYPE], payload: SIGN_OUT_PAYLOAD };
}

export class Places {
  private list: Place[] = [];

  constructor(
    private readonly ctx: ClientContext,
    /** This place's GUID: the one entry of the account's own list that is not another place. */
    private readonly machineGuid: string,
    /** Another place of the account signed this one out; `from` names it when known. */
    private readonly signedOutElsewhere: (from: Place | undefined) => void,
  ) {
    ctx.handle('UBN', (frame) => {
      const [handle, type] = frame.params;
      const dialect = ctx.dialect;
      if (handle === undefined || !dialect?.capabilities.multiplePlaces) return;
      // Only the account itself may sign its places out; the same type from anyone else means nothing.
      if (handleEmail(dialect, handle).toLowerCase() !== ctx.email || type !== SIGN_OUT_TYPE) return;
      if (frame.payload?.toString('utf8').trim() !== SIGN_OUT_PAYLOAD) return;
      const guid = handle.split(';')[1]?.toLowerCase();
      this.signedOutElsewhere(this.list.find((p) => p.id.toLowerCase() === guid));
    });
  }

  /** The other places, in the server's order. */
  get others(): Place[] {
    return this.list;
  }

  /** The account's own `UBX` arrived (from presence): it lists every place, this one included. */
  ownData(payload: Buffer | undefined): void {
    if (!this.ctx.dialect?.capabilities.multiplePlaces) return;
    const own = this.machineGuid.toLowerCase();
    const next = parseEndpoints(payload).filter((p) => p.id.toLowerCase() !== own);
    if (samePlaces(this.list, next)) return;
    this.list = next;
    if (this.ctx.announced) this.ctx.emit('places', this.list);
  }

  /** A session starts or ends: the places it knew are no longer known. */
  reset(): void {
    this.list = [];
  }

  /** Once the session is announced: where else the account is signed in, where the dialect can say. */
  announce(): void {
    if (this.ctx.dialect?.capabilities.multiplePlaces) this.ctx.emit('places', this.list);
  }

  /**
   * Asks every other place to sign out; resolves with how many were asked once the server took
   * each request. A place that left meanwhile (`217`) counts as done; the list updates when the
   * server reports the places that remain.
   */
  signOutOthers(): Promise<number> {
    return this.ctx.run(async ({ dialect }) => {
      if (!dialect.capabilities.multiplePlaces) {
        throw new MsnpError('unsupported', 'Signing in at several places needs MSNP16 or later');
      }
      const targets = [...this.list];
      const results = await Promise.allSettled(
        targets.map((place) => {
          const { name, params, payload } = signOutPlaceCommand(this.ctx.email, place.id);
          return this.ctx.call({ name, params }, { payload });
        }),
      );
      for (const result of results) {
        if (result.status === 'rejected' && !(result.reason instanceof MsnpError && result.reason.code === 217)) {
          throw result.reason;
        }
      }
      return targets.length;
    });
  }
}

function samePlaces(a: readonly Place[], b: readonly Place[]): boolean {
  return (
    a.length === b.length && a.every((p, i) => p.id === b[i]?.id && p.name === b[i].name && p.state === b[i].state)
  );
}
