import { PgBackupError } from '../errors';
import { bufferSource, fileSource, openForReading, sliceSource, withHead, type ByteSource } from './byte-source';
import { checkArchiveData } from './data-check';
import { formatOfHead, locateToc, PLAIN_DUMP_ADVICE } from './detect';
import { findTarMember } from './tar-member';
import { FIRST_CHUNK, parseArchive } from './toc-parser';
import type { ArchiveFormat, ArchiveInfo } from './types';

/** The archive format from the file's first bytes; a plain SQL dump or a non-archive throws. */
function archiveFormat(head: Buffer, path: string, isDir: boolean): ArchiveFormat {
  if (isDir) return 'directory';
  const format = formatOfHead(head.subarray(0, 512), path);
  if (format === 'plain')
    throw new PgBackupError(`${path} is a plain SQL dump, not an archive.`, 'input', { hint: PLAIN_DUMP_ADVICE });
  return format;
}

/**
 * Reads the header and table of contents of a custom, tar or directory archive natively, touching only the
 * bytes they take: one open, and the read that tells the format apart is the parser's first window.
 * A plain SQL dump, garbage or a file whose TOC is cut short gives a PgBackupError('input'). The data is not
 * looked at: readCheckedArchive also proves it is there.
 */
export function readArchive(path: string): Promise<ArchiveInfo> {
  return read(path, false);
}

/**
 * readArchive, and then the proof that every data block or member the TOC promises is in the archive
 * (checkArchiveData): what inspect, restore and the drills read, so a dump cut short is a PgBackupError('input')
 * naming the table whose data is missing instead of a clean listing or a pg_restore that fails half-way.
 */
export function readCheckedArchive(path: string): Promise<ArchiveInfo> {
  return read(path, true);
}

async function read(path: string, checkData: boolean): Promise<ArchiveInfo> {
  const { isDir, file, size } = await locateToc(path);
  const fh = await openForReading(file);
  try {
    return await readArchiveSource(fileSource(fh, file, 0, size), path, isDir, checkData);
  } finally {
    // Not awaited: nothing is read after this, and the caller need not wait for the close to come back.
    fh.close().catch(() => undefined);
  }
}

/**
 * The reading over the bytes of the file holding the TOC (`whole`: the archive, or a directory archive's toc.dat;
 * a buffer in the fuzz tests): the read that tells the format apart is the parser's first window.
 */
export async function readArchiveSource(
  whole: ByteSource,
  path: string,
  isDir: boolean,
  checkData: boolean,
): Promise<ArchiveInfo> {
  const head = await whole.read(0, FIRST_CHUNK); // the format test, then the parser's first window
  const format = archiveFormat(head, path, isDir);
  let src = withHead(whole, head);
  if (format === 'tar') {
    const member = await findTarMember(src, 'toc.dat');
    const inner = sliceSource(whole, `${path} (toc.dat)`, member.start, member.size);
    src = withHead(inner, head.subarray(Math.min(member.start, head.length)));
  }
  const info: ArchiveInfo = { path, ...(await parseArchive(src, format)) };
  if (checkData) await checkArchiveData(info, whole);
  return info;
}

/** How much of a file a header-only read takes: a tar header block, then toc.dat's archive header (~100 bytes). */
const HEAD_BYTES = 2048;

/**
 * Only the header (format, versions, database, dump time, compression), `entries` empty, from one read of the
 * first 2 KB: the Backups tree reads 1,000 of these at a time. Plain dumps and non-archives throw.
 */
export async function readArchiveHeader(path: string): Promise<ArchiveInfo> {
  const { isDir, file, size } = await locateToc(path);
  const fh = await openForReading(file);
  let head: Buffer;
  try {
    head = await fileSource(fh, file, 0, size).read(0, HEAD_BYTES);
  } finally {
    fh.close().catch(() => undefined);
  }
  return archiveHeaderFromHead(head, size, path, isDir ? 'directory' : undefined);
}

/** The header of an archive whose first bytes the caller already read (`format` given for directory archives). */
export async function archiveHeaderFromHead(
  head: Buffer,
  size: number,
  path: string,
  format?: 'directory',
): Promise<ArchiveInfo> {
  const detected = archiveFormat(head, path, format === 'directory');
  let src = bufferSource(head, path, size);
  if (detected === 'tar') {
    const member = await findTarMember(src, 'toc.dat');
    src = bufferSource(head.subarray(member.start), `${path} (toc.dat)`, member.size);
  }
  return { path, ...(await parseArchive(src, detected, { headerOnly: true })) };
}
