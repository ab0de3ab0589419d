import * as vscode from 'vscode';
import { errorMessage, PgBackupError } from '../../core/errors';
import type { Log } from '../log';

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
