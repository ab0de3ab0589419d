import type { TocEntry } from '../archive/types';
import { isLookedUp } from './existing';
import { describeEntry, qualifiedName, tablesOf, type TocIndex } from './toc-index';

/**
 * Why an item is in the closure: the user chose it, it belongs to what was chosen, the target lacks it and
 * something chosen needs it, or it depends on what was chosen and is missing in the target (DROP … CASCADE took it).
 */
export type ClosureOrigin = 'selected' | 'dependent' | 'prerequisite' | 'lost';

/** An entry in the closure, with why it is there so a UI can show it and let the user take it out. */
export interface ClosureItem {
  entry: TocEntry;
  /** "selected", "rows of TABLE shop.products", "in schema shop"… */
  reason: string;
  /** The entry that pulled this one in; null for what the user chose. */
  via: number | null;
  origin: ClosureOrigin;
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
  /**
   * Dump ids of the archive's entries whose objects exist in the target (findExisting). Given, the closure also
   * brings what the selection needs and the target lacks (schemas, types, functions, extensions…) and, with
   * dependents, the views and functions on a chosen object that are missing there; a foreign key to an
   * existing table can be restored.
   */
  existing?: ReadonlySet<number>;
}

/** Kinds that belong to the object they depend on: restoring the object without them loses part of it. */
const BELONGS_TO_PARENT = new Set([
  'TABLE DATA',
  'INDEX',
  'CONSTRAINT',
  'CHECK CONSTRAINT',
  'TRIGGER',
  'DEFAULT',
  'COMMENT',
  'ACL',
  'SECURITY LABEL',
  'POLICY',
  'ROW SECURITY',
  'RULE',
  'STATISTICS',
  'SEQUENCE OWNED BY',
  'SEQUENCE SET',
  'MATERIALIZED VIEW DATA',
]);

/** Kinds that tie two tables together: restorable only when both will exist. */
const JOINS_TABLES = new Set(['FK CONSTRAINT', 'TABLE ATTACH', 'INDEX ATTACH']);

/** Kinds an object can need to exist before it is created: brought when the target lacks them. */
const PREREQUISITE_KINDS = new Set([
  'SCHEMA',
  'EXTENSION',
  'TYPE',
  'SHELL TYPE',
  'DOMAIN',
  'FUNCTION',
  'PROCEDURE',
  'AGGREGATE',
  'COLLATION',
]);

/** What a prerequisite brings of its own: its comment, grants and security label. */
const OWN_EXTRAS = new Set(['COMMENT', 'ACL', 'SECURITY LABEL']);

/** Dependents `DROP … CASCADE` takes with an object: what the user lost when they are missing in the target. */
const LOST_WITH_PARENT = new Set(['VIEW', 'MATERIALIZED VIEW', 'FUNCTION', 'PROCEDURE']);

/** Relations a view, function or table join needs to exist. */
const RELATION_KINDS = new Set(['TABLE', 'VIEW', 'MATERIALIZED VIEW', 'FOREIGN TABLE']);

/** A partition's own definition, before PostgreSQL 14's TABLE ATTACH entries. */
const PARTITION_DEFN = /\b(ATTACH PARTITION|PARTITION OF)\b/;

/** What a reader calls a kind in a sentence: "schema", "type", "function". */
const kindWord = (e: TocEntry) => e.desc.toLowerCase();

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
    case 'SEQUENCE OWNED BY':
      return `column ownership of ${of}`;
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
 * partitions, sequences owned by a table (identity and serial), the sequences its column defaults use, and
 * foreign keys — those only when every table they join is in the closure or already in the target, since the
 * constraint cannot be created otherwise. Knowing the target (`existing`), it also brings the views and
 * functions on a chosen object that are missing there, once every relation they read will exist, and last what
 * the closure needs that the target lacks.
 */
