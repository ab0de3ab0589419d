import * as vscode from 'vscode';
import type { Ctx } from '../context';
import type { RepositoryTreeNode } from '../tree/repository-nodes';
import { repositoryOf, repoText } from './settings';

/**
 * The connection whose repository a command acts on: the Backups view's node (a group or a row in it), a name, or
 * one picked from the connections that have a repository. Undefined when the user cancels or there is none.
 */
export async function pickRepositoryConnection(
  ctx: Ctx,
  arg: RepositoryTreeNode | string | undefined,
  placeHolder: string,
): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg) return arg.connection;
  const withRepo = ctx.config.connections().flatMap(({ profile }) => {
    const repo = repositoryOf(profile);
    return repo ? [{ label: profile.name, description: repoText(repo) }] : [];
  });
  if (!withRepo.length) {
    void vscode.window.showInformationMessage(
      'No connection has a backup repository yet: use "Add Backup Repository…" on a connection.',
    );
    return undefined;
  }
  if (withRepo.length === 1) return withRepo[0].label;
  return (await vscode.window.showQuickPick(withRepo, { placeHolder }))?.label;
}
