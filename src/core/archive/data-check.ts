/**
 * Proof that the data a table of contents promises is in the archive: a dump cut short keeps a readable TOC (it
 * is written first) while its data is gone, and pg_restore then fails half-way or, for tar, spins. Custom format:
 * every data block sits at its offset with its own header, and the last one runs to its end marker; tar: every
 * data member is there and its size fits the file; directory: every data file is there. Reads block and member
 * headers only, never the data (except the chunk headers of a custom dump's last block, up to LAST_BLOCK_WALK).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PgBackupError } from '../errors';
import { isValidTarHeader, isZeroBlock, TAR_BLOCK, tarBodySize, tarMemberName } from '../tar/header';
import type { ByteSource } from './byte-source';
import type { Toc } from './toc';
import type { ArchiveInfo } from './types';

/** pg_backup_archiver.h: the byte that starts a custom-format data block. */
const BLK_DATA = 1;
const BLK_BLOBS = 3;
/** ReadOffset's states: 1 not set (written to a pipe), 2 set. */
const OFFSET_NOT_SET = 1;
const OFFSET_SET = 2;
/** How much of the last block's chunk chain is walked; past it the file's last bytes must be an end marker. */
const LAST_BLOCK_WALK = 4 * 1024 * 1024;
const WINDOW = 64 * 1024;
/** The suffixes pg_dump's compressors add to a directory archive's data file names. */
const COMPRESSED_SUFFIXES = ['', '.gz', '.lz4', '.zst'];

/** "table shop.orders (entry 3012)": what an entry's data is, for messages. */
function dataLabel(toc: Toc, i: number): string {
  const e = toc.entries()[i];
  const name = e.namespace ? `${e.namespace}.${e.tag}` : e.tag;
  if (e.desc === 'TABLE DATA') return `table ${name} (entry ${e.dumpId})`;
  if (e.desc === 'BLOBS') return `the large objects (entry ${e.dumpId})`;
  return `${e.desc.toLowerCase()} ${name} (entry ${e.dumpId})`;
}

const REDO = 'Make the dump again, or restore an intact copy.';
const truncated = (path: string, what: string) =>
  new PgBackupError(`${path} is truncated: ${what}.`, 'input', { hint: REDO });

/** Reads small pieces of a file through a window, so neighbouring headers take one read. */
class WindowReader {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  readonly size: number;

  constructor(private readonly src: ByteSource) {
    this.size = src.size;
  }

  /** `n` bytes at `pos` (fewer at the end of the file). */
  async bytes(pos: number, n: number): Promise<Buffer> {
    if (pos < this.start || pos + n > this.start + this.buf.length) {
      this.buf = await this.src.read(pos, Math.max(WINDOW, n));
      this.start = pos;
    }
    return this.buf.subarray(pos - this.start, Math.min(pos - this.start + n, this.buf.length));
  }

  /** ReadInt at `pos` (sign byte, then intSize bytes least significant first), or undefined past the end. */
  async int(pos: number, intSize: number): Promise<number | undefined> {
    const b = await this.bytes(pos, 1 + intSize);
    if (b.length < 1 + intSize) return undefined;
    let v = 0;
    for (let k = intSize; k >= 1; k--) v = v * 256 + b[k];
    return b[0] ? -v : v;
  }
}

/**
 * Walks a data block's chunks (int length, bytes; 0 ends it; a BLOBS block is oid, chunks, 0, … then oid 0) from
 * `pos`, the byte after the block header. The position after its end marker; past `limit` bytes, undefined.
 */
async function walkBlock(
  r: WindowReader,
  pos: number,
  intSize: number,
  blobs: boolean,
  limit: number,
  ended: () => Error,
): Promise<number | undefined> {
  const end = pos + limit;
  const intLen = 1 + intSize;
  for (;;) {
    if (blobs) {
      const oid = await r.int(pos, intSize);
      if (oid === undefined) throw ended();
      pos += intLen;
      if (oid === 0) return pos;
    }
    for (;;) {
      if (pos > end) return undefined;
      const len = await r.int(pos, intSize);
      if (len === undefined) throw ended();
      pos += intLen;
      if (len === 0) break;
      if (len < 0) throw ended();
      pos += len;
      if (pos > r.size) throw ended();
    }
    if (!blobs) return pos;
  }
}

async function checkCustom(info: ArchiveInfo, src: ByteSource): Promise<void> {
  const { toc, intSize, path } = info;
  const r = new WindowReader(src);
  const size = src.size;
  const set: number[] = [];
  let notSet = false;
  for (let i = 0; i < toc.count; i++) {
    if (toc.dataStates[i] === OFFSET_SET) set.push(i);
    else if (toc.dataStates[i] === OFFSET_NOT_SET) notSet = true;
  }
  if (notSet) return checkCustomSequential(info, r);
  set.sort((a, b) => toc.dataOffsets[a] - toc.dataOffsets[b]);
  for (let k = 0; k < set.length; k++) {
    const i = set[k];
    const at = toc.dataOffsets[i];
    const label = dataLabel(toc, i);
    const head = await r.bytes(at, 2 + intSize);
    if (head.length < 2 + intSize) {
      throw truncated(path, `the data of ${label} starts at byte ${at}, past the end of the file (${size} bytes)`);
    }
    const id = await r.int(at + 1, intSize);
    if ((head[0] !== BLK_DATA && head[0] !== BLK_BLOBS) || id !== toc.dumpIds[i]) {
      const what = `the data block of ${label} at byte ${at} has no valid block header`;
      throw new PgBackupError(`${path} is damaged: ${what}.`, 'input');
    }
    if (k < set.length - 1) continue;
    const where = `ends at byte ${size - at} of its block, where the file ends (${size} bytes)`;
    const ended = () => truncated(path, `the data of ${label} ${where}`);
    const blobs = head[0] === BLK_BLOBS;
    const end = await walkBlock(r, at + 2 + intSize, intSize, blobs, LAST_BLOCK_WALK, ended);
    // A last block longer than the walk: the file must at least end with an end marker (a zero int).
    if (end === undefined && (await r.int(size - 1 - intSize, intSize)) !== 0) throw ended();
  }
}

