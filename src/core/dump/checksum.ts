import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** sha256 of a file dump, or of each file of a directory dump (names relative to the folder, "/" separated). */
export type BackupChecksum = string | { files: Record<string, string> };

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

/** Every regular file under a folder, as paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** Total bytes of a file, or of the files under a folder; 0 while it does not exist yet. */
export async function sizeOnDisk(path: string): Promise<number> {
  let s;
  try {
    s = await stat(path);
  } catch {
    return 0;
  }
  if (!s.isDirectory()) return s.size;
  const entries = await readdir(path, { recursive: true, withFileTypes: true }).catch(() => []);
  const sizes = await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map((e) =>
        stat(join(e.parentPath, e.name)).then(
          (x) => x.size,
          () => 0,
        ),
      ),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

export async function backupChecksum(path: string): Promise<BackupChecksum> {
  if (!(await stat(path)).isDirectory()) return sha256File(path);
  const names = await listFiles(path);
  const files: Record<string, string> = {};
  // A few at a time: a parallel dump has one file per table, and hashing them concurrently uses the cores.
  const queue = [...names];
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) files[n] = await sha256File(join(path, n));
  };
  await Promise.all(Array.from({ length: Math.min(4, names.length) }, worker));
  return { files: Object.fromEntries(names.map((n) => [n, files[n]])) };
}
