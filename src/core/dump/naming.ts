import { join } from 'node:path';
import type { Compression, DumpFormat } from './options';

const EXTENSIONS: Record<DumpFormat, string> = { plain: '.sql', custom: '.dump', tar: '.tar', directory: '' };
/** A compressed plain dump is a compressed SQL file; the suffix tells tools (and people) how to open it. */
const PLAIN_SUFFIX: Record<Compression['method'], string> = { gzip: '.gz', lz4: '.lz4', zstd: '.zst', none: '' };

export function backupExtension(format: DumpFormat, compression?: Compression): string {
  return EXTENSIONS[format] + (format === 'plain' && compression ? PLAIN_SUFFIX[compression.method] : '');
}

const pad = (n: number) => String(n).padStart(2, '0');

/** YYYYMMDD-HHMMSS in local time: the name a person reads in their file manager. */
export function timestampForName(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** Characters no file system takes (Windows is the strictest) become "_"; non-ASCII letters stay. */
export function safeFileName(name: string): string {
  const s = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '_');
  return s.length ? s : '_';
}

/** `<db>-<YYYYMMDD-HHMMSS>.<ext>` (plain .sql, custom .dump, tar .tar, directory no extension). */
export function defaultBackupName(
  database: string,
  format: DumpFormat,
  when: Date = new Date(),
  compression?: Compression,
): string {
  return `${safeFileName(database)}-${timestampForName(when)}${backupExtension(format, compression)}`;
}

export function defaultBackupPath(
  folder: string,
  database: string,
  format: DumpFormat,
  when?: Date,
  compression?: Compression,
): string {
  return join(folder, defaultBackupName(database, format, when, compression));
}

/** Where pg_dump writes until the dump succeeds. */
export const partialPath = (backupPath: string) => `${backupPath}.partial`;

/** The facts file next to a backup. */
export const sidecarPath = (backupPath: string) => `${backupPath}.pgbackup.json`;
