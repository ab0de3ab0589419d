import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { connectionForm } from '../ui/connection-form';

export const addConnection = (ctx: Ctx) => async () => {
  const names = ctx.config.connections().map((c) => c.profile.name);
  const result = await connectionForm(names, undefined, vscode.workspace.workspaceFolders?.length ? 'workspace' : 'global');
  if (!result) return;
  // No folder open, or an untrusted one (its settings are not read): keep it in user settings.
  const canUseWorkspace = !!vscode.workspace.workspaceFolders?.length && vscode.workspace.isTrusted;
  const scope = result.scope === 'workspace' && !canUseWorkspace ? 'global' : result.scope;
  await ctx.config.saveConnections(scope, [...ctx.config.connectionsIn(scope), result.profile]);
  if (result.password !== undefined) await ctx.passwords.set(result.profile.name, result.password);
  ctx.log.info(`Added connection ${result.profile.name} (${scope} settings).`);
  ctx.connectionsTree.refresh();
  await vscode.commands.executeCommand('pgBackup.testConnection', result.profile.name);
};