export function dependencyClosure(index: TocIndex, selected: readonly TocEntry[], opts: ClosureOptions): Closure {
  const items = new Map<number, ClosureItem>();
  const omitted = new Map<number, string>();
  const queue: TocEntry[] = [];
  const existing = opts.existing;
  const exists = (e: TocEntry) => !!existing?.has(e.dumpId);
  const add = (e: TocEntry, reason: string, via: number | null, origin: ClosureOrigin = 'dependent') => {
    if (items.has(e.dumpId)) return;
    items.set(e.dumpId, { entry: e, reason, via, origin });
    omitted.delete(e.dumpId);
    if (origin !== 'prerequisite') queue.push(e);
  };
  for (const e of selected) add(e, 'selected', null, 'selected');
  for (const e of selected) {
    if (e.desc !== 'SCHEMA') continue;
    for (const x of index.entries) if (x.namespace === e.tag) add(x, `in schema ${e.tag}`, e.dumpId);
  }
  if (!opts.withDependents) return finish(index, items, omitted, existing);

  /** Entries that need other relations to exist (foreign keys, attachments, lost views), decided after the walk. */
  const candidates = new Map<number, { entry: TocEntry; parent: TocEntry; lost: boolean }>();
  const walk = () => {
    while (queue.length) {
      const parent = queue.shift()!;
      const origin = items.get(parent.dumpId)?.origin;
      for (const d of index.dependents.get(parent.dumpId) ?? []) {
        if (items.has(d.dumpId)) continue;
        if (d.desc === 'TABLE ATTACH' && parent.desc === 'TABLE' && d.tag !== parent.tag) {
          // From the partitioned table: its rows live in the partitions, so bring each with its attachment.
          for (const child of tablesOf(index, d)) {
            if (child.dumpId !== parent.dumpId) add(child, `partition of ${describeEntry(parent)}`, parent.dumpId);
          }
          add(d, `partition attachment of ${describeEntry(parent)}`, parent.dumpId);
        } else if (JOINS_TABLES.has(d.desc)) candidates.set(d.dumpId, { entry: d, parent, lost: false });
        else if (BELONGS_TO_PARENT.has(d.desc)) add(d, reasonFor(d, parent), parent.dumpId);
        else if (d.desc === 'SEQUENCE' && parent.desc === 'TABLE') add(d, reasonFor(d, parent), parent.dumpId);
        // Before PostgreSQL 14's TABLE ATTACH entries, a partition's own definition attached it.
        else if (d.desc === 'TABLE' && parent.desc === 'TABLE' && PARTITION_DEFN.test(d.defn ?? '')) {
          add(d, `partition of ${describeEntry(parent)}`, parent.dumpId);
        } else if (existing && LOST_WITH_PARENT.has(d.desc) && isLookedUp(d) && !exists(d)) {
          candidates.set(d.dumpId, { entry: d, parent, lost: true });
        } else if (origin === 'selected' && !omitted.has(d.dumpId)) {
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
  // Foreign keys, partition attachments (reached from the partition) and lost views last: whether one can be
  // created depends on every relation the walk brought in.
  for (let changed = true; changed;) {
    changed = false;
    for (const c of candidates.values()) {
      if (items.has(c.entry.dumpId)) continue;
      const missing = relationsOf(index, c.entry).filter((t) => !items.has(t.dumpId) && !exists(t));
      if (missing.length) {
        const verb = c.lost ? 'reads' : 'references';
        const names = missing.map(qualifiedName).join(', ');
        omitted.set(c.entry.dumpId, `${verb} ${names}, which is neither selected nor in the target`);
        continue;
      }
      const parent = c.lost ? c.parent : (relationsOf(index, c.entry).find((t) => items.has(t.dumpId)) ?? c.parent);
      const lostReason = `depends on ${describeEntry(parent)} and is missing in the target`;
      if (c.lost) add(c.entry, lostReason, parent.dumpId, 'lost');
      else add(c.entry, reasonFor(c.entry, parent), parent.dumpId);
      changed = true;
    }
    walk();
  }
  return finish(index, items, omitted, existing);
}

/** The relations an entry needs: the tables a join ties together, the relations a view or function reads. */
function relationsOf(index: TocIndex, e: TocEntry): TocEntry[] {
  if (JOINS_TABLES.has(e.desc)) return tablesOf(index, e);
  const out = new Map<number, TocEntry>();
  for (const id of e.dependencies) {
    const d = index.byId.get(id);
    if (d && d.dumpId !== e.dumpId && RELATION_KINDS.has(d.desc)) out.set(d.dumpId, d);
  }
  return [...out.values()];
}

/**
 * Adds what the items need and the target lacks: each one's schema, types, domains, functions (a trigger's, a
 * default's), extensions, and theirs in turn, with the first item that needed it. Their comments and grants
 * come along; their other dependents do not (a schema would otherwise bring its whole contents).
 */
function addPrerequisites(index: TocIndex, items: Map<number, ClosureItem>, existing: ReadonlySet<number>): void {
  const work = [...items.values()].map((i) => i.entry);
  while (work.length) {
    const e = work.shift()!;
    for (const id of e.dependencies) {
      const d = index.byId.get(id);
      if (!d || items.has(d.dumpId) || existing.has(d.dumpId)) continue;
      if (!PREREQUISITE_KINDS.has(d.desc) || !isLookedUp(d)) continue;
      const reason = `needed by ${describeEntry(e)}: ${kindWord(d)} ${qualifiedName(d)} is missing in the target`;
      items.set(d.dumpId, { entry: d, reason, via: e.dumpId, origin: 'prerequisite' });
      work.push(d);
      for (const x of index.dependents.get(d.dumpId) ?? []) {
        const own = OWN_EXTRAS.has(x.desc) && x.dependencies.length === 1;
        if (own && !items.has(x.dumpId)) {
          items.set(x.dumpId, { entry: x, reason: reasonFor(x, d), via: d.dumpId, origin: 'prerequisite' });
        }
      }
    }
  }
}

function finish(
  index: TocIndex,
  items: Map<number, ClosureItem>,
  omitted: Map<number, string>,
  existing?: ReadonlySet<number>,
): Closure {
  if (existing) addPrerequisites(index, items, existing);
  for (const id of items.keys()) omitted.delete(id);
  const pos = (e: TocEntry) => index.position.get(e.dumpId) ?? 0;
  return {
    items: [...items.values()].sort((a, b) => pos(a.entry) - pos(b.entry)),
    omitted: [...omitted]
      .map(([id, reason]) => ({ entry: index.byId.get(id)!, reason }))
      .sort((a, b) => pos(a.entry) - pos(b.entry)),
  };
}
