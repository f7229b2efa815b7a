// MSNSLP (P2P.md §4): the SIP-like signalling carried in session 0. Requests (INVITE, BYE) and
// responses (200 OK, 603 Decline, …), each a start line, headers, a blank line and a body of
// `Name: value` lines ended by one NUL byte that Content-Length counts.
import { randomUUID } from 'node:crypto';

export const EUF_GUID = {
  MSN_OBJECT: '{A4268EEC-FEC5-49E5-95C3-F126696BDBF6}',
  FILE: '{5D3E02AB-6190-11D3-BBBB-00C04F795683}',
} as const;

export const SlpContentType = {
  SESSION_REQUEST: 'application/x-msnmsgr-sessionreqbody',
  TRANSPORT_REQUEST: 'application/x-msnmsgr-transreqbody',
  TRANSPORT_RESPONSE: 'application/x-msnmsgr-transrespbody',
  SESSION_CLOSE: 'application/x-msnmsgr-sessionclosebody',
} as const;

/** An upper-case GUID in braces, as official clients write them. */
export function newGuid(): string {
  return `{${randomUUID().toUpperCase()}}`;
}

export interface SlpMessage {
  /** `INVITE` / `BYE` for requests; undefined for responses. */
  readonly method?: string;
  /** The status code of a response (200, 603, …). */
  readonly status?: number;
  readonly reason?: string;
  /** The address of the request line (`MSNMSGR:<to>`), for requests. */
  readonly target?: string;
  readonly to: string;
  readonly from: string;
  readonly branch: string;
  readonly cseq: number;
  readonly callId: string;
  readonly contentType: string;
  /** Body fields, names lower-cased. */
  readonly body: ReadonlyMap<string, string>;
}

export interface SlpRequest {
  readonly method: 'INVITE' | 'BYE';
  readonly to: string;
  readonly from: string;
  readonly branch: string;
  readonly callId: string;
  readonly cseq?: number;
  readonly contentType: string;
  readonly body: ReadonlyArray<readonly [string, string]>;
}

export interface SlpResponse {
  readonly status: number;
  readonly reason: string;
  readonly to: string;
  readonly from: string;
  readonly branch: string;
  readonly callId: string;
  readonly cseq?: number;
  readonly contentType: string;
  readonly body: ReadonlyArray<readonly [string, string]>;
}

function bodyBytes(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  const text = fields.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

function encode(startLine: string, m: SlpRequest | SlpResponse, cseq: number): Buffer {
  const body = bodyBytes(m.body);
  const head =
    `${startLine}\r\n` +
    `To: <msnmsgr:${m.to}>\r\n` +
    `From: <msnmsgr:${m.from}>\r\n` +
    `Via: MSNSLP/1.0/TLP ;branch=${m.branch}\r\n` +
    `CSeq: ${cseq} \r\n` +
    `Call-ID: ${m.callId}\r\n` +
    `Max-Forwards: 0\r\n` +
    `Content-Type: ${m.contentType}\r\n` +
    `Content-Length: ${body.length}\r\n` +
    `\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), body]);
}

export function encodeRequest(m: SlpRequest): Buffer {
  return encode(`${m.method} MSNMSGR:${m.to} MSNSLP/1.0`, m, m.cseq ?? 0);
}

export function encodeResponse(m: SlpResponse): Buffer {
  return encode(`MSNSLP/1.0 ${m.status} ${m.reason}`, m, m.cseq ?? 1);
}

const ADDRESS_IN_BRACKETS = /^<?\s*msnmsgr:([^>;\s]+)[^>]*>?$/i;

function address(value: string | undefined): string {
  const m = ADDRESS_IN_BRACKETS.exec((value ?? '').trim());
  return (m?.[1] ?? '').toLowerCase();
}

function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!out.has(key)) out.set(key, line.slice(colon + 1).trim());
  }
  return out;
}

/**
 * Parses a complete SLP message; undefined when it is not one. Lenient as P2P.md §4.1 asks:
 * header names in any case, the body capped at the bytes present, trailing NULs stripped,
 * addresses with or without brackets.
 */
export function parseSlp(bytes: Buffer): SlpMessage | undefined {
  const sep = bytes.indexOf('\r\n\r\n');
  if (sep < 0) return undefined;
  const head = bytes.toString('utf8', 0, sep).split('\r\n');
  const startLine = head[0] ?? '';
  const headers = fields(head.slice(1).join('\r\n'));
  const declared = Number(headers.get('content-length'));
  const bodyStart = sep + 4;
  const bodyEnd =
    Number.isSafeInteger(declared) && declared >= 0 ? Math.min(bytes.length, bodyStart + declared) : bytes.length;
  const body = fields(bytes.toString('utf8', bodyStart, bodyEnd).replace(/\0+$/, ''));
  const via = headers.get('via') ?? '';
  const branch = /branch=(\{[^}]*\})/i.exec(via)?.[1] ?? '';
  const cseq = Number((headers.get('cseq') ?? '0').trim());
  const common = {
    to: address(headers.get('to')),
    from: address(headers.get('from')),
    branch,
    cseq: Number.isSafeInteger(cseq) ? cseq : 0,
    callId: headers.get('call-id') ?? '',
    contentType: (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '',
    body,
  };
  const response = /^MSNSLP\/1\.0\s+(\d{3})\s*(.*)$/i.exec(startLine);
  if (response) return { ...common, status: Number(response[1]), reason: response[2] ?? '' };
  const request = /^([A-Z]+)\s+MSNMSGR:(\S+)\s+MSNSLP\/1\.0$/i.exec(startLine);
  if (request) return { ...common, method: (request[1] ?? '').toUpperCase(), target: (request[2] ?? '').toLowerCase() };
  return undefined;
}

/** A body field by name, case-insensitively. */
export function bodyField(m: SlpMessage, name: string): string | undefined {
  return m.body.get(name.toLowerCase());
}
