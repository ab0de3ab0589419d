/**
 * The backup engines by name, loaded on first use. A caller goes through engineFor(repo) and the BackupEngine
 * interface (types.ts), never into an engine's folder.
 */
import { PgBackupError } from '../errors';
import type { BackupEngine, EngineName, RepoSpec } from './types';

export type { BackupEngine, EngineName, RepoSpec } from './types';
export { describeRepo, isRepoArgument, parseRepoSpec } from './repo-spec';

const notBuiltIn = (name: string) => async (): Promise<BackupEngine> => {
  throw new PgBackupError(`The ${name} engine is not built into this pg-backup.`, 'tool-missing');
};

/** One line per engine; barman and walg live in ./barman and ./walg (their own branch fills these lines in). */
const ENGINES: Record<EngineName, () => Promise<BackupEngine>> = {
  pgbackrest: () => import('./pgbackrest/engine').then((m) => m.pgbackrestEngine),
  barman: notBuiltIn('Barman'),
  walg: notBuiltIn('WAL-G'),
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
