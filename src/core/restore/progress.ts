import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveInfo, TocEntry } from '../archive/types';
import type { RestorePlan } from './plan-items';

/**
 * What a restore item costs, in bytes of archive data: a table's rows cost their data block, an index or a
 * constraint built over a table a share of that table's data, anything else (a CREATE, a comment, a grant) a
 * few dozen kilobytes' worth.
 */
export const ITEM_WEIGHT = 64 * 1024;
/** An index build (or a primary key, unique or foreign key check) over a table, per byte of its data. */
export const INDEX_SHARE = 0.25;
/** An in-flight item counts as at most this share of itself until pg_restore says it is done. */
const IN_FLIGHT_CAP = 0.95;
/** Items at least this heavy teach the estimator how fast this restore runs. */
const RATE_MIN_WEIGHT = 1 << 20;

/**
 * Bytes of each data entry in the archive: the distance to the next data block (custom format, offsets in
 * the TOC), or the size of the entry's file (directory format). Empty when the archive does not say (a tar
 * archive, or a custom one written to a pipe): every entry then weighs the same.
 */
export async function archiveDataBytes(archive: ArchiveInfo): Promise<Map<number, number>> {
  const entries = archive.toc.entries();
  const out = new Map<number, number>();
  if (archive.format === 'custom') {
    const blocks = entries.filter((e) => e.dataOffset !== null).sort((a, b) => a.dataOffset! - b.dataOffset!);
    const end = (await stat(archive.path)).size;
    blocks.forEach((e, i) => out.set(e.dumpId, (blocks[i + 1]?.dataOffset ?? end) - e.dataOffset!));
  } else if (archive.format === 'directory') {
    const files = entries.filter((e) => e.dataFile);
    const sizes = await Promise.all(
      files.map((e) =>
        stat(join(archive.path, e.dataFile!)).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    );
    files.forEach((e, i) => out.set(e.dumpId, sizes[i]));
  }
  return out;
}

const BUILT_OVER_TABLE = new Set(['INDEX', 'CONSTRAINT', 'FK CONSTRAINT']);

/** The weight of each entry pg_restore will run, by dump id. */
export function restoreWeights(
  entries: readonly TocEntry[],
  dataBytes: ReadonlyMap<number, number>,
): Map<number, number> {
  const tableData = new Map<number, number>();
  for (const e of entries)
    if (e.desc === 'TABLE DATA' && e.dependencies.length)
      tableData.set(e.dependencies[0], dataBytes.get(e.dumpId) ?? 0);
  const weights = new Map<number, number>();
  for (const e of entries) {
    let w = dataBytes.get(e.dumpId) ?? 0;
    if (BUILT_OVER_TABLE.has(e.desc))
      w = INDEX_SHARE * Math.max(0, ...e.dependencies.map((d) => tableData.get(d) ?? 0));
    weights.set(e.dumpId, ITEM_WEIGHT + w);
  }
  return weights;
}

interface Running {
  weight: number;
  started: number;
  /** Launched by the parallel leader: only its "finished item" line ends it. */
  launched: boolean;
}

const START_LINE = /^pg_restore: (?:creating (.+) "(.*)"|processing data for table "(.*)"|executing (.+))$/;
const LAUNCH_LINE = /^pg_restore: launching item (\d+) /;
const FINISHED_LINE = /^pg_restore: finished item (\d+) /;

/**
 * Turns `pg_restore --verbose` lines into a percentage weighted by what each item costs. Serially a new item
 * means the previous one is done; with parallel jobs the leader's "launching item N" / "finished item N" lines
 * say which items run. Items in flight count by the time they have run at the throughput measured on the
 * finished heavy items, never past 95 % of themselves; nothing reaches 100 before done().
 */
export class RestoreProgressEstimator {
  private readonly byKey = new Map<string, number>();
  private readonly running = new Map<number, Running>();
  private readonly finished = new Set<number>();
  private readonly total: number;
  private doneWeight = 0;
  private rateWeight = 0;
  private rateMs = 0;
  private last = 0;

  constructor(
    entries: readonly TocEntry[],
    private readonly weights: ReadonlyMap<number, number>,
    private readonly now: () => number = Date.now,
  ) {
    for (const e of entries) {
      const name = e.namespace ? `${e.namespace}.${e.tag}` : e.tag;
      // The first of a name wins: a later "creating" line of it (a COMMENT of a table) is its own entry.
      for (const key of [`${e.desc} ${name}`, `${e.desc} ${e.tag}`])
        if (!this.byKey.has(key)) this.byKey.set(key, e.dumpId);
    }
    this.total = entries.reduce((a, e) => a + this.weightOf(e.dumpId), 0) || 1;
  }

  private weightOf(id: number): number {
    return this.weights.get(id) ?? ITEM_WEIGHT;
  }

  private finish(id: number): void {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    this.finished.add(id);
    this.doneWeight += r.weight;
    if (r.weight >= RATE_MIN_WEIGHT) {
      this.rateWeight += r.weight;
      this.rateMs += Math.max(1, this.now() - r.started);
    }
  }

  private start(id: number | undefined, launched: boolean): void {
    if (id === undefined || this.finished.has(id) || this.running.has(id)) return;
    // One item at a time unless the parallel leader launched what runs: then its own lines end them.
    if (!launched) for (const [other, r] of [...this.running]) if (!r.launched) this.finish(other);
    this.running.set(id, { weight: this.weightOf(id), started: this.now(), launched });
  }

  /** Feeds one pg_restore stderr line. */
  line(text: string): void {
    let m: RegExpExecArray | null;
    if ((m = LAUNCH_LINE.exec(text))) this.start(Number(m[1]), true);
    else if ((m = FINISHED_LINE.exec(text))) this.finish(Number(m[1]));
    else if ((m = START_LINE.exec(text))) {
      const key = m[1] !== undefined ? `${m[1]} ${m[2]}` : m[3] !== undefined ? `TABLE DATA ${m[3]}` : m[4];
      this.start(this.byKey.get(key), false);
    }
  }

  /** 0..99, never decreasing. */
  percent(): number {
    const rate = this.rateMs ? this.rateWeight / this.rateMs : 0;
    let flying = 0;
    for (const r of this.running.values())
      flying += Math.min(IN_FLIGHT_CAP * r.weight, rate * (this.now() - r.started));
    this.last = Math.max(this.last, Math.min(99, Math.floor((99 * (this.doneWeight + flying)) / this.total)));
    return this.last;
  }
}

/** The estimator for a planned restore: the items it runs, weighted by the archive's data sizes. */
export async function restoreProgressEstimator(
  archive: ArchiveInfo,
  plan: RestorePlan,
): Promise<RestoreProgressEstimator> {
  const run = plan.items.filter((i) => i.action !== 'skip').map((i) => i.entry);
  return new RestoreProgressEstimator(run, restoreWeights(archive.toc.entries(), await archiveDataBytes(archive)));
}
