import { PgBackupError } from '../errors';
import type { ByteSource } from './byte-source';
import { NEED_MORE, SourceEnded, TocCursor } from './toc-cursor';
import type { ArchiveFormat, ArchiveInfo, ArchiveVersion, CompressionMethod, TocEntry, TocSection } from './types';

/** The archive versions this reader understands: 1.12 (pg_dump 9.0) to 1.16 (pg_dump 17+). */
export const MIN_VERSION: ArchiveVersion = { major: 1, minor: 12, rev: 0 };
export const MAX_VERSION: ArchiveVersion = { major: 1, minor: 16, rev: 255 };

const num = (v: ArchiveVersion): number => (v.major * 256 + v.minor) * 256 + v.rev;
const V1_14 = num({ major: 1, minor: 14, rev: 0 });
const V1_15 = num({ major: 1, minor: 15, rev: 0 });
const V1_16 = num({ major: 1, minor: 16, rev: 0 });

/**
 * Format byte in the header (pg_backup.h ArchiveFormat). A directory archive's toc.dat says tar (3):
 * pg_backup_directory.c writes and reads its header as archTar, the two being compatible.
 */
const FORMAT_CODE: Record<ArchiveFormat, number> = { custom: 1, tar: 3, directory: 3 };
const FORMAT_BY_CODE: Record<number, string> = { 1: 'custom', 3: 'tar', 4: 'null', 5: 'directory' };
/** common/compression.h pg_compress_algorithm. */
const COMPRESSION_BY_CODE: readonly CompressionMethod[] = ['none', 'gzip', 'lz4', 'zstd'];
/** pg_backup.h teSection. */
const SECTION_BY_CODE: Record<number, TocSection> = { 1: 'none', 2: 'pre-data', 3: 'data', 4: 'post-data' };

/** The parser's first window; readArchive's first read is this size, so that read serves it. */
export const FIRST_CHUNK = 64 * 1024;
/** The largest read: a TOC that outgrows one is read in several. */
const MAX_CHUNK = 16 * 1024 * 1024;

type Header = Omit<ArchiveInfo, 'path' | 'format' | 'entries' | 'bytesRead'>;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function parseHeader(c: TocCursor, name: string, format: ArchiveFormat): Header {
  const magic = c.bytes(5).toString('latin1');
  if (magic !== 'PGDMP') throw new PgBackupError(`${name} is not a pg_dump archive: the header has no PGDMP signature.`, 'input');
  const major = c.byte();
  const minor = c.byte();
  const rev = c.byte();
  const version = { major, minor, rev };
  if (num(version) > num(MAX_VERSION)) {
    throw new PgBackupError(
      `${name} is archive version ${major}.${minor}, newer than this reader supports (1.12 to 1.16): it was made by a newer pg_dump.`,
      'input',
      undefined,
      'Update pg-backup, or list it with a pg_restore as new as the pg_dump that made it.',
    );
  }
  if (num(version) < num(MIN_VERSION)) {
    throw new PgBackupError(`${name} is archive version ${major}.${minor}, made by pg_dump older than 9.0: only 1.12 to 1.16 are supported.`, 'input');
  }
  const intSize = c.byte();
  if (intSize < 1 || intSize > 32) throw new PgBackupError(`${name} has an impossible integer size (${intSize}) in its header.`, 'input');
  c.intSize = intSize;
  const offSize = c.byte();
  if (offSize < 1 || offSize > 32) throw new PgBackupError(`${name} has an impossible offset size (${offSize}) in its header.`, 'input');
  const fmt = c.byte();
  if (fmt !== FORMAT_CODE[format]) {
    const found = FORMAT_BY_CODE[fmt] ?? `unknown (${fmt})`;
    throw new PgBackupError(`${name} looks like a ${format} archive, but its header says the format is ${found}.`, 'input');
  }
  let compression: Header['compression'];
  if (num(version) >= V1_15) {
    const code = c.byte();
    const method = COMPRESSION_BY_CODE[code];
    if (!method) throw new PgBackupError(`${name} names an unknown compression method (${code}) in its header.`, 'input');
    compression = { method, level: null };
  } else {
    const level = c.int();
    compression = { method: level !== 0 ? 'gzip' : 'none', level };
  }
  const [sec, min, hour, mday, mon, year] = [c.int(), c.int(), c.int(), c.int(), c.int(), c.int()];
  c.int(); // tm_isdst: mktime in this machine's zone decides, as pg_restore does
  const created = {
    local: `${pad(year + 1900, 4)}-${pad(mon + 1)}-${pad(mday)} ${pad(hour)}:${pad(min)}:${pad(sec)}`,
    date: new Date(year + 1900, mon, mday, hour, min, sec),
  };
  const database = c.str();
  const serverVersion = c.str();
  const pgDumpVersion = c.str();
  return { version, intSize, offSize, compression, created, database, serverVersion, pgDumpVersion };
}

const entryLabel = (name: string, i: number, count: number) => `${name}: entry ${i + 1} of ${count}`;

