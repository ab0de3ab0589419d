import type { ArchiveInfo, TocEntry } from '../archive/types';
import { dependencyClosure } from './closure';
import { findExisting, type Queryable } from './existing';
import type { RestoreOptions } from './options';
import { buildPlan, type RestorePlan } from './plan-items';
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
  /**
   * The target database (for a new one, the template it will be copied from): existing objects are found there,
   * foreign keys to its tables kept, and what the selection needs that it lacks brought along.
   */
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
  const existing = req.target ? await findExisting(req.target, index.entries) : undefined;
  const full = dependencyClosure(index, selected, { withDependents: req.withDependents, existing });
  const excluded = full.items.filter((i) => i.via !== null && req.exclude?.has(i.entry.dumpId));
  const closure = excluded.length ? { ...full, items: full.items.filter((i) => !excluded.includes(i)) } : full;
  const plan = buildPlan(index, closure, existing ?? new Set(), { clean: req.options.clean, info: req.archive });
  const notes: string[] = [];
  const options = { ...req.options };
  if (options.clean && !options.ifExists && plan.items.some((i) => i.action === 'restore' && i.entry.dropStmt)) {
    options.ifExists = true;
    notes.push('--if-exists added: with --clean, objects not yet in the target would otherwise fail to drop.');
  }
  for (const [origin, what] of BROUGHT) {
    const found = closure.items.filter((i) => i.origin === origin).map((i) => describeEntry(i.entry));
    if (found.length) notes.push(`${found.length} item(s) ${what} brought along: ${listSome(found)}.`);
  }
  if (excluded.length) {
    const names = listSome(excluded.map((i) => describeEntry(i.entry)));
    notes.push(`${excluded.length} dependent item(s) left out by hand: ${names}.`);
  }
  const skipped = plan.items.filter((i) => i.action === 'skip').length;
  if (skipped) notes.push(`${skipped} item(s) skipped because they already exist in the target.`);
  return { ...plan, options, notes };
}

/** The first five of a list, then "…". */
const listSome = (names: readonly string[]): string =>
  `${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`;

/** The notes on what the closure brought beyond the selection and its own dependents. */
const BROUGHT = [
  ['prerequisite', 'the target lacks and the selection needs'],
  ['lost', 'missing in the target, on what was chosen'],
] as const;
