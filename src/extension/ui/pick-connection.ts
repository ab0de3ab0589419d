import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { describeParams } from '../../core/connection/profile';
import type { Ctx } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';

/**
 * The connection a command acts on: the tree node it was invoked on, or one picked from a QuickPick when run
 * from the palette (titled with the flow's `title`). Undefined when the user cancels or there is none.
 */
export async function pickConnection(
  ctx: Ctx,
  node?: ConnectionsTreeNode,
  placeHolder = 'Choose a connection',
  title?: string,
): Promise<ConnectionProfile | undefined> {
  if (node?.kind === 'connection') return node.profile;
  if (node?.kind === 'database') return node.connection.profile;
  const all = ctx.config.connections();
  if (!all.length) {
    const add = await vscode.window.showInformationMessage('No PostgreSQL connection is saved yet.', 'Add Connection');
    if (add) await vscode.commands.executeCommand('pgBackup.addConnection');
    return undefined;
  }
  if (all.length === 1) return all[0].profile;
  const picked = await vscode.window.showQuickPick(
    all.map((c) => ({ label: c.profile.name, description: describeParams(c.profile), profile: c.profile })),
    { title, placeHolder },
  );
  return picked?.profile;
}
