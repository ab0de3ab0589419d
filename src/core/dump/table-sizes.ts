import type { Client } from 'pg';
import type { DumpOptions } from './options';
import { schemaPatternMatcher, tablePatternMatcher, type RelationRef } from './name-pattern';

export interface TableSize {
  schema: string;
  name: string;
  /** Heap + TOAST bytes (pg_table_size): what COPY reads. Indexes are rebuilt on restore, not dumped. */
  bytes: number;
  /** Rows as of the last VACUUM/ANALYZE (pg_class.reltuples); absent when never counted. */
  rows?: number;
}

export interface DumpWorkload {
  tables: TableSize[];
  /** pg_largeobject's size when the dump includes large objects, else 0. */
  largeObjectBytes: number;
}

/**
 * Ordinary tables with their sizes, system schemas and extension members left out (pg_dump skips their data).
 * Foreign tables and materialized views are left out too: pg_dump copies no rows from them by default.
 */
const tablesSql = (size: string) => `
select n.nspname as schema, c.relname as name, (${size})::bigint as bytes, c.reltuples::float8 as rows,
       pg_catalog.pg_table_is_visible(c.oid) as visible
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'r'
   and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
   and not exists (select 1 from pg_catalog.pg_depend d
                    where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e')`;

/** Exact, but pg_table_size takes an ACCESS SHARE lock on each table: it waits behind an exclusive lock. */
const EXACT = 'pg_catalog.pg_table_size(c.oid)';
/** Lock-free: the planner's page counts of the heap and its TOAST table (as of the last VACUUM/ANALYZE). */
const ESTIMATE = `(greatest(c.relpages, 0) + coalesce((select greatest(t.relpages, 0) from pg_catalog.pg_class t where t.oid = c.reltoastrelid), 0))
                  * pg_catalog.current_setting('block_size')::int`;

/** Which tables' rows a dump with these options copies, following pg_dump's selection rules. */
export function selectDumpedTables<T extends RelationRef>(all: readonly T[], o: DumpOptions): T[] {
  if (o.schemaOnly) return [];
  const anyOf = (patterns: string[] | undefined) => (patterns ?? []).map(tablePatternMatcher);
  const include = anyOf(o.tables);
  const exclude = anyOf([...(o.excludeTables ?? []), ...(o.excludeTableData ?? [])]);
  const schemas = (o.schemas ?? []).map(schemaPatternMatcher);
  const excludeSchemas = (o.excludeSchemas ?? []).map(schemaPatternMatcher);
  return all.filter((t) => {
    // pg_dump: with -t, the -n/-N switches have no effect.
    const selected = include.length
      ? include.some((m) => m(t))
      : (!schemas.length || schemas.some((m) => m(t.schema))) && !excludeSchemas.some((m) => m(t.schema));
    return selected && !exclude.some((m) => m(t));
  });
}

/** pg_dump includes large objects unless the dump is limited to schemas or tables, or carries no data. */
export function includesLargeObjects(o: DumpOptions): boolean {
  return !o.schemaOnly && !o.schemas?.length && !o.tables?.length;
}

interface SizeRow {
  schema: string;
  name: string;
  bytes: string;
  rows: number;
  visible: boolean;
}

/**
 * Sizes of what the dump will copy, queried before pg_dump starts so progress can be weighted by size. A table
 * locked by another session must not hold up the estimate (pg_dump will wait for it anyway, but cancellably):
 * after a short lock timeout the sizes come from pg_class's page counts instead.
 */
export async function queryDumpWorkload(c: Client, o: DumpOptions): Promise<DumpWorkload> {
  const lo = includesLargeObjects(o);
  let rows: SizeRow[];
  let largeObjectBytes = 0;
  await c.query(`set lock_timeout = '300ms'`);
  try {
    rows = (await c.query<SizeRow>(tablesSql(EXACT))).rows;
    if (lo)
      largeObjectBytes = Number(
        (await c.query(`select pg_catalog.pg_table_size('pg_catalog.pg_largeobject')::bigint as bytes`)).rows[0].bytes,
      );
  } catch (e) {
    if ((e as { code?: string }).code !== '55P03') throw e; // lock_not_available
    rows = (await c.query<SizeRow>(tablesSql(ESTIMATE))).rows;
    if (lo)
      largeObjectBytes = Number(
        (
          await c.query(
            `select greatest(relpages, 0)::bigint * current_setting('block_size')::int as bytes from pg_catalog.pg_class where oid = 'pg_catalog.pg_largeobject'::regclass`,
          )
        ).rows[0].bytes,
      );
  } finally {
    await c.query('reset lock_timeout');
  }
  const tables = selectDumpedTables(rows, o).map((r) => ({
    schema: r.schema,
    name: r.name,
    bytes: Number(r.bytes),
    ...(r.rows > 0 ? { rows: Number(r.rows) } : {}),
  }));
  return { tables, largeObjectBytes };
}
