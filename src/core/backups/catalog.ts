/**
 * The Backups tree's data: every backup in a set of folders, with what can be known without a server —
 * format, size, date, database and versions (from our sidecar, else read natively from the archive header),
 * checksum state, and for base backups the label, LSNs and timeline.
 */
import { close as fsClose, fstat as fsFstat, open as fsOpen, read as fsRead } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { formatOfHead, type DetectedFormat } from '../archive/detect';
import { archiveHeaderFromHead, readArchiveHeader } from '../archive/read-archive';
import type { ArchiveInfo } from '../archive/types';
import { sidecarPath } from '../dump/naming';
import { sizeOnDisk } from '../dump/checksum';
import { parseSidecar, type DumpSidecar } from '../dump/sidecar';
import { errorMessage } from '../errors';
import { readBaseBackup, type BaseBackupInfo } from '../physical/base-backup-info';

export type BackupKind = 'dump' | 'basebackup';

/** What a listing knows of a backup wherever it is kept: a local backup folder or an off-site destination. */
export interface BackupFacts {
  /** The backup's file or folder name. */
  name: string;
  kind: BackupKind;
  sizeBytes: number;
  /** The file's modification time (an off-site copy's: when it was written). */
  modified: Date;
  /** When the backup was taken: from the sidecar or archive header; else the modification time. */
  created: Date;
  database?: string;
  /** "host:port" of the server dumped, from our sidecar (an archive header does not name it). */
  server?: string;
  serverVersion?: string;
  /** A dump's sidecar. */
  sidecar?: DumpSidecar;
  /** Why the header or sidecar could not be read (the backup is still listed). */
  problem?: string;
}

export interface BackupEntry extends BackupFacts {
  path: string;
  /** The folder the backup is in: a backup folder or one of its subfolders. */
  folder: string;
  /** plain | custom | tar | directory for dumps; plain | tar for base backups. */
  format: DetectedFormat;
  pgDumpVersion?: string;
  /** 'recorded': the sidecar has a sha256 to verify against. */
  checksum: 'recorded' | 'none';
  base?: BaseBackupInfo;
}

/** Names that are never backups: our own sidecars and in-flight output. */
const IGNORED = /(\.pgbackup\.json|\.partial|\.tmp-\d+)$|^\./;
/** A name that is never a backup, nor a folder to look for backups in: hidden, a sidecar, in-flight output. */
const isIgnoredName = (name: string): boolean => IGNORED.test(name);
const DUMP_FILE = /\.(dump|backup|custom|pgdump|tar|sql|sql\.gz)$/i;
/** A tar header block plus toc.dat's archive header: all a header needs. */
const HEAD_BYTES = 2048;

/*
 * The callback fs API, promisified: for 1,000 small reads it is about twice as fast as FileHandle (measured in
 * bench/backups-tree.ts), and reads stay asynchronous, so a slow network folder never blocks the extension host.
 */
const openFd = promisify(fsOpen);
const closeFd = promisify(fsClose);
const fstatFd = promisify(fsFstat);
const readFd = (fd: number, length: number, position = 0): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const buf = Buffer.allocUnsafe(length);
    fsRead(fd, buf, 0, length, position, (err, n) => (err ? reject(err) : resolve(buf.subarray(0, n))));
  });

/** The first `length` bytes of a file, with its size and mtime; undefined when it cannot be opened. */
async function readHead(
  path: string,
  length: number,
): Promise<{ head: Buffer; size: number; mtime: Date } | undefined> {
  const fd = await openFd(path, 'r').catch(() => undefined);
  if (fd === undefined) return undefined;
  try {
    const [s, head] = await Promise.all([fstatFd(fd), readFd(fd, length)]);
    return { head, size: s.size, mtime: s.mtime };
  } finally {
    await closeFd(fd);
  }
}

/** What one read of a sidecar takes: a few hundred bytes, more for a directory dump (a checksum per file). */
const SIDECAR_CHUNK = 16 << 10;
const SIDECAR_MAX = 16 << 20;

