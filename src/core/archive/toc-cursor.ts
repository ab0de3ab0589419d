import { PgBackupError } from '../errors';

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
  constructor(
    public buf: Buffer,
    public base: number,
    public pos: number,
    public complete: boolean,
    readonly sourceSize: number,
    public intSize = 4,
  ) {}

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
    const len = this.int();
    if (len < 0) return null;
    // A garbage length must not make us wait for (or allocate) bytes that cannot exist.
    if (this.at + len > this.sourceSize) throw new SourceEnded(this.sourceSize);
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** ReadOffset (archive 1.7+): a state byte, then offSize bytes of offset, least significant first. */
  offset(offSize: number, what: () => string): { state: 'set' | 'not-set' | 'no-data'; offset: number } {
    this.need(1 + offSize);
    const flag = this.buf[this.pos++];
    const state = flag === 1 ? 'not-set' : flag === 2 ? 'set' : flag === 3 ? 'no-data' : undefined;
    if (!state) throw new PgBackupError(`${what()} has an unexpected data offset flag ${flag}.`, 'input');
    let v = 0;
    let mul = 1;
    for (let b = 0; b < offSize; b++) {
      const bv = this.buf[this.pos++];
      if (b < 8) v += bv * mul;
      else if (bv !== 0) throw new PgBackupError(`${what()} has a data offset too large for a file.`, 'input');
      mul *= 256;
    }
    return { state, offset: v };
  }
}
