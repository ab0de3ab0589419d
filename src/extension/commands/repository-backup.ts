import * as vscode from 'vscode';
import type { RepoBackup, RepoBackupType } from '../../core/engines/types';
import { formatBytes } from '../../core/format';
import type { Ctx, Headless } from '../context';
import { engineRunOptions, repositoryEnv } from '../repository/engine-progress';
import { engineFor } from '../../core/engines';
import { pickRepositoryConnection } from '../repository/repository-node-arg';
import { repoText, savedRepository } from '../repository/settings';
import type { RepositoryTreeNode } from '../tree/repository-nodes';
import { withCancellableProgress } from '../ui/progress';

export interface RepositoryBackupArgs {
  connection: string;
  type: RepoBackupType;
}

/** Takes a backup into the connection's repository with its engine, then re-reads the repository for the view. */
export const repositoryBackup: Headless<RepositoryBackupArgs, RepoBackup> = (ctx) => async (args, progress) => {
  const repo = savedRepository(ctx, args.connection);
  try {
    return await (
      await engineFor(repo)
    ).backup(
      repo,
      args.type,
      engineRunOptions(ctx.log, repo, progress, await repositoryEnv(ctx, args.connection, repo)),
    );
  } finally {
    ctx.backupsTree.repositories.invalidate(args.connection);
  }
};

const TYPES: (vscode.QuickPickItem & { type: RepoBackupType })[] = [
  { label: 'Full', type: 'full', description: 'every file of the cluster', detail: 'Needs nothing else to restore.' },
  {
    label: 'Differential',
    type: 'diff',
    description: 'what changed since the last full backup',
    detail: 'Restores with that full backup.',
  },
  {
    label: 'Incremental',
    type: 'incr',
    description: 'what changed since the last backup of any type',
    detail: 'Restores with the chain of backups before it.',
  },
];

/** Back Up Now on a repository: the type, then the engine's backup in a notification with progress and Cancel. */
export const repositoryBackupUi = (ctx: Ctx) => async (arg?: RepositoryTreeNode | string) => {
  const connection = await pickRepositoryConnection(ctx, arg, 'The repository to back up into');
  if (!connection) return undefined;
  const repo = savedRepository(ctx, connection);
  const picked = await vscode.window.showQuickPick(TYPES, {
    title: `Back up ${connection} into ${repoText(repo)}`,
    placeHolder: 'The type of backup',
  });
  if (!picked) return undefined;
  const backup = await withCancellableProgress(`${picked.label} backup into ${repoText(repo)}`, (p) =>
    repositoryBackup(ctx)({ connection, type: picked.type }, p),
  );
  const size =
    backup.repositoryBytes === undefined ? '' : ` (${formatBytes(backup.repositoryBytes)} in the repository)`;
  void vscode.window.showInformationMessage(
    `Backup ${backup.label} (${backup.type}) written into ${repoText(repo)}${size}.`,
  );
  return backup;
};
