/**
 * Small files written whole or not at all: sidecars, schema files, schedule scripts and units, drill logs. A
 * file is written under a temporary name in its own folder, flushed to disk, given its mode and renamed over
 * the final name; an append writes the whole text or takes back what it wrote. On any failure nothing is left
 * behind (no empty temp file, no empty executable script) and the error is a PgBackupError('io') naming the
 * folder; a full disk says so, with how much was needed.
 */
import { open, rename, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { PgBackupError } from './errors';
import { formatBytes } from './format';

/** The error for a failed write of `bytes` bytes to `path` (a PgBackupError passes through). */
export async function writeError(e: unknown, path: string, bytes: number): Promise<PgBackupError> {
  if (e instanceof PgBackupError) return e;
  const folder = dirname(path);
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') {
    const free = await statfs(folder).then(
      (s) => s.bavail * s.bsize,
      () => undefined,
    );
    const left = free === undefined ? '' : `, ${formatBytes(free)} free`;
    return new PgBackupError(
      `Cannot write ${basename(path)} in ${folder}: the disk is full (${formatBytes(bytes)} needed${left}).`,
      'io',
      { detail: err.message, hint: 'Free some space there, or choose another folder.' },
    );
  }
  const reason = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.message;
  return new PgBackupError(`Cannot write ${basename(path)} in ${folder}: ${reason}.`, 'io', { detail: err.message });
}

export interface StagedFile {
  /** Renames the complete temporary file over the final name. */
  commit(): Promise<void>;
  /** Removes the temporary file. */
  discard(): Promise<void>;
}

/**
 * Writes `content` to a temporary file next to `path` (flushed, with `mode` set only once it is complete), to be
 * renamed into place by commit(): for a file that must appear only with something else (a sidecar with its dump).
 */
export async function stageFile(path: string, content: string | Buffer, mode = 0o644): Promise<StagedFile> {
  const temp = `${path}.${process.pid}.tmp`;
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  try {
    const fh = await open(temp, 'w', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
      await fh.chmod(mode);
    } finally {
      await fh.close();
    }
  } catch (e) {
    await rm(temp, { force: true });
    throw await writeError(e, path, data.length);
  }
  return {
    async commit() {
      try {
        await rename(temp, path);
      } catch (e) {
        await rm(temp, { force: true });
        throw await writeError(e, path, data.length);
      }
    },
    discard: () => rm(temp, { force: true }),
  };
}

/** Replaces `path` with `content` atomically: readers see the old file or the whole new one, never a part. */
export async function writeFileAtomic(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
  await (await stageFile(path, content, mode)).commit();
}

/**
 * Appends `text` to `path` (made if missing) whole: a write that fails part-way is cut back off the file, and a
 * file this call made is removed again.
 */
export async function appendWhole(path: string, text: string): Promise<void> {
  const data = Buffer.from(text, 'utf8');
  const existed = await stat(path).then(
    () => true,
    () => false,
  );
  let fh;
  try {
    fh = await open(path, 'a', 0o644);
  } catch (e) {
    throw await writeError(e, path, data.length);
  }
  let size = 0;
  try {
    size = (await fh.stat()).size;
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.truncate(size).catch(() => undefined);
    await fh.close();
    if (!existed) await rm(path, { force: true });
    throw await writeError(e, path, data.length);
  }
  await fh.close();
}
