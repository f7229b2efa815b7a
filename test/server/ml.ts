// MSNP13+ list commands on the notification server: ADL, RML (initial and incremental list
// uploads in `<ml>` XML) and FQY (network lookup), plus the server-sent ADL 0 / RML 0 and NOT.
import { AL, BL, FL, RL, type Account } from './accounts';
import { encodeName } from './codec';
import type { Hub } from './hub';
import type { Command, NsSession } from './notification';
import { announce, updateView } from './presence';
import { escapeXml, parseXml, XmlError, type XmlNode } from './xml';

/** List bits a client may send; RL (8) and PL (16) belong to the server. */
const CLIENT_BITS = FL | AL | BL;
/** Network types: Passport, LCS, phone, MNI, circle, SMTP, Yahoo. Only Passport accounts exist here. */
const NETWORKS = new Set(['1', '2', '4', '8', '9', '16', '32']);
const ML_MAX_BYTES = 32 * 1024;

/** `<ml>` with one contact. `friendly` is already URL-encoded. */
export function mlEntry(email: string, lists: number, friendly?: string): Buffer {
  const [local = '', domain = ''] = email.split('@');
  const f = friendly === undefined ? '' : ` f="${escapeXml(friendly)}"`;
  return Buffer.from(`<ml><d n="${escapeXml(domain)}"><c n="${escapeXml(local)}" t="1" l="${lists}"${f} /></d></ml>`);
}

/** "Your address book changed elsewhere": the ABCH NOT of MSNP13-18.md §7.7. */
export function abchNotification(owner: Account): Buffer {
  const data =
    '<NotificationData xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<Service>ABCHInternal</Service><CID>${5_000_000_000 + owner.memberId}</CID>` +
    `<LastModifiedDate>${new Date().toISOString()}</LastModifiedDate><HasNewItem>false</HasNewItem></NotificationData>`;
  return Buffer.from(
    `<NOTIFICATION id="0" siteid="45705" siteurl="http://contacts.msn.com"><TO pid="0x0:0x${owner.memberId.toString(16)}" name="${escapeXml(owner.email)}">` +
      `<VIA agent="messenger" /></TO><MSG id="0"><SUBSCR url="s.htm" /><ACTION url="a.htm" /><BODY>${escapeXml(data)}</BODY></MSG></NOTIFICATION>`,
  );
}

/**
 * Tells `target`'s signed-in places that `actor` added or removed them (reverse list): ADD/REM
 * (MSNP2–9), ADC/REM (10–12), or ADL 0/RML 0 plus an address-book NOT (13+).
 */
export function notifyReverse(hub: Hub, actor: Account, target: Account, added: boolean): void {
  const friendly = encodeName(actor.displayName);
  for (const t of hub.sessionsOf(target.email)) {
    if (t.dialect >= 13) {
      t.conn.send(added ? 'ADL' : 'RML', [0], mlEntry(actor.email, RL, added ? friendly : undefined));
      t.conn.send('NOT', [], abchNotification(target));
    } else if (t.dialect <= 9) {
      t.conn.send(added ? 'ADD' : 'REM', [0, 'RL', target.version, actor.email, ...(added ? [friendly] : [])]);
    } else if (added) {
      t.conn.send('ADC', [0, 'RL', `N=${actor.email}`, `F=${friendly}`]);
    } else {
      t.conn.send('REM', [0, 'RL', actor.email]);
    }
  }
}

interface Entry {
  readonly email: string;
  readonly lists: number;
}

