import type { TocEntry } from '../archive/types';

/** The part of a pg Client this module uses (a Client or a PoolClient). */
export interface Queryable {
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** How each kind is looked up in the target's catalogs; kinds not listed are re-runnable or have no name. */
const LOOKUP: Record<string, string> = {
  TABLE: 'rel',
  VIEW: 'rel',
  'MATERIALIZED VIEW': 'rel',
  'FOREIGN TABLE': 'rel',
  SEQUENCE: 'rel',
  INDEX: 'rel',
  TYPE: 'type',
  DOMAIN: 'type',
  FUNCTION: 'func',
  PROCEDURE: 'func',
  AGGREGATE: 'func',
  CONSTRAINT: 'con',
  'FK CONSTRAINT': 'con',
  'CHECK CONSTRAINT': 'con',
  TRIGGER: 'trigger',
  POLICY: 'policy',
  STATISTICS: 'stats',
  SCHEMA: 'schema',
  EXTENSION: 'ext',
  COLLATION: 'coll',
  'SHELL TYPE': 'type',
};

/** Kinds whose names are global to the database, not inside a schema. */
const GLOBAL_KINDS = new Set(['SCHEMA', 'EXTENSION']);

/*
 * One round trip. Relation names share one namespace per schema (a table, index or sequence name blocks the
 * others), so "rel" checks pg_class whatever the kind. Constraint, trigger and policy tags are "table name";
 * function tags are "name(argument types)" as oidvectortypes prints them.
 */
const EXISTING_SQL = `
select d.id from unnest($1::int[], $2::text[], $3::text[], $4::text[]) as d(id, how, nsp, tag)
where case d.how
  when 'rel' then exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = d.nsp and c.relname = d.tag)
  when 'type' then exists (select 1 from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = d.nsp and t.typname = d.tag)
  when 'func' then exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = d.nsp and p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')' = d.tag)
  when 'con' then exists (select 1 from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = d.nsp and c.relname || ' ' || k.conname = d.tag)
  when 'trigger' then exists (select 1 from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where not t.tgisinternal and n.nspname = d.nsp and c.relname || ' ' || t.tgname = d.tag)
  when 'policy' then exists (select 1 from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = d.nsp and c.relname || ' ' || p.polname = d.tag)
  when 'stats' then exists (select 1 from pg_statistic_ext s join pg_namespace n on n.oid = s.stxnamespace where n.nspname = d.nsp and s.stxname = d.tag)
  when 'schema' then exists (select 1 from pg_namespace n where n.nspname = d.tag)
  when 'ext' then exists (select 1 from pg_extension x where x.extname = d.tag)
  when 'coll' then exists (select 1 from pg_collation k join pg_namespace n on n.oid = k.collnamespace
    where n.nspname = d.nsp and k.collname = d.tag)
  else false end`;

/** Entries findExisting can look up: named objects of the kinds above. */
export const isLookedUp = (e: TocEntry): boolean => !!LOOKUP[e.desc] && (!!e.namespace || GLOBAL_KINDS.has(e.desc));

/** Dump ids of the entries whose object already exists in the target database. */
export async function findExisting(client: Queryable, entries: readonly TocEntry[]): Promise<Set<number>> {
  const wanted = entries.filter(isLookedUp);
  if (!wanted.length) return new Set();
  const { rows } = await client.query<{ id: number }>(EXISTING_SQL, [
    wanted.map((e) => e.dumpId),
    wanted.map((e) => LOOKUP[e.desc]),
    wanted.map((e) => e.namespace ?? ''),
    wanted.map((e) => e.tag),
  ]);
  return new Set(rows.map((r) => r.id));
}
