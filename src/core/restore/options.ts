import { PgBackupError } from '../errors';
import type { DetectedFormat } from '../archive/detect';
import type { ArchiveFormat } from '../archive/types';

/** What the user chose for pg_restore; the names follow pg_restore's long options. */
export interface RestoreOptions {
  clean?: boolean;
  ifExists?: boolean;
  create?: boolean;
  noOwner?: boolean;
  role?: string;
  schemaOnly?: boolean;
  dataOnly?: boolean;
  jobs?: number;
  singleTransaction?: boolean;
  exitOnError?: boolean;
}

/** pg_restore runs custom and directory archives with parallel jobs; a tar archive (and a plain dump, run by psql) restores serially. */
export const restoresInParallel = (format: DetectedFormat): boolean => format === 'custom' || format === 'directory';

/** Refuses what pg_restore refuses (pg_restore.c), before anything runs, with pg_restore's reason. */
export function validateRestoreOptions(o: RestoreOptions, format: ArchiveFormat): void {
  const refuse = (msg: string) => {
    throw new PgBackupError(msg, 'usage');
  };
  if (o.schemaOnly && o.dataOnly) refuse('--schema-only and --data-only cannot be used together.');
  if (o.clean && o.dataOnly)
    refuse('--clean and --data-only cannot be used together: a data-only restore drops nothing.');
  if (o.ifExists && !o.clean) refuse('--if-exists only works with --clean.');
  if (o.create && o.singleTransaction)
    refuse('--create and --single-transaction cannot be used together: CREATE DATABASE cannot run in a transaction.');
  if (o.jobs !== undefined && (!Number.isInteger(o.jobs) || o.jobs < 1))
    refuse(`--jobs must be a whole number of 1 or more, not ${o.jobs}.`);
  if ((o.jobs ?? 1) > 1) {
    if (o.singleTransaction)
      refuse('--jobs and --single-transaction cannot be used together: parallel workers use their own transactions.');
    if (!restoresInParallel(format))
      refuse('--jobs does not work with a tar archive: pg_restore restores tar archives serially.');
  }
}

/** pg_restore's argv for the options: `--verbose` for progress lines, the list file, the target as a conninfo. */
export function restoreArgv(o: RestoreOptions, archivePath: string, conninfo: string, listFile?: string): string[] {
  const args = ['--verbose', `--dbname=${conninfo}`];
  if (listFile) args.push(`--use-list=${listFile}`);
  if (o.clean) args.push('--clean');
  if (o.ifExists) args.push('--if-exists');
  if (o.create) args.push('--create');
  if (o.noOwner) args.push('--no-owner');
  if (o.role) args.push(`--role=${o.role}`);
  if (o.schemaOnly) args.push('--schema-only');
  if (o.dataOnly) args.push('--data-only');
  if ((o.jobs ?? 1) > 1) args.push(`--jobs=${o.jobs}`);
  if (o.singleTransaction) args.push('--single-transaction');
  if (o.exitOnError) args.push('--exit-on-error');
  args.push(archivePath);
  return args;
}
