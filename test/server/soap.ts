// SOAP over the server's HTTPS: request reading (size-bounded), envelopes, faults, and the ticket
// check every service shares. The services themselves are in sso.ts, abch.ts and oim.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Account } from './accounts';
import type { Hub } from './hub';
import type { Service } from './tokens';
import { child, escapeXml, parseXml, XmlError, type XmlNode } from './xml';

/** Largest SOAP request accepted; an OIM or a big ADL-era address book edit fits easily. */
export const MAX_SOAP_BYTES = 256 * 1024;

export interface SoapRequest {
  readonly path: string;
  readonly header: XmlNode | undefined;
  readonly body: XmlNode;
  /** The first element of the Body, e.g. `ABFindAll`. */
  readonly action: XmlNode;
}

export interface SoapReply {
  readonly status: number;
  /** Absent for bare error pages (403 with no body). */
  readonly xml?: string;
}

export type SoapHandler = (req: SoapRequest) => SoapReply;

export function envelope(body: string, header = ''): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
    (header ? `<soap:Header>${header}</soap:Header>` : '') +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

/** A SOAP 1.1 fault; `detail` is already XML. */
export function fault(status: number, code: string, text: string, detail = ''): SoapReply {
  return {
    status,
    xml: envelope(
      `<soap:Fault><faultcode>${escapeXml(code)}</faultcode><faultstring>${escapeXml(text)}</faultstring>` +
        (detail ? `<detail>${detail}</detail>` : '') +
        '</soap:Fault>',
    ),
  };
}

/** The address-book style fault: `detail/errorcode`. */
export function abFault(errorcode: string, text: string, status = 500): SoapReply {
  return fault(
    status,
    'soap:Client',
    text,
    `<errorcode xmlns="http://www.msn.com/webservices/AddressBook">${errorcode}</errorcode><errorstring>${escapeXml(text)}</errorstring>`,
  );
}

export const ok = (xml: string): SoapReply => ({ status: 200, xml });

/**
 * Checks a ticket for `service`: unknown tickets, tickets of another service and accounts with no
 * signed-in notification session get a bare 403 (as Escargot does); an expired ticket gets a
 * `TokenExpired` fault so that a client knows to renew it.
 */
export function authorize(hub: Hub, ticket: string | undefined, service: Service): Account | SoapReply {
  const token = ticket === undefined ? undefined : hub.tokens.find(ticket);
  if (!token || (token.service !== '*' && token.service !== service)) return { status: 403 };
  if (token.expires <= Date.now()) {
    return fault(
      500,
      'wsse:FailedAuthentication',
      'The security token has expired',
      '<errorcode>TokenExpired</errorcode>',
    );
  }
  const account = hub.store.get(token.email);
  if (!account || !hub.isSignedIn(account.email)) return { status: 403 };
  return account;
}

export const isReply = (x: Account | SoapReply): x is SoapReply => 'status' in x;

/** Reads the request body; null when it is over `limit` (the rest is drained, up to a point). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      // Drained so that the client can read the 413; a sender that goes on and on is cut off.
      else if (size > 64 * limit) req.destroy();
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Answers one POST: parse, route by path, reply. Never throws. */
export async function serveSoap(
  req: IncomingMessage,
  res: ServerResponse,
  routes: ReadonlyMap<string, SoapHandler>,
  log: (line: string) => void,
): Promise<void> {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const handler = routes.get(path);
  const reply = (r: SoapReply) => {
    if (res.headersSent) return;
    const body = r.xml === undefined ? undefined : Buffer.from(r.xml);
    res.writeHead(r.status, {
      'Content-Length': body?.length ?? 0,
      ...(body ? { 'Content-Type': 'text/xml; charset=utf-8' } : {}),
    });
    res.end(body);
  };
  if (!handler) {
    reply({ status: 404 });
    req.resume();
    return;
  }
  const raw = await readBody(req, MAX_SOAP_BYTES).catch(() => null);
  if (raw === null) {
    reply(fault(413, 'soap:Client', `Request larger than ${MAX_SOAP_BYTES} bytes`));
    return;
  }
  let envelopeNode: XmlNode;
  try {
    envelopeNode = parseXml(raw, MAX_SOAP_BYTES);
  } catch (err) {
    if (!(err instanceof XmlError)) throw err;
    log(`soap ${path}: ${err.message}`);
    reply(fault(500, 'soap:Client', `Invalid request: ${err.message}`));
    return;
  }
  const body = child(envelopeNode, 'Body');
  const action = body?.children[0];
  if (envelopeNode.name !== 'Envelope' || !body || !action) {
    reply(fault(500, 'soap:Client', 'Invalid request: no SOAP Body action'));
    return;
  }
  log(`soap ${path} ${action.name}`);
  try {
    reply(handler({ path, header: child(envelopeNode, 'Header'), body, action }));
  } catch (err) {
    log(`soap ${path} ${action.name} internal error: ${(err as Error).stack ?? String(err)}`);
    reply(fault(500, 'soap:Server', 'Internal error'));
  }
}