/**
 * A sidecar, read whole in 16 KB reads with no fstat: three file operations instead of four, a quarter faster
 * over 1,000 sidecars (bench/status.ts).
 */
async function readSidecarFast(backupPath: string): Promise<DumpSidecar | undefined> {
  const path = sidecarPath(backupPath);
  const fd = await openFd(path, 'r').catch(() => undefined);
  if (fd === undefined) return undefined;
  try {
    const chunks = [await readFd(fd, SIDECAR_CHUNK)];
    for (let at = chunks[0].length; chunks.at(-1)!.length === SIDECAR_CHUNK && at < SIDECAR_MAX;) {
      chunks.push(await readFd(fd, SIDECAR_CHUNK, at));
      at += chunks.at(-1)!.length;
    }
    return parseSidecar(Buffer.concat(chunks).toString('utf8'), path);
  } catch {
    return undefined;
  } finally {
    await closeFd(fd);
  }
}

function entryFor(
  path: string,
  folder: string,
  format: DetectedFormat,
  sizeBytes: number,
  modified: Date,
): BackupEntry {
  return {
    path,
    name: basename(path),
    folder,
    kind: 'dump',
    format,
    sizeBytes,
    modified,
    created: modified,
    checksum: 'none',
  };
}

/** Fills database, versions and time from our sidecar when there is one (hasSidecar), else from the archive header. */
function withSidecar(entry: BackupEntry, sidecar: DumpSidecar): BackupEntry {
  const { database, server, serverVersion, pgDumpVersion } = sidecar;
  const facts = { database, server, serverVersion, pgDumpVersion, created: new Date(sidecar.started) };
  return Object.assign(entry, { sidecar, checksum: 'recorded' as const }, facts);
}

async function addFacts(
  entry: BackupEntry,
  hasSidecar: boolean,
  header: () => Promise<ArchiveInfo>,
): Promise<BackupEntry> {
  const sidecar = hasSidecar ? await readSidecarFast(entry.path) : undefined;
  if (sidecar) return withSidecar(entry, sidecar);
  if (entry.format === 'plain') return entry;
  try {
    const h = await header();
    Object.assign(entry, {
      database: h.database ?? undefined,
      serverVersion: h.serverVersion ?? undefined,
      pgDumpVersion: h.pgDumpVersion ?? undefined,
      created: h.created.date,
    });
  } catch (e) {
    entry.problem = errorMessage(e);
  }
  return entry;
}

async function describeBaseBackup(path: string, folder: string, modified: Date): Promise<BackupEntry | undefined> {
  const base = await readBaseBackup(path).catch(() => undefined);
  if (!base) return undefined;
  const started = base.label?.startTime ? new Date(base.label.startTime) : modified;
  return {
    path,
    name: basename(path),
    folder,
    kind: 'basebackup',
    format: base.format,
    sizeBytes: base.manifest?.totalBytes ?? (await sizeOnDisk(path)),
    modified,
    created: started,
    serverVersion: base.pgVersion,
    checksum: base.manifest ? 'recorded' : 'none',
    base,
  };
}

async function describeFolder(path: string, folder: string, hasSidecar: boolean): Promise<BackupEntry | undefined> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return undefined;
  const children = await readdir(path).catch(() => [] as string[]);
  if (children.includes('toc.dat'))
    return addFacts(entryFor(path, folder, 'directory', await sizeOnDisk(path), s.mtime), hasSidecar, () =>
      readArchiveHeader(path),
    );
  if (
    children.includes('backup_label') ||
    children.includes('backup_manifest') ||
    children.some((c) => /^base\.tar/.test(c))
  )
    return describeBaseBackup(path, folder, s.mtime);
  return undefined;
}

