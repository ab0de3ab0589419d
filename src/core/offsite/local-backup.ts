/**
 * A local backup as a copy sees it: its files (one, or a folder's), its sidecar (a dump's, or a base backup's made
 * now with a sha256 per file) and where the copy is recorded (`copies` in the sidecar, rewritten atomically).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { backupChecksum, listFiles } from '../dump/checksum';
import { sidecarPath } from '../dump/naming';
import { parseSidecar, readSidecar } from '../dump/sidecar';
import { PgBackupError } from '../errors';
import { readBaseBackup } from '../physical/base-backup-info';
import type { BackupKind } from '../backups/catalog';
import { isBaseSidecar, type BaseBackupSidecar, type CopyRecord, type OffsiteSidecar } from './types';

export interface LocalBackup {
  path: string;
  name: string;
  kind: BackupKind;
  /** A folder (directory dump, base backup): its files go under `name/`. */
  folder: boolean;
  /** Paths relative to the backup ("" for a single-file dump), with their sizes. */
  files: { rel: string; size: number }[];
  bytes: number;
  sidecar: OffsiteSidecar;
}

/** The sha256 the sidecar records for `rel` ("" for a single-file dump). */
export function expectedSha(sidecar: OffsiteSidecar, rel: string): string | undefined {
  return typeof sidecar.sha256 === 'string' ? sidecar.sha256 : sidecar.sha256.files[rel];
}

async function baseSidecarFor(path: string, mtime: Date): Promise<BaseBackupSidecar> {
  const base = await readBaseBackup(path);
  const old = await readFile(sidecarPath(path), 'utf8').then(
    (t) => parseSidecar(t, sidecarPath(path)),
    () => undefined,
  );
  const sha256 = await backupChecksum(path);
  const files = typeof sha256 === 'string' ? {} : sha256.files;
  const sizes = await Promise.all(Object.keys(files).map((f) => stat(join(path, f)).then((s) => s.size)));
  return {
    tool: 'pg-backup',
    kind: 'basebackup',
    format: base.format,
    ...(base.pgVersion ? { serverVersion: base.pgVersion } : {}),
    started: base.label?.startTime ?? mtime.toISOString(),
    ...(base.label?.label ? { label: base.label.label } : {}),
    ...(base.label?.startLsn ? { startLsn: base.label.startLsn } : {}),
    ...(base.label?.startTimeline !== undefined ? { timeline: base.label.startTimeline } : {}),
    bytes: sizes.reduce((a, b) => a + b, 0),
    sha256: { files },
    ...(old && isBaseSidecar(old) && old.copies ? { copies: old.copies } : {}),
  };
}

/** Reads what a copy of `path` needs. A dump must have its sidecar (the sha256 a copy is checked against). */
export async function describeLocalBackup(path: string): Promise<LocalBackup> {
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new PgBackupError(`${path} does not exist.`, 'input');
  const name = basename(path);
  if (s.isFile()) {
    const sidecar = await readSidecar(path);
    return { path, name, kind: 'dump', folder: false, files: [{ rel: '', size: s.size }], bytes: s.size, sidecar };
  }
  if (!s.isDirectory()) throw new PgBackupError(`${path} is neither a file nor a folder.`, 'input');
  const children = await readdir(path);
  const rels = await listFiles(path);
  const files = await Promise.all(rels.map(async (rel) => ({ rel, size: (await stat(join(path, rel))).size })));
  const bytes = files.reduce((a, f) => a + f.size, 0);
  if (children.includes('toc.dat')) {
    const sidecar = await readSidecar(path);
    return { path, name, kind: 'dump', folder: true, files, bytes, sidecar };
  }
  const sidecar = await baseSidecarFor(path, s.mtime);
  return { path, name, kind: 'basebackup', folder: true, files, bytes, sidecar };
}

/** The sidecar as it travels: what the backup is, without this machine's records (copies, last verification). */
export function travellingSidecar(s: OffsiteSidecar): OffsiteSidecar {
  const { copies: _copies, ...rest } = s as OffsiteSidecar & { copies?: unknown; verified?: unknown };
  if (!isBaseSidecar(s)) delete (rest as { verified?: unknown }).verified;
  return rest as OffsiteSidecar;
}

/**
 * Adds (or replaces, by location) a copy's record in the local backup's sidecar, rewritten atomically. A base
 * backup's sidecar is written here the first time.
 */
export async function recordCopy(
  backupPath: string,
  base: OffsiteSidecar | undefined,
  update: (old: CopyRecord | undefined) => CopyRecord,
  location: string,
): Promise<void> {
  const current = base ?? parseSidecar(await readFile(sidecarPath(backupPath), 'utf8'), sidecarPath(backupPath));
  const copies = (current as { copies?: CopyRecord[] }).copies ?? [];
  const old = copies.find((c) => c.location === location);
  const next = { ...current, copies: [...copies.filter((c) => c !== old), update(old)] };
  await writeFileAtomic(sidecarPath(backupPath), JSON.stringify(next, null, 2) + '\n');
}
