/**
 * The backup engines by name, loaded on first use. A caller goes through engineFor(repo) and the BackupEngine
 * interface (types.ts), never into an engine's folder.
 */
import type { BackupEngine, EngineName, RepoSpec } from './types';

export type { BackupEngine, EngineName, RepoSpec } from './types';
export { describeRepo, isRepoArgument, parseRepoSpec } from './repo-spec';

/** One line per engine. */
const ENGINES: Record<EngineName, () => Promise<BackupEngine>> = {
  pgbackrest: () => import('./pgbackrest/engine').then((m) => m.pgbackrestEngine),
  barman: () => import('./barman/engine').then((m) => m.barmanEngine),
  walg: () => import('./walg/engine').then((m) => m.walgEngine),
};

export function engineFor(repo: Pick<RepoSpec, 'engine'>): Promise<BackupEngine> {
  return ENGINES[repo.engine]();
}

/** Every engine found on PATH with its version (for "Add Backup Repository…"). */
export async function discoverEngines(): Promise<{ engine: EngineName; path: string; version: string }[]> {
  const found = await Promise.all(
    (Object.keys(ENGINES) as EngineName[]).map(async (engine) => {
      const e = await ENGINES[engine]().catch(() => undefined);
      const d = await e?.discover().catch(() => undefined);
      return d ? { engine, ...d } : undefined;
    }),
  );
  return found.filter((f) => f !== undefined);
}
