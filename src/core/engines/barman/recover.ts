/** `barman recover` as argv for a restore request (the backup for a target is chosen by ../restore-plan.ts). Pure. */
import { takesInclusive, type RecoveryTarget } from '../../pitr/model';
import { recoveryTargetTimeLiteral } from '../../pitr/time';
import type { RepoRestoreRequest } from '../types';
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

/** `recover [targets [--exclusive]] [--target-action A] SERVER BACKUP_ID DIR` (BACKUP_ID "latest" when none is chosen). */
export function barmanRecoverArgs(req: RepoRestoreRequest, to = req.to): string[] {
  const exclusive = req.inclusive === false && takesInclusive(req.target.kind) ? ['--exclusive'] : [];
  const target = [...barmanTargetArgs(req.target), ...exclusive];
  const action = target.length ? ['--target-action', req.action ?? 'promote'] : [];
  return ['recover', ...target, ...action, req.repo.name, req.label ?? 'latest', to];
}

/** The whole command line: `barman -c CONFIG recover …`. */
export function barmanRecoverArgv(req: RepoRestoreRequest): string[] {
  return barmanArgv(req.repo.config, barmanRecoverArgs(req));
}
