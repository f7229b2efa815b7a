// The list-sync modules the engine is built with. A dialect is spoken only when the list sync its
// table row names is here.
import type { ListSyncName } from '../dialects';
import { abchListSync } from './abch';
import type { ListSync } from './list-sync';
import { synListSync } from './syn';

export const LIST_SYNCS: ReadonlyMap<ListSyncName, ListSync> = new Map(
  [synListSync, abchListSync].map((s) => [s.name, s] as const),
);
