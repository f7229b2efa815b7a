// What the engine is built from, and so which dialects it speaks: those whose auth mechanism and
// list sync (named by the dialect table) are plugged in.
import { AUTH_MECHANISMS } from './auth';
import { dialectOf, dialectsUsing } from './dialects';
import { LIST_SYNCS } from './sync';

/** Dialects this engine speaks, highest first. */
export const SUPPORTED_DIALECTS: readonly number[] = dialectsUsing([...AUTH_MECHANISMS.keys()], [...LIST_SYNCS.keys()]);

/**
 * Offered unless older ones are asked for: MD5 sign-in works only for accounts whose server
 * still keeps an MD5 password hash, so those dialects are opt-in.
 */
export const DEFAULT_DIALECTS: readonly number[] = SUPPORTED_DIALECTS.filter((d) => dialectOf(d).auth !== 'MD5');
