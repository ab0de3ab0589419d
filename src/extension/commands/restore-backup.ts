import { basename } from 'node:path';
import * as vscode from 'vscode';
import { detectArchiveFormat } from '../../core/archive/detect';
import { readCheckedArchive } from '../../core/archive/read-archive';
import type { ArchiveInfo } from '../../core/archive/types';
import { validateRestoreOptions, type RestoreOptions } from '../../core/restore/options';
import { planRestore, type PlannedRestore } from '../../core/restore/planner';
import type { ToolSet } from '../../core/tools/discover';
import { savedConnection, type Ctx, type Headless } from '../context';
import { showReport } from '../read-only-documents';
import { restorePlainDump, runPlannedRestore, type RestoreOutcome, type RestoreSink } from '../restore/execute';
import { chooseOptions, chooseTarget } from '../restore/restore-form';
import { summaryMarkdown } from '../restore/summary';
import { confirmTarget, restoreInto, withPlanningTarget, type RestoreTarget } from '../restore/target';
import { psqlTools, restoreTools } from '../restore/tools';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { pickBackup } from '../ui/pick-backup';
import { pickConnection } from '../ui/pick-connection';
import { withCancellableProgress, type ProgressSink } from '../ui/progress';

/** The headless part's arguments (tests, other commands): the arguments are the consent. */
export interface RestoreBackupArgs {
  path: string;
  connection: string;
  database: string;
  /** Create `database` first (default); false restores into the existing database. */
  newDatabase?: boolean;
  options?: RestoreOptions;
}

/** Maps the core's restore progress to the notification's percent and message (none: nothing reports, no cancel). */
export function progressSink(p?: ProgressSink): RestoreSink {
  const sink = p ?? { signal: new AbortController().signal, report: () => undefined };
  const percent = (e: { done: number; total: number }) => (e.total ? (100 * e.done) / e.total : 0);
  return { signal: sink.signal, onProgress: (e) => sink.report(percent(e), `${e.done}/${e.total} · ${e.current}`) };
}

/** Shows the summary as a markdown document, and a one-line result. */
async function showSummary(ctx: Ctx, outcome: RestoreOutcome): Promise<void> {
  await showReport(ctx.documents, `Restore into ${outcome.database}`, summaryMarkdown(outcome));
  const { report } = outcome;
  const line = `${basename(outcome.archivePath)}: ${report.headline}`;
  if (report.verdict === 'failed') void vscode.window.showErrorMessage(line);
  else if (report.verdict === 'warning') void vscode.window.showWarningMessage(line);
  else void vscode.window.showInformationMessage(line);
}

/** A dump to restore: an archive read (with the pg_restore that reads it), or a plain dump (`info` undefined). */
interface Dump {
  path: string;
  info?: ArchiveInfo;
  tools?: ToolSet;
}

/** Reads the dump first, so that a damaged archive or a missing pg_restore is said before any question. */
async function readDump(ctx: Ctx, path: string): Promise<Dump> {
  const info = (await detectArchiveFormat(path)) === 'plain' ? undefined : await readCheckedArchive(path);
  return { path, info, tools: info ? await restoreTools(ctx, info) : undefined };
}

/** What runs: psql on a plain dump, or the plan of an archive's restore (which the UI's modal shows first). */
type Prepared = { psql: ToolSet; plan?: undefined } | { plan: PlannedRestore; psql?: undefined };

async function prepare(ctx: Ctx, dump: Dump, target: RestoreTarget, options: RestoreOptions): Promise<Prepared> {
  if (!dump.info) return { psql: await psqlTools(ctx, target.profile) };
  validateRestoreOptions(options, dump.info.format);
  const whole = { archive: dump.info, select: [], withDependents: false, options };
  const plan = await withPlanningTarget(ctx, target, (c) => planRestore({ ...whole, target: c }));
  for (const n of plan.notes) ctx.log.info(n);
  return { plan };
}

/** Runs a prepared restore into `target`: a new database is created first, and dropped again when it fails. */
function execute(ctx: Ctx, dump: Dump, target: RestoreTarget, prepared: Prepared, progress?: ProgressSink) {
  const sink = progressSink(progress);
  return restoreInto(ctx, target, () =>
    prepared.plan
      ? runPlannedRestore(ctx, dump.info!, prepared.plan, target, dump.tools!, sink)
      : restorePlainDump(ctx, dump.path, target, prepared.psql, sink),
  );
}

/**
 * Full restore of a dump (issue 3): into a new database by default, or the existing one the arguments name (they
 * are the consent); archives with pg_restore (progress in items, existing objects skipped or, with clean,
 * recreated), plain dumps whole with psql. Returns the outcome (tests read row counts from it).
 */
export const restoreBackup: Headless<RestoreBackupArgs, RestoreOutcome> = (ctx) => async (args, progress) => {
  const dump = await readDump(ctx, args.path);
  const profile = savedConnection(ctx, args.connection);
  const kind = args.newDatabase === false ? 'existing' : 'new';
  const target: RestoreTarget = { profile, database: args.database, kind };
  return execute(ctx, dump, target, await prepare(ctx, dump, target, args.options ?? {}), progress);
};

/** The dump, the server, the database (new or existing) and the options; a modal naming the target before it runs. */
export const restoreBackupUi = (ctx: Ctx) => async (node?: BackupsTreeNode) => {
  const path = (await pickBackup(ctx, node, (e) => e.kind === 'dump'))?.path;
  if (!path) return undefined;
  const dump = await readDump(ctx, path);
  const profile = await pickConnection(ctx, undefined, 'Restore into which server?');
  if (!profile) return undefined;
  const target = await chooseTarget(ctx, profile, dump.info?.database);
  if (!target) return undefined;
  const options = dump.info ? await chooseOptions(dump.info.format, target) : {};
  if (!options) return undefined;
  const prepared = await prepare(ctx, dump, target, options);
  if (!(await confirmTarget(ctx, target, prepared.plan))) return undefined;
  const title = `Restoring ${basename(path)} into ${target.database}`;
  const outcome = await withCancellableProgress(title, (p) => execute(ctx, dump, target, prepared, p));
  await showSummary(ctx, outcome);
  return outcome;
};
