/**
 * The picker's selection: what the user ticked, the dependency closure the core computes from it (bundled into
 * the panel, so ticking a table shows its dependents at once, each with its reason) and what was taken out.
 * Pure: no DOM here, so it is tested and benchmarked under Node.
 */
import type { PanelEntry } from '../../src/common/restore-protocol';
import type { TocEntry } from '../../src/core/archive/types';
import { dependencyClosure, type ClosureOrigin } from '../../src/core/restore/closure';
import type { Catalog } from './catalog';

export interface SelectedItem {
  entry: PanelEntry;
  reason: string;
  origin: ClosureOrigin;
  /** False when the user took a dependent out again. */
  on: boolean;
}

/**
 * What the user ticked (`chosen`), what the closure brought in, and what the user took out again (`excluded`).
 * Ticking an entry the closure brought in is a no-op; unticking one excludes it; unticking a chosen entry
 * drops it and whatever it alone brought in.
 */
export class Selection {
  readonly chosen = new Set<number>();
  readonly excluded = new Set<number>();
  withDependents = true;
  /** Dump ids of the entries that exist in the target, once the host looked (undefined until then). */
  existing: ReadonlySet<number> | undefined;
  private closure = new Map<number, { reason: string; via: number | null; origin: ClosureOrigin }>();
  private omittedReasons = new Map<number, string>();

  constructor(private readonly catalog: Catalog) {}

  /** Recomputes the closure; call after changing chosen, excluded, withDependents or existing. */
  update(): void {
    if (!this.chosen.size) {
      this.closure = new Map();
      this.omittedReasons = new Map();
      this.excluded.clear();
      return;
    }
    const { index } = this.catalog;
    const selected = [...this.chosen].map((id) => index.byId.get(id)).filter((e): e is TocEntry => !!e);
    const c = dependencyClosure(index, selected, { withDependents: this.withDependents, existing: this.existing });
    this.closure = new Map(c.items.map((i) => [i.entry.dumpId, { reason: i.reason, via: i.via, origin: i.origin }]));
    this.omittedReasons = new Map(c.omitted.map((o) => [o.entry.dumpId, o.reason]));
    for (const id of this.excluded) if (!this.closure.has(id) || this.chosen.has(id)) this.excluded.delete(id);
  }

  /** A copy to change: the picker's state is never changed in place (the closure maps are replaced, not edited). */
  clone(): Selection {
    const copy = new Selection(this.catalog);
    for (const id of this.chosen) copy.chosen.add(id);
    for (const id of this.excluded) copy.excluded.add(id);
    copy.withDependents = this.withDependents;
    copy.existing = this.existing;
    copy.closure = this.closure;
    copy.omittedReasons = this.omittedReasons;
    return copy;
  }

  isOn(id: number): boolean {
    return this.closure.has(id) && !this.excluded.has(id);
  }

  /** Why an entry is in the selection ("selected", "rows of TABLE shop.products"…), or why it was left out. */
  reason(id: number): string | undefined {
    return this.closure.get(id)?.reason ?? this.omittedReasons.get(id);
  }

  toggle(id: number): void {
    this.set([id], !this.isOn(id));
  }

  /** Ticks or unticks several entries at once (a schema or group row). */
  set(ids: readonly number[], on: boolean): void {
    for (const id of ids) {
      if (!this.catalog.byId.get(id)?.restorable) continue;
      if (on) {
        this.excluded.delete(id);
        if (!this.closure.has(id)) this.chosen.add(id);
      } else if (this.chosen.has(id)) this.chosen.delete(id);
      else this.excluded.add(id);
    }
    this.update();
  }

  /** Everything the closure holds (ticked or taken out), in archive order, then what was left out and why. */
  items(): { selected: SelectedItem[]; omitted: { entry: PanelEntry; reason: string }[] } {
    if (!this.closure.size && !this.omittedReasons.size) return { selected: [], omitted: [] };
    const pos = this.catalog.index.position;
    const byPos = (a: number, b: number) => (pos.get(a) ?? 0) - (pos.get(b) ?? 0);
    const selected = [...this.closure]
      .sort(([a], [b]) => byPos(a, b))
      .map(([id, c]) => {
        const entry = this.catalog.byId.get(id)!;
        return { entry, reason: c.reason, origin: c.origin, on: !this.excluded.has(id) };
      });
    const omitted = [...this.omittedReasons]
      .sort(([a], [b]) => byPos(a, b))
      .map(([id, reason]) => ({ entry: this.catalog.byId.get(id)!, reason }));
    return { selected, omitted };
  }

  /** Counts for the header: ticked by the user, brought in as dependents, taken out. */
  counts(): { chosen: number; dependents: number; excluded: number } {
    const { chosen, excluded } = this;
    return {
      chosen: chosen.size,
      dependents: this.closure.size - chosen.size - excluded.size,
      excluded: excluded.size,
    };
  }
}

/** State of a schema or group row's checkbox from its entries. */
export function triState(sel: Selection, entries: readonly PanelEntry[]): 'on' | 'off' | 'mixed' {
  let on = 0;
  let total = 0;
  for (const e of entries) {
    if (!e.restorable) continue;
    total++;
    if (sel.isOn(e.id)) on++;
  }
  if (!total || !on) return 'off';
  return on === total ? 'on' : 'mixed';
}
