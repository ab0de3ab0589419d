import { availableParallelism } from 'node:os';
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
import type { Ctx } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { describeOptions, dumpForm } from '../ui/dump-form';
import { showError } from '../ui/errors';
import { pickDatabase } from '../ui/pick-database';
import { withCancellableProgress } from '../ui/progress';

/** Arguments for running the command without its UI (tests, other commands). */
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

/** pg_dump in any format, with presets, real progress in percent and cancel. */
export const dumpDatabase = (ctx: Ctx) => async (arg?: ConnectionsTreeNode | DumpDatabaseArgs): Promise<DumpResult | undefined> => {
  const direct = arg && 'options' in arg ? arg : undefined;
  const target = direct
    ? { profile: ctx.connections.find(direct.connection), database: direct.database }
    : await pickDatabase(ctx, arg as ConnectionsTreeNode | undefined, 'Choose the database to dump', DUMP_TITLE);
  if (!target?.profile) return undefined;
  const { profile, database } = target as { profile: ConnectionProfile; database: string };

  const { server, schemas, tables } = await ctx.connections.with(profile, { database, interactive: !direct }, async (c) => ({ server: await serverInfo(c), schemas: await listSchemas(c), tables: await listTables(c) }));
  const toolSet = await ctx.tools.forServer(server.major, server.version, 'pg_dump');
  const last = ctx.extension.globalState.get<DumpOptions>(lastKey(profile, database));
  // Every step after the database is known keeps this title ("Dump sample (demo)").
  const title = `Dump ${database} (${profile.name})`;
  const chosen = direct?.options ?? (await dumpForm({ title, pgDumpMajor: toolSet.major, cores: availableParallelism(), schemas, tables, last }));
  if (!chosen) return undefined;
  let options: DumpOptions = chosen;
  const suggested = defaultBackupPath(backupFolders(ctx.config)[0], database, options.format, new Date(), options.compression);
  const out = direct ? (direct.out ?? suggested) : await chooseOutput(title, suggested, options.format);
  if (!out) return undefined;
  await ctx.extension.globalState.update(lastKey(profile, database), options);

  for (;;) {
    try {
      const password = await ctx.connections.password(profile);
      const result = await withCancellableProgress(`Dumping ${database}`, (p) =>
        runDump({
          params: { ...profile, database },
          password,
          toolSet,
          options,
          out,
          signal: p.signal,
          log: (line) => ctx.log.info(line),
          onProgress: (e) => p.report(e.percent, [e.table, e.tablesTotal ? `${e.tablesDone}/${e.tablesTotal} tables` : '', formatBytes(e.bytesWritten)].filter(Boolean).join(' · ')),
        }),
      );
      ctx.backupsTree.refresh();
      const summary = `Backup of ${database} written: ${result.path.split(/[\\/]/).pop()} (${formatBytes(result.sidecar.bytes)} in ${formatDuration(result.sidecar.durationMs)}; ${describeOptions(options)}).`;
      ctx.log.info(summary);
      if (!direct) {
        void vscode.window.showInformationMessage(summary, 'Reveal', 'Inspect').then((a) => {
          if (a === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.path));
          if (a === 'Inspect') {
            void ctx.backupsTree.all().then((list) => {
              const entry = list.find((b) => b.path === result.path);
              if (entry) void vscode.commands.executeCommand('pgBackup.inspectBackup', { kind: 'backup', entry });
            });
          }
        });
      }
      return result;
    } catch (e) {
      if (direct) throw e;
      if (e instanceof TablePermissionError) {
        const action = await showError(ctx.log, e, [`Dump without ${e.table}`]);
        if (action === `Dump without ${e.table}`) {
          options = { ...options, excludeTables: [...(options.excludeTables ?? []), e.table] };
          continue;
        }
        return undefined;
      }
      throw e;
    }
  }
};
