/**
 * Reading and writing an exported schema on disk. In a split folder we own only `_index.sql`, `<dir>/schema*.sql`
 * and `*.sql` directly inside the known object folders (`<dir>/tables/`, …); anything else in the folder (a
 * README, a migrations folder, other file types) is never read, reported or deleted.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeError, writeFileAtomic } from '../atomic-write';
import { PgBackupError } from '../errors';
import { INDEX_FILE, OBJECT_FOLDERS } from './split-layout';

export type SchemaLayout = { kind: 'file'; path: string } | { kind: 'split'; dir: string };

/** The folder the layout's relative paths start from. */
export function layoutRoot(layout: SchemaLayout): string {
  return layout.kind === 'file' ? dirname(layout.path) : layout.dir;
}

/** Whether a relative path (with `/`) in a split folder is one of ours. `extraFolders`: folders the export uses. */
export function isOwnedPath(rel: string, extraFolders: ReadonlySet<string> = new Set()): boolean {
  const parts = rel.split('/');
  if (!rel.endsWith('.sql')) return false;
  if (parts.length === 1) return rel === INDEX_FILE;
  if (parts.length === 2) return /^schema[.~]/.test(parts[1]);
  return parts.length === 3 && (OBJECT_FOLDERS.has(parts[1]) || extraFolders.has(parts[1]));
}

async function listDir(dir: string): Promise<{ name: string; isDir: boolean }[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).map((d) => ({ name: d.name, isDir: d.isDirectory() }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new PgBackupError(`Cannot read ${dir}: ${(e as Error).message}`, 'io');
  }
}

/** Runs fn over items with at most `limit` at a time (thousands of small files: do not open them all at once). */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Relative paths of our files in a split folder (three levels at most, so this stays cheap). */
async function listOwned(dir: string, extraFolders: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  for (const top of await listDir(dir)) {
    if (!top.isDir) {
      if (isOwnedPath(top.name)) out.push(top.name);
      continue;
    }
    for (const second of await listDir(join(dir, top.name))) {
      const rel = `${top.name}/${second.name}`;
      if (!second.isDir) {
        if (isOwnedPath(rel)) out.push(rel);
      } else if (OBJECT_FOLDERS.has(second.name) || extraFolders.has(second.name)) {
        // An object folder of ours: its .sql files are (isOwnedPath, without building and splitting each path).
        for (const f of await listDir(join(dir, rel)))
          if (!f.isDir && f.name.endsWith('.sql')) out.push(`${rel}/${f.name}`);
      }
    }
  }
  return out.sort();
}

/** Reused for every read: the files are small, and a fresh buffer per file is most of the garbage. */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * A file's text, or undefined when it does not exist. open + one read + close: readFileSync also asks for the
 * size first, a fourth system call per file; a file that fills the buffer is read again whole.
 */
function readText(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PgBackupError(`Cannot read ${path}: ${(e as Error).message}`, 'io');
  }
  try {
    const n = readSync(fd, readBuffer, 0, readBuffer.length, 0);
    return n < readBuffer.length ? readBuffer.toString('utf8', 0, n) : readFileSync(fd, 'utf8');
  } catch (e) {
    throw new PgBackupError(`Cannot read ${path}: ${(e as Error).message}`, 'io');
  } finally {
    closeSync(fd);
  }
}

/** Files read between two yields to the event loop. */
const READ_BATCH = 200;

/**
 * Reads many small files. Synchronous reads in batches: each async readFile is four thread-pool round trips,
 * which for thousands of files costs several times the CPU; yielding between batches keeps the extension host
 * responsive.
 */
async function readTexts(root: string, rels: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // root + separator once: path.join per file normalizes the whole path again.
  const prefix = join(root, '_').slice(0, -1);
  for (let i = 0; i < rels.length; i += READ_BATCH) {
    if (i) await new Promise((r) => setImmediate(r));
    for (let j = i; j < Math.min(i + READ_BATCH, rels.length); j++) {
      const text = readText(prefix + rels[j]);
      if (text !== undefined) out.set(rels[j], text);
    }
  }
  return out;
}

/**
 * Object folders the rendered files use beyond the known ones (entry types pg-backup has no folder for get a
 * folder named after the type); files there count as ours too.
 */
export function extraFoldersOf(files: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const k of files.keys()) {
    const a = k.indexOf('/');
    const b = k.indexOf('/', a + 1);
    if (a < 0 || b < 0 || k.indexOf('/', b + 1) >= 0) continue;
    const folder = k.slice(a + 1, b);
    if (!OBJECT_FOLDERS.has(folder)) out.add(folder);
  }
  return out;
}

