import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveInfo } from '../archive/types';
import { childEnv } from '../connection/child-env';
import { withClient } from '../connection/client';
import { dropOwnDatabase, leftDatabaseNote } from '../connection/drop-database';
import { toConninfo, type ConnParams } from '../connection/profile';
import { serverInfo } from '../connection/server-info';
import { CancelledError, errorMessage, type CleanupLog } from '../errors';
import { restoreArgv, validateRestoreOptions } from './options';
import type { PlannedRestore } from './planner';
import { restoredRowCounts, runRestore, type RestoreProgress, type RestoreSummary, type RowCount } from './run';

export interface ExecuteRestore {
  archive: ArchiveInfo;
  plan: PlannedRestore;
  target: ConnParams;
  password?: string;
  pgRestore: string;
  signal?: AbortSignal;
  onProgress?: (p: RestoreProgress) => void;
  log?: (commandLine: string) => void;
  /** Told what a cancelled restore cleaned up: the database its --create made. */
  onCleanup?: CleanupLog;
}

export interface ExecutedRestore extends RestoreSummary {
  rowCounts: RowCount[];
  /** Why no row could be counted (the database could not be reached after the restore). */
  countError?: string;
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
    const { pgRestore, signal, onProgress, log } = x;
    const run = { pgRestore, args, env: env.env, signal, total: x.plan.total, onProgress, log };
    const summary = await runRestore(run).catch(async (e: unknown) => {
      if (created && e instanceof CancelledError) await created.drop();
      throw e;
    });
    const where = x.plan.options.create && x.archive.database ? { ...x.target, database: x.archive.database } : x.target;
    if (x.plan.options.schemaOnly) return { ...summary, rowCounts: [] };
    return await withClient(where, { password: x.password }, (c) => restoredRowCounts(c, x.plan)).then(
      (rowCounts) => ({ ...summary, rowCounts }),
      (e: Error) => ({ ...summary, rowCounts: [], countError: e.message }),
    );
  } finally {
    await env.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * With --create, pg_restore makes the archive's database: when it does not exist yet, a cancelled restore leaves
 * it half-restored, so `drop` drops it again (as the extension's Cancel does) and says so.
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
