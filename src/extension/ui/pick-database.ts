import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { listDatabases } from '../../core/connection/server-info';
import { formatBytes } from '../../core/format';
import type { Ctx } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickConnection } from './pick-connection';

/** A connection and one of its databases: from a database node, or picked (palette / connection node; titled `title`). */
export async function pickDatabase(
  ctx: Ctx,
  node: ConnectionsTreeNode | undefined,
  placeHolder: string,
  title?: string,
): Promise<{ profile: ConnectionProfile; database: string } | undefined> {
  if (node?.kind === 'database') return { profile: node.connection.profile, database: node.database.name };
  const profile = await pickConnection(ctx, node, placeHolder, title);
  if (!profile) return undefined;
  const dbs = await ctx.connections.with(profile, { interactive: true }, listDatabases);
  const picked = await vscode.window.showQuickPick(
    dbs.map((d) => ({
      label: d.name,
      description: d.sizeBytes >= 0 ? formatBytes(d.sizeBytes) : 'no access',
      picked: d.name === profile.database,
    })),
    { title, placeHolder: `${placeHolder} (${profile.name})` },
  );
  return picked ? { profile, database: picked.label } : undefined;
}
