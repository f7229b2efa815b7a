// Typed errors for the protocol engine. Every failure the engine reports (a numeric reply from the
// server, a refused password, a timeout, unreadable bytes) is an MsnpError, so callers branch on
// `kind` and `code` instead of parsing messages.

/**
 * - `server`: a numeric error reply (`code` set).
 * - `auth`: the server or Passport refused the credentials (`code` set when the server sent one).
 * - `timeout`: no reply within the allowed time.
 * - `network`: connecting failed or the connection closed.
 * - `protocol`: the server sent something this client cannot make sense of.
 * - `passport`: the Passport (HTTPS) service failed for a reason other than the credentials.
 * - `unsupported`: the operation does not exist in the negotiated dialect.
 * - `state`: the operation is not possible right now (e.g. not signed in, or cancelled).
 * - `invalid`: the caller's input cannot be sent (e.g. a name too long, an address with spaces).
 */
export type MsnpErrorKind =
  'server' | 'auth' | 'timeout' | 'network' | 'protocol' | 'passport' | 'unsupported' | 'state' | 'invalid';

interface ErrorInfo {
  readonly message: string;
  /** The server drops the connection (or the session is unusable) after this error. */
  readonly fatal: boolean;
}

const e = (message: string, fatal = false): ErrorInfo => ({ message, fatal });

/** Numeric error codes (MSNP2–12), worded for people. Wording follows Escargot where sources disagree. */
export const ERROR_TABLE: ReadonlyMap<number, ErrorInfo> = new Map([
  [200, e('Syntax error')],
  [201, e('Invalid parameter')],
  [203, e('Invalid federated user')],
  [204, e('Unroutable user')],
  [205, e('That account does not exist')],
  [206, e('Domain name missing')],
  [207, e('Already signed in')],
  [208, e('Invalid account name')],
  [209, e('That name is not allowed')],
  [210, e('The list is full')],
  [212, e('Unexpected error')],
  [213, e('Invalid rename request')],
  [215, e('Already on that list')],
  [216, e('Not on that list')],
  [217, e('That person is offline or not accepting messages')],
  [218, e('Already in that mode')],
  [219, e('That person is on the opposite list')],
  [220, e('Not accepting pages')],
  [223, e('Too many groups')],
  [224, e('Invalid group')],
  [225, e('That contact is not in the group')],
  [226, e('Group error')],
  [227, e('The group is not empty')],
  [228, e('A group with that name already exists')],
  [229, e('The group name is too long')],
  [230, e('That group cannot be removed')],
  [231, e('Invalid group')],
  [232, e('Invalid mobile number')],
  [233, e('Unknown mobile number')],
  [234, e('Unknown mobile domain')],
  [240, e('Empty domain or corrupted list', true)],
  [241, e('Invalid list modification')],
  [280, e('Switchboard failed')],
  [281, e('Transfer to switchboard failed')],
  [282, e('P2P error')],
  [283, e('Unknown UUN application')],
  [285, e('Message too long')],
  [290, e('Out of SMS funds')],
  [300, e('Required field missing')],
  [301, e('Too many hits to a search')],
  [302, e('Not signed in')],
  [402, e('Error accessing the contact list')],
  [403, e('Address book error')],
  [418, e('Try again later')],
  [420, e('Invalid account permissions')],
  [500, e('Internal server error', true)],
  [501, e('Database server error', true)],
  [502, e('Command disabled')],
  [504, e('Service unavailable')],
  [508, e('Federated partner error')],
  [509, e('Page-mode message error')],
  [510, e('File operation failed', true)],
  [511, e('Account banned')],
  [520, e('Memory allocation failed', true)],
  [540, e('Challenge response failed', true)],
  [600, e('Server busy', true)],
  [601, e('Server unavailable', true)],
  [602, e('Peer notification server down', true)],
  [603, e('Database connection failed', true)],
  [604, e('Server going down', true)],
  [605, e('Server unavailable', true)],
  [606, e('Paging unavailable')],
  [700, e('Could not create connection', true)],
  [707, e('Could not create connection', true)],
  [710, e('Bad client version parameters', true)],
  [711, e('Write is blocking', true)],
  [712, e('Session overloaded', true)],
  [713, e('Calling too rapidly')],
  [714, e('Too many sessions', true)],
  [715, e('Not expected')],
  [717, e('Bad friend file', true)],
  [718, e('User restricted')],
  [719, e('Session federated')],
  [726, e('User federated')],
  [731, e('Not expected')],
  [733, e('Roaming logoff')],
  [734, e('Too many endpoints')],
  [800, e('Changing too rapidly; wait a moment')],
  [910, e('Server too busy', true)],
  [911, e('Authentication failed', true)],
  [912, e('Server too busy', true)],
  [913, e('Not allowed while offline or appearing offline')],
  [914, e('Server unavailable', true)],
  [915, e('Server unavailable', true)],
  [916, e('Server unavailable', true)],
  [917, e('Authentication failed', true)],
  [918, e('Server busy', true)],
  [919, e('Server timed out', true)],
  [920, e('Not accepting new users')],
  [921, e('Server busy', true)],
  [922, e('Server busy', true)],
  [923, e('Kids Passport without parental consent', true)],
  [924, e('Passport account not yet verified', true)],
  [926, e('Managed user restrictions', true)],
  [927, e('Account suspended', true)],
  [928, e('Bad ticket', true)],
  [931, e('Account not on this server')],
  [933, e('Invalid contact list membership')],
  [935, e('Invalid signature')],
]);

/** Codes that mean the account itself was refused rather than the server failing. */
const AUTH_CODES = new Set([911, 917, 923, 924, 927, 928]);

export interface MsnpErrorOptions {
  readonly code?: number;
  readonly fatal?: boolean;
  /** The command that failed, e.g. `USR`. */
  readonly command?: string;
  readonly cause?: unknown;
}

export class MsnpError extends Error {
  readonly kind: MsnpErrorKind;
  readonly code: number | undefined;
  readonly fatal: boolean;
  readonly command: string | undefined;

  constructor(kind: MsnpErrorKind, message: string, options: MsnpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MsnpError';
    this.kind = kind;
    this.code = options.code;
    this.fatal = options.fatal ?? false;
    this.command = options.command;
  }
}

/** The typed error for a numeric reply such as `911 3`. */
export function serverError(code: number, command?: string): MsnpError {
  const info = ERROR_TABLE.get(code);
  return new MsnpError(AUTH_CODES.has(code) ? 'auth' : 'server', info?.message ?? `Unknown error ${code}`, {
    code,
    fatal: info?.fatal ?? false,
    ...(command === undefined ? {} : { command }),
  });
}

/** Whether a frame name is a numeric error code. */
export function isErrorCode(name: string): boolean {
  return /^\d{3}$/.test(name);
}

/** Anything thrown, as an MsnpError (an unexpected throw counts as a protocol error). */
export function asMsnpError(err: unknown): MsnpError {
  if (err instanceof MsnpError) return err;
  return new MsnpError('protocol', err instanceof Error ? err.message : String(err), { cause: err });
}
