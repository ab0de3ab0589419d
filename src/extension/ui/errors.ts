import * as vscode from 'vscode';
import { errorMessage, PgBackupError, type ErrorKind } from '../../core/errors';
import type { Log } from '../log';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { UntrustedWorkspaceError } from './trust';

/**
 * Shows a failure: the one-line message, "Show Log", and any extra actions (the fix, where one exists).
 * Returns the action picked. Cancellation is not an error and shows nothing.
 */
export async function showError(log: Log, e: unknown, actions: string[] = []): Promise<string | undefined> {
  if (e instanceof PgBackupError && e.kind === 'cancelled') {
    log.info(e.message);
    return undefined;
  }
  const message = errorMessage(e);
  const hint = e instanceof PgBackupError ? e.hint : undefined;
  log.error(message, [e instanceof PgBackupError ? e.detail : (e as Error)?.stack, hint].filter(Boolean).join('\n'));
  const picked = await vscode.window.showErrorMessage(hint ? `${message} ${hint}` : message, ...actions, 'Show Log');
  if (picked === 'Show Log') log.show();
  return picked;
}

/** A fix a kind of failure offers: the button and the command it runs (with the command's connection, if any). */
interface Fix {
  action: string;
  command: string;
  withConnection?: boolean;
}

const showClientTools: Fix = { action: 'Show Client Tools', command: 'pgBackup.showClientTools' };
const FIXES: Partial<Record<ErrorKind, Fix>> = {
  'tool-missing': showClientTools,
  'tool-version': showClientTools,
  auth: { action: 'Set Password…', command: 'pgBackup.setPassword', withConnection: true },
  unreachable: { action: 'Edit Connection', command: 'pgBackup.editConnection', withConnection: true },
};

const MANAGE_TRUST = 'Manage Workspace Trust';

/**
 * Where a command's (or panel's) failure becomes a message, with the actions for its kind: the trust gate's
 * refusal is a warning offering "Manage Workspace Trust", a cancel shows nothing, anything else is an error with
 * the fix its kind has. `connection` is the Connections tree node the command ran on, handed to a fix that needs one.
 */
export async function showFailure(log: Log, e: unknown, connection?: ConnectionsTreeNode): Promise<void> {
  if (e instanceof UntrustedWorkspaceError) {
    log.info(e.message);
    const picked = await vscode.window.showWarningMessage(e.message, MANAGE_TRUST);
    if (picked === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  const fix = e instanceof PgBackupError ? FIXES[e.kind] : undefined;
  const picked = await showError(log, e, fix ? [fix.action] : []);
  if (!fix || picked !== fix.action) return;
  await vscode.commands.executeCommand(fix.command, ...(fix.withConnection && connection ? [connection] : []));
}
