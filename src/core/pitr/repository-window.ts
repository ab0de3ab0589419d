/**
 * The recoverable window of a backup in an engine's repository, from the repository's own facts (the engine's
 * info: the backup's stop time and LSN, the newest WAL segment the repository holds), for the PITR builder's
 * validation. Pure.
 */
import type { RepoBackup, RepoInfo } from '../engines/types';
import { DEFAULT_SEGMENT_SIZE, parseSegmentName, segmentStartLsn } from '../physical/wal-names';
import type { RecoverableWindow } from './window';

/**
 * From the backup's end to the end of the newest archived segment. The time of the last commit in that WAL is not
 * in the engine's info (it would take reading the WAL), so a time target is checked against the backup's end only
 * and the notes say so. `segSize`: pgBackRest and Barman list 16 MB segments unless the cluster was made otherwise.
 */
export function repositoryWindow(
  info: RepoInfo,
  backup: RepoBackup,
  segSize = DEFAULT_SEGMENT_SIZE,
): RecoverableWindow {
  const max = info.archive?.max;
  const newest = max ? parseSegmentName(max, segSize) : undefined;
  const walEnd = newest ? segmentStartLsn(newest.segNo + 1, segSize) : undefined;
  const notes = [
    newest
      ? `The repository holds WAL up to segment ${max} (LSN ${walEnd}); the time of its last commit is not known without replaying it, so a time after it recovers only as far as that WAL goes.`
      : 'The repository lists no archived WAL: only the backup itself (target "immediate") can be recovered.',
  ];
  if (backup.error) notes.push(`The engine marks this backup: ${backup.error}`);
  return {
    from: { time: backup.stoppedAt, lsn: backup.stopLsn },
    to: {},
    ...(walEnd ? { walEnd } : {}),
    timeline: backup.timeline ?? newest?.timeline ?? info.archive?.timeline ?? 1,
    gaps: [],
    notes,
  };
}
