// SOAP faults as typed errors: the fault code and text the service sent, and what they mean
// for the session (a refused password reads as refused credentials, like a 911 or a 401).
import { MsnpError } from '../errors';

/** Fault codes (local names) that mean the credentials or the ticket were refused. */
const AUTH_FAULTS = new Set(['FailedAuthentication', 'InvalidSecurityToken', 'AuthenticationFailed']);

export class SoapFault extends MsnpError {
  /** As sent, e.g. `wsse:FailedAuthentication`. */
  readonly faultCode: string;
  /** The code without its namespace prefix, e.g. `FailedAuthentication`. */
  readonly faultName: string;
  readonly faultText: string;
  /** The fault detail as text (e.g. Passport's `reqstatus` or a lock-key challenge), when present. */
  readonly detail: string | undefined;
  /** The detail's elements by local name, each with its text (e.g. `LockKeyChallenge`). */
  readonly detailFields: ReadonlyMap<string, string>;

  constructor(
    service: string,
    faultCode: string,
    faultText: string,
    detail?: string,
    detailFields: ReadonlyMap<string, string> = new Map(),
  ) {
    const name = faultCode.slice(faultCode.lastIndexOf(':') + 1);
    super(
      AUTH_FAULTS.has(name) ? 'auth' : 'server',
      `${service} refused the request: ${faultText || name || 'SOAP fault'}`,
      { command: service },
    );
    this.name = 'SoapFault';
    this.faultCode = faultCode;
    this.faultName = name;
    this.faultText = faultText;
    this.detail = detail;
    this.detailFields = detailFields;
  }
}
