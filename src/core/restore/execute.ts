import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveInfo } from '../archive/types';
import { childEnv } from '../connection/child-env';
import { withClient } from '../connection/client';
import { toConninfo, type ConnParams } from '../connection/profile';
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
  const dir = await mkdtemp(join(tmpdir(), 'pg-backup-restore-'));
  const env = await childEnv(x.password);
  try {
    const listFile = join(dir, 'restore.list');
    await writeFile(listFile, x.plan.listFile);
    const args = planArgv(x.archive, x.plan, x.target, listFile);
    const summary = await runRestore({ pgRestore: x.pgRestore, args, env: env.env, signal: x.signal, total: x.plan.total, onProgress: x.onProgress, log: x.log });
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
