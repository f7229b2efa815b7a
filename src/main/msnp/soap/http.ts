// SOAP over HTTPS with node:https and the same TLS rules as Passport: the system roots plus the
// server entry's extra CA, plain HTTP only when the entry allows it, no redirects followed, a
// time limit, a bound on what is read, and the account's proxy when it has one. A fault (HTTP 200 or 500) becomes a SoapFault.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { MsnpError } from '../errors';
import { secureContextWith } from '../passport';
import { MAX_SOAP_BYTES, soapBody, type XmlElement } from './parse';
import type { Transport } from '../transport';
import type { XmlFragment } from './xml';

export interface SoapCall {
  /** Named in errors, e.g. `RST` or `ABFindAll`. */
  readonly service: string;
  readonly url: string;
  readonly envelope: XmlFragment;
  /** The `SOAPAction` header, when the service wants one. */
  readonly action?: string;
  /** Extra CA (PEM) trusted for this server. */
  readonly ca?: string | Buffer;
  /** Allows plain HTTP (never by default). */
  readonly allowInsecure?: boolean;
  /** Default 15 s. */
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
  /** Proxy and trace for the request. Default: direct. */
  readonly transport?: Transport;
}

interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** Posts the envelope and resolves with the response's SOAP Body; rejects with an MsnpError or SoapFault. */
export async function callSoap(call: SoapCall): Promise<XmlElement> {
  const answer = await post(call);
  const looksLikeSoap = /<(?:\w+:)?Envelope[\s>]/.test(answer.body);
  if ((answer.status === 200 || answer.status === 500) && looksLikeSoap) {
    return soapBody(answer.body, call.service, call.maxBytes);
  }
  throw new MsnpError('server', `${call.service} answered HTTP ${answer.status} without a SOAP response`, {
    command: call.service,
  });
}

function post(call: SoapCall): Promise<HttpAnswer> {
  let url: URL;
  try {
    url = new URL(call.url);
  } catch {
    return Promise.reject(new MsnpError('invalid', `Invalid ${call.service} address ${JSON.stringify(call.url)}`));
  }
  const insecure = url.protocol === 'http:';
  if (!insecure && url.protocol !== 'https:') {
    return Promise.reject(new MsnpError('invalid', `Unsupported ${call.service} address ${url.origin}`));
  }
  if (insecure && !call.allowInsecure) {
    return Promise.reject(
      new MsnpError(
        'invalid',
        `Refusing to send ${call.service} over plain HTTP (${url.host}); the server entry does not allow it`,
      ),
    );
  }
  const body = Buffer.from(call.envelope.text, 'utf8');
  const maxBytes = call.maxBytes ?? MAX_SOAP_BYTES;
  const timeoutMs = call.timeoutMs ?? 15_000;
  const headers = {
    'Content-Type': 'text/xml; charset=utf-8',
    'Content-Length': String(body.length),
    ...(call.action === undefined ? {} : { SOAPAction: `"${call.action}"` }),
  };
  // The inspector shows SOAP like any other traffic; the trace masks passwords and tokens itself.
  const trace = call.transport?.trace;
  const traceId = trace?.active ? trace.open('soap') : undefined;
  if (traceId !== undefined) trace?.http(traceId, 'out', `POST ${url.href}`, headers, body);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: MsnpError): void => {
      if (settled) return;
      settled = true;
      if (traceId !== undefined) trace?.note(traceId, `${call.service} failed: ${error.message}`);
      reject(error);
    };
    const common = {
      method: 'POST',
      headers,
      agent: call.transport?.httpAgent(!insecure) ?? (false as const),
      ...(call.signal ? { signal: call.signal } : {}),
    };
    const req = insecure
      ? httpRequest(url, common)
      : httpsRequest(url, { ...common, ...(call.ca ? { secureContext: secureContextWith(call.ca) } : {}) });
    req.setTimeout(timeoutMs, () => {
      req.destroy(new MsnpError('timeout', `${call.service} (${url.host}) did not answer within ${timeoutMs} ms`));
    });
    req.on('error', (err) => {
      if (err instanceof MsnpError) fail(err);
      else if (call.signal?.aborted) fail(new MsnpError('state', 'Cancelled'));
      else fail(new MsnpError('network', `${call.service} unavailable (${url.host}): ${err.message}`, { cause: err }));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          fail(new MsnpError('protocol', `${call.service} sent more than ${maxBytes} bytes`));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const answer = Buffer.concat(chunks);
        if (traceId !== undefined) {
          const status = `HTTP ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trim();
          trace?.http(traceId, 'in', status, res.headers, answer);
        }
        resolve({ status: res.statusCode ?? 0, body: answer.toString('utf8') });
      });
      res.on('error', (err) => fail(new MsnpError('network', `${call.service}: ${err.message}`, { cause: err })));
    });
    req.end(body);
  });
}
