import type { TocEntry, TocSection } from './types';
import type { WindowText } from './window-text';

/** pg_backup.h teSection, by code. */
const SECTION_BY_CODE: readonly (TocSection | undefined)[] = [undefined, 'none', 'pre-data', 'data', 'post-data'];
/** ReadOffset's state byte (1 not set, 2 set, 3 no data); 0 for tar and directory archives, which have none. */
const DATA_STATE_BY_CODE: readonly TocEntry['dataState'][] = [null, 'not-set', 'set', 'no-data'];

/** The string fields kept as byte ranges of the window an entry was read from, in `spans` order. */
export const enum Span {
  Tag,
  Defn,
  DropStmt,
  CopyStmt,
  DataFile,
  Count,
}

/** The string fields that repeat from entry to entry, kept as indexes into `atoms`, in `atomIds` order. */
export const enum Atom {
  Desc,
  Namespace,
  Tablespace,
  Tableam,
  Owner,
  Count,
}

/**
 * An archive's table of contents, column by column: numbers in typed arrays, strings as byte ranges of the
 * buffers they were read from, repeated strings (kinds, schemas, owners…) once each in `atoms`. Reading a TOC
 * then makes a handful of objects instead of tens of thousands; an entry becomes a TocEntry object when it is
 * asked for (`entries`), its strings decoded then. The parser fills the columns; everything else reads.
 * Why: reading a 10,004-entry dump as 10,004 objects spent most of its time in the garbage collector (median
 * 14.5–15.3 ms, 3.9–4.2× `pg_restore -l`); in columns it reads in 5.7–10.6 ms, 5–6× faster (bench/toc-read.ts,
 * docs/benchmarks.md).
 */
export class Toc {
  readonly dumpIds: Int32Array;
  readonly hadDumper: Uint8Array;
  readonly tableOids: Float64Array;
  readonly oids: Float64Array;
  readonly sections: Uint8Array;
  /** pg_class relkind as a character code, 0 when the archive does not say. */
  readonly relkinds: Uint8Array;
  readonly dataStates: Uint8Array;
  readonly dataOffsets: Float64Array;
  /** Per entry, Span.Count pairs (start, length) in the entry's window; length -1 for NULL. */
  readonly spans: Int32Array;
  /** Per entry, Atom.Count indexes into `atoms`. */
  readonly atomIds: Int32Array;
  /** Index into `windows` of the buffer each entry's strings are in. */
  readonly windowOf: Uint32Array;
  /** Entry i's dependency ids are deps[depStart[i], depStart[i + 1]). */
  readonly depStart: Int32Array;
  deps: Int32Array;
  /** Distinct repeated strings; 0 is NULL, 1 the empty string. */
  readonly atoms: (string | null)[] = [null, ''];
  readonly windows: WindowText[] = [];
  private cache: TocEntry[] | undefined;

  constructor(readonly count: number) {
    this.dumpIds = new Int32Array(count);
    this.hadDumper = new Uint8Array(count);
    this.tableOids = new Float64Array(count);
    this.oids = new Float64Array(count);
    this.sections = new Uint8Array(count);
    this.relkinds = new Uint8Array(count);
    this.dataStates = new Uint8Array(count);
    this.dataOffsets = new Float64Array(count);
    this.spans = new Int32Array(count * Span.Count * 2);
    this.atomIds = new Int32Array(count * Atom.Count);
    this.windowOf = new Uint32Array(count);
    this.depStart = new Int32Array(count + 1);
    this.deps = new Int32Array(Math.min(count * 4, 1 << 20));
  }

  /** The kind of entry i (TABLE, INDEX, …), without making its other strings. */
  desc(i: number): string {
    return this.atoms[this.atomIds[i * Atom.Count + Atom.Desc]] ?? '';
  }

  /** Every entry as an object, in archive order: made on the first call, in one pass over the windows. */
  entries(): TocEntry[] {
    if (this.cache) return this.cache;
    const out: TocEntry[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.make(i);
    this.cache = out;
    return out;
  }

  private make(i: number): TocEntry {
    const w = this.windows[this.windowOf[i]];
    const s = i * Span.Count * 2;
    const a = i * Atom.Count;
    const atoms = this.atoms;
    const ids = this.atomIds;
    const state = this.dataStates[i];
    const relkind = this.relkinds[i];
    return {
      dumpId: this.dumpIds[i],
      hadDumper: this.hadDumper[i] !== 0,
      tableOid: this.tableOids[i],
      oid: this.oids[i],
      tag: this.str(w, s + Span.Tag * 2) ?? '',
      desc: atoms[ids[a + Atom.Desc]] ?? '',
      section: SECTION_BY_CODE[this.sections[i]]!,
      defn: this.str(w, s + Span.Defn * 2),
      dropStmt: this.str(w, s + Span.DropStmt * 2),
      copyStmt: this.str(w, s + Span.CopyStmt * 2),
      namespace: atoms[ids[a + Atom.Namespace]],
      tablespace: atoms[ids[a + Atom.Tablespace]],
      tableam: atoms[ids[a + Atom.Tableam]],
      relkind: relkind ? String.fromCharCode(relkind) : null,
      owner: atoms[ids[a + Atom.Owner]],
      dependencies: this.dependencies(i),
      dataState: DATA_STATE_BY_CODE[state],
      dataOffset: state === 2 ? this.dataOffsets[i] : null,
      dataFile: this.str(w, s + Span.DataFile * 2) || null,
    };
  }

  private dependencies(i: number): number[] {
    const from = this.depStart[i];
    const out = new Array<number>(this.depStart[i + 1] - from);
    for (let k = 0; k < out.length; k++) out[k] = this.deps[from + k];
    return out;
  }

  private str(w: WindowText, at: number): string | null {
    const len = this.spans[at + 1];
    if (len <= 0) return len === 0 ? '' : null;
    const start = this.spans[at];
    return w.decode(start, start + len);
  }
}
