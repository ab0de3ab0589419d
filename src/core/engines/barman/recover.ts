/**
 * Barman's side of point-in-time recovery: which backup serves a target (the newest finished one that ended at or
 * before it), and `barman recover` as argv. Pure.
 */
import { PgBackupError } from '../../errors';
import { parseLsn } from '../../pitr/lsn';
import type { RecoveryTarget } from '../../pitr/model';
import { parseZonedTime, recoveryTargetTimeLiteral } from '../../pitr/time';
import type { RepoBackup, RepoRestoreRequest } from '../types';
import { barmanArgv } from './config';

/** `--target-…` options for a target; none for latest (recover to the end of the archive). */
export function barmanTargetArgs(t: RecoveryTarget): string[] {
  const value = t.value ?? '';
  switch (t.kind) {
    case 'time':
      return ['--target-time', recoveryTargetTimeLiteral(value)];
    case 'xid':
      return ['--target-xid', value];
    case 'lsn':
      return ['--target-lsn', value];
    case 'name':
      return ['--target-name', value];
    case 'immediate':
      return ['--target-immediate'];
    case 'latest':
      return [];
  }
}

/** `recover [targets] [--target-action A] SERVER BACKUP_ID DIR` (BACKUP_ID "latest" when none is chosen). */
export function barmanRecoverArgs(req: RepoRestoreRequest, to = req.to): string[] {
  const target = barmanTargetArgs(req.target);
  const action = target.length ? ['--target-action', req.action ?? 'promote'] : [];
  return ['recover', ...target, ...action, req.repo.name, req.label ?? 'latest', to];
}

/** The whole command line: `barman -c CONFIG recover …`. */
export function barmanRecoverArgv(req: RepoRestoreRequest): string[] {
  return barmanArgv(req.repo.config, barmanRecoverArgs(req));
}

/** Where a target lies relative to a backup's end: the backup can serve it when true. */
function endsBefore(b: RepoBackup, t: RecoveryTarget): boolean {
  if (t.kind === 'time') {
    const at = parseZonedTime(t.value ?? '');
    return at.ok && Date.parse(b.stoppedAt) <= at.epochMs;
  }
  if (t.kind === 'lsn') {
    const at = parseLsn(t.value ?? '');
    const end = b.stopLsn ? parseLsn(b.stopLsn) : undefined;
    return at !== undefined && end !== undefined && end <= at;
  }
  return true;
}

/**
 * The backup a restore to `target` starts from: `label` when given (it must be finished and end before the
 * target), else the newest finished backup that ends before it. A target outside the window is refused.
 */
export function pickBarmanBackup(
  backups: readonly RepoBackup[],
  target: RecoveryTarget,
  server: string,
  label?: string,
): RepoBackup {
  if (target.kind === 'time') {
    const at = parseZonedTime(target.value ?? '');
    if (!at.ok) throw new PgBackupError(at.reason, 'input');
  }
  if (target.kind === 'lsn' && parseLsn(target.value ?? '') === undefined)
    throw new PgBackupError(`"${target.value}" is not an LSN like 0/16B3748.`, 'input');
  const done = backups.filter((b) => !b.error && b.stoppedAt);
  if (label) {
    const b = backups.find((x) => x.label === label);
    if (!b) throw new PgBackupError(`Barman server "${server}" has no backup ${label}.`, 'input');
    if (b.error) throw new PgBackupError(`Barman backup ${label} cannot be restored: it is ${b.error}.`, 'input');
    if (!endsBefore(b, target))
      throw new PgBackupError(
        `The target ${target.value} is before the end of backup ${label} (${b.stopLsn ?? b.stoppedAt}).`,
        'input',
        { hint: 'Choose a later target or an older backup.' },
      );
    return b;
  }
  if (!done.length) throw new PgBackupError(`Barman server "${server}" has no finished backup to restore.`, 'input');
  const fits = done.filter((b) => endsBefore(b, target));
  if (!fits.length) {
    const oldest = done[0];
    throw new PgBackupError(
      `The target ${target.value} is before the end of the oldest backup, ${oldest.label} (${target.kind === 'lsn' ? oldest.stopLsn : oldest.stoppedAt}).`,
      'input',
      { hint: 'Nothing in the repository can be recovered to it; choose a later target.' },
    );
  }
  return fits.reduce((a, b) => (Date.parse(b.stoppedAt) > Date.parse(a.stoppedAt) ? b : a));
}
