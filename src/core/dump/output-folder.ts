import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PgBackupError } from '../errors';

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/**
 * The folders of `dir` that do not exist yet, outermost first, after checking that the nearest existing ancestor
 * is a folder this process may write into. Creates nothing: a bad --out is refused before connecting.
 */
export async function missingFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    const s = await stat(at).catch((e: unknown) => {
      if ((code(e) === 'ENOENT' || code(e) === 'ENOTDIR') && dirname(at) !== at) return undefined;
      throw new PgBackupError(`Cannot use ${at} for the backup: ${(e as Error).message}`, 'input');
    });
    if (!s) {
      missing.unshift(at);
      continue;
    }
    if (!s.isDirectory()) throw new PgBackupError(`${at} is not a folder, so ${dir} cannot be made in it.`, 'input');
    await access(at, constants.W_OK).catch(() => {
      throw new PgBackupError(`${at} is not writable: the backup cannot be written under it.`, 'input');
    });
    return missing;
  }
}

/**
 * Makes `dir` one level at a time (Node's recursive mkdir spins at 100 % CPU, deaf to signals, where mkdir
 * fails with ENOENT under an existing parent, as anywhere in /proc).
 */
export async function makeFolders(dir: string): Promise<void> {
  for (const level of await missingFolders(dir)) {
    await mkdir(level).catch((e: unknown) => {
      if (code(e) === 'EEXIST') return; // made meanwhile by another dump into the same folder
      throw new PgBackupError(`Cannot create the folder ${level}: ${(e as Error).message}`, 'io');
    });
  }
}
