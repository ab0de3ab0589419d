import * as vscode from 'vscode';
import type { Ctx, Headless } from '../context';
import { engineRunOptions, repositoryEnv } from '../repository/engine-progress';
import { engineFor } from '../../core/engines';
import { pickRepositoryConnection } from '../repository/repository-node-arg';
import { repoText, savedRepository } from '../repository/settings';
import type { RepositoryTreeNode } from '../tree/repository-nodes';
import { withCancellableProgress } from '../ui/progress';

export interface RepositoryVerifyArgs {
  connection: string;
  /** One backup; the whole repository otherwise. */
  label?: string;
}

/** The engine's own verification (`pgbackrest verify`, Barman's check-backup) of the repository or one backup. */
export const repositoryVerify: Headless<RepositoryVerifyArgs, { ok: boolean; message: string }> =
  (ctx) => async (args, progress) => {
    const repo = savedRepository(ctx, args.connection);
    const result = await (
      await engineFor(repo)
    ).verify(repo, {
      ...engineRunOptions(ctx.log, repo, progress, await repositoryEnv(ctx, args.connection, repo)),
      ...(args.label ? { label: args.label } : {}),
    });
    ctx.log.info(
      `Verify ${repoText(repo)}${args.label ? ` ${args.label}` : ''}: ${result.ok ? 'ok' : 'FAILED'}: ${result.message}`,
    );
    return result;
  };

export const repositoryVerifyUi = (ctx: Ctx) => async (arg?: RepositoryTreeNode | string) => {
  const connection = await pickRepositoryConnection(ctx, arg, 'The repository to verify');
  if (!connection) return undefined;
  const repo = savedRepository(ctx, connection);
  const label = typeof arg === 'object' && arg.kind === 'repoBackup' ? arg.backup.label : undefined;
  const what = label ? `${label} in ${repoText(repo)}` : repoText(repo);
  const result = await withCancellableProgress(`Verifying ${what}`, (p) =>
    repositoryVerify(ctx)({ connection, label }, p),
  );
  if (result.ok) void vscode.window.showInformationMessage(`✓ ${what} verified: ${result.message}`);
  else
    void vscode.window
      .showErrorMessage(`✗ ${what} failed verification: ${result.message}`, 'Show Log')
      .then((a) => a && ctx.log.show());
  return result;
};
