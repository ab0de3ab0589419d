import type { TocEntry } from '../archive/types';

/** Lookups over a TOC built once per archive, so each closure is a walk over a few entries. */
export interface TocIndex {
  entries: readonly TocEntry[];
  byId: Map<number, TocEntry>;
  /** Archive position of each dump id: plans keep the archive's order. */
  position: Map<number, number>;
  /** dump id → entries that list it among their dependencies. */
  dependents: Map<number, TocEntry[]>;
}

export function buildTocIndex(entries: readonly TocEntry[]): TocIndex {
  const byId = new Map<number, TocEntry>();
  const position = new Map<number, number>();
  const dependents = new Map<number, TocEntry[]>();
  entries.forEach((e, i) => {
    byId.set(e.dumpId, e);
    position.set(e.dumpId, i);
  });
  for (const e of entries) {
    for (const d of e.dependencies) {
      const list = dependents.get(d);
      if (!list) dependents.set(d, [e]);
      else if (list[list.length - 1] !== e) list.push(e); // an id listed twice by one entry counts once
    }
  }
  return { entries, byId, position, dependents };
}

/** "shop.products" (schema-less objects: just the name). */
export function qualifiedName(e: TocEntry): string {
  return e.namespace ? `${e.namespace}.${e.tag}` : e.tag;
}

/** "TABLE shop.products", as a user reads it. */
export function describeEntry(e: TocEntry): string {
  return `${e.desc} ${qualifiedName(e)}`;
}

/** The tables an entry is attached to: TABLE dependencies, and the tables of constraint/index dependencies. */
export function tablesOf(index: TocIndex, e: TocEntry): TocEntry[] {
  const out = new Map<number, TocEntry>();
  for (const id of e.dependencies) {
    const d = index.byId.get(id);
    if (!d) continue;
    if (d.desc === 'TABLE') out.set(d.dumpId, d);
    else if (d.desc === 'CONSTRAINT' || d.desc === 'INDEX') {
      for (const t of d.dependencies.map((x) => index.byId.get(x))) if (t?.desc === 'TABLE') out.set(t.dumpId, t);
    }
  }
  return [...out.values()];
}
