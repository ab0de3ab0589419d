import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { PgBackupError } from '../errors';
import { fileSource, openForReading } from './byte-source';
import { isValidTarHeader } from '../tar/header';

export type DetectedFormat = 'custom' | 'tar' | 'directory' | 'plain';

/** pg_backup_archiver.h TEXT_DUMP_HEADER / TEXT_DUMPALL_HEADER, without the line ends (CRLF-tolerant). */
const PLAIN_MARKERS = ['-- PostgreSQL database dump', '-- PostgreSQL database cluster dump'];

/** What a plain dump can and cannot do, for messages. */
export const PLAIN_DUMP_ADVICE = 'A plain dump cannot be restored selectively; open it, or restore it whole with psql.';

/**
 * Tells the formats apart as pg_restore's _discoverArchiveFormat does: a folder with toc.dat is a directory
 * archive, "PGDMP" starts a custom one, a valid tar header a tar one; a plain SQL dump is recognised by
 * pg_dump's header comment. Reads at most 512 bytes.
 */
export async function detectArchiveFormat(path: string): Promise<DetectedFormat> {
  const toc = await locateToc(path);
  if (toc.isDir) return 'directory';
  const fh = await openForReading(path);
  try {
    const head = await fileSource(fh, path, 0, toc.size).read(0, 512);
    return formatOfHead(head, path);
  } finally {
    await fh.close();
  }
}

/** Where an archive's table of contents is: the file itself, or toc.dat of a directory archive, and its size. */
export interface TocLocation {
  isDir: boolean;
  file: string;
  size: number;
}

/** Finds the file holding the TOC with one stat (two for a folder); a missing path or a folder without toc.dat throws. */
export async function locateToc(path: string): Promise<TocLocation> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new PgBackupError(`${path} does not exist.`, 'input');
    throw new PgBackupError(`${path} cannot be read: ${(e as Error).message}`, 'io');
  }
  if (!st.isDirectory()) return { isDir: false, file: path, size: st.size };
  const file = join(path, 'toc.dat');
  const toc = await stat(file).catch(() => undefined);
  if (toc?.isFile()) return { isDir: true, file, size: toc.size };
  throw new PgBackupError(`${path} is a folder without toc.dat: it is not a pg_dump directory archive.`, 'input');
}

/** The format of a file from its first 512 bytes (custom, tar or plain), or a typed error saying what it is instead. */
export function formatOfHead(head: Buffer, path: string): Exclude<DetectedFormat, 'directory'> {
  if (head.length >= 5 && head.toString('latin1', 0, 5) === 'PGDMP') return 'custom';
  if (isValidTarHeader(head)) return 'tar';
  const text = head.toString('utf8');
  if (PLAIN_MARKERS.some((m) => text.includes(m))) return 'plain';
  if (head.length < 5)
    throw new PgBackupError(`${path} is too short to be a pg_dump archive (${head.length} bytes).`, 'input');
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new PgBackupError(`${path} is gzip-compressed, not a pg_dump archive.`, 'input', {
      hint: 'If it is a compressed plain dump, restore it with: gunzip -c FILE | psql.',
    });
  }
  throw new PgBackupError(
    `${path} is not a pg_dump archive: no PGDMP signature, no tar header and no plain dump header.`,
    'input',
  );
}