/** A custom dump written to a pipe has no offsets: its blocks follow the TOC in order, each walked to its end. */
async function checkCustomSequential(info: ArchiveInfo, r: WindowReader): Promise<void> {
  const { toc, intSize, path } = info;
  const byId = new Map<number, number>();
  for (let i = 0; i < toc.count; i++) if (toc.dataStates[i] === OFFSET_NOT_SET) byId.set(toc.dumpIds[i], i);
  let pos = info.tocEnd;
  while (byId.size) {
    const head = await r.bytes(pos, 2 + intSize);
    const first = byId.values().next().value!;
    if (head.length < 2 + intSize) {
      throw truncated(path, `the file ends at byte ${r.size}, before the data of ${dataLabel(toc, first)}`);
    }
    const id = await r.int(pos + 1, intSize);
    const i = id === undefined ? undefined : byId.get(id);
    if ((head[0] !== BLK_DATA && head[0] !== BLK_BLOBS) || i === undefined) {
      const what = `byte ${pos} should start a data block, but holds no valid block header`;
      throw new PgBackupError(`${path} is damaged: ${what}.`, 'input');
    }
    const start = pos;
    const where = `ends at byte ${r.size - start} of its block, where the file ends (${r.size} bytes)`;
    const ended = () => truncated(path, `the data of ${dataLabel(toc, i)} ${where}`);
    pos = (await walkBlock(r, pos + 2 + intSize, intSize, head[0] === BLK_BLOBS, Infinity, ended))!;
    byId.delete(id!);
  }
}

/** The data member each entry's data is in, by name, with the entry's index (BLOBS: its blobs.toc). */
function dataFiles(toc: Toc): Map<string, number> {
  const out = new Map<string, number>();
  const entries = toc.entries();
  for (let i = 0; i < toc.count; i++) {
    const e = entries[i];
    if (!e.dataFile) continue;
    out.set(e.desc === 'BLOBS' && !e.dataFile.startsWith('blobs') ? 'blobs.toc' : e.dataFile, i);
  }
  return out;
}

async function checkTar(info: ArchiveInfo, src: ByteSource): Promise<void> {
  const { toc, path } = info;
  const wanted = dataFiles(toc);
  const r = new WindowReader(src);
  const size = src.size;
  let pos = 0;
  let ended = false;
  while (!ended && pos + TAR_BLOCK <= size) {
    const h = await r.bytes(pos, TAR_BLOCK);
    ended = isZeroBlock(h);
    if (ended) break;
    if (!isValidTarHeader(h)) {
      throw new PgBackupError(`${path} is damaged: the tar header at byte ${pos} is not valid.`, 'input');
    }
    const name = tarMemberName(h);
    const { size: body, padding } = tarBodySize(h);
    const start = pos + TAR_BLOCK;
    const key = wanted.has(name) ? name : name.replace(/\.(gz|lz4|zst)$/, '');
    const i = wanted.get(key);
    if (start + body + padding > size) {
      const what = i === undefined ? `its member ${name}` : `the data of ${dataLabel(toc, i)}`;
      if (start + body > size) throw truncated(path, `${what} ends at byte ${size - start} of ${body}`);
      throw truncated(path, `the file ends inside the padding after ${what}, at byte ${size}`);
    }
    wanted.delete(key);
    pos = start + body + padding;
  }
  const missing = wanted.values().next().value;
  if (missing !== undefined) {
    const file = toc.entries()[missing].dataFile;
    const label = dataLabel(toc, missing);
    throw truncated(path, `the data of ${label} (member ${file}) is not in it; the file ends at byte ${size}`);
  }
  if (!ended) throw truncated(path, `it ends at byte ${size} without the block of zeros that closes a tar file`);
}

async function checkDirectory(info: ArchiveInfo): Promise<void> {
  const { toc, path } = info;
  for (const [file, i] of dataFiles(toc)) {
    const isFile = (name: string) =>
      stat(join(path, name)).then(
        (st) => st.isFile(),
        () => false,
      );
    const found = await Promise.all(COMPRESSED_SUFFIXES.map((suffix) => isFile(file + suffix)));
    if (!found.includes(true)) {
      throw truncated(path, `the data of ${dataLabel(toc, i)} is missing: there is no ${file} in the folder`);
    }
  }
}

/**
 * Throws a PgBackupError('input') naming the first table whose data the archive promises but does not hold
 * (custom and tar: `src` is the whole archive file; directory: the folder's files are looked up).
 */
export async function checkArchiveData(info: ArchiveInfo, src: ByteSource): Promise<void> {
  if (info.format === 'custom') return checkCustom(info, src);
  if (info.format === 'tar') return checkTar(info, src);
  return checkDirectory(info);
}
