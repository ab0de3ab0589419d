import * as vscode from 'vscode';
import type { SchemaExportResult } from '../core/schema';
import type { Ctx } from './context';
import { schemaSettings } from './schema-settings';
import { showFailure } from './ui/errors';

/**
 * Export on save of a migration file: when a saved file matches pgBackup.schema.exportOnSave (a glob, off by
 * default), re-export the schema quietly from the connection the last export used (or pgBackup.schema.connection).
 * Saves in quick succession run one export.
 */
export function exportOnSave(ctx: Ctx): vscode.Disposable {
  let running: Promise<unknown> | undefined;
  return vscode.workspace.onDidSaveTextDocument((doc) => {
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    if (!folder || !vscode.workspace.isTrusted) return;
    const s = schemaSettings(folder);
    if (
      !s.exportOnSave ||
      !vscode.languages.match({ pattern: new vscode.RelativePattern(folder, s.exportOnSave) }, doc)
    )
      return;
    const last = ctx.extension.workspaceState.get<{ connection: string; database: string }>(
      'pgBackup.schema.lastSource',
    );
    const connection = s.connection ?? last?.connection;
    const database =
      s.database ?? last?.database ?? (connection ? ctx.connections.find(connection)?.database : undefined);
    if (!connection || !database) {
      void vscode.window.showWarningMessage(
        'Export on save needs a database: run "Export Schema to Workspace" once, or set pgBackup.schema.connection.',
      );
      return;
    }
    // Quietly: a status bar spinner while it runs, then a status bar message; no notification.
    const args = { connection, database, folder };
    const title = `Exporting the schema of ${database} to ${s.display}`;
    const run = () => vscode.commands.executeCommand<SchemaExportResult>('pgBackup.exportSchema', args);
    running ??= Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, run))
      .then(({ files }) => {
        const changed = files.filter((f) => f.status !== 'unchanged').length;
        const text = changed ? `Schema exported: ${changed} file(s) changed` : 'Schema: no changes';
        vscode.window.setStatusBarMessage(`$(database) ${text}`, 5000);
      })
      .catch((e) => showFailure(ctx.log, e))
      .finally(() => (running = undefined));
  });
}
