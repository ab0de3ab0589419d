import type { Queryable } from './existing';
import type { RestorePlan } from './plan-items';
import { countRows } from './row-counts';
import { describeEntry } from './toc-index';

/** Tables whose rows the pre-flight counts: exact counts of many big tables would keep the user waiting. */
const MAX_COUNTED = 25;

/** What a restore into an existing database will destroy, read from the target before anything runs. */
export interface Preflight {
  /** Objects --clean drops and creates again, with the current rows of tables (null: not counted). */
  drops: { label: string; rows: number | null }[];
  /** Views and foreign keys of the target on a dropped table that the plan does not restore: they go with it. */
  goesWith: { label: string; reason: string }[];
  /** Items of the plan skipped because they exist in the target. */
  skipped: number;
}

/** Views (rules on other relations) and foreign keys of other tables that depend on the given tables. */
const DEPENDENTS_SQL = `
with t(nsp, rel) as (select * from unnest($1::text[], $2::text[])),
dropped as (select c.oid, n.nspname || '.' || c.relname as name from pg_class c
  join pg_namespace n on n.oid = c.relnamespace join t on t.nsp = n.nspname and t.rel = c.relname)
select distinct case v.relkind when 'm' then 'MATERIALIZED VIEW ' else 'VIEW ' end || vn.nspname || '.' || v.relname
       as label, 'reads ' || x.name as reason
  from dropped x
  join pg_depend d on d.refobjid = x.oid and d.refclassid = 'pg_class'::regclass and d.classid = 'pg_rewrite'::regclass
  join pg_rewrite r on r.oid = d.objid join pg_class v on v.oid = r.ev_class
  join pg_namespace vn on vn.oid = v.relnamespace
 where v.oid <> x.oid
union
select 'FK CONSTRAINT ' || kn.nspname || '.' || kc.relname || ' ' || k.conname, 'references ' || x.name
  from dropped x join pg_constraint k on k.confrelid = x.oid and k.contype = 'f' and k.conrelid <> x.oid
  join pg_class kc on kc.oid = k.conrelid join pg_namespace kn on kn.oid = kc.relnamespace
order by 1`;

/**
 * The pre-flight of a restore into an existing database: what --clean drops (tables with their rows now), what
 * goes with them (views and foreign keys the plan does not bring back), and how many items are skipped.
 */
export async function destructivePreflight(client: Queryable, plan: RestorePlan): Promise<Preflight> {
  const recreated = plan.items.filter((i) => i.action === 'recreate');
  const tables = recreated.filter((i) => i.entry.desc === 'TABLE' && i.entry.namespace);
  const refs = tables.map((i) => ({ schema: i.entry.namespace!, name: i.entry.tag }));
  const counted = await countRows(client, refs.slice(0, MAX_COUNTED));
  const rowsOf = new Map(counted.map((t) => [`${t.schema}.${t.name}`, t.rows]));
  const drops = recreated.map((i) => ({
    label: describeEntry(i.entry),
    rows: rowsOf.get(`${i.entry.namespace}.${i.entry.tag}`) ?? null,
  }));
  const planned = new Set(plan.items.filter((i) => i.action !== 'skip').map((i) => describeEntry(i.entry)));
  const params = [refs.map((r) => r.schema), refs.map((r) => r.name)];
  const { rows } = refs.length
    ? await client.query<{ label: string; reason: string }>(DEPENDENTS_SQL, params)
    : { rows: [] };
  const skipped = plan.items.filter((i) => i.action === 'skip').length;
  return { drops, goesWith: rows.filter((r) => !planned.has(r.label)), skipped };
}

/** The pre-flight as lines a reader checks before saying yes (the CLI's --clean refusal, the modal's detail). */
export function preflightLines(p: Preflight, shown = 25): string[] {
  const more = (n: number) => (n > shown ? [`  … and ${n - shown} more`] : []);
  const out: string[] = [];
  if (p.drops.length) {
    out.push(`Dropped and created again (${p.drops.length}):`);
    for (const d of p.drops.slice(0, shown)) {
      out.push(`  • ${d.label}${d.rows === null ? '' : ` (${d.rows} rows now)`}`);
    }
    out.push(...more(p.drops.length));
  }
  if (p.goesWith.length) {
    out.push(`Depending on them, not part of this restore (${p.goesWith.length}):`);
    for (const g of p.goesWith.slice(0, shown)) out.push(`  • ${g.label} (${g.reason})`);
    out.push(...more(p.goesWith.length));
  }
  if (p.skipped) out.push(`${p.skipped} item(s) exist there and are skipped.`);
  return out;
}
