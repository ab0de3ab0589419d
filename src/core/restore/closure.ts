import type { TocEntry } from '../archive/types';
import { describeEntry, qualifiedName, tablesOf, type TocIndex } from './toc-index';

/** An entry in the closure, with why it is there so a UI can show it and let the user take it out. */
export interface ClosureItem {
  entry: TocEntry;
  /** "selected", "rows of TABLE shop.products", "in schema shop"… */
  reason: string;
  /** The entry that pulled this one in; null for what the user chose. */
  via: number | null;
}

export interface Closure {
  /** In archive order. */
  items: ClosureItem[];
  /** Entries left out on purpose, and why (an FK to a table that will not exist, a view on the table…). */
  omitted: { entry: TocEntry; reason: string }[];
}

export interface ClosureOptions {
  /** Bring each object's data, indexes, constraints, triggers, sequences, defaults, comments and grants. */
  withDependents: boolean;
  /** Tables ("schema.name") that exist in the target: an FK to one of them can be restored. */
  existingTables?: ReadonlySet<string>;
}

/** Kinds that belong to the object they depend on: restoring the object without them loses part of it. */
const BELONGS_TO_PARENT = new Set([
  'TABLE DATA', 'INDEX', 'CONSTRAINT', 'CHECK CONSTRAINT', 'TRIGGER', 'DEFAULT', 'COMMENT', 'ACL',
  'SECURITY LABEL', 'POLICY', 'ROW SECURITY', 'RULE', 'STATISTICS', 'SEQUENCE OWNED BY', 'SEQUENCE SET', 'MATERIALIZED VIEW DATA',
]);

/** Kinds that tie two tables together: restorable only when both will exist. */
const JOINS_TABLES = new Set(['FK CONSTRAINT', 'TABLE ATTACH', 'INDEX ATTACH']);

/** Readable reason for a dependent pulled in by its parent. */
function reasonFor(e: TocEntry, parent: TocEntry): string {
  const of = describeEntry(parent);
  switch (e.desc) {
    case 'TABLE DATA':
      return `rows of ${of}`;
    case 'SEQUENCE SET':
      return `current value of ${of}`;
    case 'SEQUENCE':
      return `sequence owned by ${of}`;
    case 'COMMENT':
      return `comment on ${of}`;
    case 'ACL':
      return `grants on ${of}`;
    case 'FK CONSTRAINT':
      return `foreign key involving ${of}`;
    default:
      return `${e.desc.toLowerCase()} of ${of}`;
  }
}

/**
 * The dependency closure of a selection over the TOC's dependency ids. A schema brings its contents. With
 * dependents, an object brings the entries that belong to it (see BELONGS_TO_PARENT), a partitioned table its
 * partitions, sequences owned by a table (identity and serial), the sequences its column defaults use, and foreign keys — those only when every
 * table they join is in the closure or already in the target, since the constraint cannot be created otherwise.
 */
export function dependencyClosure(index: TocIndex, selected: readonly TocEntry[], opts: ClosureOptions): Closure {
  const items = new Map<number, ClosureItem>();
  const omitted = new Map<number, string>();
  const queue: TocEntry[] = [];
  const add = (e: TocEntry, reason: string, via: number | null) => {
    if (items.has(e.dumpId)) return;
    items.set(e.dumpId, { entry: e, reason, via });
    omitted.delete(e.dumpId);
    queue.push(e);
  };
  for (const e of selected) add(e, 'selected', null);
  for (const e of selected) {
    if (e.desc !== 'SCHEMA') continue;
    for (const x of index.entries) if (x.namespace === e.tag) add(x, `in schema ${e.tag}`, e.dumpId);
  }
  if (!opts.withDependents) return finish(index, items, omitted);

  const fkCandidates = new Map<number, TocEntry>();
  const walk = () => {
    while (queue.length) {
      const parent = queue.shift()!;
      for (const d of index.dependents.get(parent.dumpId) ?? []) {
        if (items.has(d.dumpId)) continue;
        if (d.desc === 'TABLE ATTACH' && parent.desc === 'TABLE' && d.tag !== parent.tag) {
          // From the partitioned table: its rows live in the partitions, so bring each with its attachment.
          for (const child of tablesOf(index, d)) if (child.dumpId !== parent.dumpId) add(child, `partition of ${describeEntry(parent)}`, parent.dumpId);
          add(d, `partition attachment of ${describeEntry(parent)}`, parent.dumpId);
        } else if (JOINS_TABLES.has(d.desc)) fkCandidates.set(d.dumpId, d);
        else if (BELONGS_TO_PARENT.has(d.desc)) add(d, reasonFor(d, parent), parent.dumpId);
        else if (d.desc === 'SEQUENCE' && parent.desc === 'TABLE') add(d, reasonFor(d, parent), parent.dumpId);
        // Before PostgreSQL 14's TABLE ATTACH entries, a partition's own definition attached it.
        else if (d.desc === 'TABLE' && parent.desc === 'TABLE' && /\b(ATTACH PARTITION|PARTITION OF)\b/.test(d.defn ?? '')) add(d, `partition of ${describeEntry(parent)}`, parent.dumpId);
        else if (items.get(parent.dumpId)?.via === null && !omitted.has(d.dumpId)) {
          omitted.set(d.dumpId, `depends on ${describeEntry(parent)}; select it to restore it too`);
        }
      }
      // A column default's sequence is needed for the default to be created (it survives DROP TABLE when not owned).
      if (parent.desc === 'TABLE' || parent.desc === 'DEFAULT') {
        for (const id of parent.dependencies) {
          const s = index.byId.get(id);
          if (s?.desc === 'SEQUENCE') add(s, `sequence used by a default of ${describeEntry(parent)}`, parent.dumpId);
        }
      }
    }
  };
  walk();
  // Foreign keys and partition attachments (reached from the partition) last: whether one can be created
  // depends on every table the walk brought in.
  for (let changed = true; changed; ) {
    changed = false;
    for (const fk of fkCandidates.values()) {
      if (items.has(fk.dumpId)) continue;
      const tables = tablesOf(index, fk);
      const missing = tables.filter((t) => !items.has(t.dumpId) && !opts.existingTables?.has(qualifiedName(t)));
      if (missing.length) {
        omitted.set(fk.dumpId, `references ${missing.map(qualifiedName).join(', ')}, which is neither selected nor in the target`);
        continue;
      }
      const parent = tables.find((t) => items.has(t.dumpId)) ?? tables[0] ?? fk;
      add(fk, reasonFor(fk, parent), parent.dumpId);
      changed = true;
    }
    walk();
  }
  return finish(index, items, omitted);
}

function finish(index: TocIndex, items: Map<number, ClosureItem>, omitted: Map<number, string>): Closure {
  const pos = (e: TocEntry) => index.position.get(e.dumpId) ?? 0;
  return {
    items: [...items.values()].sort((a, b) => pos(a.entry) - pos(b.entry)),
    omitted: [...omitted].map(([id, reason]) => ({ entry: index.byId.get(id)!, reason })).sort((a, b) => pos(a.entry) - pos(b.entry)),
  };
}
