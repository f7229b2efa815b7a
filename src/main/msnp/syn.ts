// The SYN list download: feeds the lines that follow a SYN into the contact-list model and knows
// when the download is complete (MSNP2–7: the last RL line; MSNP8+: the announced counts).
import type { Frame } from './codec';
import type { ContactList } from './contact-list';
import { parseClassicLst, parseLsg, parseLst, parsePrivacyValue, parseProperty, parseSynReply } from './lists';

/** The SYN command's params for a client that keeps no cached list. */
export function synParams(dialect: number): string[] {
  return dialect >= 10 ? ['0', '0'] : ['0'];
}

export class ListDownload {
  private replied = false;
  private done = false;
  private counts: { readonly contacts: number; readonly groups: number } | undefined;
  private contactsSeen = 0;
  private groupsSeen = 0;
  private reverseSeen = 0;

  constructor(
    private readonly dialect: number,
    private readonly model: ContactList,
    /** The TrID of the SYN; MSNP2–7 list lines repeat it. */
    private readonly trid: number,
  ) {}

  get complete(): boolean {
    return this.done;
  }

  /** Applies one frame; false when the frame is not part of the download. */
  feed(frame: Frame): boolean {
    const p = frame.params;
    const classic = this.dialect < 8;
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
    if (this.dialect < 8) {
      // Same version as the (empty) cache we announced: nothing follows.
      if (reply.version === undefined || reply.version === '0') this.done = true;
      return;
    }
    if (reply.counts === undefined) this.done = true;
    else this.counts = reply.counts;
  }

  private onList(params: readonly string[]): void {
    if (this.dialect < 8) {
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
