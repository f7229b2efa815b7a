// Offline messages (MSNP13-18.md §10): the store, Store2 on /OimWS/oim.asmx with the lock-key
// challenge and quotas, the RSI service (GetMetadata, GetMessage, DeleteMessages) on
// /rsi/rsi.asmx, and the Mail-Data notifications on the notification server.
import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AL, BL, type Account } from './accounts';
import { msnp11Answer, product } from './challenge';
import { buildMime, parseMime } from './codec';
import type { Hub } from './hub';
import type { Command } from './notification';
import { authorize, envelope, fault, isReply, ok, type SoapReply, type SoapRequest } from './soap';
import { SERVICES } from './tokens';
import { child, descendants, escapeXml, textAt } from './xml';

const OIM_NS = 'http://messenger.msn.com/ws/2004/09/oim/';
const RSI_NS = 'http://www.hotmail.msn.com/ws/2004/09/oim/rsi';
const RM_NS = 'http://schemas.xmlsoap.org/ws/2003/03/rm';
const OIM_FOLDER = '00000000-0000-0000-0000-000000000009';
/** Above this many OIMs the Mail-Data is the text `too-large` and the client calls GetMetadata. */
const MAIL_DATA_MAX = 25;
/** Largest Content of one OIM (the MIME text as sent). */
export const MAX_OIM_BYTES = 16 * 1024;
export const DEFAULT_OIM_QUOTA = 100;
const RUN_ID = /^\{[0-9A-F]{8}-(?:[0-9A-F]{4}-){3}[0-9A-F]{12}\}$/i;

const StoredSchema = z.object({
  id: z.string(),
  to: z.string(),
  from: z.string(),
  fromName: z.string(),
  received: z.number(),
  read: z.boolean(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  body: z.string(),
});
export type StoredOim = z.infer<typeof StoredSchema>;

/** OIMs by recipient, in arrival order; optionally kept in `oims.json` in the state directory. */
export class OimStore {
  /** Per sender: the lock-key challenge its Store2 requests must answer. */
  readonly lockChallenges = new Map<string, string>();
  private readonly messages: StoredOim[] = [];
  private readonly path: string | undefined;

  constructor(
    readonly quota: number,
    stateDir?: string,
  ) {
    if (stateDir === undefined) return;
    mkdirSync(stateDir, { recursive: true });
    this.path = join(stateDir, 'oims.json');
    try {
      this.messages.push(...z.array(StoredSchema).parse(JSON.parse(readFileSync(this.path, 'utf8'))));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  for(email: string): StoredOim[] {
    return this.messages.filter((m) => m.to === email);
  }

  get(email: string, id: string): StoredOim | undefined {
    return this.messages.find((m) => m.to === email && m.id === id.toUpperCase());
  }

  add(m: StoredOim): void {
    this.messages.push(m);
    this.save();
  }

  markRead(m: StoredOim): void {
    m.read = true;
    this.save();
  }

  remove(email: string, ids: readonly string[]): void {
    const drop = new Set(ids.map((i) => i.toUpperCase()));
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i];
      if (m && m.to === email && drop.has(m.id)) this.messages.splice(i, 1);
    }
    this.save();
  }

  private save(): void {
    if (!this.path) return;
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.messages));
    renameSync(`${this.path}.tmp`, this.path);
  }
}

