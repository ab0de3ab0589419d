import { join } from 'node:path';
import * as vscode from 'vscode';
import { diffSchemaFiles, readLayoutFiles, renderSchemaFiles, type SchemaCheckResult } from '../../core/schema';
import { dumpSchema } from '../../core/schema/dump-schema';
import { savedConnection, type Ctx, type Headless } from '../context';
import { pickWorkspaceFolder, schemaSettings } from '../schema-settings';
import { schemaSource } from '../schema-source';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickDatabase } from '../ui/pick-database';
import { withCancellableProgress } from '../ui/progress';
import { folderOf } from './export-schema';

/** The headless part's arguments (tests, other commands). */
export interface CompareSchemaArgs {
  connection: string;
  database: string;
  /** Default: the workspace's only folder. */
  folder?: vscode.WorkspaceFolder;
}

/** The drift, and the live files it was found in (each file's diff view needs no second pg_dump). */
export type SchemaComparison = SchemaCheckResult & { live: ReadonlyMap<string, string> };

const NO_FOLDER = 'Open the folder that holds the committed schema first.';

/** Finds the drift between the live database and the committed schema files, writing nothing. */
export const compareSchema: Headless<CompareSchemaArgs, SchemaComparison> = (ctx) => async (args, progress) => {
  const s = schemaSettings(folderOf(args.folder, NO_FOLDER));
  const { database } = args;
  const profile = savedConnection(ctx, args.connection);
  const dump = await dumpSchema(await schemaSource(ctx, profile, database, progress?.signal), s.content);
  const live = renderSchemaFiles(dump.text, { ...s.content, layout: s.layout });
  const result = diffSchemaFiles(await readLayoutFiles(s.layout, live), live, s.display);
  if (result.drifted) ctx.log.info(`Schema drift between ${database} and ${s.display}:\n${result.diff}`);
  else ctx.log.info(`No drift: ${database} matches ${s.display}.`);
  return { ...result, live };
};

/** The folder and the database, the comparison, then a diff view of the file picked (or the only one). */
export const compareSchemaUi = (ctx: Ctx) => async (node?: ConnectionsTreeNode) => {
  const folder = await pickWorkspaceFolder();
  if (!folder) {
    void vscode.window.showErrorMessage(NO_FOLDER);
    return undefined;
  }
  const s = schemaSettings(folder);
  const source = await pickDatabase(ctx, node, 'Compare which database with the workspace?');
  if (!source) return undefined;
  const { profile, database } = source;
  const compare = compareSchema(ctx);
  const args = { connection: profile.name, database, folder };
  const result = await withCancellableProgress(`Comparing ${database} with ${s.display}`, (p) => compare(args, p));
  if (!result.drifted) {
    void vscode.window.showInformationMessage(`No drift: the schema of ${database} matches ${s.display}.`);
    return result;
  }
  const root = s.layout.kind === 'split' ? s.layout.dir : join(s.layout.path, '..');
  const open = async (path: string) => {
    const f = result.files.find((x) => x.path === path)!;
    const committed = f.status === 'added' ? ctx.documents.put('missing', path, '') : vscode.Uri.file(join(root, path));
    const text = f.status === 'removed' ? '' : (result.live.get(path) ?? '');
    const liveUri = ctx.documents.put(`live-${database}`, path, text);
    await vscode.commands.executeCommand('vscode.diff', committed, liveUri, `${path}: committed ↔ live ${database}`);
  };
  const pick =
    result.files.length === 1
      ? { label: result.files[0].path }
      : await vscode.window.showQuickPick(
          result.files.map((f) => ({
            label: f.path,
            description:
              f.status === 'added' ? 'only in the database' : f.status === 'removed' ? 'only committed' : 'differs',
          })),
          { placeHolder: `${result.files.length} files drifted from ${database}: pick one to see the diff` },
        );
  if (pick) await open(pick.label);
  return result;
};
