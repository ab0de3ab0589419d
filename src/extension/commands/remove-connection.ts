import * as vscode from 'vscode';
import type { Ctx } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickConnection } from '../ui/pick-connection';

export const removeConnection = (ctx: Ctx) => async (node?: ConnectionsTreeNode) => {
  const profile = await pickConnection(ctx, node, 'Choose the connection to remove');
  if (!profile) return;
  const ok = await vscode.window.showWarningMessage(
    `Remove the connection "${profile.name}"?`,
    { modal: true, detail: 'Its saved password is deleted too. No database and no backup file is touched.' },
    'Remove',
  );
  if (ok !== 'Remove') return;
  const scope = ctx.config.connections().find((c) => c.profile.name === profile.name)?.scope ?? 'workspace';
  await ctx.config.saveConnections(
    scope,
    ctx.config.connectionsIn(scope).filter((p) => p.name !== profile.name),
  );
  await ctx.passwords.delete(profile.name);
  ctx.connectionsTree.refresh();
};
