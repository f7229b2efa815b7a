// A list-sync module downloads the contact list at sign-in into the context's model: `SYN` on the
// notification server (MSNP2–12), or the ABCH address book over SOAP (MSNP13+). The dialect
// table names which one a dialect uses.
import type { ClientContext } from '../context';
import type { ListSyncName } from '../dialects';

export interface ListSync {
  readonly name: ListSyncName;
  /**
   * True when the notification server answers the download before it reads a `CHG` sent behind
   * it (SYN), so going online may travel with it; false when the server needs the list first.
   */
  readonly pipelinesWithChg: boolean;
  /** Resolves once the whole list is in `ctx.model`; rejects with an MsnpError (a timeout after `timeoutMs` of silence). */
  download(ctx: ClientContext, timeoutMs: number): Promise<void>;
}
