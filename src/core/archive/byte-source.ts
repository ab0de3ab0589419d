import { open, type FileHandle } from 'node:fs/promises';
import { PgBackupError } from '../errors';

/** A window of a file (the whole file, or one tar member) read on demand: the header and TOC, never the data. */
export interface ByteSource {
  /** Label for messages: the path, or "toc.dat in <path>". */
  name: string;
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  /** Reads up to `length` bytes at `position` into target[offset…]; the count read (short at the end). */
  readInto(target: Buffer, offset: number, position: number, length: number): Promise<number>;
  /** Total bytes read so far. */
  bytesRead(): number;
}

/** A slice [start, start + size) of an open file. */
export function fileSource(fh: FileHandle, name: string, start: number, size: number): ByteSource {
  let total = 0;
  const readInto = async (target: Buffer, offset: number, position: number, length: number): Promise<number> => {
    const n = Math.max(0, Math.min(length, size - position));
    let got = 0;
    while (got < n) {
      const { bytesRead } = await fh.read(target, offset + got, n - got, start + position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    total += got;
    return got;
  };
  return {
    name,
    size,
    bytesRead: () => total,
    readInto,
    async read(position, length) {
      const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
      const got = await readInto(buf, 0, position, buf.length);
      return got === buf.length ? buf : buf.subarray(0, got);
    },
  };
}

/** Bytes [start, start + size) of another source (a tar member) as a source of their own; reads count in `src`. */
export function sliceSource(src: ByteSource, name: string, start: number, size: number): ByteSource {
  const clamp = (position: number, length: number) => Math.max(0, Math.min(length, size - position));
  return {
    name,
    size,
    bytesRead: () => src.bytesRead(),
    read: (position, length) => src.read(start + position, clamp(position, length)),
    readInto: (target, offset, position, length) =>
      src.readInto(target, offset, start + position, clamp(position, length)),
  };
}

/**
 * `src` with its first bytes already read (`head`, from position 0): reads inside them take no system call, so
 * the read that told the format apart also serves the parser's first window.
 */
export function withHead(src: ByteSource, head: Buffer): ByteSource {
  const covered = head.length >= src.size ? Infinity : head.length;
  return {
    ...src,
    async read(position, length) {
      if (position + length <= covered)
        return head.subarray(Math.min(position, head.length), Math.min(position + length, head.length));
      return src.read(position, length);
    },
    async readInto(target, offset, position, length) {
      if (position + length <= covered)
        return head.copy(target, offset, Math.min(position, head.length), Math.min(position + length, head.length));
      return src.readInto(target, offset, position, length);
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
  const slice = (position: number, length: number) =>
    buf.subarray(Math.min(position, buf.length), Math.min(position + length, buf.length));
  return {
    name,
    size,
    bytesRead: () => total,
    async read(position, length) {
      const out = slice(position, length);
      total += out.length;
      return out;
    },
    async readInto(target, offset, position, length) {
      const n = slice(position, length).copy(target, offset);
      total += n;
      return n;
    },
  };
}
