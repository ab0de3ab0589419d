/** Buffer's own decoders, without toString's argument handling: most of the TOC's cost is its strings. */
interface Sliceable {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/** How far past a string's end a scan for non-ASCII bytes looks ahead, so strings read in order are scanned once. */
const LOOKAHEAD = 64 * 1024;

/**
 * Position of the first byte >= 0x80 in buf[from, limit), or limit: four bytes at a time through `words`, a
 * Uint32Array over the buffer's memory whose element 0 is buf[wordBase].
 */
function findNonAscii(buf: Buffer, words: Uint32Array, wordBase: number, from: number, limit: number): number {
  let i = from;
  while (i < limit && (i < wordBase || ((i - wordBase) & 3) !== 0)) {
    if (buf[i] >= 0x80) return i;
    i++;
  }
  let w = (i - wordBase) >> 2;
  const wn = Math.min(words.length, (limit - wordBase) >> 2);
  while (w < wn && (words[w] & 0x80808080) === 0) w++;
  for (i = Math.max(i, wordBase + w * 4); i < limit; i++) if (buf[i] >= 0x80) return i;
  return limit;
}

/**
 * Strings out of one buffered window of an archive. The whole window is decoded as latin1 once, on the first
 * string: a string whose bytes are all ASCII (nearly all of a TOC's: it is SQL and names; its binary integers are
 * what is not) is then a substring, which V8 makes without copying, instead of one decoder call per string.
 * Strings holding a byte >= 0x80 are decoded as UTF-8 one by one. Strings may be asked for in any order.
 */
export class WindowText {
  private text: string | undefined;
  /** buf[cleanFrom, cleanTo) is known to be ASCII. */
  private cleanFrom = 0;
  private cleanTo = 0;
  private readonly words: Uint32Array;
  private readonly wordBase: number;

  constructor(readonly buf: Buffer) {
    this.wordBase = (4 - (buf.byteOffset & 3)) & 3;
    const count = buf.length > this.wordBase ? (buf.length - this.wordBase) >>> 2 : 0;
    this.words = new Uint32Array(buf.buffer, buf.byteOffset + this.wordBase, count);
  }

  /** buf[start, end) as a string, without decoding the whole window: for the few strings of a header or atoms. */
  decodeOne(start: number, end: number): string {
    return (this.buf as unknown as Sliceable).utf8Slice(start, end);
  }

  /** buf[start, end) as a string: for strings asked for one after another, entry by entry. */
  decode(start: number, end: number): string {
    const buf = this.buf;
    if (start < this.cleanFrom || end > this.cleanTo) {
      this.cleanFrom = start;
      this.cleanTo = findNonAscii(buf, this.words, this.wordBase, start, Math.min(buf.length, end + LOOKAHEAD));
      if (end > this.cleanTo) return (buf as unknown as Sliceable).utf8Slice(start, end);
    }
    if (this.text === undefined) this.text = (buf as unknown as Sliceable).latin1Slice(0, buf.length);
    return this.text.substring(start, end);
  }
}
