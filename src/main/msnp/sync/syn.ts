// List sync by SYN (MSNP2–12): the client asks the notification server for the whole list and
// reads the lines that follow into the contact-list model, knowing when the download is complete
// (the `classic` form: the last RL line; later forms: the counts the SYN reply announces).
import type { Frame } from '../codec';
import type { ContactList } from '../contact-list';
import type { ClientContext } from '../context';
import { dialectOf, synLists, type Dialect, type DialectRef, type SynLists } from '../dialects';
import { MsnpError, asMsnpError, isErrorCode, serverError } from '../errors';
import { parseClassicLst, parseLsg, parseLst, parsePrivacyValue, parseProperty, parseSynReply } from '../lists';
import type { ListSync } from './list-sync';

/** The SYN command's params for a client that keeps no cached list. */
export function synParams(dialect: DialectRef): string[] {
  return synLists(dialect).form === 'keyed' ? ['0', '0'] : ['0'];
}

export const synListSync: ListSync = {
  name: 'SYN',
  pipelinesWithChg: true,
  download(ctx: ClientContext, timeoutMs: number): Promise<void> {
    const { connection, dialect } = ctx.session();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let detach = (): void => undefined;
      const settle = (error?: MsnpError): void => {
        clearTimeout(timer);
        detach();
        if (error) reject(error);
        else resolve();
      };
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            settle(
              new MsnpError('timeout', `The contact list did not arrive within ${timeoutMs} ms`, { command: 'SYN' }),
            ),
          timeoutMs,
        );
      };
      let trid: number;
      try {
        trid = connection.send('SYN', synParams(dialect));
      } catch (err) {
        reject(asMsnpError(err));
        return;
      }
      const list = new ListDownload(dialect, ctx.model, trid);
      detach = ctx.intercept({
        feed: (frame) => {
          if (isErrorCode(frame.name) && frame.params[0] === String(trid)) {
            settle(serverError(Number(frame.name), 'SYN'));
            return true;
          }
          if (!list.feed(frame)) return false;
          if (list.complete) settle();
          else arm();
          return true;
        },
        abort: settle,
      });
      arm();
    });
  },
};

export class ListDownload {
  private replied = false;
  private done = false;
  private counts: { readonly contacts: number; readonly groups: number } | undefined;
  private contactsSeen = 0;
  private groupsSeen = 0;
  private reverseSeen = 0;

  private readonly dialect: Dialect;
  private readonly lists: SynLists;

  constructor(
    dialect: DialectRef,
    private readonly model: ContactList,
    /** The TrID of the SYN; MSNP2–7 list lines repeat it. */
    private readonly trid: number,
  ) {
    this.dialect = dialectOf(dialect);
    this.lists = synLists(dialect);
  }

  get complete(): boolean {
    return this.done;
  }

  /** Applies one frame; false when the frame is not part of the download. */
  feed(frame: Frame): boolean {
    const p = frame.params;
    const classic = this.lists.form === 'classic';
    if (classic && frame.name !== 'BPR' && p[0] !== String(this.trid)) return false;
    switch (frame.name) {
      case 'SYN':
        if (p[0] !== String(this.trid)) return false;
        this.onReply(p);
        break;
      case 'GTC': {
        const value = parsePrivacyValue(p);
        if (value === 'A' || value === 'N') this.model.setPrivacy({ gtc: value });
        break;
      }
      case 'BLP': {
        const value = parsePrivacyValue(p);
        if (value === 'AL' || value === 'BL') this.model.setPrivacy({ blp: value });
        break;
      }
      case 'PRP': {
        const prop = parseProperty(p);
        if (prop?.key === 'MFN' && prop.value !== '') this.model.updateProfile({ displayName: prop.value });
        break;
      }
      case 'LSG': {
        const group = parseLsg(this.dialect, p);
        if (group) this.model.upsertGroup(group.id, group.name);
        this.groupsSeen++;
        break;
      }
      case 'LST':
        this.onList(p);
        break;
      case 'BPR': {
        const prop = parseProperty(p);
        if (prop) this.model.setPhone(prop.email, prop.key, prop.value);
        break;
      }
      default:
        return false;
    }
    this.checkComplete();
    return true;
  }

  private onReply(params: readonly string[]): void {
    this.replied = true;
    const reply = parseSynReply(this.dialect, params);
    if (this.lists.form === 'classic') {
      // Same version as the (empty) cache we announced: nothing follows.
      if (reply.version === undefined || reply.version === '0') this.done = true;
      return;
    }
    if (reply.counts === undefined) this.done = true;
    else this.counts = reply.counts;
  }

  private onList(params: readonly string[]): void {
    if (this.lists.form === 'classic') {
      const line = parseClassicLst(params);
      if (!line) return;
      if (line.entry) {
        const { email, displayName, groupIds } = line.entry;
        this.model.addToList(email, line.list, { displayName, groupIds });
      }
      // RL is always the last list sent, and its last line ends the download. Lines are counted
      // because Escargot's MSNP2–5 puts the total before the index.
      if (line.list === 'RL') {
        this.reverseSeen++;
        if (this.reverseSeen >= Math.max(line.index, line.total)) this.done = true;
      }
      return;
    }
    this.contactsSeen++;
    const entry = parseLst(this.dialect, params);
    if (!entry) return;
    this.model.setLists(entry.email, entry.lists, {
      displayName: entry.displayName,
      groupIds: entry.groupIds,
      ...(entry.guid === undefined ? {} : { guid: entry.guid }),
    });
  }

  private checkComplete(): void {
    if (this.done || !this.replied || this.counts === undefined) return;
    if (this.contactsSeen >= this.counts.contacts && this.groupsSeen >= this.counts.groups) this.done = true;
  }
}