const b64word = (text: string) => `=?utf-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

/** The full RFC 822 text GetMessage returns. */
export function messageText(m: StoredOim): string {
  const date = new Date(m.received);
  const lines = [
    `X-Message-Info: ${Buffer.from(m.id).toString('base64')}`,
    `Received: from reference.oim by oim.reference with SMTP; ${date.toUTCString()}`,
    `From: ${b64word(m.fromName)} <${m.from}>`,
    `To: ${m.to}`,
    'Subject: ',
    'X-OIM-originatingSource: 127.0.0.1',
    'X-OIMProxy: MSNMSGR',
    ...m.headers.map(([k, v]) => `${k}: ${v}`),
    `Message-ID: <OIM-${m.id}@oim.reference>`,
    `X-OriginalArrivalTime: ${date.toUTCString()}`,
    `Date: ${date.toUTCString()}`,
    'Return-Path: ndr@oim.messenger.msn.com',
    '',
    m.body,
  ];
  return lines.join('\r\n');
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function mEntry(m: StoredOim, folder: string, withTime: boolean): string {
  return (
    `<M><T>11</T><S>6</S>${withTime ? `<RT>${iso(m.received)}</RT>` : ''}<RS>${m.read ? 1 : 0}</RS>` +
    `<SZ>${Buffer.byteLength(messageText(m))}</SZ><E>${escapeXml(m.from)}</E><I>${m.id}</I><F>${folder}</F>` +
    `<N>${escapeXml(b64word(m.fromName))}</N></M>`
  );
}

/** The `<MD>` document: mailbox counts, quotas and one `<M>` per stored OIM. */
export function metadata(hub: Hub, email: string, limit = Infinity): string {
  const list = hub.oims.for(email);
  if (list.length > limit) return 'too-large';
  const unread = list.filter((m) => !m.read).length;
  return (
    `<MD><E><I>${list.length}</I><IU>${unread}</IU><O>0</O><OU>0</OU></E><Q><QTM>409600</QTM><QNM>204800</QNM></Q>` +
    list.map((m) => mEntry(m, OIM_FOLDER, true)).join('') +
    '</MD>'
  );
}

/** The Mail-Data MSG sent after the first CHG (MSNP11+; empty below MSNP13). */
export function initialMailData(hub: Hub, email: string, dialect: number): Buffer {
  const md =
    dialect >= 13
      ? metadata(hub, email, MAIL_DATA_MAX)
      : '<MD><E><I>0</I><IU>0</IU><O>0</O><OU>0</OU></E><Q><QTM>409600</QTM><QNM>204800</QNM></Q></MD>';
  return buildMime(
    [
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/x-msmsgsinitialmdatanotification; charset=UTF-8'],
    ],
    `Mail-Data: ${md}\r\n\r\n`,
  );
}

function notifyPlaces(hub: Hub, email: string, payload: Buffer): void {
  for (const p of hub.sessionsOf(email))
    if (p.dialect >= 13 && p.present) p.conn.send('MSG', ['Hotmail', 'Hotmail'], payload);
}

// --- Store2 ----------------------------------------------------------------------------------

function oimFault(code: string, text: string, detail = ''): SoapReply {
  return fault(500, `q0:${code}`, text, detail);
}

function lockKeyFault(hub: Hub, sender: Account): SoapReply {
  const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
  hub.oims.lockChallenges.set(sender.email, challenge);
  hub.settings.log(`oim: lock-key challenge ${challenge} for ${sender.email}`);
  return oimFault(
    'AuthenticationFailed',
    'Exception of type System.Web.Services.Protocols.SoapException was thrown.',
    `<TweenerChallenge xmlns="http://messenger.msn.com/ws/2004/09/oim/">ct=${Math.floor(Date.now() / 1000)},rver=5.5.4177.0,wp=FS_40SEC_0_COMPACT,lc=1033,id=507</TweenerChallenge>` +
      `<LockKeyChallenge xmlns="http://messenger.msn.com/ws/2004/09/oim/">${challenge}</LockKeyChallenge>`,
  );
}

/** Whether the lock key answers the sender's current challenge with the product `appid`. */
function lockKeyRight(hub: Hub, sender: Account, appid: string | undefined, lockkey: string | undefined): boolean {
  const challenge = hub.oims.lockChallenges.get(sender.email);
  const p = product(appid);
  return !!challenge && !!p && p.kind === 'msnp11' && lockkey === msnp11Answer(challenge, p.id, p.key);
}

/** Why the MIME text of an OIM is unacceptable, or null. */
function contentProblem(text: string, sequence: string | undefined): string | null {
  const { headers, body } = parseMime(Buffer.from(text, 'utf8'));
  if (headers.get('mime-version') !== '1.0') return 'MIME-Version';
  if (!/^text\/plain\b/i.test(headers.get('content-type') ?? '')) return 'Content-Type';
  if ((headers.get('content-transfer-encoding') ?? '').toLowerCase() !== 'base64') return 'Content-Transfer-Encoding';
  if (headers.get('x-oim-message-type') !== 'OfflineMessage') return 'X-OIM-Message-Type';
  if (!RUN_ID.test(headers.get('x-oim-run-id') ?? '')) return 'X-OIM-Run-Id';
  if (sequence === undefined || headers.get('x-oim-sequence-num') !== sequence) return 'X-OIM-Sequence-Num';
  const lines = body.toString('latin1').split(/\r?\n/);
  if (lines.some((l) => l.length > 77)) return 'base64 line longer than 77';
  const b64 = lines.join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return 'body is not base64';
  return null;
}

function allowedBy(recipient: Account, sender: Account): boolean {
  const lists = recipient.contacts.get(sender.email)?.lists ?? 0;
  if (lists & BL) return false;
  return recipient.blp === 'AL' || (lists & AL) !== 0;
}

export function oimService(hub: Hub): (req: SoapRequest) => SoapReply {
  return (req) => {
    if (req.action.name !== 'MessageType') return oimFault('InvalidContent', `Unknown action ${req.action.name}`);
    const ticket = child(req.header, 'Ticket');
    const sender = authorize(hub, ticket?.attrs['passport'], SERVICES.messengerSecure);
    if (isReply(sender)) {
      // A fault without a LockKeyChallenge: the ticket itself is bad, get a new one.
      return oimFault(
        'AuthenticationFailed',
        'Ticket not valid',
        '<TweenerChallenge xmlns="http://messenger.msn.com/ws/2004/09/oim/">ct=1,rver=1</TweenerChallenge>',
      );
    }
    if (!lockKeyRight(hub, sender, ticket?.attrs['appid'], ticket?.attrs['lockkey'])) return lockKeyFault(hub, sender);
    const from = child(req.header, 'From')?.attrs['memberName']?.toLowerCase();
    const to = hub.store.get(child(req.header, 'To')?.attrs['memberName'] ?? '');
    if (from !== sender.email) return oimFault('SystemUnavailable', 'From is not the signed-in account');
    if (!to || to === sender || !allowedBy(to, sender)) return oimFault('SystemUnavailable', 'Recipient unavailable');
    if (textAt(req.body, 'MessageType') !== 'text') return oimFault('InvalidContent', 'MessageType must be text');
    const content = descendants(req.body, 'Content')[0]?.text ?? '';
    if (Buffer.byteLength(content) > MAX_OIM_BYTES) return oimFault('MessageTooLarge', `Over ${MAX_OIM_BYTES} bytes`);
    const sequence = textAt(descendants(req.header, 'Sequence')[0], 'MessageNumber');
    const problem = contentProblem(content, sequence);
    if (problem) return oimFault('InvalidContent', `Bad ${problem}`);
    if (hub.oims.for(to.email).length >= hub.oims.quota)
      return oimFault('QuotaExceeded', `${to.email} has too many offline messages`);
    const { headers, body } = parseMime(Buffer.from(content, 'utf8'));
    const order = [
      'mime-version',
      'content-type',
      'content-transfer-encoding',
      'x-oim-message-type',
      'x-oim-run-id',
      'x-oim-sequence-num',
    ];
    const names: Record<string, string> = {
      'mime-version': 'MIME-Version',
      'content-type': 'Content-Type',
      'content-transfer-encoding': 'Content-Transfer-Encoding',
      'x-oim-message-type': 'X-OIM-Message-Type',
      'x-oim-run-id': 'X-OIM-Run-Id',
      'x-oim-sequence-num': 'X-OIM-Sequence-Num',
    };
    deliver(
      hub,
      sender,
      to,
      order.map((k) => [names[k] ?? k, headers.get(k) ?? ''] as [string, string]),
      body.toString('latin1'),
    );
    return ok(
      envelope(
        `<StoreResponse xmlns="${OIM_NS}"><PointsConsumed>1</PointsConsumed></StoreResponse>`,
        `<SequenceAcknowledgment xmlns="${RM_NS}"><Identifier xmlns="http://schemas.xmlsoap.org/ws/2002/07/utility">http://messenger.msn.com</Identifier>` +
          `<AcknowledgmentRange Upper="${sequence ?? ''}" Lower="${sequence ?? ''}" /></SequenceAcknowledgment>`,
      ),
    );
  };
}

