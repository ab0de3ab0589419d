/**
 * A drill that could not even read its backup (a truncated or garbled dump): it is still a drill that failed, so
 * it is logged as one (with the reason) and the status no longer counts that backup as good. The error keeps the
 * kind 'input' (the CLI's exit 2) and carries the failed drill the adapters log.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { detectArchiveFormat } from '../archive/detect';
import { PgBackupError } from '../errors';
import { sidecarPath } from '../dump/naming';
import { verifyChecksum } from '../dump/sidecar';
import { appendDrillLog, type DrillLogFiles } from './drill-log';
import { loadSidecar } from './dump-facts';
import type { UnreadableDrillResult } from './restore-drill-result';

export class UnreadableBackupError extends PgBackupError {
  constructor(
    cause: PgBackupError,
    /** The failed drill to log. */
    readonly drill: UnreadableDrillResult,
  ) {
    super(cause.message, cause.kind, { detail: cause.detail, hint: cause.hint });
    this.name = 'UnreadableBackupError';
  }
}

/**
 * Turns the error of reading an existing backup (one with our sidecar, or whose header says it is a dump) into an
 * UnreadableBackupError with its failed drill (and what its sidecar's sha256 says of the file now); a missing path,
 * a file that is no dump at all, or any other error is returned as it is.
 */
export async function unreadableBackup(
  path: string,
  e: unknown,
  drill: { startedAt: Date; started: number },
): Promise<unknown> {
  if (!(e instanceof PgBackupError) || e.kind !== 'input') return e;
  if (
    !(await stat(path).then(
      () => true,
      () => false,
    ))
  )
    return e;
  const sidecar = await loadSidecar(path);
  // A file that is no backup at all (no sidecar of ours, no dump header) is only bad input: nothing to log.
  if (typeof sidecar !== 'object' && !(await detectArchiveFormat(path).then(Boolean, () => false))) return e;
  const sums = typeof sidecar === 'object' ? await verifyChecksum(path).catch(() => undefined) : undefined;
  const checksum =
    typeof sidecar !== 'object' ? (sidecar === 'absent' ? 'none' : 'unreadable') : sums?.ok ? 'verified' : 'mismatch';
  const problems = [`The backup could not be read: ${e.message}`];
  if (checksum === 'mismatch')
    problems.push(`Its checksum does not match the sha256 recorded in ${basename(sidecarPath(path))}.`);
  return new UnreadableBackupError(e, {
    backup: {
      path,
      name: basename(path),
      ...(typeof sidecar === 'object' ? { database: sidecar.database } : {}),
    },
    passed: false,
    unreadable: true,
    problems,
    warnings: [],
    startedAt: drill.startedAt.toISOString(),
    durationMs: Date.now() - drill.started,
    checksum,
  });
}

/**
 * When a drill failed because its backup could not be read, logs that failed drill (so the backup no longer counts
 * as good) and returns the files; undefined for any other error. A log that cannot be written is left unsaid: the
 * caller reports the reading error itself.
 */
export async function logUnreadableDrill(logDir: string, e: unknown): Promise<DrillLogFiles | undefined> {
  if (!(e instanceof UnreadableBackupError)) return undefined;
  return appendDrillLog(logDir, e.drill).catch(() => undefined);
}
