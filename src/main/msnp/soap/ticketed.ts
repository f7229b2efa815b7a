// A SOAP call with one of the session's tickets. When the service says the ticket expired, it is
// renewed (SSO asks the login service again) and the call is made once more, so a long session
// keeps working without signing out. The address book, the sharing service and offline-message
// retrieval all go this way.
import type { SoapAccess } from '../context';
import type { SoapEndpoints } from './endpoints';
import { SoapFault } from './fault';
import { callSoap } from './http';
import type { XmlElement } from './parse';
import type { ServiceName } from './rst';
import type { XmlFragment } from './xml';

/** A fault meaning the ticket expired (or the service no longer takes it), not the request was wrong. */
export function ticketRefused(err: unknown): boolean {
  return err instanceof SoapFault && (err.kind === 'auth' || /TokenExpired|PassportAuthFail/.test(err.detail ?? ''));
}

export interface TicketedCall {
  /** Which of the session's tickets opens the service. */
  readonly ticket: ServiceName;
  /** Where the service is. */
  readonly endpoint: keyof SoapEndpoints;
  /** Named in errors, e.g. `ABFindAll`. */
  readonly service: string;
  /** The `SOAPAction` header. */
  readonly action: string;
  readonly envelope: (ticket: string) => XmlFragment;
}

export async function callWithTicket(soap: SoapAccess, request: TicketedCall): Promise<XmlElement> {
  const call = async (renew: boolean): Promise<XmlElement> =>
    callSoap({
      ...soap.call,
      service: request.service,
      url: soap.url(request.endpoint),
      action: request.action,
      envelope: request.envelope(await soap.ticket(request.ticket, renew)),
    });
  try {
    return await call(false);
  } catch (err) {
    if (!ticketRefused(err)) throw err;
    return call(true);
  }
}
