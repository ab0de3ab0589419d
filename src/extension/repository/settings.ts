import type { EngineName, RepoSpec } from '../../core/engines/types';
import { PgBackupError } from '../../core/errors';
import type { Ctx } from '../context';

const ENGINES: readonly EngineName[] = ['pgbackrest', 'barman', 'walg'];

/**
 * The backup repository a saved connection names (`"repository": { "engine": "pgbackrest", "name": "main",
 * "config": "/etc/pgbackrest/pgbackrest.conf" }` beside its host and port), or undefined. Nothing secret is kept
 * there: S3 keys live in the engine's environment. A hand-written value that is not one is ignored.
 */
export function repositoryOf(conn: object | undefined): RepoSpec | undefined {
  const r = (conn as { repository?: unknown } | undefined)?.repository;
  if (!r || typeof r !== 'object') return undefined;
  const { engine, name, config } = r as Record<string, unknown>;
  if (!ENGINES.includes(engine as EngineName) || typeof name !== 'string' || !name.trim()) return undefined;
  return {
    engine: engine as EngineName,
    name: name.trim(),
    ...(typeof config === 'string' && config.trim() ? { config: config.trim() } : {}),
  };
}

/** `pgbackrest:main` (the CLI's `<repo>`). */
export const repoText = (r: RepoSpec): string => `${r.engine}:${r.name}`;

/** The saved connection's repository; a usage error naming the connection when it has none. */
export function savedRepository(ctx: Ctx, connection: string): RepoSpec {
  const saved = ctx.config.connections().find((c) => c.profile.name === connection);
  if (!saved) throw new PgBackupError(`No saved connection named "${connection}".`, 'usage');
  const repo = repositoryOf(saved.profile);
  if (!repo)
    throw new PgBackupError(`Connection "${connection}" has no backup repository.`, 'usage', {
      hint: 'Add one with "Add Backup Repository…" on the connection.',
    });
  return repo;
}

/** Writes (or, with undefined, removes) the connection's repository in the settings scope the connection lives in. */
export async function saveRepository(ctx: Ctx, connection: string, repo: RepoSpec | undefined): Promise<void> {
  const saved = ctx.config.connections().find((c) => c.profile.name === connection);
  if (!saved) throw new PgBackupError(`No saved connection named "${connection}".`, 'usage');
  const list = ctx.config.connectionsIn(saved.scope) as (object & { name: string; repository?: RepoSpec })[];
  const updated = list.map((p) => {
    if (p.name !== connection) return p;
    const { repository: _old, ...rest } = p;
    return repo ? { ...rest, repository: repo } : rest;
  });
  await ctx.config.saveConnections(saved.scope, updated as never);
}
