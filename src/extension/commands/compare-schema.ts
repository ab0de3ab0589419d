import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { diffSchemaFiles, readLayoutFiles, renderSchemaFiles, type SchemaCheckResult } from '../../core/schema';
import { dumpSchema } from '../../core/schema/dump-schema';
import type { Ctx } from '../context';
import { pickWorkspaceFolder, schemaSettings } from '../schema-settings';
import { schemaSource } from '../schema-source';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickDatabase } from '../ui/pick-database';

/** Shows the drift between the live database and the committed schema files, writing nothing. */
export const compareSchema = (ctx: Ctx) => async (arg?: ConnectionsTreeNode | { connection: string; database: string }): Promise<SchemaCheckResult | undefined> => {
  const folder = await pickWorkspaceFolder();
  if (!folder) {
    void vscode.window.showErrorMessage('Open the folder that holds the committed schema first.');
    return undefined;
  }
  const s = schemaSettings(folder);
  const direct = arg && 'connection' in arg && typeof arg.connection === 'string' ? (arg as { connection: string; database: string }) : undefined;
  const source = direct ? { profile: ctx.connections.find(direct.connection), database: direct.database } : await pickDatabase(ctx, arg as ConnectionsTreeNode | undefined, 'Compare which database with the workspace?');
  if (!source?.profile) return undefined;
  const { profile, database } = source as { profile: ConnectionProfile; database: string };
  // The live files are kept (not just the diff) so each file's diff view needs no second pg_dump.
  const { result, live } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Comparing ${database} with ${s.display}` }, async () => {
    const dump = await dumpSchema(await schemaSource(ctx, profile, database), s.content);
    const live = renderSchemaFiles(dump.text, { ...s.content, layout: s.layout });
    return { live, result: diffSchemaFiles(await readLayoutFiles(s.layout, live), live, s.display) };
  });
  if (!result.drifted) {
    ctx.log.info(`No drift: ${database} matches ${s.display}.`);
    void vscode.window.showInformationMessage(`No drift: the schema of ${database} matches ${s.display}.`);
    return result;
  }
  ctx.log.info(`Schema drift between ${database} and ${s.display}:\n${result.diff}`);
  if (direct) return result;
  const root = s.layout.kind === 'split' ? s.layout.dir : join(s.layout.path, '..');
  const open = async (path: string) => {
    const f = result.files.find((x) => x.path === path)!;
    const committed = f.status === 'added' ? ctx.documents.put('missing', path, '') : vscode.Uri.file(join(root, path));
    const liveUri = ctx.documents.put(`live-${database}`, path, f.status === 'removed' ? '' : (live.get(path) ?? ''));
    await vscode.commands.executeCommand('vscode.diff', committed, liveUri, `${path}: committed ↔ live ${database}`);
  };
  const pick =
    result.files.length === 1
      ? { label: result.files[0].path }
      : await vscode.window.showQuickPick(
          result.files.map((f) => ({ label: f.path, description: f.status === 'added' ? 'only in the database' : f.status === 'removed' ? 'only committed' : 'differs' })),
          { placeHolder: `${result.files.length} files drifted from ${database}: pick one to see the diff` },
        );
  if (pick) await open(pick.label);
  return result;
};

