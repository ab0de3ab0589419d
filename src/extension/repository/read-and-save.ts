import { engineFor } from '../../core/engines';
import type { RepoInfo, RepoSpec } from '../../core/engines/types';
import type { Ctx } from '../context';
import type { ProgressSink } from '../ui/progress';
import { saveRepository } from './settings';

/** Reads the repository with its engine (so a wrong name fails here), then saves it with the connection. */
export async function readAndSaveRepository(
  ctx: Ctx,
  connection: string,
  repo: RepoSpec,
  p?: ProgressSink,
  env?: Record<string, string>,
): Promise<RepoInfo> {
  const info = await (
    await engineFor(repo)
  ).info(repo, { signal: p?.signal, log: (l) => ctx.log.command(l), ...(env ? { env } : {}) });
  await saveRepository(ctx, connection, repo);
  ctx.backupsTree.repositories.invalidate(connection);
  return info;
}
