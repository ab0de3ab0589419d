/** Buffer's own decoders, without toString's argument handling: most of the TOC's cost is its strings. */
interface Sliceable {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/**
 * Position of the first byte >= 0x80 in buf[from, buf.length), or buf.length: four bytes at a time through
 * `words`, a Uint32Array over the buffer's memory whose element 0 is buf[wordBase].
 */
function findNonAscii(buf: Buffer, words: Uint32Array, wordBase: number, from: number): number {
  const n = buf.length;
  let i = from;
  while (i < n && (i < wordBase || ((i - wordBase) & 3) !== 0)) {
    if (buf[i] >= 0x80) return i;
    i++;
  }
  let w = (i - wordBase) >> 2;
  const wn = words.length;
  while (w < wn && (words[w] & 0x80808080) === 0) w++;
  for (i = Math.max(i, wordBase + w * 4); i < n; i++) if (buf[i] >= 0x80) return i;
  return n;
}

/** A Uint32Array over the 4-byte-aligned middle of `buf`, and the buffer index of its first element. */
function wordView(buf: Buffer): { words: Uint32Array; wordBase: number } {
  const wordBase = (4 - (buf.byteOffset & 3)) & 3;
  const count = buf.length > wordBase ? (buf.length - wordBase) >>> 2 : 0;
  return { words: new Uint32Array(buf.buffer, buf.byteOffset + wordBase, count), wordBase };
}

/** Size of sharedStr's table (a power of two), and the longest string it keeps. */
const SHARED_SLOTS = 256;
const MAX_SHARED = 64;

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
  /**
   * The whole window decoded as latin1, once: a string whose bytes are all ASCII (nearly all of them: the TOC is
   * SQL and names; its binary integers are what is not) is then a substring, which V8 makes without copying,
   * instead of one decoder call per string. Strings holding a byte >= 0x80 are decoded as UTF-8 one by one.
   */
  private text: string | undefined;
  /** Position of a non-ASCII byte in the window (or its length): the first one at or after any position up to it. */
  private nextNonAscii = -1;
  private words!: Uint32Array;
  private wordBase = 0;
  /** sharedStr's table: where in the window each slot's string was read, its byte length, the string. */
  private readonly sharedAt = new Int32Array(SHARED_SLOTS);
  private readonly sharedLen = new Int32Array(SHARED_SLOTS);
  private readonly shared: string[] = new Array<string>(SHARED_SLOTS).fill('');
  private readonly scratch: number[] = [];

  constructor(
    public buf: Buffer,
    public base: number,
    public pos: number,
    public complete: boolean,
    readonly sourceSize: number,
    public intSize = 4,
  ) {
    this.viewWords();
  }

  private viewWords(): void {
    ({ words: this.words, wordBase: this.wordBase } = wordView(this.buf));
    this.nextNonAscii = -1;
    this.sharedAt.fill(-1);
  }

  /** Moves the window: `buf` now starts at source position `base`. */
  setWindow(buf: Buffer, base: number): void {
    this.buf = buf;
    this.base = base;
    this.pos = 0;
    this.text = undefined;
    this.viewWords();
    this.complete = base + buf.length >= this.sourceSize;
  }

  /** Source position of the next byte. */
  get at(): number {
    return this.base + this.pos;
  }

  private need(n: number): void {
    if (this.pos + n <= this.buf.length) return;
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
    this.need(1 + this.intSize);
    const buf = this.buf;
    const p = this.pos;
    const sign = buf[p];
    let v: number;
    if (this.intSize === 4) {
      v = buf[p + 1] + buf[p + 2] * 0x100 + buf[p + 3] * 0x10000 + buf[p + 4] * 0x1000000;
      this.pos = p + 5;
    } else {
      v = 0;
      let mul = 1;
      for (let b = 1; b <= this.intSize; b++) {
        v += buf[p + b] * mul;
        mul *= 256;
      }
      this.pos = p + 1 + this.intSize;
    }
    return sign ? -v : v;
  }

  /** ReadStr: an int length, -1 (any negative) for NULL, then the bytes. */
  str(): string | null {
    const len = this.strLength();
    if (len <= 0) return len === 0 ? '' : null;
    const start = this.pos;
    this.pos += len;
    return this.decode(start, this.pos);
  }

  /**
   * A ReadStr that repeats from entry to entry (kinds, schemas, owners, access methods): the same string object
   * each time its bytes recur, found in a 256-slot table of the window's earlier occurrences (keyed by length,
   * first and last byte; the bytes are compared). Ten thousand entries then make a handful of strings instead of
   * ten thousand copies for the garbage collector.
   */
  sharedStr(): string | null {
    const len = this.strLength();
    if (len <= 0) return len === 0 ? '' : null;
    const start = this.pos;
    const end = start + len;
    this.pos = end;
    if (len > MAX_SHARED) return this.decode(start, end);
    const buf = this.buf;
    // The length and the first and last bytes pick the slot: enough to tell kinds, schemas and owners apart.
    const slot = (len * 31 + buf[start] * 7 + buf[end - 1]) & (SHARED_SLOTS - 1);
    const seen = this.sharedAt[slot];
    if (seen >= 0 && this.sharedLen[slot] === len) {
      let i = 0;
      while (i < len && buf[seen + i] === buf[start + i]) i++;
      if (i === len) return this.shared[slot];
    }
    const s = this.decode(start, end);
    this.sharedAt[slot] = start;
    this.sharedLen[slot] = len;
    this.shared[slot] = s;
    return s;
  }

  /** buf[start, end) as a string: a substring of the window's latin1 text when ASCII, else UTF-8 decoded. */
  private decode(start: number, end: number): string {
    if (this.nextNonAscii < start) this.nextNonAscii = findNonAscii(this.buf, this.words, this.wordBase, start);
    if (this.nextNonAscii < end) return (this.buf as unknown as Sliceable).utf8Slice(start, end);
    if (this.text === undefined) this.text = (this.buf as unknown as Sliceable).latin1Slice(0, this.buf.length);
    return this.text.substring(start, end);
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

  /** numStr values up to a NULL string (an entry's dependency list), in an array of exactly their number. */
  numStrList(): number[] {
    let n = 0;
    for (let d = this.numStr(); d !== null; d = this.numStr()) this.scratch[n++] = d;
    return this.scratch.slice(0, n);
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
    const flag = this.buf[this.pos++];
    let v = 0;
    let mul = 1;
    for (let b = 0; b < offSize; b++) {
      const bv = this.buf[this.pos++];
      if (b < 8) v += bv * mul;
      else if (bv !== 0) v = -1;
      mul *= 256;
    }
    return { flag, offset: v };
  }
}