function parseEntry(c: TocCursor, h: Header, format: ArchiveFormat, name: string, i: number, count: number): TocEntry {
  const dumpId = c.int();
  if (dumpId <= 0 || !Number.isSafeInteger(dumpId)) throw new PgBackupError(`${entryLabel(name, i, count)} has dump id ${dumpId}: the table of contents is corrupt.`, 'input');
  const hadDumper = c.int() !== 0;
  const tableOid = c.numStr() ?? 0;
  const oid = c.numStr() ?? 0;
  const tag = c.str() ?? '';
  const desc = c.sharedStr() ?? '';
  const sectionCode = c.int();
  const section = SECTION_BY_CODE[sectionCode];
  if (!section) throw new PgBackupError(`${entryLabel(name, i, count)} (${desc} ${tag}) has an unknown section ${sectionCode}: the table of contents is corrupt.`, 'input');
  const defn = c.str();
  const dropStmt = c.str();
  const copyStmt = c.str();
  const namespace = c.sharedStr();
  const tablespace = c.sharedStr();
  const v = num(h.version);
  const tableam = v >= V1_14 ? c.sharedStr() : null;
  const relkindCode = v >= V1_16 ? c.int() : 0;
  const owner = c.sharedStr();
  c.skipStr(); // "withOids": always "false" since PostgreSQL 12, kept in the format
  const dependencies = c.numStrList();
  let dataState: TocEntry['dataState'] = null;
  let dataOffset: number | null = null;
  let dataFile: string | null = null;
  if (format === 'custom') {
    const o = c.offset(h.offSize);
    dataState = o.flag === 1 ? 'not-set' : o.flag === 2 ? 'set' : o.flag === 3 ? 'no-data' : null;
    if (!dataState) throw new PgBackupError(`${entryLabel(name, i, count)} has an unexpected data offset flag ${o.flag}.`, 'input');
    if (o.offset < 0) throw new PgBackupError(`${entryLabel(name, i, count)} has a data offset too large for a file.`, 'input');
    dataOffset = dataState === 'set' ? o.offset : null;
  } else {
    dataFile = c.str() || null;
  }
  const relkind = relkindCode > 0 && relkindCode < 128 ? String.fromCharCode(relkindCode) : null;
  return { dumpId, hadDumper, tableOid, oid, tag, desc, section, defn, dropStmt, copyStmt, namespace, tablespace, tableam, relkind, owner, dependencies, dataState, dataOffset, dataFile };
}

/**
 * Reads the header and the table of contents from `src` (ReadHead + ReadToc of pg_backup_archiver.c).
 * Parsing is synchronous over a buffered window; when the window runs out, parsing restarts from its last
 * checkpoint (the start of the header, the count, or the current entry) once the next chunk is in. The first
 * window is 64 KB; the next read is sized from the entries parsed so far (their mean size times the entries
 * left, plus a quarter), so a large TOC usually takes two reads and reading stops soon after the TOC ends.
 */
export async function parseArchive(src: ByteSource, format: ArchiveFormat, opts: { headerOnly?: boolean } = {}): Promise<Omit<ArchiveInfo, 'path'>> {
  // A header-only read (the Backups tree lists 1,000 archives at a time) stops after the ~100-byte header.
  let chunk = opts.headerOnly ? 1024 : FIRST_CHUNK;
  const first = await src.read(0, chunk);
  const c = new TocCursor(first, 0, 0, first.length >= src.size, src.size);
  /** Keeps the bytes from `checkpoint` on, appends the next `wanted` bytes (at least double the last read); false when the source has no more. */
  const refill = async (checkpoint: number, wanted = 0): Promise<boolean> => {
    const from = c.base + c.buf.length;
    chunk = Math.min(Math.max(chunk * 2, Math.ceil(wanted)), MAX_CHUNK, src.size - from);
    if (chunk <= 0) return false;
    const kept = c.buf.subarray(checkpoint);
    const win = Buffer.allocUnsafe(kept.length + chunk);
    kept.copy(win, 0);
    const got = await src.readInto(win, kept.length, from, chunk);
    if (got === 0) return false; // the file shrank while we read it
    c.setWindow(win.subarray(0, kept.length + got), c.base + checkpoint);
    return true;
  };
  /** Runs one parsing step, refilling and retrying while the window is short. */
  const step = async <T>(fn: () => T, truncated: string): Promise<T> => {
    for (;;) {
      const checkpoint = c.pos;
      try {
        return fn();
      } catch (e) {
        if (e !== NEED_MORE) throw e instanceof SourceEnded ? new PgBackupError(truncated, 'input') : e;
        if (!(await refill(checkpoint))) throw new PgBackupError(truncated, 'input');
      }
    }
  };
  const header = await step(() => parseHeader(c, src.name, format), `${src.name} is truncated: it ends inside the archive header.`);
  if (opts.headerOnly) return { format, ...header, entries: [], bytesRead: src.bytesRead() };
  const count = await step(() => c.int(), `${src.name} is truncated: it ends right after the archive header.`);
  if (count < 0 || count > src.size) throw new PgBackupError(`${src.name} claims ${count} table of contents entries: the header is corrupt.`, 'input');
  const entries: TocEntry[] = new Array(count);
  const entriesStart = c.at;
  // Entries are parsed in a synchronous loop (no await per entry); only a short window breaks out of it.
  let i = 0;
  while (i < count) {
    let checkpoint = c.pos;
    try {
      for (; i < count; i++) {
        checkpoint = c.pos;
        entries[i] = parseEntry(c, header, format, src.name, i, count);
      }
    } catch (e) {
      const truncated = () => new PgBackupError(`${src.name} is truncated: the table of contents ends after ${i} of ${count} entries.`, 'input');
      if (e instanceof SourceEnded) throw truncated();
      if (e !== NEED_MORE) throw e;
      c.pos = checkpoint;
      const rest = i > 0 ? (((c.base + checkpoint - entriesStart) / i) * (count - i) * 5) / 4 : 0;
      if (!(await refill(checkpoint, rest))) throw truncated();
    }
  }
  return { format, ...header, entries, bytesRead: src.bytesRead() };
}
