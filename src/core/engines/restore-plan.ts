/**
 * Which repository backup a restore starts from, and whether its target is inside the window the repository can
 * recover to, from the repository's own facts (each backup's end, the archived WAL). The same validation as the
 * PITR builder (src/core/pitr/validate.ts): a target before the chosen backup's end is refused. Engine-neutral, pure.
 */
import { PgBackupError } from '../errors';
import { DEFAULT_SEGMENT_SIZE, parseSegmentName, segmentStartLsn } from '../physical/wal-names';
import { parseLsn } from '../pitr/lsn';
import type { PitrModel } from '../pitr/model';
import { parseZonedTime } from '../pitr/time';
import { validateModel } from '../pitr/validate';
import type { RecoverableWindow } from '../pitr/window';
import type { RepoBackup, RepoInfo, RepoRestoreRequest } from './types';

/** The LSN where the newest archived segment ends: recovery cannot replay beyond it. */
export function archiveEndLsn(info: RepoInfo): string | undefined {
  const seg = info.archive?.max ? parseSegmentName(info.archive.max, DEFAULT_SEGMENT_SIZE) : undefined;
  return seg ? segmentStartLsn(seg.segNo + 1, DEFAULT_SEGMENT_SIZE) : undefined;
}

/** The window restoring from `b` gives: from its end to the end of the archived WAL. */
export function repoWindow(info: RepoInfo, b: RepoBackup): RecoverableWindow {
  return {
    from: { time: b.stoppedAt, lsn: b.stopLsn },
    to: {},
    walEnd: archiveEndLsn(info),
    timeline: b.timeline ?? info.archive?.timeline ?? 1,
    gaps: [],
    notes: [
      'The last archived commit time is not in the repository info: a time target is checked against the backups only.',
    ],
  };
}

/** The newest backup that ended at or before the target (time and LSN targets), else the newest. */
function pickFor(req: RepoRestoreRequest, usable: RepoBackup[]): RepoBackup | undefined {
  const t = req.target;
  const v = (t.value ?? '').trim();
  if (t.kind === 'time') {
    const p = parseZonedTime(v);
    if (p.ok) return usable.filter((b) => Date.parse(b.stoppedAt) <= p.epochMs).at(-1);
  }
  if (t.kind === 'lsn') {
    const lsn = parseLsn(v);
    if (lsn !== undefined) return usable.filter((b) => b.stopLsn && parseLsn(b.stopLsn)! <= lsn).at(-1);
  }
  return usable.at(-1);
}

export interface RestorePlan {
  backup: RepoBackup;
  window: RecoverableWindow;
}

/** The backup to restore for `req` and its window; a PgBackupError('input') when the target is outside it. */
export function planRepoRestore(info: RepoInfo, req: RepoRestoreRequest): RestorePlan {
  const usable = info.backups.filter((b) => !b.error);
  if (!info.backups.length)
    throw new PgBackupError(`The repository ${req.repo.engine}:${req.repo.name} has no backups yet.`, 'input', {
      hint: 'Take one first: pg-backup repo backup <repo> --type full.',
    });
  let backup: RepoBackup | undefined;
  if (req.label) {
    backup = info.backups.find((b) => b.label === req.label);
    if (!backup)
      throw new PgBackupError(
        `The repository has no backup "${req.label}": it has ${info.backups.map((b) => b.label).join(', ')}.`,
        'input',
      );
  } else backup = pickFor(req, usable) ?? usable[0] ?? info.backups[0];
  const window = repoWindow(info, backup);
  const model: PitrModel = {
    serverMajor: Number(backup.pgVersion ?? info.pgVersion ?? 15),
    target: req.target,
    inclusive: req.inclusive ?? true,
    timeline: 'latest',
    action: req.action ?? 'promote',
    source: { kind: 'pgbackrest', stanza: req.repo.name },
  };
  const issue = validateModel(model, window).find((i) => i.severity === 'error');
  if (issue) throw new PgBackupError(issue.message, 'input');
  if (req.target.kind === 'time') {
    const p = parseZonedTime(req.target.value ?? '');
    if (p.ok && p.epochMs > Date.now())
      throw new PgBackupError(
        `${new Date(p.epochMs).toISOString()} is in the future: recovery would stop short of it.`,
        'input',
      );
  }
  return { backup, window };
}
