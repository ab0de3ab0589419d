import { execFile } from 'node:child_process';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { exportSchema as runExport, readLayoutFiles, type SchemaExportResult } from '../../core/schema';
import type { Ctx } from '../context';
import { schemaSettings, pickWorkspaceFolder, type SchemaSettings } from '../schema-settings';
import { schemaSource } from '../schema-source';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickDatabase } from '../ui/pick-database';

const execFileP = promisify(execFile);
const LAST = 'pgBackup.schema.lastSource';

/** Arguments for running without UI (tests, export on save). */
export interface ExportSchemaArgs {
  connection: string;
  database: string;
  folder?: vscode.WorkspaceFolder;
  /** No notifications; used by export-on-save. */
  quiet?: boolean;
}

/** The committed version of a workspace file (git HEAD), or undefined when git or the file is not there. */
async function headVersion(folder: string, file: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileP('git', ['show', `HEAD:./${relative(folder, file).split('\\').join('/')}`], { cwd: folder, maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch {
    return undefined;
  }
}

/** Opens a diff per changed file: committed (HEAD) → exported; files not in git compare with what was there before. */
export async function showExportDiff(ctx: Ctx, s: SchemaSettings, result: SchemaExportResult, before: ReadonlyMap<string, string>): Promise<void> {
  const changed = result.files.filter((f) => f.status !== 'unchanged');
  const open = async (path: string) => {
    const abs = join(result.root, path);
    const committed = (await headVersion(s.workspaceFolder.uri.fsPath, abs)) ?? before.get(path) ?? '';
    const left = ctx.documents.put('committed', path, committed);
    const right = changed.find((f) => f.path === path)?.status === 'removed' ? ctx.documents.put('removed', path, '') : vscode.Uri.file(abs);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${path}: committed ↔ exported`);
  };
  if (changed.length === 1) return open(changed[0].path);
  const pick = await vscode.window.showQuickPick(
    changed.map((f) => ({ label: f.path, description: f.status })),
    { placeHolder: `${changed.length} files changed: pick one to see its diff (Source Control shows them all)`, canPickMany: false },
  );
  if (pick) await open(pick.label);
}

async function chooseSource(ctx: Ctx, node: ConnectionsTreeNode | undefined, s: SchemaSettings): Promise<{ profile: ConnectionProfile; database: string } | undefined> {
  if (node) return pickDatabase(ctx, node, 'Export the schema of which database?');
  const last = ctx.extension.workspaceState.get<{ connection: string; database: string }>(LAST);
  const name = s.connection ?? last?.connection;
  const profile = name ? ctx.connections.find(name) : undefined;
  if (profile) return { profile, database: s.database ?? (s.connection ? profile.database : last?.database) ?? profile.database ?? 'postgres' };
  return pickDatabase(ctx, undefined, 'Export the schema of which database?');
}

/** pg_dump --schema-only into the workspace (one file or one per object), deterministic, then the diff. */
export const exportSchema = (ctx: Ctx) => async (arg?: ConnectionsTreeNode | ExportSchemaArgs): Promise<SchemaExportResult | undefined> => {
  const direct = arg && 'connection' in arg && typeof arg.connection === 'string' ? (arg as ExportSchemaArgs) : undefined;
  const folder = direct?.folder ?? (await pickWorkspaceFolder());
  if (!folder) {
    void vscode.window.showErrorMessage('Open a folder first: the schema is exported into the workspace, beside your code.');
    return undefined;
  }
  const s = schemaSettings(folder);
  const source = direct ? { profile: ctx.connections.find(direct.connection), database: direct.database } : await chooseSource(ctx, arg as ConnectionsTreeNode | undefined, s);
  if (!source?.profile) return undefined;
  const { profile, database } = source as { profile: ConnectionProfile; database: string };
  await ctx.extension.workspaceState.update(LAST, { connection: profile.name, database });
  const before = await readLayoutFiles(s.layout);
  const result = await vscode.window.withProgress(
    { location: direct?.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: `Exporting the schema of ${database} to ${s.display}`, cancellable: true },
    async (_p, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return runExport({ ...(await schemaSource(ctx, profile, database, controller.signal)), ...s.content, layout: s.layout });
    },
  );
  const changed = result.files.filter((f) => f.status !== 'unchanged');
  ctx.log.info(`Schema of ${database} exported to ${s.display}: ${changed.length ? changed.map((f) => `${f.status} ${f.path}`).join(', ') : 'no changes'}.`);
  if (direct?.quiet) {
    vscode.window.setStatusBarMessage(changed.length ? `$(database) Schema exported: ${changed.length} file(s) changed` : '$(database) Schema: no changes', 5000);
    return result;
  }
  if (!changed.length) {
    void vscode.window.showInformationMessage(`No changes: ${s.display} already matches the schema of ${database}.`);
    return result;
  }
  const summary = `Schema of ${database} exported to ${s.display}: ${changed.length} file${changed.length === 1 ? '' : 's'} changed.`;
  if (direct) {
    void vscode.window.showInformationMessage(summary);
    return result;
  }
  const action = await vscode.window.showInformationMessage(summary, 'Show Diff', 'Source Control');
  if (action === 'Show Diff') await showExportDiff(ctx, s, result, before);
  if (action === 'Source Control') await vscode.commands.executeCommand('workbench.view.scm');
  return result;
};
