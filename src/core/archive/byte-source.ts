import { open, type FileHandle } from 'node:fs/promises';
import { PgBackupError } from '../errors';

/** A window of a file (the whole file, or one tar member) read on demand: the header and TOC, never the data. */
export interface ByteSource {
  /** Label for messages: the path, or "toc.dat in <path>". */
  name: string;
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  /** Total bytes read so far. */
  bytesRead(): number;
}

/** A slice [start, start + size) of an open file. */
export function fileSource(fh: FileHandle, name: string, start: number, size: number): ByteSource {
  let total = 0;
  return {
    name,
    size,
    bytesRead: () => total,
    async read(position, length) {
      const n = Math.max(0, Math.min(length, size - position));
      const buf = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await fh.read(buf, got, n - got, start + position + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      total += got;
      return got === n ? buf : buf.subarray(0, got);
    },
  };
}

/** Opens a file for reading with a typed error for the usual failures. */
export async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PgBackupError(`${path} does not exist.`, 'input');
    if (code === 'EACCES') throw new PgBackupError(`${path} cannot be read: permission denied.`, 'io');
    throw new PgBackupError(`${path} cannot be read: ${(e as Error).message}`, 'io');
  }
}

/**
 * Bytes already in memory (the head of a file of `size` bytes) as a source: reads past them come back short, so a
 * parser that needs more than the head reports the file as truncated.
 */
export function bufferSource(buf: Buffer, name: string, size: number): ByteSource {
  let total = 0;
  return {
    name,
    size,
    bytesRead: () => total,
    async read(position, length) {
      const out = buf.subarray(Math.min(position, buf.length), Math.min(position + length, buf.length));
      total += out.length;
      return out;
    },
  };
}
