// Presence fan-out: what each signed-in user is told about the contacts on their forward list.
import { encodeName, type Param } from './codec';
import { FL } from './accounts';
import { visibleTo, type Hub } from './hub';
import type { NsSession } from './notification';

const EMPTY_MSN_OBJECT = encodeName('<msnobj/>');

/** Presence params of `user` as a client of `dialect` expects them after the status. */
function presenceParams(user: NsSession, dialect: number): Param[] {
  const out: Param[] = [user.status ?? 'FLN', user.email, user.friendly];
  if (dialect >= 8) out.push(user.clientId);
  if (dialect >= 9) out.push(user.msnObject ?? EMPTY_MSN_OBJECT);
  return out;
}

/**
 * Brings what `watcher` knows about `email` up to date: NLN or FLN when it changed, or ILN with
 * `ilnTrid` (initial presence after CHG, or after adding the contact). MSNP11+ also gets UBX when
 * the contact appears.
 */
export function updateView(watcher: NsSession, email: string, ilnTrid?: string): void {
  if (!watcher.present) return;
  const subject = visibleTo(watcher.hub, email, watcher.email);
  const params = subject && presenceParams(subject, watcher.dialect);
  const key = params ? params.join(' ') : null;
  const before = watcher.seen.get(email);
  if ((before ?? null) === key) return;
  watcher.seen.set(email, key);
  if (!subject || !params) {
    if (before) watcher.conn.send('FLN', [email]);
    return;
  }
  if (ilnTrid !== undefined) watcher.conn.send('ILN', [ilnTrid, ...params]);
  else watcher.conn.send('NLN', params);
  if (watcher.dialect >= 11 && !before) watcher.conn.send('UBX', [email], subject.personalMessage);
}

/** Re-evaluates `email`'s presence for everyone who has it on their forward list. */
export function announce(hub: Hub, email: string): void {
  for (const w of hub.online.values()) {
    if (((w.account?.contacts.get(email)?.lists ?? 0) & FL) !== 0) updateView(w, email);
  }
}
