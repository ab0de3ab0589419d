import { renderListFile } from '../../core/archive/list-file';
import type { ArchiveInfo, TocEntry } from '../../core/archive/types';
import type { Queryable } from '../../core/restore/existing';
import type { RestoreOptions } from '../../core/restore/options';
import { planRestore, type PlannedRestore } from '../../core/restore/planner';
import { describeEntry, type TocIndex } from '../../core/restore/toc-index';

export interface SelectionPlanRequest {
  archive: ArchiveInfo;
  index: TocIndex;
  /** Entries the user ticked (empty: the whole archive). */
  chosen: readonly TocEntry[];
  /** Dependents the closure brought in that the user took out again. */
  excluded: ReadonlySet<number>;
  withDependents: boolean;
  options: RestoreOptions;
  target?: Queryable;
}

/**
 * The core's plan for the ticked entries, minus the dependents the user took out in the picker.
 * FIXME: the core's PlanRequest has no `exclude`; with one, this would be a plain planRestore call.
 */
export async function planSelection(req: SelectionPlanRequest): Promise<PlannedRestore> {
  const planned = await planRestore({ archive: req.archive, index: req.index, select: req.chosen, withDependents: req.withDependents, options: req.options, target: req.target });
  const dropped = planned.items.filter((i) => req.excluded.has(i.entry.dumpId) && i.via !== null);
  if (!dropped.length) return planned;
  const items = planned.items.filter((i) => !dropped.includes(i));
  const run = items.filter((i) => i.action !== 'skip');
  const why = new Map(run.map((i) => [i.entry.dumpId, i.note ? `${i.reason}; ${i.note}` : i.reason]));
  return {
    ...planned,
    items,
    total: run.length,
    listFile: renderListFile(run.map((i) => i.entry), { info: req.archive, note: (e) => why.get(e.dumpId) }),
    notes: [...planned.notes, `${dropped.length} dependent item(s) left out by hand: ${dropped.slice(0, 5).map((i) => describeEntry(i.entry)).join(', ')}${dropped.length > 5 ? ', …' : ''}.`],
  };
}

/** What --clean will drop in the target: the planned objects that exist there. */
export const plannedDrops = (plan: PlannedRestore): string[] => plan.items.filter((i) => i.action === 'recreate').map((i) => describeEntry(i.entry));
