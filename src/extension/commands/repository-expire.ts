import * as vscode from 'vscode';
import type { Ctx, Headless } from '../context';
import { engineRunOptions, repositoryEnv } from '../repository/engine-progress';
import { engineFor } from '../../core/engines';
import { pickRepositoryConnection } from '../repository/repository-node-arg';
import { repoText, savedRepository } from '../repository/settings';
import type { RepositoryTreeNode } from '../tree/repository-nodes';
import { withCancellableProgress } from '../ui/progress';

export interface RepositoryExpireArgs {
  connection: string;
  /** Only say what would go. */
  dryRun?: boolean;
}

/** The engine's retention (`pgbackrest expire`): removes what the repository's retention settings no longer keep. */
export const repositoryExpire: Headless<RepositoryExpireArgs, { removed: string[] }> =
  (ctx) => async (args, progress) => {
    const repo = savedRepository(ctx, args.connection);
    try {
      return await (
        await engineFor(repo)
      ).expire(repo, {
        ...engineRunOptions(ctx.log, repo, progress, await repositoryEnv(ctx, args.connection, repo)),
        ...(args.dryRun ? { dryRun: true } : {}),
      });
    } finally {
      if (!args.dryRun) ctx.backupsTree.repositories.invalidate(args.connection);
    }
  };

/** Expire: what would go first (a dry run), then a modal naming it, then the engine's expire. */
export const repositoryExpireUi = (ctx: Ctx) => async (arg?: RepositoryTreeNode | string) => {
  const connection = await pickRepositoryConnection(ctx, arg, 'The repository to expire backups in');
  if (!connection) return undefined;
  const repo = savedRepository(ctx, connection);
  const preview = await withCancellableProgress(`What ${repoText(repo)}'s retention removes`, (p) =>
    repositoryExpire(ctx)({ connection, dryRun: true }, p),
  );
  if (!preview.removed.length) {
    void vscode.window.showInformationMessage(
      `${repoText(repo)}: the retention settings keep every backup; nothing to expire.`,
    );
    return preview;
  }
  const go = 'Expire';
  const answer = await vscode.window.showWarningMessage(
    `Remove ${preview.removed.length} backup${preview.removed.length === 1 ? '' : 's'} from ${repoText(repo)}?`,
    {
      modal: true,
      detail: `${preview.removed.join('\n')}\n\nThe repository's retention settings no longer keep these.`,
    },
    go,
  );
  if (answer !== go) return undefined;
  const result = await withCancellableProgress(`Expiring in ${repoText(repo)}`, (p) =>
    repositoryExpire(ctx)({ connection }, p),
  );
  void vscode.window.showInformationMessage(
    `${repoText(repo)}: removed ${result.removed.length ? result.removed.join(', ') : 'nothing'}.`,
  );
  return result;
};
