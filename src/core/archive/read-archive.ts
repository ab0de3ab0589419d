import { join } from 'node:path';
import { PgBackupError } from '../errors';
import { fileSource, openForReading } from './byte-source';
import { detectArchiveFormat, PLAIN_DUMP_ADVICE } from './detect';
import { findTarMember } from './tar';
import { parseArchive } from './toc-parser';
import type { ArchiveInfo } from './types';

/**
 * Reads the header and table of contents of a custom, tar or directory archive natively, touching only the
 * bytes they take. A plain SQL dump, garbage or a truncated file gives a PgBackupError('input').
 */
export async function readArchive(path: string): Promise<ArchiveInfo> {
  const format = await detectArchiveFormat(path);
  if (format === 'plain') throw new PgBackupError(`${path} is a plain SQL dump, not an archive.`, 'input', undefined, PLAIN_DUMP_ADVICE);
  const file = format === 'directory' ? join(path, 'toc.dat') : path;
  const fh = await openForReading(file);
  try {
    const size = (await fh.stat()).size;
    let src = fileSource(fh, file, 0, size);
    if (format === 'tar') {
      const member = await findTarMember(src, 'toc.dat');
      const headerBytes = src.bytesRead();
      const inner = fileSource(fh, `${path} (toc.dat)`, member.start, member.size);
      src = { ...inner, bytesRead: () => headerBytes + inner.bytesRead() };
    }
    return { path, ...(await parseArchive(src, format)) };
  } finally {
    await fh.close();
  }
}
