import type { Toc } from './toc';
import { WindowText } from './window-text';

/** Size of atom's table (a power of two), and the longest string it looks up. */
const ATOM_SLOTS = 256;
const MAX_ATOM = 64;

/** Thrown (not an Error: it is control flow) when the buffered window ends before the source does. */
export const NEED_MORE = Symbol('need more bytes');

/** Thrown when the source itself ends: the parser turns it into a "truncated" message with context. */
export class SourceEnded {
  constructor(readonly at: number) {}
}

/**
 * Reads pg_dump's encodings from a buffered window of the source (pg_backup_archiver.c ReadInt, ReadStr,
 * ReadOffset). `base` is the source position of buf[0]; `complete` says the window reaches the source's end.
 */
export class TocCursor {
  /** The window's strings. */
  text: WindowText;
  /** buf.length, as a plain field: read before every integer and string. */
  private end: number;
  /** atom's table: where in the window each slot's string was read, its byte length, its index in Toc.atoms. */
  private readonly atomAt = new Int32Array(ATOM_SLOTS);
  private readonly atomLen = new Int32Array(ATOM_SLOTS);
  private readonly atomId = new Int32Array(ATOM_SLOTS);

  constructor(
    public buf: Buffer,
    public base: number,
    public pos: number,
    public complete: boolean,
    readonly sourceSize: number,
    public intSize = 4,
  ) {
    this.text = new WindowText(buf);
    this.end = buf.length;
    this.atomAt.fill(-1);
  }

  /** Moves the window: `buf` now starts at source position `base`. */
  setWindow(buf: Buffer, base: number): void {
    this.buf = buf;
    this.base = base;
    this.pos = 0;
    this.end = buf.length;
    this.text = new WindowText(buf);
    this.atomAt.fill(-1);
    this.complete = base + buf.length >= this.sourceSize;
  }

  /** Source position of the next byte. */
  get at(): number {
    return this.base + this.pos;
  }

