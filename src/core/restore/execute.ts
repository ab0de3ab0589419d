import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveInfo } from '../archive/types';
import { childEnv } from '../connection/child-env';
import { withClient } from '../connection/client';
import { dropOwnDatabase, leftDatabaseNote } from '../connection/drop-database';
import { toConninfo, type ConnParams } from '../connection/profile';
import { serverInfo } from '../connection/server-info';
import { errorMessage, type CleanupLog } from '../errors';
import { restoreArgv, validateRestoreOptions } from './options';
import { plainSqlArgv, runPlainSql } from './plain';
import type { PlannedRestore } from './planner';
import { restoreReport, type RestoreReport } from './report';
import { countRows, listUserTables } from './row-counts';
import {
  restoreCommandLine,
  restoredRowCounts,
  runRestore,
  type RestoreProgress,
  type RestoreSummary,
  type RowCount,
} from './run';
import { restoreProgressEstimator } from './progress';

interface ExecuteCommon {
  target: ConnParams;
  password?: string;
  signal?: AbortSignal;
  onProgress?: (p: RestoreProgress) => void;
  log?: (commandLine: string) => void;
  /** Told what a cancelled restore cleaned up: the database its --create made. */
  onCleanup?: CleanupLog;
}

export interface ExecuteRestore extends ExecuteCommon {
  archive: ArchiveInfo;
  plan: PlannedRestore;
  pgRestore: string;
}

export interface ExecutedRestore extends RestoreSummary {
  rowCounts: RowCount[];
  /** Why no row could be counted (the database could not be reached after the restore). */
  countError?: string;
  /** The command line that ran (the list file as a temp path; no password in it). */
  commandLine: string;
  report: RestoreReport;
}

/** The exact pg_restore argv for a plan (the list file path is the one given). */
export function planArgv(archive: ArchiveInfo, plan: PlannedRestore, target: ConnParams, listFile: string): string[] {
  validateRestoreOptions(plan.options, archive.format);
  return restoreArgv(plan.options, archive.path, toConninfo(target), listFile);
}

/**
 * Writes the plan's list file, runs pg_restore on it (password through a temporary pgpass file, never argv),
 * then counts the rows of the restored tables in the database they went to (the archive's own name with
 * --create, pg_restore's rule).
 */
export async function executeRestore(x: ExecuteRestore): Promise<ExecutedRestore> {
  const created = x.plan.options.create && x.archive.database ? await createdByUs(x, x.archive.database) : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'pg-backup-restore-'));
  const env = await childEnv(x.password);
  try {
    const listFile = join(dir, 'restore.list');
    await writeFile(listFile, x.plan.listFile);
    const args = planArgv(x.archive, x.plan, x.target, listFile);
    const { plan } = x;
    const estimator = await restoreProgressEstimator(x.archive, plan);
    const run = { pgRestore: x.pgRestore, args, env: env.env, signal: x.signal, total: plan.total, estimator };
    const summary = await runRestore({ ...run, onProgress: x.onProgress, log: x.log }).catch(async (e: unknown) => {
      // A database this restore made is dropped again when the restore is cancelled or cannot run to its end.
      if (created) await created.drop();
      throw e;
    });
    const where = plan.options.create && x.archive.database ? { ...x.target, database: x.archive.database } : x.target;
    const counted = plan.options.schemaOnly
      ? { rowCounts: [] }
      : await withClient(where, { password: x.password }, (c) => restoredRowCounts(c, plan)).then(
          (rowCounts) => ({ rowCounts }),
          (e: Error) => ({ rowCounts: [], countError: e.message }),
        );
    const { total, items } = plan;
    const report = restoreReport({
      database: where.database ?? '',
      summary,
      rowCounts: counted.rowCounts,
      total,
      items,
    });
    return { ...summary, ...counted, commandLine: restoreCommandLine(x.pgRestore, args), report };
  } finally {
    await env.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ExecutePlainRestore extends ExecuteCommon {
  /** The plain SQL dump. */
  file: string;
  psql: string;
}

/**
 * A plain SQL dump, whole, with psql stopping at the first error (ON_ERROR_STOP=1), progress by statements,
 * then the rows of every user table of the target.
 */
export async function executePlainRestore(x: ExecutePlainRestore): Promise<ExecutedRestore> {
  const env = await childEnv(x.password);
  const conninfo = toConninfo(x.target);
  const run = { psql: x.psql, file: x.file, conninfo, stopOnError: true, onProgress: x.onProgress };
  const { total, ...summary } = await runPlainSql({ ...run, env: env.env, signal: x.signal, log: x.log }).finally(() =>
    env.dispose(),
  );
  const rowCounts = await withClient(x.target, { password: x.password }, async (c) =>
    (await countRows(c, await listUserTables(c))).map((t) => ({ table: `${t.schema}.${t.name}`, rows: t.rows })),
  ).catch(() => []);
  const commandLine = restoreCommandLine(x.psql, plainSqlArgv(run));
  const database = x.target.database ?? '';
  const report = restoreReport({ database, summary, rowCounts, total: Math.max(total, summary.restored.length) });
  return { ...summary, rowCounts, commandLine, report };
}

/**
 * With --create, pg_restore makes the archive's database: when it does not exist yet, a cancelled or failed restore
 * leaves it half-restored, so `drop` drops it again (as the extension's Cancel does) and says so.
 */
async function createdByUs(x: ExecuteRestore, name: string): Promise<{ drop(): Promise<void> } | undefined> {
  const exists = await withClient(x.target, { password: x.password }, async (c) => {
    return (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount;
  });
  if (exists) return undefined;
  return {
    drop: () =>
      withClient(x.target, { password: x.password }, async (c) => {
        await dropOwnDatabase(c, name, (await serverInfo(c)).major);
      }).then(
        () => x.onCleanup?.(`dropped the half-restored database ${name}`),
        (e: unknown) => x.onCleanup?.(leftDatabaseNote('half-restored database', name, x.target, errorMessage(e))),
      ),
  };
}