async function describeFile(path: string, folder: string, hasSidecar: boolean): Promise<BackupEntry | undefined> {
  // Our own dumps are described by their sidecar alone (format, size, facts): the file is not opened, which
  // halves the reads of a folder of our backups. Verify Checksum is what checks the file against it.
  const sidecar = hasSidecar ? await readSidecarFast(path) : undefined;
  if (sidecar && sidecar.format !== 'directory') {
    const started = new Date(sidecar.started);
    return withSidecar(entryFor(path, folder, sidecar.format, sidecar.bytes, started), sidecar);
  }
  const read = await readHead(path, HEAD_BYTES);
  if (!read) return undefined;
  let format: DetectedFormat;
  try {
    format = formatOfHead(read.head.subarray(0, 512), path);
  } catch {
    return undefined; // not a dump: anything else may live in a backups folder
  }
  // Any custom/tar archive is a backup whatever its name; a text file only when it is named like a dump.
  if (format === 'plain' && !DUMP_FILE.test(basename(path))) return undefined;
  return addFacts(entryFor(path, folder, format, read.size, read.mtime), hasSidecar, () =>
    archiveHeaderFromHead(read.head, read.size, path),
  );
}

/** One path: a dump file, a directory dump, a base backup folder, or undefined for anything else. */
export async function describeBackup(path: string, folder: string): Promise<BackupEntry | undefined> {
  if (isIgnoredName(basename(path))) return undefined;
  const s = await stat(path).catch(() => undefined);
  const hasSidecar = !!(await stat(sidecarPath(path)).catch(() => undefined));
  if (s?.isDirectory()) return describeFolder(path, folder, hasSidecar);
  return s?.isFile() ? describeFile(path, folder, hasSidecar) : undefined;
}

/** How deep below a backup folder backups are looked for: a scheduled job's folder, or one per server and database. */
export const SUBFOLDER_DEPTH = 3;

/**
 * The backups in one folder and, `depth` levels down, in its subfolders that are not backups themselves; adds
 * each folder it reads to `looked` (those that exist).
 */
async function listFolder(dir: string, depth: number, looked: Set<string>): Promise<(BackupEntry | undefined)[]> {
  const dirents = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!dirents) return [];
  looked.add(dir);
  const names = new Set(dirents.map((d) => d.name));
  const found = await Promise.all(
    dirents
      .filter((d) => !isIgnoredName(d.name))
      .map(async (d) => {
        const path = join(dir, d.name);
        const hasSidecar = names.has(basename(sidecarPath(path)));
        if (d.isFile()) return [await describeFile(path, dir, hasSidecar)];
        if (!d.isDirectory()) return [];
        const backup = await describeFolder(path, dir, hasSidecar);
        if (backup) return [backup];
        return depth > 0 ? listFolder(path, depth - 1, looked) : [];
      }),
  );
  return found.flat();
}

/**
 * Every backup inside the given folders and their subfolders (SUBFOLDER_DEPTH levels: a scheduled job writes
 * into its own), newest first; `folder` is the one a backup is in. Missing folders are skipped. One readdir per
 * folder tells files from folders and which have a sidecar; each file costs one 2 KB read. Symbolic links to
 * folders are not followed, so there is no loop to fall into; a backup folder inside another is listed once.
 */
export async function listBackups(folders: readonly string[]): Promise<BackupEntry[]> {
  return (await scanBackups(folders)).backups;
}

/** listBackups, and the folders it looked into (the backup folders and subfolders that exist): what to watch. */
export async function scanBackups(folders: readonly string[]): Promise<{ backups: BackupEntry[]; folders: string[] }> {
  const looked = new Set<string>();
  const perFolder = await Promise.all(folders.map((folder) => listFolder(folder, SUBFOLDER_DEPTH, looked)));
  // A backup folder inside another one would list its backups twice.
  const byPath = new Map(perFolder.flat().flatMap((e) => (e ? [[e.path, e] as const] : [])));
  const backups = [...byPath.values()].sort((a, b) => b.created.getTime() - a.created.getTime());
  return { backups, folders: [...looked].sort() };
}
