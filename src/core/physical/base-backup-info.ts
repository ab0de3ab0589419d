/**
 * What a base backup folder holds, read without a server: plain (a data directory) or tar (base.tar[.gz] +
 * pg_wal.tar[.gz]), its backup_label, backup_manifest and PG_VERSION. Used by the Backups tree, the PITR builder
 * (the server major decides recovery.conf vs recovery.signal) and the window scan.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PgBackupError } from '../errors';
import { parseBackupLabel, type BackupLabel } from './backup-label';
import { parseManifest, type BackupManifest } from './manifest';
import { readTarMembers } from './base-backup-tar';

export interface BaseBackupInfo {
  dir: string;
  format: 'plain' | 'tar';
  /** PG_VERSION as written, e.g. "15" or "9.6". */
  pgVersion?: string;
  serverMajor?: number;
  label?: BackupLabel;
  manifest?: BackupManifest;
  /** For tar backups, the file names in dir. */
  tarFiles?: { base: string; wal?: string };
  /** What could not be read, in words. */
  notes: string[];
}

const TAR_RE = /^(base|pg_wal)\.tar(\.gz|\.lz4|\.zst)?$/;

export async function readBaseBackup(dir: string): Promise<BaseBackupInfo> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
    names = await readdir(dir);
  } catch (e) {
    throw new PgBackupError(`Cannot read base backup folder ${dir}: ${(e as Error).message}`, 'input');
  }
  const notes: string[] = [];
  const manifest = names.includes('backup_manifest')
    ? parseManifest(await readFile(join(dir, 'backup_manifest'), 'utf8'))
    : undefined;
  const tarBase = names.find((n) => TAR_RE.exec(n)?.[1] === 'base');
  let labelText: string | undefined;
  let pgVersion: string | undefined;
  let format: BaseBackupInfo['format'];
  let tarFiles: BaseBackupInfo['tarFiles'];
  if (names.includes('PG_VERSION') || names.includes('backup_label')) {
    format = 'plain';
    if (names.includes('backup_label')) labelText = await readFile(join(dir, 'backup_label'), 'utf8');
    if (names.includes('PG_VERSION')) pgVersion = (await readFile(join(dir, 'PG_VERSION'), 'utf8')).trim();
  } else if (tarBase) {
    format = 'tar';
    tarFiles = { base: tarBase, wal: names.find((n) => TAR_RE.exec(n)?.[1] === 'pg_wal') };
    try {
      const members = await readTarMembers(join(dir, tarBase), ['backup_label', 'PG_VERSION']);
      labelText = members.get('backup_label')?.toString('utf8');
      pgVersion = members.get('PG_VERSION')?.toString('utf8').trim();
    } catch (e) {
      notes.push((e as Error).message);
    }
  } else {
    throw new PgBackupError(
      `${dir} is not a base backup: it has neither PG_VERSION/backup_label nor base.tar.`,
      'input',
    );
  }
  if (!labelText) notes.push('No backup_label found: this folder may be a data directory, not a base backup.');
  const serverMajor = pgVersion ? Number(pgVersion) : undefined;
  return {
    dir,
    format,
    pgVersion,
    serverMajor: serverMajor !== undefined && Number.isFinite(serverMajor) ? serverMajor : undefined,
    label: labelText ? parseBackupLabel(labelText) : undefined,
    manifest,
    tarFiles,
    notes,
  };
}

/** True when the folder is a data directory a server is running from (postmaster.pid present). */
export function looksRunning(dataDir: string): boolean {
  return existsSync(join(dataDir, 'postmaster.pid'));
}