/** Stores an OIM and tells the recipient's signed-in places. */
function deliver(hub: Hub, sender: Account, to: Account, headers: Array<[string, string]>, body: string): void {
  const stored: StoredOim = {
    id: randomUUID().toUpperCase(),
    to: to.email,
    from: sender.email,
    fromName: sender.displayName,
    received: Date.now(),
    read: false,
    headers,
    body: body.replace(/\r?\n/g, '\r\n'),
  };
  hub.oims.add(stored);
  notifyPlaces(
    hub,
    to.email,
    buildMime(
      [
        ['MIME-Version', '1.0'],
        ['Content-Type', 'text/x-msmsgsoimnotification; charset=UTF-8'],
      ],
      `Mail-Data: <MD>${mEntry(stored, '.!!OIM', false)}<SU> </SU></MD>\r\n\r\n`,
    ),
  );
}

/**
 * MSNP18 `UUM trid email 1 1 len` (text/plain): offline text through the NS, stored as an OIM.
 * As on Escargot there is never a reply; a wrong network or type closes the connection.
 */
export const uum: Command['run'] = (s, trid, args, payload) => {
  const [email, network, type] = args;
  if (network !== '1' || type !== '1') {
    s.conn.close(`UUM network ${network ?? ''} type ${type ?? ''}`);
    return;
  }
  const sender = s.account as Account;
  const to = s.hub.store.get(email ?? '');
  const { headers, body } = parseMime(payload ?? Buffer.alloc(0));
  if (!to || to === sender || !allowedBy(to, sender) || !/^text\/plain\b/i.test(headers.get('content-type') ?? '')) {
    s.conn.log(`UUM ${trid} to ${email ?? ''} not stored`);
    return;
  }
  if (s.hub.oims.for(to.email).length >= s.hub.oims.quota || body.length > MAX_OIM_BYTES) return;
  const base64 = (body.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  deliver(
    s.hub,
    sender,
    to,
    [
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/plain; charset=UTF-8'],
      ['Content-Transfer-Encoding', 'base64'],
      ['X-OIM-Message-Type', 'OfflineMessage'],
      ['X-OIM-Run-Id', `{${randomUUID().toUpperCase()}}`],
    ],
    base64,
  );
};

// --- RSI -------------------------------------------------------------------------------------

function rsiTicket(req: SoapRequest): string | undefined {
  const cookie = child(req.header, 'PassportCookie');
  const t = textAt(cookie, 't');
  return t === undefined ? undefined : `t=${t}&p=${textAt(cookie, 'p') ?? ''}`;
}

const rsiResponse = (action: string, inner: string) =>
  ok(envelope(`<${action}Response xmlns="${RSI_NS}">${inner}</${action}Response>`));

export function rsiService(hub: Hub): (req: SoapRequest) => SoapReply {
  return (req) => {
    const account = authorize(hub, rsiTicket(req), SERVICES.messenger);
    if (isReply(account)) return account;
    const email = account.email;
    switch (req.action.name) {
      case 'GetMetadata':
        return rsiResponse('GetMetadata', metadata(hub, email));
      case 'GetMessage': {
        const m = hub.oims.get(email, textAt(req.action, 'messageId') ?? '');
        if (!m) return fault(500, 'soap:Client', 'No such message');
        if (textAt(req.action, 'alsoMarkAsRead') === 'true') hub.oims.markRead(m);
        return rsiResponse('GetMessage', `<GetMessageResult>${escapeXml(messageText(m))}</GetMessageResult>`);
      }
      case 'DeleteMessages': {
        const ids = descendants(child(req.action, 'messageIds'), 'messageId').map((n) => n.text.trim());
        if (ids.length === 0 || ids.some((id) => !hub.oims.get(email, id))) {
          return fault(500, 'soap:Client', 'Schema validation error: unknown message id');
        }
        hub.oims.remove(email, ids);
        notifyPlaces(
          hub,
          email,
          buildMime(
            [
              ['MIME-Version', '1.0'],
              ['Content-Type', 'text/x-msmsgsactivemailnotification; charset=UTF-8'],
            ],
            `Src-Folder: .!!OIM\r\nDest-Folder: .!!trAsH\r\nMessage-Delta: ${ids.length}\r\n\r\n`,
          ),
        );
        return rsiResponse('DeleteMessages', '');
      }
      default:
        return fault(500, 'soap:Client', `Unknown action ${req.action.name}`);
    }
  };
}
