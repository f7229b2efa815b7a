// This installation's machine GUID: where an account can be signed in at several places
// (MSNP16+) the server tells places apart by it, and a second sign-in with the same GUID replaces
// the first. So it is made once and kept in the app's data folder, and every sign-in uses it.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BRACED_GUID } from '../../shared/schemas';

const FILE = 'machine-guid';

/**
 * The GUID kept in `dataDir`, made and saved the first time (or when the file was damaged). When
 * it cannot be saved, this run still uses a new one and `reportError` says why.
 */
export function installationGuid(dataDir: string, reportError: (message: string) => void = () => undefined): string {
  const path = join(dataDir, FILE);
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (BRACED_GUID.test(kept)) return kept.toUpperCase();
  } catch {
    // Not made yet (or unreadable): make one below.
  }
  const guid = `{${randomUUID().toUpperCase()}}`;
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, `${guid}\n`, { mode: 0o600 });
  } catch (err) {
    reportError(
      `This computer's identity for signing in at several places could not be saved: ${
        err instanceof Error ? err.message : String(err)
      }`,
    );
  }
  return guid;
}
