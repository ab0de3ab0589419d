import { PgBackupError } from '../errors';
import type { ArchiveInfo } from '../archive/types';
import { majorOfVersion, type ToolSet } from '../tools/discover';
import { installAdvice } from '../tools/pick';

/** The newest archive version each pg_restore major reads (pg_backup_archiver.h K_VERS_MAX). */
function maxArchiveMinor(restoreMajor: number): number {
  if (restoreMajor >= 17) return 16;
  if (restoreMajor === 16) return 15;
  if (restoreMajor >= 12) return 14;
  return 13;
}

/** "15.18 (Debian 15.18-0+deb12u1)" → 15. */
export function pgDumpMajor(info: ArchiveInfo): number | undefined {
  const v = /^(\d+(?:\.\d+)?)/.exec(info.pgDumpVersion ?? '')?.[1];
  return v ? majorOfVersion(v) : undefined;
}

/**
 * Picks the newest installed pg_restore, refusing when it is older than the pg_dump that made the archive
 * (pg_restore cannot read a newer pg_dump's archive), naming both versions.
 */
export function pickRestoreTools(sets: readonly ToolSet[], info: ArchiveInfo): ToolSet {
  const withRestore = sets.filter((s) => s.tools.pg_restore).sort((a, b) => b.major - a.major);
  const dumpMajor = pgDumpMajor(info) ?? 0;
  const best = withRestore[0];
  const made = `pg_dump ${info.pgDumpVersion ?? '(unknown version)'}`;
  if (!best)
    throw new PgBackupError(`No pg_restore was found to restore this archive made by ${made}.`, 'tool-missing', {
      hint: installAdvice(Math.max(dumpMajor, 12)),
    });
  if (best.major < dumpMajor || info.version.minor > maxArchiveMinor(best.major)) {
    throw new PgBackupError(
      `The archive was made by ${made}, newer than pg_restore ${best.version}: an older pg_restore cannot read it.`,
      'tool-version',
      { hint: installAdvice(dumpMajor) },
    );
  }
  return best;
}
