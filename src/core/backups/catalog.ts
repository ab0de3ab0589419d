/**
 * The Backups tree's data: every backup in a set of folders, with what can be known without a server —
 * format, size, date, database and versions (from our sidecar, else read natively from the archive header),
 * checksum state, and for base backups the label, LSNs and timeline.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { detectArchiveFormat, type DetectedFormat } from '../archive/detect';
import { readArchive } from '../archive/read-archive';
import { sizeOnDisk } from '../dump/checksum';
import { readSidecar, type DumpSidecar } from '../dump/sidecar';
import { errorMessage } from '../errors';
import { readBaseBackup, type BaseBackupInfo } from '../physical/base-backup-info';

export type BackupKind = 'dump' | 'basebackup';

export interface BackupEntry {
  path: string;
  name: string;
  folder: string;
  kind: BackupKind;
  /** plain | custom | tar | directory for dumps; plain | tar for base backups. */
  format: DetectedFormat;
  sizeBytes: number;
  /** The file's modification time. */
  modified: Date;
  /** When the dump was taken: from the sidecar or archive header; else the modification time. */
  created: Date;
  database?: string;
  serverVersion?: string;
  pgDumpVersion?: string;
  sidecar?: DumpSidecar;
  /** 'recorded': the sidecar has a sha256 to verify against. */
  checksum: 'recorded' | 'none';
  base?: BaseBackupInfo;
  /** Why the header could not be read (the entry is still listed). */
  problem?: string;
}

/** Names that are never backups: our own sidecars and in-flight output. */
const IGNORED = /(\.pgbackup\.json|\.partial|\.tmp-\d+)$|^\./;
const DUMP_FILE = /\.(dump|backup|custom|pgdump|tar|sql|sql\.gz)$/i;

async function describeDump(path: string, folder: string, format: DetectedFormat, sizeBytes: number, modified: Date): Promise<BackupEntry> {
  const entry: BackupEntry = { path, name: basename(path), folder, kind: 'dump', format, sizeBytes, modified, created: modified, checksum: 'none' };
  const sidecar = await readSidecar(path).catch(() => undefined);
  if (sidecar) {
    Object.assign(entry, { sidecar, checksum: 'recorded', database: sidecar.database, serverVersion: sidecar.serverVersion, pgDumpVersion: sidecar.pgDumpVersion, created: new Date(sidecar.started) });
    return entry;
  }
  if (format === 'plain') return entry;
  try {
    const h = await readArchive(path); // FIXME: header-only read (the TOC is not needed here)
    Object.assign(entry, { database: h.database ?? undefined, serverVersion: h.serverVersion ?? undefined, pgDumpVersion: h.pgDumpVersion ?? undefined, created: h.created.date });
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

/** One path: a dump file, a directory dump, a base backup folder, or undefined for anything else. */
export async function describeBackup(path: string, folder: string): Promise<BackupEntry | undefined> {
  const name = basename(path);
  if (IGNORED.test(name)) return undefined;
  const s = await stat(path).catch(() => undefined);
  if (!s) return undefined;
  if (s.isDirectory()) {
    const children = await readdir(path).catch(() => [] as string[]);
    if (children.includes('toc.dat')) return describeDump(path, folder, 'directory', await sizeOnDisk(path), s.mtime);
    if (children.includes('backup_label') || children.includes('backup_manifest') || children.some((c) => /^base\.tar/.test(c))) return describeBaseBackup(path, folder, s.mtime);
    return undefined;
  }
  if (!s.isFile()) return undefined;
  const format = await detectArchiveFormat(path).catch(() => undefined);
  if (!format) return undefined;
  // Any custom/tar archive is a backup whatever its name; a text file only when it is named like a dump.
  if (format === 'plain' && !DUMP_FILE.test(name)) return undefined;
  return describeDump(path, folder, format, s.size, s.mtime);
}

/** Every backup directly inside the given folders, newest first. Missing folders are skipped. */
export async function listBackups(folders: readonly string[]): Promise<BackupEntry[]> {
  const perFolder = await Promise.all(
    folders.map(async (folder) => {
      const names = await readdir(folder).catch(() => [] as string[]);
      return Promise.all(names.map((n) => describeBackup(join(folder, n), folder)));
    }),
  );
  return perFolder
    .flat()
    .filter((e): e is BackupEntry => !!e)
    .sort((a, b) => b.created.getTime() - a.created.getTime());
}
