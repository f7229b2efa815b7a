// Typed P2P failures. A session ends with one of these; the conversation carries on.

/**
 * - `malformed`: a packet or SLP message that cannot be read (wrong lengths, offsets beyond the
 *   total, bad numbers, unreadable context).
 * - `unknown-session`: data for a session that does not exist.
 * - `too-large`: a message larger than this client accepts for its kind.
 * - `v2`: the peer spoke P2P v2, which this client does not implement.
 * - `declined`: the peer answered with 603 (or another refusal).
 * - `cancelled`: either side cancelled (`by` tells who).
 * - `closed`: the switchboard closed or the peer left it.
 * - `timeout`: the peer stopped answering.
 * - `integrity`: the bytes do not match the object's SHA1D or size.
 * - `io`: reading or writing the local file failed.
 * - `unavailable`: the peer cannot do P2P, or there is no way to reach them.
 */
export type P2PErrorKind =
  | 'malformed'
  | 'unknown-session'
  | 'too-large'
  | 'v2'
  | 'declined'
  | 'cancelled'
  | 'closed'
  | 'timeout'
  | 'integrity'
  | 'io'
  | 'unavailable';

export class P2PError extends Error {
  readonly by: 'you' | 'peer' | undefined;

  constructor(
    readonly kind: P2PErrorKind,
    message: string,
    options: { by?: 'you' | 'peer'; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'P2PError';
    this.by = options.by;
  }
}