/**
 * The committed export as a map like renderSchemaFiles returns. A missing file or folder reads as empty.
 * `expected` (the rendered export) lets folders only it uses count as ours.
 */
export async function readLayoutFiles(
  layout: SchemaLayout,
  expected: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, string>> {
  if (layout.kind === 'file') return readTexts(dirname(layout.path), [basename(layout.path)]);
  return readTexts(layout.dir, await listOwned(layout.dir, extraFoldersOf(expected)));
}

export type FileStatus = 'added' | 'changed' | 'removed' | 'unchanged';

export interface FileChange {
  /** Relative to the layout root, with `/`. */
  path: string;
  status: FileStatus;
}

/** What turns `before` (on disk) into `after` (rendered), sorted by path. */
export function compareFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FileChange[] {
  const paths = [...after.keys()];
  for (const path of before.keys()) if (!after.has(path)) paths.push(path);
  paths.sort();
  return paths.map((path) => {
    const a = before.get(path);
    const b = after.get(path);
    const status: FileStatus =
      a === undefined ? 'added' : b === undefined ? 'removed' : a === b ? 'unchanged' : 'changed';
    return { path, status };
  });
}

/** The single file is replaced atomically: an editor or `git diff` never sees half of it. */
async function writeAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, content);
}

/**
 * Split files are written in place (thousands of renames would double the cost); an interrupted export leaves a
 * folder the next export repairs.
 */
async function writeSplit(root: string, files: ReadonlyMap<string, string>, paths: readonly string[]): Promise<void> {
  const dirs = [...new Set(paths.map((rel) => dirname(join(root, rel))))];
  await Promise.all(dirs.map((d) => mkdir(d, { recursive: true })));
  await eachLimited(paths, 64, async (rel) => {
    const path = join(root, rel);
    const content = files.get(rel)!;
    await writeFile(path, content, 'utf8').catch(async (e: unknown) => {
      throw await writeError(e, path, Buffer.byteLength(content));
    });
  });
}

/** Removes now-empty folders that held removed files, deepest first; stops at the first non-empty one. */
async function pruneEmpty(root: string, removed: readonly string[]): Promise<void> {
  const dirs = [
    ...new Set(
      removed.flatMap((rel) => {
        const parts = rel.split('/').slice(0, -1);
        return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
      }),
    ),
  ].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const d of dirs) await rmdir(join(root, d)).catch(() => undefined);
}

/**
 * Writes the rendered files: only files whose content differs from `committed` (what readLayoutFiles finds, read
 * here when not given), so unchanged files keep their mtime; in a split folder removes our files the new export
 * no longer has.
 */
export async function writeLayoutFiles(
  layout: SchemaLayout,
  files: ReadonlyMap<string, string>,
  committed?: ReadonlyMap<string, string>,
): Promise<FileChange[]> {
  const root = layoutRoot(layout);
  const compared = committed ?? (await readLayoutFiles(layout, files));
  const changes = compareFiles(compared, files);
  const toWrite = changes.filter((c) => c.status === 'added' || c.status === 'changed').map((c) => c.path);
  const toRemove = changes.filter((c) => c.status === 'removed').map((c) => c.path);
  // Deleting is only safe in a folder an export wrote; its index file says so.
  if (layout.kind === 'split' && toRemove.length && !compared.has(INDEX_FILE)) {
    throw new PgBackupError(
      `${layout.dir} holds .sql files where the split layout puts its own, but no ${INDEX_FILE}: it is not a schema export, so nothing was written.`,
      'input',
      { detail: toRemove.slice(0, 5).join('\n'), hint: 'Export into an empty folder.' },
    );
  }
  try {
    if (layout.kind === 'file') await Promise.all(toWrite.map((rel) => writeAtomic(join(root, rel), files.get(rel)!)));
    else await writeSplit(root, files, toWrite);
    await eachLimited(toRemove, 64, (rel) => rm(join(root, rel), { force: true }));
  } catch (e) {
    if (e instanceof PgBackupError) throw e;
    throw new PgBackupError(
      `Cannot write the schema into ${layout.kind === 'file' ? layout.path : layout.dir}: ${(e as Error).message}`,
      'io',
    );
  }
  await pruneEmpty(root, toRemove);
  return changes;
}