/** Parses an ADL/RML payload; returns an error code (and whether to hang up) instead when it is bad. */
function readMl(
  payload: Buffer | undefined,
  needLists: boolean,
): { initial: boolean; entries: Entry[] } | { code: number; close: boolean; why: string } {
  let root: XmlNode;
  try {
    root = parseXml(payload ?? Buffer.alloc(0), ML_MAX_BYTES);
  } catch (err) {
    if (!(err instanceof XmlError)) throw err;
    return { code: 241, close: true, why: err.message };
  }
  if (root.name !== 'ml') return { code: 241, close: true, why: `root <${root.name}>` };
  const domains = new Set<string>();
  const entries: Entry[] = [];
  for (const d of root.children) {
    const domain = (d.attrs['n'] ?? '').toLowerCase();
    if (d.name !== 'd' || domain === '' || domains.has(domain)) {
      return { code: 241, close: true, why: `bad or repeated domain ${domain}` };
    }
    domains.add(domain);
    if (d.children.length === 0) return { code: 240, close: true, why: `empty domain ${domain}` };
    for (const c of d.children) {
      const local = c.attrs['n'] ?? '';
      const lists = Number(c.attrs['l'] ?? (needLists ? NaN : 0));
      if (c.name !== 'c' || local === '' || !Number.isInteger(lists) || lists < 0 || (lists & ~CLIENT_BITS) !== 0) {
        return { code: 241, close: true, why: `bad contact ${local}@${domain}` };
      }
      if (needLists && lists === 0) return { code: 241, close: true, why: `no lists for ${local}@${domain}` };
      const t = c.attrs['t'];
      if (t !== undefined && !NETWORKS.has(t)) return { code: 204, close: true, why: `network ${t}` };
      entries.push({ email: `${local}@${domain}`.toLowerCase(), lists });
    }
  }
  return { initial: root.attrs['l'] === '1', entries };
}

function bitsOf(lists: number): number[] {
  return [FL, AL, BL].filter((b) => lists & b);
}

function adlRml(add: boolean): Command['run'] {
  return (s, trid, _args, payload) => {
    const a = s.account as Account;
    const ml = readMl(payload, true);
    if ('code' in ml) {
      s.conn.error(ml.code, trid);
      if (ml.close) s.conn.close(`${add ? 'ADL' : 'RML'}: ${ml.why}`);
      return;
    }
    s.synced = true;
    const store = s.hub.store;
    const targets = ml.entries.map((e) => store.get(e.email));
    if (targets.some((t) => !t || t === a)) return s.conn.error(208, trid);
    // The initial upload only states what the client loaded from the address book, which this
    // server already has: like Escargot it is acknowledged and changes nothing.
    const added: Account[] = [];
    const removed: Account[] = [];
    let privacy = false;
    if (!(ml.initial && add)) {
      ml.entries.forEach((e, i) => {
        const target = targets[i] as Account;
        const had = a.contacts.get(target.email)?.lists ?? 0;
        for (const bit of bitsOf(e.lists)) {
          if (((had & bit) !== 0) === add) continue;
          store.setList(a, target.email, bit, add);
          if (bit === FL) (add ? added : removed).push(target);
          else privacy = true;
        }
      });
      store.commit(a, ...added, ...removed);
    }
    s.conn.send(add ? 'ADL' : 'RML', [trid, 'OK']);
    for (const t of added) notifyReverse(s.hub, a, t, true);
    for (const t of removed) {
      for (const mine of s.hub.sessionsOf(a.email)) mine.seen.delete(t.email);
      notifyReverse(s.hub, a, t, false);
    }
    if (privacy) announce(s.hub, a.email);
    // A contact (newly) on the forward list: its presence follows the OK.
    if (add) for (const e of ml.entries) if (e.lists & FL) updateView(s, e.email);
  };
}

function fqy(s: NsSession, trid: string, _args: readonly string[], payload: Buffer | undefined): void {
  const ml = readMl(payload, false);
  if ('code' in ml || ml.entries.length !== 1) {
    s.conn.error(241, trid);
    s.conn.close('FQY must name exactly one contact');
    return;
  }
  const [entry] = ml.entries as [Entry];
  if (!s.hub.store.get(entry.email)) return s.conn.error(208, trid);
  const [local = '', domain = ''] = entry.email.split('@');
  s.conn.send('FQY', [trid], `<ml><d n="${escapeXml(domain)}"><c n="${escapeXml(local)}" t="1" /></d></ml>`);
}

export const ML_COMMANDS: Record<string, Command> = {
  ADL: { run: adlRml(true), min: 13, closeOutside: true },
  RML: { run: adlRml(false), min: 13, closeOutside: true },
  FQY: { run: fqy, min: 14, closeOutside: true },
};
