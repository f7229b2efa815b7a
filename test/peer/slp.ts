// MSNSLP, the SIP-like signalling carried in session 0 (P2P.md §4).
import { randomUUID } from 'node:crypto';
import { P2PError } from './packet';

export const EUF_MSN_OBJECT = '{A4268EEC-FEC5-49E5-95C3-F126696BDBF6}';
export const EUF_FILE = '{5D3E02AB-6190-11D3-BBBB-00C04F795683}';
export const CT_SESSION_REQ = 'application/x-msnmsgr-sessionreqbody';
export const CT_TRANS_REQ = 'application/x-msnmsgr-transreqbody';
export const CT_TRANS_RESP = 'application/x-msnmsgr-transrespbody';
export const CT_SESSION_CLOSE = 'application/x-msnmsgr-sessionclosebody';

export const guid = (): string => `{${randomUUID().toUpperCase()}}`;

export interface SlpFields {
  readonly to: string;
  readonly from: string;
  readonly branch: string;
  readonly cseq: number;
  readonly callId: string;
  readonly contentType: string;
}

export interface SlpMessage extends SlpFields {
  /** `INVITE` or `BYE` for requests; undefined for responses. */
  readonly method?: string;
  /** Status code of a response. */
  readonly status?: number;
  readonly headers: ReadonlyMap<string, string>;
  /** Body fields (`Name: value` lines), names lower-cased. */
  readonly body: ReadonlyMap<string, string>;
  /** Content-Length as declared (NaN when missing) and the body bytes actually present. */
  readonly contentLength: number;
  readonly bodyBytes: number;
}

/** A request (`INVITE MSNMSGR:to MSNSLP/1.0`) or a response (`MSNSLP/1.0 200 OK`). */
export function encodeSlp(
  start: { method: string } | { status: number; reason: string },
  f: SlpFields,
  body: ReadonlyArray<readonly [string, string]>,
): Buffer {
  const startLine =
    'method' in start ? `${start.method} MSNMSGR:${f.to} MSNSLP/1.0` : `MSNSLP/1.0 ${start.status} ${start.reason}`;
  const bodyBytes = Buffer.from(`${body.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n\0`, 'utf8');
  const head = [
    startLine,
    `To: <msnmsgr:${f.to}>`,
    `From: <msnmsgr:${f.from}>`,
    `Via: MSNSLP/1.0/TLP ;branch=${f.branch}`,
    // The trailing space is what official clients send.
    `CSeq: ${f.cseq} `,
    `Call-ID: ${f.callId}`,
    'Max-Forwards: 0',
    `Content-Type: ${f.contentType}`,
    `Content-Length: ${bodyBytes.length}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'utf8'), bodyBytes]);
}

function fieldLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

/** `<msnmsgr:x>`, `msnmsgr:x` or `x` → `x`. */
function address(value: string | undefined): string {
  return (value ?? '')
    .replace(/^<|>$/g, '')
    .replace(/^msnmsgr:/i, '')
    .toLowerCase();
}

/** Lenient reader: Content-Length is capped at the bytes present and trailing NULs are dropped. */
export function parseSlp(bytes: Buffer): SlpMessage {
  const split = bytes.indexOf('\r\n\r\n');
  if (split < 0) throw new P2PError('SLP message without a blank line');
  const [startLine = '', ...lines] = bytes.toString('utf8', 0, split).split('\r\n');
  const headers = fieldLines(lines.join('\r\n'));
  const declared = Number(headers.get('content-length') ?? NaN);
  const rest = bytes.subarray(split + 4);
  const bodyBytes = Number.isInteger(declared) && declared >= 0 ? rest.subarray(0, declared) : rest;
  const body = fieldLines(bodyBytes.toString('utf8').replace(/\0+$/, ''));
  const request = /^(INVITE|BYE|ACK) MSNMSGR:\S+ MSNSLP\/1\.0$/i.exec(startLine);
  const response = /^MSNSLP\/1\.0 (\d{3})(?: .*)?$/.exec(startLine);
  if (!request && !response) throw new P2PError(`not an SLP start line: ${JSON.stringify(startLine.slice(0, 80))}`);
  const branch = /branch=(\{[^}]*\})/i.exec(headers.get('via') ?? '')?.[1] ?? '';
  return {
    method: request?.[1]?.toUpperCase(),
    status: response ? Number(response[1]) : undefined,
    to: address(headers.get('to')),
    from: address(headers.get('from')),
    branch,
    cseq: Number((headers.get('cseq') ?? '0').trim()),
    callId: (headers.get('call-id') ?? '').toUpperCase(),
    contentType: (headers.get('content-type') ?? '').toLowerCase(),
    headers,
    body,
    contentLength: declared,
    bodyBytes: rest.length,
  };
}
