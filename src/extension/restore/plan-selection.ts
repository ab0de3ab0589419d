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

/** The core's plan for the ticked entries, minus the dependents the user took out in the picker. */
export function planSelection(req: SelectionPlanRequest): Promise<PlannedRestore> {
  return planRestore({
    archive: req.archive,
    index: req.index,
    select: req.chosen,
    withDependents: req.withDependents,
    options: req.options,
    target: req.target,
    exclude: req.excluded,
  });
}

/** What --clean will drop in the target: the planned objects that exist there. */
export const plannedDrops = (plan: PlannedRestore): string[] =>
  plan.items.filter((i) => i.action === 'recreate').map((i) => describeEntry(i.entry));
