import type { DumpOptions } from './options';
import type { DumpWorkload } from './table-sizes';

export type DumpPhase = 'catalog' | 'data' | 'finishing' | 'done';

export interface DumpProgress {
  /** 0..100, never decreasing; 100 only once the backup is in place. */
  percent: number;
  phase: DumpPhase;
  /** The table being copied ("schema.name"), when known. */
  table?: string;
  tablesDone: number;
  tablesTotal: number;
  /** Bytes of the output so far. */
  bytesWritten: number;
}

/** A table's least weight, so empty tables still move the bar a little. */
const MIN_WEIGHT = 8192;
/** pg_dump 15 prints about 45 "reading …" lines while it reads the catalog; other majors a few more or less. */
const CATALOG_STEPS = 40;
/** Share of the bar for reading the catalog, relative to the data. */
const CATALOG_SHARE = 0.02;
/** An in-flight table counts as at most this share of itself until pg_dump says it is done. */
const IN_FLIGHT_CAP = 0.95;

/**
 * How many bytes of table (pg_table_size) one byte of output stands for, before any table has finished and the
 * real ratio can be measured. Text output is a bit smaller than the heap; compression shrinks it further.
 */
export function initialRatio(o: DumpOptions): number {
  const method = o.compression?.method ?? (o.format === 'custom' || o.format === 'directory' ? 'gzip' : 'none');
  return { none: 1.2, gzip: 4, lz4: 3, zstd: 5 }[method];
}

interface Item {
  key: string;
  /** Unqualified, as parallel workers' "finished item" lines name it. */
  name: string;
  weight: number;
  /** Rows the table had at its last ANALYZE, and how many of them the server has sent so far. */
  rows?: number;
  rowsCopied?: number;
  startBytes?: number;
  done?: boolean;
}

const TABLE_LINE = /dumping contents of table "(.*)"$/;
const FINISHED_LINE = /finished item \d+ (TABLE DATA|BLOBS|LARGE OBJECTS?) (.*)$/;
const LARGE_OBJECTS_LINE = /saving large objects/;
const CATALOG_LINE = /^pg_dump: reading /;
const LO_KEY = '(large objects)';

/**
 * Turns pg_dump -v lines, the server's COPY row counts and the output's size into an honest percentage.
 * Finished tables count in full; a table being copied counts by the share of its rows the server has sent
 * (pg_stat_progress_copy), or else by the bytes written since it started (converted with the measured
 * output-to-table ratio), but never beyond 95 % of itself; nothing reaches 100 until done() is called.
 */
export class DumpProgressEstimator {
  private readonly items = new Map<string, Item>();
  // Running sums, so each stderr line costs O(tables in flight), not O(tables): databases have thousands.
  private readonly flying = new Set<Item>();
  private totalWeight = 0;
  private finishedWeight = 0;
  private tablesDone = 0;
  private readonly catalogWeight: number;
  private catalogSteps = 0;
  private dataStarted = false;
  private dataStartBytes = 0;
  private bytes = 0;
  private ratio: number;
  private current?: string;
  private phase: DumpPhase = 'catalog';
  private lastPercent = 0;

  constructor(
    workload: DumpWorkload,
    options: DumpOptions,
    private readonly parallel = (options.jobs ?? 1) > 1,
  ) {
    for (const t of workload.tables) this.add(`${t.schema}.${t.name}`, t.name, t.bytes).rows = t.rows;
    if (workload.largeObjectBytes > 0) this.add(LO_KEY, LO_KEY, workload.largeObjectBytes);
    this.catalogWeight = Math.max(1, CATALOG_SHARE * this.totalWeight);
    this.ratio = initialRatio(options);
  }

  private add(key: string, name: string, bytes: number): Item {
    const item = { key, name, weight: Math.max(MIN_WEIGHT, bytes) };
    this.items.set(key, item);
    this.totalWeight += item.weight;
    return item;
  }

