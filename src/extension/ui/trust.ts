import * as vscode from 'vscode';

/**
 * Commands that run client tools (pg_dump, pg_restore, pg_basebackup, psql) refuse in an untrusted workspace:
 * the workspace's settings could point them anywhere. Says why and offers to manage trust.
 */
export async function requireTrust(what: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const pick = await vscode.window.showWarningMessage(`${what} runs PostgreSQL client tools, which PostgreSQL Backup does not do in an untrusted workspace.`, 'Manage Workspace Trust');
  if (pick) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
