// The auth mechanisms the engine is built with. A dialect is spoken only when the mechanism its
// table row names is here.
import type { AuthMechanismName } from '../dialects';
import { md5 } from './md5';
import type { AuthMechanism } from './mechanism';
import { sso } from './sso';
import { twn } from './twn';

export const AUTH_MECHANISMS: ReadonlyMap<AuthMechanismName, AuthMechanism> = new Map(
  [sso, twn, md5].map((m) => [m.name, m] as const),
);