  private finish(item: Item): void {
    item.done = true;
    this.flying.delete(item);
    this.finishedWeight += item.weight;
    if (item.key !== LO_KEY) this.tablesDone++;
    const written = this.bytes - this.dataStartBytes;
    // Only a one-table-at-a-time dump tells which output bytes belong to which tables.
    if (written > 0 && !this.parallel) this.ratio = this.finishedWeight / written;
  }

  private start(key: string, name: string): void {
    if (!this.dataStarted) {
      this.dataStarted = true;
      this.dataStartBytes = this.bytes;
    }
    // Without workers pg_dump copies one table at a time: a new table means the previous ones are done.
    if (!this.parallel) for (const i of [...this.flying]) this.finish(i);
    const item = this.items.get(key) ?? this.add(key, name, 0);
    if (item.done || this.flying.has(item)) return;
    item.startBytes = this.bytes;
    this.flying.add(item);
    this.current = key;
    this.phase = 'data';
  }

  /** Feeds one pg_dump stderr line. */
  line(text: string): void {
    let m: RegExpExecArray | null;
    if ((m = TABLE_LINE.exec(text))) {
      const key = m[1];
      const dot = key.indexOf('.');
      this.start(key, dot >= 0 ? key.slice(dot + 1) : key);
    } else if (LARGE_OBJECTS_LINE.test(text)) {
      this.start(LO_KEY, LO_KEY);
    } else if ((m = FINISHED_LINE.exec(text))) {
      const name = m[1] === 'TABLE DATA' ? m[2] : LO_KEY;
      const item = [...this.flying].find((i) => i.name === name);
      if (item) this.finish(item);
    } else if (CATALOG_LINE.test(text)) {
      this.catalogSteps++;
    }
  }

  /** Rows of a table ("schema.name") the server has sent so far. */
  copied(table: string, rows: number): void {
    const item = this.items.get(table);
    if (item && !item.done) item.rowsCopied = Math.max(item.rowsCopied ?? 0, rows);
  }

  /** The output's current size on disk. */
  written(bytes: number): void {
    this.bytes = Math.max(this.bytes, bytes);
  }

  /** pg_dump exited successfully; what remains is checksums and renames. */
  finishing(): void {
    for (const i of [...this.flying]) this.finish(i);
    this.phase = 'finishing';
  }

  /** The backup is in place: the only way to 100 %. */
  done(): void {
    this.phase = 'done';
    this.lastPercent = 100;
  }

  snapshot(): DumpProgress {
    let byRows = 0;
    let unknownWeight = 0;
    let lastStart = this.dataStartBytes;
    for (const i of this.flying) {
      if (i.rows && i.rowsCopied !== undefined) byRows += Math.min(IN_FLIGHT_CAP, i.rowsCopied / i.rows) * i.weight;
      else {
        unknownWeight += i.weight;
        lastStart = Math.max(lastStart, i.startBytes ?? 0);
      }
    }
    const fromOutput = Math.min(IN_FLIGHT_CAP * unknownWeight, Math.max(0, (this.bytes - lastStart) * this.ratio));
    const data = this.dataStarted ? this.finishedWeight + byRows + fromOutput : 0;
    const catalog = this.dataStarted || this.phase === 'finishing' ? 1 : Math.min(1, this.catalogSteps / CATALOG_STEPS);
    const estimate =
      this.phase === 'finishing'
        ? 99
        : Math.floor((99 * (this.catalogWeight * catalog + data)) / (this.catalogWeight + this.totalWeight));
    if (this.phase !== 'done') this.lastPercent = Math.max(this.lastPercent, Math.min(99, estimate));
    return {
      percent: this.lastPercent,
      phase: this.phase,
      table: this.phase === 'data' ? this.current : undefined,
      tablesDone: this.tablesDone,
      tablesTotal: this.items.size - (this.items.has(LO_KEY) ? 1 : 0),
      bytesWritten: this.bytes,
    };
  }
}
