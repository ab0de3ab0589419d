/**
 * The picker's table of contents: the TOC grouped by schema and kind, and the rows to show for a search text
 * and the collapsed headers. Pure: no DOM here, so it is tested and benchmarked under Node.
 */
import { fromPanelEntry, type PanelEntry } from '../../src/common/restore-protocol';
import { buildTocIndex, describeEntry, type TocIndex } from '../../src/core/restore/toc-index';

/** Kind groups in the order they are shown; a kind not listed goes to "Other". */
const GROUPS: [string, string[]][] = [
  ['Tables', ['TABLE', 'FOREIGN TABLE']],
  ['Table data', ['TABLE DATA']],
  ['Views', ['VIEW', 'MATERIALIZED VIEW', 'MATERIALIZED VIEW DATA']],
  ['Sequences', ['SEQUENCE', 'SEQUENCE OWNED BY', 'SEQUENCE SET']],
  ['Functions', ['FUNCTION', 'PROCEDURE', 'AGGREGATE']],
  ['Types', ['TYPE', 'DOMAIN']],
  ['Indexes', ['INDEX', 'INDEX ATTACH']],
  ['Constraints', ['CONSTRAINT', 'CHECK CONSTRAINT', 'FK CONSTRAINT']],
  ['Triggers', ['TRIGGER', 'RULE', 'POLICY', 'ROW SECURITY']],
  ['Defaults', ['DEFAULT']],
  ['Comments', ['COMMENT']],
  ['Grants', ['ACL', 'DEFAULT ACL']],
];
const GROUP_OF = new Map(GROUPS.flatMap(([g, kinds]) => kinds.map((k) => [k, g] as const)));
const GROUP_ORDER = new Map([...GROUPS.map(([g], i) => [g, i] as const), ['Other', GROUPS.length]]);
export const NO_SCHEMA = '(no schema)';

export const groupOf = (desc: string): string => GROUP_OF.get(desc) ?? 'Other';

export type Row =
  | { type: 'schema'; key: string; schema: string; count: number; schemaEntry?: PanelEntry }
  | { type: 'group'; key: string; schema: string; group: string; count: number }
  | { type: 'entry'; entry: PanelEntry };

interface Slot {
  entry: PanelEntry;
  schema: string;
  group: string;
  /** Lower-cased text the search matches: kind, schema, name, owner. */
  haystack: string;
}

/** The TOC, sorted once by schema and kind group (archive order inside a group), ready to filter. */
export class Catalog {
  readonly slots: Slot[];
  readonly byId: Map<number, PanelEntry>;
  /** SCHEMA entries by name: the schema rows tick them. */
  readonly schemaEntries = new Map<string, PanelEntry>();
  private tocIndex: TocIndex | undefined;
  /** Entries under each schema row ("s:schema") and group row ("g:schema/group"). */
  private readonly under = new Map<string, PanelEntry[]>();
  /** The last search and its matches: typing on narrows them instead of scanning every entry again. */
  private last: { filter: string; matches: Slot[] } | undefined;

  constructor(readonly entries: readonly PanelEntry[]) {
    this.byId = new Map(entries.map((e) => [e.id, e]));
    const slots: (Slot & { pos: number })[] = [];
    entries.forEach((entry, pos) => {
      if (entry.desc === 'SCHEMA') {
        this.schemaEntries.set(entry.tag, entry);
        return;
      }
      const schema = entry.schema ?? NO_SCHEMA;
      const group = groupOf(entry.desc);
      const haystack = `${entry.desc} ${schema}.${entry.tag} ${entry.owner ?? ''}`.toLowerCase();
      slots.push({ entry, schema, group, haystack, pos });
    });
    slots.sort(
      (a, b) => cmpSchema(a.schema, b.schema) || GROUP_ORDER.get(a.group)! - GROUP_ORDER.get(b.group)! || a.pos - b.pos,
    );
    this.slots = slots;
    for (const s of slots) {
      for (const key of [`s:${s.schema}`, `g:${s.schema}/${s.group}`]) {
        const list = this.under.get(key);
        if (list) list.push(s.entry);
        else this.under.set(key, [s.entry]);
      }
    }
  }

  /** The core's lookups for the closure: built on the first tick, not on the way to the first rows. */
  get index(): TocIndex {
    this.tocIndex ??= buildTocIndex(this.entries.map(fromPanelEntry));
    return this.tocIndex;
  }

  /** Entries under a schema or group row, by its key. */
  entriesUnder(key: string): readonly PanelEntry[] {
    return this.under.get(key) ?? [];
  }

  /**
   * The rows to show for a search text: headers with the number of matches under them, then the matching
   * entries unless their group is collapsed. Every word of the search must match (in any order).
   */
  rows(filter: string, collapsed: ReadonlySet<string> = new Set()): Row[] {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    const searching = words.length > 0;
    // Every word of a longer text contains a word of the shorter one it extends, so its matches are a subset.
    const from = this.last && this.last.filter && filter.startsWith(this.last.filter) ? this.last.matches : this.slots;
    const matches = searching ? from.filter((s) => words.every((w) => s.haystack.includes(w))) : this.slots;
    this.last = { filter, matches };
    const rows: Row[] = [];
    let schemaRow: Extract<Row, { type: 'schema' }> | undefined;
    let groupRow: Extract<Row, { type: 'group' }> | undefined;
    const seenSchemas = new Set<string>();
    for (const s of matches) {
      if (schemaRow?.schema !== s.schema) {
        schemaRow = {
          type: 'schema',
          key: `s:${s.schema}`,
          schema: s.schema,
          count: 0,
          schemaEntry: this.schemaEntries.get(s.schema),
        };
        seenSchemas.add(s.schema);
        rows.push(schemaRow);
        groupRow = undefined;
      }
      schemaRow.count++;
      if (groupRow?.group !== s.group) {
        if (collapsed.has(schemaRow.key)) continue;
        groupRow = { type: 'group', key: `g:${s.schema}/${s.group}`, schema: s.schema, group: s.group, count: 0 };
        rows.push(groupRow);
      }
      groupRow.count++;
      if (!collapsed.has(groupRow.key) && !collapsed.has(schemaRow.key)) rows.push({ type: 'entry', entry: s.entry });
    }
    // Schemas with no other entries still get a row, so they can be chosen.
    for (const [name, entry] of this.schemaEntries) {
      if (seenSchemas.has(name) || (searching && !words.every((w) => `schema ${name}`.includes(w)))) continue;
      rows.push({ type: 'schema', key: `s:${name}`, schema: name, count: 0, schemaEntry: entry });
    }
    return rows;
  }
}

/** Schemas alphabetically, "(no schema)" (extensions, the database itself) last. */
function cmpSchema(a: string, b: string): number {
  if (a === b) return 0;
  if (a === NO_SCHEMA) return 1;
  if (b === NO_SCHEMA) return -1;
  return a < b ? -1 : 1;
}

/** "TABLE shop.products" for a panel entry. */
export const label = (e: PanelEntry): string => describeEntry(fromPanelEntry(e));
