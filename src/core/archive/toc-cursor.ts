import { isAscii } from 'node:buffer';

/** Buffer's own decoders, without toString's argument handling: most of the TOC's cost is its strings. */
interface Sliceable {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/** Length of the ASCII prefix of `buf`, by bisection with Buffer's vectorised isAscii. */
function asciiPrefix(buf: Buffer): number {
  if (isAscii(buf)) return buf.length;
  let lo = 0; // buf[0, lo) is ASCII
  let hi = buf.length; // buf[0, hi) is not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (isAscii(buf.subarray(0, mid))) lo = mid;
    else hi = mid;
  }
  return lo;
}

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
   * The window's leading ASCII bytes (all of it, usually: the TOC is SQL and names), decoded once: each string
   * in it is then a substring, which V8 makes without copying, instead of one decoder call per string. The
   * window's tail may hold compressed data or non-ASCII names; strings there are decoded one by one.
   */
  private text: string | undefined;

  constructor(
    public buf: Buffer,
    public base: number,
    public pos: number,
    public complete: boolean,
    readonly sourceSize: number,
    public intSize = 4,
  ) {}

  /** Moves the window: `buf` now starts at source position `base`. */
  setWindow(buf: Buffer, base: number): void {
    this.buf = buf;
    this.base = base;
    this.pos = 0;
    this.text = undefined;
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
    const sign = this.buf[this.pos++];
    let v = 0;
    let mul = 1;
    for (let b = 0; b < this.intSize; b++) {
      v += this.buf[this.pos++] * mul;
      mul *= 256;
    }
    return sign ? -v : v;
  }

  /** ReadStr: an int length, -1 (any negative) for NULL, then the bytes. */
  str(): string | null {
    const len = this.strLength();
    if (len <= 0) return len === 0 ? '' : null;
    if (this.text === undefined) this.text = (this.buf as unknown as Sliceable).latin1Slice(0, asciiPrefix(this.buf));
    const end = this.pos + len;
    const s = end <= this.text.length ? this.text.substring(this.pos, end) : (this.buf as unknown as Sliceable).utf8Slice(this.pos, end);
    this.pos += len;
    return s;
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
