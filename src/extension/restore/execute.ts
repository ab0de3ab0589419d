import type { ArchiveInfo } from '../../core/archive/types';
import { toConninfo } from '../../core/connection/profile';
import { executePlainRestore, executeRestore, type ExecutedRestore } from '../../core/restore/execute';
import { restoreArgv } from '../../core/restore/options';
import type { PlannedRestore } from '../../core/restore/planner';
import type { RestoreReport } from '../../core/restore/report';
import { restoreCommandLine, type RestoreProgress, type RestoreSummary } from '../../core/restore/run';
import type { ToolSet } from '../../core/tools/discover';
import { toolPath } from '../../core/tools/pick';
import type { Ctx } from '../context';
import type { RestoreTarget } from './target';

export interface RestoreOutcome {
  archivePath: string;
  connection: string;
  database: string;
  /** Items pg_restore was asked to run (statements psql was expected to run, for a plain dump). */
  total: number;
  summary: RestoreSummary;
  rowCounts: { table: string; rows: number | null }[];
  report: RestoreReport;
  commandLine: string;
  listFile?: string;
  /** The new database this restore created was dropped again because the restore failed. */
  droppedAgain?: boolean;
}

export interface RestoreSink {
  signal: AbortSignal;
  onProgress: (p: RestoreProgress) => void;
}

/** The pg_restore command line as it will run, for the preview (the list file's real path is a temp file). */
export function previewCommandLine(
  toolSet: ToolSet,
  info: ArchiveInfo,
  plan: PlannedRestore,
  target: RestoreTarget,
): string {
  const conninfo = toConninfo(target.profile, { database: target.database });
  const args = restoreArgv(plan.options, info.path, conninfo, 'restore.list');
  return restoreCommandLine(toolPath(toolSet, 'pg_restore'), args);
}

async function common(ctx: Ctx, target: RestoreTarget, sink: RestoreSink) {
  const { profile, database } = target;
  const password = await ctx.connections.password(profile);
  const log = (l: string) => ctx.log.command(l);
  return { target: { ...profile, database }, password, signal: sink.signal, onProgress: sink.onProgress, log };
}

function outcome(path: string, target: RestoreTarget, x: ExecutedRestore, listFile?: string): RestoreOutcome {
  const { rowCounts, commandLine, report, ...summary } = x;
  const { profile, database } = target;
  return {
    archivePath: path,
    connection: profile.name,
    database,
    total: report.total,
    summary,
    rowCounts,
    report,
    commandLine,
    listFile,
  };
}

/** Runs pg_restore on a plan through the core (list file in a temp folder, password through a temp pgpass). */
export async function runPlannedRestore(
  ctx: Ctx,
  info: ArchiveInfo,
  plan: PlannedRestore,
  target: RestoreTarget,
  toolSet: ToolSet,
  sink: RestoreSink,
): Promise<RestoreOutcome> {
  const pgRestore = toolPath(toolSet, 'pg_restore');
  const x = await executeRestore({ ...(await common(ctx, target, sink)), archive: info, plan, pgRestore });
  return outcome(info.path, target, x, plan.listFile);
}

/** A plain SQL dump, whole, with psql through the core (ON_ERROR_STOP=1, progress by statements). */
export async function restorePlainDump(
  ctx: Ctx,
  path: string,
  target: RestoreTarget,
  toolSet: ToolSet,
  sink: RestoreSink,
): Promise<RestoreOutcome> {
  const psql = toolPath(toolSet, 'psql');
  const x = await executePlainRestore({ ...(await common(ctx, target, sink)), file: path, psql });
  return outcome(path, target, x);
}
