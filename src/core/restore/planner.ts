import type { ArchiveInfo, TocEntry } from '../archive/types';
import { dependencyClosure } from './closure';
import { findExisting, listTargetTables, type Queryable } from './existing';
import type { RestoreOptions } from './options';
import { buildPlan, type RestorePlan } from './plan';
import { parseSelectSpec, resolveSpec } from './selection';
import { buildTocIndex, describeEntry, type TocIndex } from './toc-index';

export interface PlanRequest {
  archive: ArchiveInfo;
  /** Reuse across calls (a picker recomputing as the user clicks); built from the archive otherwise. */
  index?: TocIndex;
  /** `KIND:SCHEMA.NAME` specs or entries; empty = the whole archive. */
  select: readonly (string | TocEntry)[];
  withDependents: boolean;
  options: RestoreOptions;
  /** The target database: existing objects are found there and foreign keys to its tables kept. */
  target?: Queryable;
  /** Dump ids of dependents the closure brought in that the user took out again (a picker's unticked rows). */
  exclude?: ReadonlySet<number>;
}

export interface PlannedRestore extends RestorePlan {
  /** The options to run with: --if-exists is added to --clean when some items are not in the target yet. */
  options: RestoreOptions;
  notes: string[];
}

/** Selection → closure → check against the target → plan and list file. */
export async function planRestore(req: PlanRequest): Promise<PlannedRestore> {
  const index = req.index ?? buildTocIndex(req.archive.toc.entries());
  const selected = req.select.length
    ? req.select.flatMap((s) => (typeof s === 'string' ? resolveSpec(index, parseSelectSpec(s)) : [s]))
    : req.archive.toc.entries();
  const existingTables = req.target ? await listTargetTables(req.target) : undefined;
  const full = dependencyClosure(index, selected, { withDependents: req.withDependents, existingTables });
  const excluded = full.items.filter((i) => i.via !== null && req.exclude?.has(i.entry.dumpId));
  const closure = excluded.length ? { ...full, items: full.items.filter((i) => !excluded.includes(i)) } : full;
  const existing = req.target ? await findExisting(req.target, closure.items.map((i) => i.entry)) : new Set<number>();
  const plan = buildPlan(index, closure, existing, { clean: req.options.clean, info: req.archive });
  const notes: string[] = [];
  const options = { ...req.options };
  if (options.clean && !options.ifExists && plan.items.some((i) => i.action === 'restore' && i.entry.dropStmt)) {
    options.ifExists = true;
    notes.push('--if-exists added: with --clean, objects not yet in the target would otherwise fail to drop.');
  }
  if (excluded.length) {
    notes.push(`${excluded.length} dependent item(s) left out by hand: ${excluded.slice(0, 5).map((i) => describeEntry(i.entry)).join(', ')}${excluded.length > 5 ? ', …' : ''}.`);
  }
  const skipped = plan.items.filter((i) => i.action === 'skip').length;
  if (skipped) notes.push(`${skipped} item(s) skipped because they already exist in the target.`);
  return { ...plan, options, notes };
}
