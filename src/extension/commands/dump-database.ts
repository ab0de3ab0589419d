import { availableParallelism } from 'node:os';
import type { Client } from 'pg';
import * as vscode from 'vscode';
import { listSchemas, listTables } from '../../core/connection/objects';
import type { ConnectionProfile } from '../../core/connection/profile';
import { serverInfo } from '../../core/connection/server-info';
import {
  defaultBackupPath,
  dumpDatabase as runDump,
  TablePermissionError,
  type DumpFormat,
  type DumpOptions,
  type DumpResult,
} from '../../core/dump';
import { formatBytes, formatDuration } from '../../core/format';
import { backupFolders } from '../backup-folders';
import { savedConnection, type Ctx, type Headless } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { describeOptions, dumpForm } from '../ui/dump-form';
import { showError } from '../ui/errors';
import { pickDatabase } from '../ui/pick-database';
import { withCancellableProgress } from '../ui/progress';
import { markWalkthroughDone } from '../walkthrough';

/** The headless part's arguments (tests, other commands). */
export interface DumpDatabaseArgs {
  connection: string;
  database: string;
  options: DumpOptions;
  out?: string;
}

const DUMP_TITLE = 'Dump a database';

const lastKey = (profile: ConnectionProfile, database: string) => `pgBackup.lastDump:${profile.name}/${database}`;

async function chooseOutput(title: string, suggested: string, format: DumpFormat): Promise<string | undefined> {
  const items = [
    { label: `$(save) Write to ${suggested}`, id: 'ok' },
    { label: '$(folder) Choose another location…', id: 'other' },
  ];
  const placeHolder = 'Where to write the backup';
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.id === 'ok') return suggested;
  const saveLabel = format === 'directory' ? 'Create this folder' : 'Save backup';
  const defaultUri = vscode.Uri.file(suggested);
  const uri = await vscode.window.showSaveDialog({ defaultUri, saveLabel, title: `${title}: backup location` });
  return uri?.fsPath;
}

/** The one-line result: logged by the headless part, shown by the UI part. */
const summaryOf = (database: string, result: DumpResult, options: DumpOptions) =>
  `Backup of ${database} written: ${result.path.split(/[\\/]/).pop()} (${formatBytes(result.sidecar.bytes)} in ` +
  `${formatDuration(result.sidecar.durationMs)}; ${describeOptions(options)}).`;

/** pg_dump in any format, into `out` (default: a new name in the first backup folder), with progress and cancel. */
export const dumpDatabase: Headless<DumpDatabaseArgs, DumpResult> = (ctx) => async (args, progress) => {
  const { database, options } = args;
  const profile = savedConnection(ctx, args.connection);
  const server = await ctx.connections.with(profile, { database }, (c) => serverInfo(c));
  const toolSet = await ctx.tools.forServer(server.major, server.version, 'pg_dump');
  const folder = backupFolders(ctx.config)[0];
  const out = args.out ?? defaultBackupPath(folder, database, options.format, new Date(), options.compression);
  await ctx.extension.globalState.update(lastKey(profile, database), options);
  const result = await runDump({
    params: { ...profile, database },
    password: await ctx.connections.password(profile),
    toolSet,
    options,
    out,
    signal: progress?.signal,
    log: (line) => ctx.log.info(line),
    onProgress: (e) => {
      const tables = e.tablesTotal ? `${e.tablesDone}/${e.tablesTotal} tables` : '';
      progress?.report(e.percent, [e.table, tables, formatBytes(e.bytesWritten)].filter(Boolean).join(' · '));
    },
  });
  ctx.backupsTree.refresh();
  ctx.log.info(summaryOf(database, result, options));
  await markWalkthroughDone(ctx.extension, 'backupWritten');
  return result;
};

/** The database, the form (presets, last options) and where to write; a table it may not read can be left out. */
export const dumpDatabaseUi = (ctx: Ctx) => async (node?: ConnectionsTreeNode) => {
  const target = await pickDatabase(ctx, node, 'Choose the database to dump', DUMP_TITLE);
  if (!target) return undefined;
  const { profile, database } = target;
  const read = async (c: Client) => ({
    server: await serverInfo(c),
    schemas: await listSchemas(c),
    tables: await listTables(c),
  });
  const { server, schemas, tables } = await ctx.connections.with(profile, { database, interactive: true }, read);
  const toolSet = await ctx.tools.forServer(server.major, server.version, 'pg_dump');
  const last = ctx.extension.globalState.get<DumpOptions>(lastKey(profile, database));
  // Every step after the database is known keeps this title ("Dump sample (demo)").
  const title = `Dump ${database} (${profile.name})`;
  const cores = availableParallelism();
  const chosen = await dumpForm({ title, pgDumpMajor: toolSet.major, cores, schemas, tables, last });
  if (!chosen) return undefined;
  let options: DumpOptions = chosen;
  const suggested = defaultBackupPath(
    backupFolders(ctx.config)[0],
    database,
    options.format,
    new Date(),
    options.compression,
  );
  const out = await chooseOutput(title, suggested, options.format);
  if (!out) return undefined;

  const dump = dumpDatabase(ctx);
  for (;;) {
    try {
      const args = { connection: profile.name, database, options, out };
      const result = await withCancellableProgress(`Dumping ${database}`, (p) => dump(args, p));
      void vscode.window.showInformationMessage(summaryOf(database, result, options), 'Reveal', 'Inspect').then((a) => {
        if (a === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.path));
        if (a === 'Inspect') {
          void ctx.backupsTree.all().then((list) => {
            const entry = list.find((b) => b.path === result.path);
            if (entry) void vscode.commands.executeCommand('pgBackup.inspectBackup', { kind: 'backup', entry });
          });
        }
      });
      return result;
    } catch (e) {
      if (!(e instanceof TablePermissionError)) throw e;
      const action = await showError(ctx.log, e, [`Dump without ${e.table}`]);
      if (action !== `Dump without ${e.table}`) return undefined;
      options = { ...options, excludeTables: [...(options.excludeTables ?? []), e.table] };
    }
  }
};
