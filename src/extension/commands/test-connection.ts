import * as vscode from 'vscode';
import { serverInfo, listDatabases } from '../../core/connection/server-info';
import { PgBackupError } from '../../core/errors';
import type { Ctx } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickConnection } from '../ui/pick-connection';

/** Connects, reads the server version and checks that fitting client tools are installed. */
export const testConnection = (ctx: Ctx) => async (arg?: ConnectionsTreeNode | string) => {
  const profile =
    typeof arg === 'string'
      ? ctx.connections.find(arg)
      : await pickConnection(ctx, arg, 'Choose the connection to test');
  if (!profile) return;
  const { server, dbCount } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Connecting to ${profile.name}…` },
    () =>
      ctx.connections.with(profile, { interactive: true }, async (c) => ({
        server: await serverInfo(c),
        dbCount: (await listDatabases(c)).length,
      })),
  );
  let tools: string;
  try {
    const set = await ctx.tools.forServer(server.major, server.version);
    tools = `pg_dump ${set.version} will be used.`;
  } catch (e) {
    tools = e instanceof PgBackupError ? `Warning: ${e.message}` : String(e);
  }
  ctx.log.info(`Connected to ${profile.name}: PostgreSQL ${server.version}, ${dbCount} databases. ${tools}`);
  ctx.connectionsTree.refresh();
  void vscode.window.showInformationMessage(
    `Connected to ${profile.name}: PostgreSQL ${server.version} as ${server.currentUser}, ${dbCount} databases. ${tools}`,
  );
};
