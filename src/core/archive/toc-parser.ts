import { PgBackupError } from '../errors';
import type { ByteSource } from './byte-source';
import { NEED_MORE, SourceEnded, TocCursor } from './toc-cursor';
import { Atom, Span, Toc } from './toc';
import type { ArchiveFormat, ArchiveInfo, ArchiveVersion, CompressionMethod } from './types';

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
/** pg_backup.h teSection: 1 none, 2 pre-data, 3 data, 4 post-data. */
const isSectionCode = (code: number): boolean => code >= 1 && code <= 4;

/** The parser's first window; readArchive's first read is this size, so that read serves it. */
export const FIRST_CHUNK = 64 * 1024;
/** The largest read: a TOC that outgrows one is read in several. */
const MAX_CHUNK = 16 * 1024 * 1024;

type Header = Omit<ArchiveInfo, 'path' | 'format' | 'toc' | 'tocEnd' | 'bytesRead'>;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function parseHeader(c: TocCursor, name: string, format: ArchiveFormat): Header {
  const magic = c.bytes(5).toString('latin1');
  if (magic !== 'PGDMP')
    throw new PgBackupError(`${name} is not a pg_dump archive: the header has no PGDMP signature.`, 'input');
  const major = c.byte();
  const minor = c.byte();
  const rev = c.byte();
  const version = { major, minor, rev };
  if (num(version) > num(MAX_VERSION)) {
    throw new PgBackupError(
      `${name} is archive version ${major}.${minor}, newer than this reader supports (1.12 to 1.16): it was made by a newer pg_dump.`,
      'input',
      { hint: 'Update pg-backup, or list it with a pg_restore as new as the pg_dump that made it.' },
    );
  }
  if (num(version) < num(MIN_VERSION)) {
    throw new PgBackupError(
      `${name} is archive version ${major}.${minor}, made by pg_dump older than 9.0: only 1.12 to 1.16 are supported.`,
      'input',
    );
  }
  const intSize = c.byte();
  if (intSize < 1 || intSize > 32)
    throw new PgBackupError(`${name} has an impossible integer size (${intSize}) in its header.`, 'input');
  c.intSize = intSize;
  const offSize = c.byte();
  if (offSize < 1 || offSize > 32)
    throw new PgBackupError(`${name} has an impossible offset size (${offSize}) in its header.`, 'input');
  const fmt = c.byte();
  if (fmt !== FORMAT_CODE[format]) {
    const found = FORMAT_BY_CODE[fmt] ?? `unknown (${fmt})`;
    throw new PgBackupError(
      `${name} looks like a ${format} archive, but its header says the format is ${found}.`,
      'input',
    );
  }
  let compression: Header['compression'];
  if (num(version) >= V1_15) {
    const code = c.byte();
    const method = COMPRESSION_BY_CODE[code];
    if (!method)
      throw new PgBackupError(`${name} names an unknown compression method (${code}) in its header.`, 'input');
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

// Where each field goes in an entry's slice of Toc.spans and Toc.atomIds, as this module's own constants: the
// loop below reads them for every entry, and an imported binding may be a getter (unbundled, e.g. under tsx).
const TAG = Span.Tag * 2;
const DEFN = Span.Defn * 2;
const DROP_STMT = Span.DropStmt * 2;
const COPY_STMT = Span.CopyStmt * 2;
const DATA_FILE = Span.DataFile * 2;
const SPAN_SLOTS = Span.Count * 2;
const DESC = Atom.Desc;
const NAMESPACE = Atom.Namespace;
const TABLESPACE = Atom.Tablespace;
const TABLEAM = Atom.Tableam;
const OWNER = Atom.Owner;
const ATOM_SLOTS = Atom.Count;

const entryLabel = (name: string, i: number, count: number) => `${name}: entry ${i + 1} of ${count}`;

/** What an entry holds, from the archive's version and format: worked out once, not per entry. */
interface EntryLayout {
  hasTableam: boolean;
  hasRelkind: boolean;
  /** Custom format: a data offset of offSize bytes; tar and directory: a data file name. */
  custom: boolean;
  offSize: number;
}

const entryLayout = (h: Header, format: ArchiveFormat): EntryLayout => ({
  hasTableam: num(h.version) >= V1_14,
  hasRelkind: num(h.version) >= V1_16,
  custom: format === 'custom',
  offSize: h.offSize,
});

/** Reads entry i into the TOC's columns (ReadToc's loop body); a retry after a refill overwrites them. */
function parseEntry(c: TocCursor, toc: Toc, h: EntryLayout, name: string, i: number, count: number): void {
  const dumpId = c.int();
  if (dumpId <= 0 || dumpId > 0x7fffffff)
    throw new PgBackupError(
      `${entryLabel(name, i, count)} has dump id ${dumpId}: the table of contents is corrupt.`,
      'input',
    );
  toc.dumpIds[i] = dumpId;
  toc.hadDumper[i] = c.int() !== 0 ? 1 : 0;
  toc.tableOids[i] = c.numStr() ?? 0;
  toc.oids[i] = c.numStr() ?? 0;
  const spans = toc.spans;
  const s = i * SPAN_SLOTS;
  const a = i * ATOM_SLOTS;
  c.span(spans, s + TAG);
  toc.atomIds[a + DESC] = c.atom(toc);
  const sectionCode = c.int();
  if (!isSectionCode(sectionCode)) {
    throw new PgBackupError(
      `${entryLabel(name, i, count)} (${toc.desc(i)} ${c.text.decode(spans[s], spans[s] + Math.max(0, spans[s + 1]))}) has an unknown section ${sectionCode}: the table of contents is corrupt.`,
      'input',
    );
  }
  toc.sections[i] = sectionCode;
  c.span(spans, s + DEFN);
  c.span(spans, s + DROP_STMT);
  c.span(spans, s + COPY_STMT);
  toc.atomIds[a + NAMESPACE] = c.atom(toc);
  toc.atomIds[a + TABLESPACE] = c.atom(toc);
  toc.atomIds[a + TABLEAM] = h.hasTableam ? c.atom(toc) : 0;
  const relkind = h.hasRelkind ? c.int() : 0;
  toc.relkinds[i] = relkind > 0 && relkind < 128 ? relkind : 0;
  toc.atomIds[a + OWNER] = c.atom(toc);
  c.skipStr(); // "withOids": always "false" since PostgreSQL 12, kept in the format
  toc.depStart[i + 1] = c.numStrsInto(toc, toc.depStart[i]);
  if (h.custom) {
    const o = c.offset(h.offSize);
    if (o.flag < 1 || o.flag > 3)
      throw new PgBackupError(`${entryLabel(name, i, count)} has an unexpected data offset flag ${o.flag}.`, 'input');
    if (o.offset < 0)
      throw new PgBackupError(`${entryLabel(name, i, count)} has a data offset too large for a file.`, 'input');
    toc.dataStates[i] = o.flag;
    toc.dataOffsets[i] = o.offset;
    spans[s + DATA_FILE + 1] = -1;
  } else {
    c.span(spans, s + DATA_FILE);
  }
}

/**
 * Reads the header and the table of contents from `src` (ReadHead + ReadToc of pg_backup_archiver.c).
 * Parsing is synchronous over a buffered window; when the window runs out, parsing restarts from its last
 * checkpoint (the start of the header, the count, or the current entry) once the next chunk is in. The first
 * window is 64 KB; the next read is sized from the entries parsed so far (their mean size times the entries
 * left, plus a quarter), so a large TOC usually takes two reads and reading stops soon after the TOC ends.
 */
export async function parseArchive(
  src: ByteSource,
  format: ArchiveFormat,
  opts: { headerOnly?: boolean } = {},
): Promise<Omit<ArchiveInfo, 'path'>> {
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
  const header = await step(
    () => parseHeader(c, src.name, format),
    `${src.name} is truncated: it ends inside the archive header.`,
  );
  if (opts.headerOnly) return { format, ...header, toc: new Toc(0), tocEnd: c.at, bytesRead: src.bytesRead() };
  const count = await step(() => c.int(), `${src.name} is truncated: it ends right after the archive header.`);
  if (count < 0 || count > src.size)
    throw new PgBackupError(`${src.name} claims ${count} table of contents entries: the header is corrupt.`, 'input');
  // Every entry takes at least 15 integers (a sign byte and intSize bytes each): a count the rest of the file
  // cannot hold is a truncated or corrupt file, found when the entries run out; columns for more are not made.
  const toc = new Toc(Math.min(count, Math.floor((src.size - c.at) / (15 * (1 + header.intSize))) + 1));
  toc.windows.push(c.text);
  const entriesStart = c.at;
  const layout = entryLayout(header, format);
  // Entries are parsed in a synchronous loop (no await per entry); only a short window breaks out of it.
  let i = 0;
  while (i < count) {
    let checkpoint = c.pos;
    try {
      for (; i < count; i++) {
        checkpoint = c.pos;
        parseEntry(c, toc, layout, src.name, i, count);
        toc.windowOf[i] = toc.windows.length - 1;
      }
    } catch (e) {
      const truncated = () =>
        new PgBackupError(
          `${src.name} is truncated: the table of contents ends after ${i} of ${count} entries.`,
          'input',
        );
      if (e instanceof SourceEnded) throw truncated();
      if (e !== NEED_MORE) throw e;
      c.pos = checkpoint;
      const rest = i > 0 ? (((c.base + checkpoint - entriesStart) / i) * (count - i) * 5) / 4 : 0;
      if (!(await refill(checkpoint, rest))) throw truncated();
      toc.windows.push(c.text);
    }
  }
  return { format, ...header, toc, tocEnd: c.at, bytesRead: src.bytesRead() };
}
