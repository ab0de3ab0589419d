/**
 * Barman 3.4 reports no progress while `barman backup` runs pg_basebackup (backup_method = postgres). Its
 * "Starting backup copy via pg_basebackup for ID" line names the backup, pg_basebackup writes it into
 * `<basebackups_directory>/<ID>/data`, and the bytes there against the database size Barman reports
 * (diagnose's current_size) are the fraction done.
 */
import { join } from 'node:path';
import { formatBytes } from '../../format';
import { watchSize, type SizeWatch } from '../../size-watch';
import type { EngineRunOptions } from '../types';

const COPY_START = /Starting backup copy via pg_basebackup for (\S+)/;

/** The backup id Barman's "Starting backup copy" line names, or undefined. */
export function copyStartId(line: string): string | undefined {
  return COPY_START.exec(line)?.[1];
}

export interface BackupProgress {
  /** Every line Barman prints: the copy's start begins the polling. */
  line(line: string): void;
  stop(): void;
}

/**
 * Fractions below 1 that only grow (the size is an estimate: the copy may pass it) with "12 MB of 30 MB"; nothing
 * when the folder or the size is unknown (then the spinner stays).
 */
export function barmanBackupProgress(o: {
  server: string;
  basebackupsDirectory?: string;
  databaseBytes?: number;
  onProgress: EngineRunOptions['onProgress'];
  everyMs?: number;
}): BackupProgress {
  let watch: SizeWatch | undefined;
  let last = 0;
  const { basebackupsDirectory: dir, databaseBytes: total, onProgress } = o;
  return {
    line: (line) => {
      const id = copyStartId(line);
      if (!id || watch || !dir || !total || !onProgress) return;
      watch = watchSize(join(dir, id, 'data'), o.everyMs ?? 500, (bytes) => {
        const fraction = Math.min(0.99, bytes / total);
        if (fraction <= last) return;
        last = fraction;
        onProgress(
          fraction,
          `Barman is backing up "${o.server}": ${formatBytes(bytes)} of ${formatBytes(total)} (${Math.floor(fraction * 100)}%)`,
        );
      });
    },
    stop: () => watch?.stop(),
  };
}