  private need(n: number): void {
    if (this.pos + n <= this.end) return;
    if (this.complete || this.at + n > this.sourceSize) throw new SourceEnded(this.at);
    throw NEED_MORE;
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** ReadInt: a sign byte (any non-zero = negative), then intSize bytes, least significant first. */
  int(): number {
    const buf = this.buf;
    const p = this.pos;
    if (this.intSize === 4 && p + 5 <= this.end) {
      // The common case, flat: a TOC is read mostly before the JIT has compiled this, one call costs.
      this.pos = p + 5;
      const v = buf[p + 1] + buf[p + 2] * 0x100 + buf[p + 3] * 0x10000 + buf[p + 4] * 0x1000000;
      return buf[p] ? -v : v;
    }
    this.need(1 + this.intSize);
    let v = 0;
    let mul = 1;
    for (let b = 1; b <= this.intSize; b++) {
      v += buf[p + b] * mul;
      mul *= 256;
    }
    this.pos = p + 1 + this.intSize;
    return buf[p] ? -v : v;
  }

  /** ReadStr: an int length, -1 (any negative) for NULL, then the bytes. */
  str(): string | null {
    const len = this.strLength();
    if (len <= 0) return len === 0 ? '' : null;
    const start = this.pos;
    this.pos += len;
    return this.text.decodeOne(start, this.pos);
  }

  /** A ReadStr kept as where its bytes are: spans[at] = start in the window, spans[at + 1] = length (-1 for NULL). */
  span(spans: Int32Array, at: number): void {
    const len = this.strLength();
    spans[at] = this.pos;
    spans[at + 1] = len < 0 ? -1 : len;
    if (len > 0) this.pos += len;
  }

  /**
   * A ReadStr that repeats from entry to entry (kinds, schemas, owners, access methods), as its index in
   * `toc.atoms`: the same index each time its bytes recur, found in a 256-slot table of the window's earlier
   * occurrences (keyed by length, first and last byte; the bytes are compared). Ten thousand entries then make a
   * handful of strings instead of ten thousand copies for the garbage collector.
   */
  atom(toc: Toc): number {
    const len = this.strLength();
    if (len <= 0) return len === 0 ? 1 : 0;
    const start = this.pos;
    const end = start + len;
    this.pos = end;
    if (len > MAX_ATOM) return toc.atoms.push(this.text.decodeOne(start, end)) - 1;
    const buf = this.buf;
    // The length and the first and last bytes pick the slot: enough to tell kinds, schemas and owners apart.
    const slot = (len * 31 + buf[start] * 7 + buf[end - 1]) & (ATOM_SLOTS - 1);
    const seen = this.atomAt[slot];
    if (seen >= 0 && this.atomLen[slot] === len) {
      let i = 0;
      while (i < len && buf[seen + i] === buf[start + i]) i++;
      if (i === len) return this.atomId[slot];
    }
    const id = toc.atoms.push(this.text.decodeOne(start, end)) - 1;
    this.atomAt[slot] = start;
    this.atomLen[slot] = len;
    this.atomId[slot] = id;
    return id;
  }

  /**
   * A ReadStr holding a number (oids and dependency ids are written with sprintf): parsed from the bytes as
   * sscanf would, without making a string. null for a NULL string, 0 when no digits lead.
   */
  numStr(): number | null {
    const len = this.strLength();
    if (len < 0) return null;
    let v = 0;
    let i = this.pos;
    const end = this.pos + len;
    const negative = i < end && this.buf[i] === 0x2d;
    if (negative) i++;
    for (; i < end; i++) {
      const d = this.buf[i] - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    this.pos = end;
    return negative ? -v : v;
  }

  /**
   * numStr values up to a NULL string (an entry's dependency list), appended to toc.deps from index `from`; the
   * index after the last. A value that is no int32 cannot be a dump id and is kept as 0, which none is.
   */
  numStrsInto(toc: Toc, from: number): number {
    let n = from;
    for (let d = this.numStr(); d !== null; d = this.numStr()) {
      if (n === toc.deps.length) {
        const grown = new Int32Array(toc.deps.length * 2 + 16);
        grown.set(toc.deps);
        toc.deps = grown;
      }
      toc.deps[n++] = d === (d | 0) ? d : 0;
    }
    return n;
  }

  /** Skips a ReadStr whose value is not needed. */
  skipStr(): void {
    const len = this.strLength();
    if (len > 0) this.pos += len;
  }

  /** The length of the next ReadStr with its bytes in the window; a garbage length must not make us wait for bytes that cannot exist. */
  private strLength(): number {
    const len = this.int();
    if (len <= 0) return len;
    if (this.pos + len <= this.end) return len;
    if (this.at + len > this.sourceSize) throw new SourceEnded(this.sourceSize);
    this.need(len);
    return len;
  }

  /**
   * ReadOffset (archive 1.7+): a state byte (1 not set, 2 set, 3 no data), then offSize bytes of offset, least
   * significant first. Bytes past the 8th must be zero; -1 says they were not.
   */
  offset(offSize: number): { flag: number; offset: number } {
    this.need(1 + offSize);
    const buf = this.buf;
    const p = this.pos;
    this.pos = p + 1 + offSize;
    const flag = buf[p];
    if (offSize === 8) {
      const lo = buf[p + 1] + buf[p + 2] * 0x100 + buf[p + 3] * 0x10000 + buf[p + 4] * 0x1000000;
      const hi = buf[p + 5] + buf[p + 6] * 0x100 + buf[p + 7] * 0x10000 + buf[p + 8] * 0x1000000;
      return { flag, offset: lo + hi * 0x100000000 };
    }
    let v = 0;
    let mul = 1;
    for (let b = 0; b < offSize; b++) {
      const bv = buf[p + 1 + b];
      if (b < 8) v += bv * mul;
      else if (bv !== 0) v = -1;
      mul *= 256;
    }
    return { flag, offset: v };
  }
}
