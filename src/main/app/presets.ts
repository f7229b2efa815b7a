// Servers offered on the sign-in screen. Anything else is a custom server the user types in,
// remembered with the account.
import { z } from 'zod';
import { ServerConfig, type ServerPreset } from '../../shared/schemas';

export const BUILT_IN_PRESETS: readonly ServerPreset[] = [
  {
    id: 'escargot',
    label: 'Escargot (public revival service)',
    server: { host: 'msnmsgr.escargot.chat', port: 1863, nexus: 'https://msnmsgr.escargot.chat/rdr/pprdr.asp' },
  },
  {
    id: 'local',
    label: 'A server on this computer',
    server: { host: '127.0.0.1', port: 1863 },
  },
];

/** Set by `npm run demo` (or by hand) to offer one more server first, e.g. a test server. */
export const PRESET_ENV = 'REVIVAL_MESSENGER_SERVER';

const EnvPreset = z.object({ label: z.string().min(1).max(100), server: ServerConfig });

/** The built-in presets, preceded by the one in the environment when it is well-formed. */
export function presetsFromEnvironment(env: Readonly<Record<string, string | undefined>>): ServerPreset[] {
  const raw = env[PRESET_ENV];
  if (raw === undefined || raw === '') return [...BUILT_IN_PRESETS];
  let parsed: ReturnType<typeof EnvPreset.safeParse>;
  try {
    parsed = EnvPreset.safeParse(JSON.parse(raw));
  } catch {
    return [...BUILT_IN_PRESETS];
  }
  return parsed.success ? [{ id: 'environment', ...parsed.data }, ...BUILT_IN_PRESETS] : [...BUILT_IN_PRESETS];
}
