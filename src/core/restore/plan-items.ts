import { isRestorable, renderListFile } from '../archive/list-file';
import type { ArchiveInfo, TocEntry } from '../archive/types';
import type { Closure, ClosureOrigin } from './closure';
import { describeEntry, type TocIndex } from './toc-index';

export type PlanAction = 'restore' | 'skip' | 'recreate';

export interface PlanItem {
  entry: TocEntry;
  reason: string;
  via: number | null;
  origin: ClosureOrigin;
  action: PlanAction;
  /** Why an item is skipped or recreated. */
  note?: string;
}

export interface RestorePlan {
  items: PlanItem[];
  omitted: Closure['omitted'];
  /** Text for `pg_restore -L`: the items to run, in archive order, each followed by why it is there. */
  listFile: string;
  /** Entries pg_restore will run. */
  total: number;
}

/**
 * Turns a closure and what already exists in the target into what pg_restore will do. An existing object is
 * skipped (so the restore never stops on "already exists"), or with --clean dropped and created again. The
 * rows of a skipped table and the value of a skipped sequence are left alone: loading them again would
 * duplicate rows or move the sequence back.
 */
export function buildPlan(
  index: TocIndex,
  closure: Closure,
  existing: ReadonlySet<number>,
  opts: { clean?: boolean; info?: ArchiveInfo },
): RestorePlan {
  const skipped = new Set<number>();
  const items: PlanItem[] = [];
  for (const c of closure.items) {
    const e = c.entry;
    if (!isRestorable(e)) continue;
    const base = { entry: e, reason: c.reason, via: c.via, origin: c.origin };
    if (existing.has(e.dumpId)) {
      if (opts.clean)
        items.push({ ...base, action: 'recreate', note: 'exists in the target: dropped and created again' });
      else {
        skipped.add(e.dumpId);
        items.push({ ...base, action: 'skip', note: 'already exists in the target' });
      }
      continue;
    }
    const owner = e.desc === 'TABLE DATA' || e.desc === 'SEQUENCE SET' ? index.byId.get(e.dependencies[0]) : undefined;
    if (owner && skipped.has(owner.dumpId)) {
      const note =
        e.desc === 'TABLE DATA'
          ? `${describeEntry(owner)} exists in the target: its rows are not loaded again`
          : `${describeEntry(owner)} exists in the target: its current value is kept`;
      items.push({ ...base, action: 'skip', note });
      continue;
    }
    items.push({ ...base, action: 'restore' });
  }
  const run = items.filter((i) => i.action !== 'skip');
  const why = new Map(run.map((i) => [i.entry.dumpId, i.note ? `${i.reason}; ${i.note}` : i.reason]));
  return {
    items,
    omitted: closure.omitted,
    listFile: renderListFile(
      run.map((i) => i.entry),
      { info: opts.info, note: (e) => why.get(e.dumpId) },
    ),
    total: run.length,
  };
}
