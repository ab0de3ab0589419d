import { appendFile, chown, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PgBackupError } from '../../core/errors';
import { looksRunning } from '../../core/physical/base-backup-info';
import type { RecoveryFile } from '../../core/pitr/render';

/**
 * Writes the recovery files into a restored data directory. Refuses a directory a server runs from (recovery
 * settings appended under a live server would take effect at its next restart, rewinding it) and one that is not
 * a data directory yet. An existing recovery.conf with other content is not overwritten. New files get the data
 * directory's owner, so a server running as `postgres` can read and later rewrite them.
 */
export async function saveRecoveryFiles(dataDir: string, files: readonly RecoveryFile[]): Promise<string[]> {
  if (looksRunning(dataDir)) {
    throw new PgBackupError(`${dataDir} belongs to a running server (postmaster.pid is there): recovery files are never written under a live cluster.`, 'usage', undefined, 'Stop it and move it aside, restore the base backup into a new folder, then save there.');
  }
  const dir = await stat(dataDir).catch(() => undefined);
  if (!dir?.isDirectory()) throw new PgBackupError(`${dataDir} is not a folder.`, 'usage');
  if (!(await stat(join(dataDir, 'PG_VERSION')).catch(() => undefined))) {
    throw new PgBackupError(`${dataDir} is not a data directory (no PG_VERSION).`, 'usage', undefined, 'Copy or extract the base backup there first (runbook step 3).');
  }
  const written: string[] = [];
  for (const f of files) {
    const path = join(dataDir, f.name);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (f.mode === 'append') {
      const sep = existing && !existing.endsWith('\n') ? '\n' : '';
      await appendFile(path, sep + f.content, { mode: 0o600 });
    } else {
      if (existing !== undefined && existing !== f.content) {
        throw new PgBackupError(`${path} already exists with other settings; move it aside first.`, 'usage');
      }
      await writeFile(path, f.content, { mode: 0o600 });
    }
    if (existing === undefined && process.getuid?.() === 0) await chown(path, dir.uid, dir.gid);
    written.push(f.name);
  }
  return written;
}
