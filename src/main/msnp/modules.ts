// What the engine is built from, and so which dialects it speaks: those whose auth mechanism and
// list sync (named by the dialect table) are plugged in.
import { AUTH_MECHANISMS } from './auth';
import { dialectOf, dialectsUsing } from './dialects';
import { LIST_SYNCS } from './sync';

/** Dialects this engine speaks, highest first. */
export const SUPPORTED_DIALECTS: readonly number[] = dialectsUsing([...AUTH_MECHANISMS.keys()], [...LIST_SYNCS.keys()]);

/**
 * Offered unless others are asked for: every dialect from Passport 1.4 (MSNP8) up, so a server
 * picks its newest. MD5 sign-in works only for accounts whose server still keeps an MD5 password
 * hash, so the dialects that use it are opt-in.
 */
export const DEFAULT_DIALECTS: readonly number[] = SUPPORTED_DIALECTS.filter((d) => dialectOf(d).auth !== 'MD5');

/** Offered with `legacyProtocols`: the defaults and the MD5 dialects below them. */
export const LEGACY_DIALECTS: readonly number[] = SUPPORTED_DIALECTS;
