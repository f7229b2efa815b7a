// Presence fan-out: what each signed-in user is told about the contacts on their forward list,
// in the syntax of the watcher's dialect (MSNP13-18.md §7.1, §7.4), and, from MSNP16, what each
// place of an account is told about the account's other places (§8).
import { encodeName, type Param } from './codec';
import { FL } from './accounts';
import { visibleTo, type Hub } from './hub';
import type { NsSession } from './notification';
import { escapeXml } from './xml';

const EMPTY_MSN_OBJECT = encodeName('<msnobj/>');

/** `email`, or `1:email` (network 1 = Windows Live) from MSNP18. */
export function handle(email: string, dialect: number): string {
  return dialect >= 18 ? `1:${email}` : email;
}

/** The capabilities as a watcher of `dialect` sees them: `caps` up to MSNP15, `caps:capsEx` from 16. */
export function capsFor(user: NsSession, dialect: number): string {
  return dialect >= 16 ? `${user.clientId}:${user.capsEx}` : String(user.clientId);
}

/** Presence params of `user` as a client of `dialect` expects them after the status. */
function presenceParams(user: NsSession, dialect: number): Param[] {
  const out: Param[] = [user.status ?? 'FLN', handle(user.email, dialect)];
  if (dialect >= 14 && dialect <= 17) out.push(1);
  out.push(user.friendly);
  if (dialect >= 8) out.push(capsFor(user, dialect));
  if (dialect >= 9) out.push(user.msnObject ?? EMPTY_MSN_OBJECT);
  return out;
}

function offlineParams(email: string, dialect: number): Param[] {
  if (dialect <= 13) return [email];
  if (dialect <= 15) return [email, 1, 0];
  if (dialect <= 17) return [email, 1, '0:0'];
  return [handle(email, dialect), '0:0'];
}

function ubxParams(email: string, dialect: number): Param[] {
  return dialect >= 14 && dialect <= 17 ? [email, 1] : [handle(email, dialect)];
}

/**
 * What a watcher of `dialect` gets in UBX for `user`: the personal-message `<Data>` as set, and
 * from MSNP16 one EndpointData per place of the account (plus, to the account itself, the
 * PrivateEndpointData of each place).
 */
export function ubxPayload(user: NsSession, dialect: number, self: boolean): Buffer {
  const psm = user.personalMessage.toString('utf8');
  if (dialect < 16) return user.personalMessage;
  const places = user.hub.sessionsOf(user.email).filter((p) => p.machineGuid !== undefined);
  if (places.length === 0) return user.personalMessage;
  const endpoints = places
    .map(
      (p) => `<EndpointData id="${p.machineGuid ?? ''}"><Capabilities>${capsFor(p, 16)}</Capabilities></EndpointData>`,
    )
    .join('');
  const privates = self
    ? places
        .map((p) => {
          const e = p.endpoint;
          return (
            `<PrivateEndpointData id="${p.machineGuid ?? ''}"><EpName>${escapeXml(e.name)}</EpName>` +
            // Escargot leaves `<Idle>` out unless the place is idle.
            `${e.idle ? '<Idle>true</Idle>' : ''}<ClientType>${escapeXml(e.clientType)}</ClientType>` +
            `<State>${escapeXml(e.state || (p.status ?? 'NLN'))}</State></PrivateEndpointData>`
          );
        })
        .join('')
    : '';
  const inner = psm.replace(/^<Data>/, '').replace(/<\/Data>$/, '');
  return Buffer.from(`<Data>${inner}${endpoints}${privates}</Data>`);
}

/**
 * Brings what `watcher` knows about `email` up to date: NLN or FLN when it changed, or ILN with
 * `ilnTrid` (initial presence after CHG, or after adding the contact; NLN from MSNP18). MSNP11+
 * also gets UBX when the contact appears.
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
    if (before) watcher.conn.send('FLN', offlineParams(email, watcher.dialect));
    return;
  }
  if (ilnTrid !== undefined && watcher.dialect < 18) watcher.conn.send('ILN', [ilnTrid, ...params]);
  else watcher.conn.send('NLN', params);
  if (watcher.dialect >= 11 && !before) sendUbx(watcher, subject);
}

export function sendUbx(watcher: NsSession, subject: NsSession): void {
  const self = watcher.email === subject.email;
  const payload = watcher.dialect >= 13 ? ubxPayload(subject, watcher.dialect, self) : subject.personalMessage;
  watcher.conn.send('UBX', ubxParams(subject.email, watcher.dialect), payload);
}

/** MSNP16+: every present place of the account is told the account's own presence and places. */
export function selfPresence(hub: Hub, email: string): void {
  const places = hub.sessionsOf(email);
  const shown = hub.online.get(email);
  if (!shown) return;
  for (const p of places) {
    if (p.dialect < 16 || !p.present) continue;
    p.conn.send('NLN', presenceParams(shown, p.dialect));
    sendUbx(p, shown);
  }
}

/** Re-evaluates `email`'s presence for everyone who has it on their forward list. */
export function announce(hub: Hub, email: string): void {
  for (const w of hub.allSessions()) {
    if (((w.account?.contacts.get(email)?.lists ?? 0) & FL) !== 0) updateView(w, email);
  }
}

/** After a UUX: the new personal message to everyone who currently sees the account online. */
export function announceData(hub: Hub, email: string): void {
  const subject = hub.online.get(email);
  if (!subject) return;
  for (const w of hub.allSessions()) {
    if (w.dialect >= 11 && w.email !== email && w.seen.get(email)) sendUbx(w, subject);
  }
  selfPresence(hub, email);
}
