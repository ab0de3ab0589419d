import { appendFile, chown, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PgBackupError } from '../errors';
import { looksRunning } from './base-backup-info';
import type { RecoveryFile } from '../pitr/render';

/**
 * Writes the recovery files into a restored data directory: the one implementation behind the PITR panel's Save
 * and `pg-backup pitr config --out`. The rules:
 * - never under a running server (settings appended under a live cluster would rewind it at its next restart);
 * - only into a data directory (PG_VERSION there): a typo'd path fails instead of making a folder of its own;
 * - a file written whole (recovery.signal, recovery.conf) may already exist with the same content, so saving twice
 *   is harmless, never with other content;
 * - appended settings go after a blank line, and not again when the file already ends with them;
 * - new files get the data directory's owner, so a server running as `postgres` can read and later rewrite them.
 * Returns the names of the files written.
 */
export async function writeRecoveryFiles(dataDir: string, files: readonly RecoveryFile[]): Promise<string[]> {
  if (looksRunning(dataDir)) {
    throw new PgBackupError(
      `${dataDir} belongs to a running server (postmaster.pid is there): recovery files are never written under a live cluster.`,
      'usage',
      { hint: 'Stop it and move it aside, restore the base backup into a new folder, then save there.' },
    );
  }
  const dir = await stat(dataDir).catch(() => undefined);
  if (!dir?.isDirectory())
    throw new PgBackupError(`${dataDir} is not a folder.`, 'usage', {
      hint: 'Copy or extract the base backup there first (runbook step 3).',
    });
  if (!(await stat(join(dataDir, 'PG_VERSION')).catch(() => undefined))) {
    throw new PgBackupError(`${dataDir} is not a data directory (no PG_VERSION).`, 'usage', {
      hint: 'Copy or extract the base backup there first (runbook step 3).',
    });
  }
  const written: string[] = [];
  for (const f of files) {
    const path = join(dataDir, f.name);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (f.mode === 'append') {
      if (existing?.endsWith(f.content)) continue;
      const sep = !existing ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
      await appendFile(path, sep + f.content, { mode: 0o600 });
    } else {
      if (existing !== undefined && existing !== f.content) {
        throw new PgBackupError(
          `${path} already exists with other settings; move it aside first (it may be from an earlier attempt).`,
          'usage',
        );
      }
      await writeFile(path, f.content, { mode: 0o600 });
    }
    if (existing === undefined && process.getuid?.() === 0) await chown(path, dir.uid, dir.gid);
    written.push(f.name);
  }
  return written;
}
