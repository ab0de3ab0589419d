import { execFile } from 'node:child_process';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { PgBackupError } from '../../core/errors';
import { exportSchema as runExport, readLayoutFiles, type SchemaExportResult } from '../../core/schema';
import { savedConnection, type Ctx, type Headless } from '../context';
import { schemaSettings, pickWorkspaceFolder, type SchemaSettings } from '../schema-settings';
import { schemaSource } from '../schema-source';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickDatabase } from '../ui/pick-database';
import { withCancellableProgress } from '../ui/progress';

const execFileP = promisify(execFile);
const LAST = 'pgBackup.schema.lastSource';

/** The headless part's arguments (tests, export on save). */
export interface ExportSchemaArgs {
  connection: string;
  database: string;
  /** Default: the workspace's only folder. */
  folder?: vscode.WorkspaceFolder;
}

/** The folder a headless schema command works in: the one given, else the workspace's only one. */
export function folderOf(folder: vscode.WorkspaceFolder | undefined, missing: string): vscode.WorkspaceFolder {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const chosen = folder ?? (folders.length === 1 ? folders[0] : undefined);
  if (chosen) return chosen;
  throw new PgBackupError(folders.length ? `Name the folder: the workspace has ${folders.length}.` : missing, 'usage');
}

const NO_FOLDER = 'Open a folder first: the schema is exported into the workspace, beside your code.';

/** The committed version of a workspace file (git HEAD), or undefined when git or the file is not there. */
async function headVersion(folder: string, file: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileP('git', ['show', `HEAD:./${relative(folder, file).split('\\').join('/')}`], {
      cwd: folder,
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  } catch {
    return undefined;
  }
}

/** Opens a diff per changed file: committed (HEAD) → exported; files not in git compare with what was there before. */
export async function showExportDiff(
  ctx: Ctx,
  s: SchemaSettings,
  result: SchemaExportResult,
  before: ReadonlyMap<string, string>,
): Promise<void> {
  const changed = result.files.filter((f) => f.status !== 'unchanged');
  const open = async (path: string) => {
    const abs = join(result.root, path);
    const committed = (await headVersion(s.workspaceFolder.uri.fsPath, abs)) ?? before.get(path) ?? '';
    const left = ctx.documents.put('committed', path, committed);
    const right =
      changed.find((f) => f.path === path)?.status === 'removed'
        ? ctx.documents.put('removed', path, '')
        : vscode.Uri.file(abs);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${path}: committed ↔ exported`);
  };
  if (changed.length === 1) return open(changed[0].path);
  const pick = await vscode.window.showQuickPick(
    changed.map((f) => ({ label: f.path, description: f.status })),
    {
      placeHolder: `${changed.length} files changed: pick one to see its diff (Source Control shows them all)`,
      canPickMany: false,
    },
  );
  if (pick) await open(pick.label);
}

async function chooseSource(
  ctx: Ctx,
  node: ConnectionsTreeNode | undefined,
  s: SchemaSettings,
): Promise<{ profile: ConnectionProfile; database: string } | undefined> {
  if (node) return pickDatabase(ctx, node, 'Export the schema of which database?');
  const last = ctx.extension.workspaceState.get<{ connection: string; database: string }>(LAST);
  const name = s.connection ?? last?.connection;
  const profile = name ? ctx.connections.find(name) : undefined;
  if (profile)
    return {
      profile,
      database: s.database ?? (s.connection ? profile.database : last?.database) ?? profile.database ?? 'postgres',
    };
  return pickDatabase(ctx, undefined, 'Export the schema of which database?');
}

/** pg_dump --schema-only into the workspace (one file or one per object), deterministic. */
export const exportSchema: Headless<ExportSchemaArgs, SchemaExportResult> = (ctx) => async (args, progress) => {
  const s = schemaSettings(folderOf(args.folder, NO_FOLDER));
  const { database } = args;
  const profile = savedConnection(ctx, args.connection);
  await ctx.extension.workspaceState.update(LAST, { connection: profile.name, database });
  const source = await schemaSource(ctx, profile, database, progress?.signal);
  const result = await runExport({ ...source, ...s.content, layout: s.layout });
  const changed = result.files.filter((f) => f.status !== 'unchanged');
  const what = changed.length ? changed.map((f) => `${f.status} ${f.path}`).join(', ') : 'no changes';
  ctx.log.info(`Schema of ${database} exported to ${s.display}: ${what}.`);
  return result;
};

/** The folder and the database (the last one exported, or picked), the export, then the diff. */
export const exportSchemaUi = (ctx: Ctx) => async (node?: ConnectionsTreeNode) => {
  const folder = await pickWorkspaceFolder();
  if (!folder) {
    void vscode.window.showErrorMessage(NO_FOLDER);
    return undefined;
  }
  const s = schemaSettings(folder);
  const source = await chooseSource(ctx, node, s);
  if (!source) return undefined;
  const { profile, database } = source;
  const before = await readLayoutFiles(s.layout);
  const args = { connection: profile.name, database, folder };
  const run = exportSchema(ctx);
  const title = `Exporting the schema of ${database} to ${s.display}`;
  const result = await withCancellableProgress(title, (p) => run(args, p));
  const changed = result.files.filter((f) => f.status !== 'unchanged');
  if (!changed.length) {
    void vscode.window.showInformationMessage(`No changes: ${s.display} already matches the schema of ${database}.`);
    return result;
  }
  const summary = `Schema of ${database} exported to ${s.display}: ${changed.length} file${changed.length === 1 ? '' : 's'} changed.`;
  const action = await vscode.window.showInformationMessage(summary, 'Show Diff', 'Source Control');
  if (action === 'Show Diff') await showExportDiff(ctx, s, result, before);
  if (action === 'Source Control') await vscode.commands.executeCommand('workbench.view.scm');
  return result;
};
