// A list-sync module downloads the contact list at sign-in into the context's model: `SYN` on the
// notification server (MSNP2–12), or the ABCH address book over SOAP (MSNP13+). The dialect
// table names which one a dialect uses.
import type { ClientContext } from '../context';
import type { ListSyncName } from '../dialects';

export interface ListSync {
  readonly name: ListSyncName;
  /** Resolves once the whole list is in `ctx.model`; rejects with an MsnpError (a timeout after `timeoutMs` of silence). */
  download(ctx: ClientContext, timeoutMs: number): Promise<void>;
}
