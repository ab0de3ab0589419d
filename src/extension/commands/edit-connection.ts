import type { Ctx } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { connectionForm } from '../ui/connection-form';
import { pickConnection } from '../ui/pick-connection';
import { targetFieldsOf } from '../status/set-targets';

export const editConnection = (ctx: Ctx) => async (node?: ConnectionsTreeNode) => {
  const profile = await pickConnection(ctx, node, 'Choose the connection to edit');
  if (!profile) return;
  const scope = ctx.config.connections().find((c) => c.profile.name === profile.name)?.scope ?? 'workspace';
  const names = ctx.config.connections().map((c) => c.profile.name);
  const result = await connectionForm(names, profile, scope);
  if (!result) return;
  const edited = (p: typeof profile) => ({ ...targetFieldsOf(p), ...result.profile });
  const list = ctx.config.connectionsIn(scope).map((p) => (p.name === profile.name ? edited(p) : p));
  await ctx.config.saveConnections(scope, list);
  if (result.profile.name !== profile.name) {
    const old = await ctx.passwords.get(profile.name);
    if (old !== undefined && result.password === undefined) await ctx.passwords.set(result.profile.name, old);
    await ctx.passwords.delete(profile.name);
  }
  if (result.password !== undefined) await ctx.passwords.set(result.profile.name, result.password);
  ctx.connectionsTree.refresh();
};
