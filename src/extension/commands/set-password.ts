import * as vscode from 'vscode';
import type { Ctx } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickConnection } from '../ui/pick-connection';

export const setPassword = (ctx: Ctx) => async (node?: ConnectionsTreeNode) => {
  const profile = await pickConnection(ctx, node, 'Choose the connection');
  if (!profile) return;
  const pw = await vscode.window.showInputBox({
    title: `Password for ${profile.name}`,
    prompt: 'Kept in VS Code secret storage. Leave empty to forget it and use ~/.pgpass / PGPASSWORD instead.',
    password: true,
    ignoreFocusOut: true,
  });
  if (pw === undefined) return;
  if (pw) await ctx.passwords.set(profile.name, pw);
  else await ctx.passwords.delete(profile.name);
  ctx.connectionsTree.refresh();
};
