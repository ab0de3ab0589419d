import type { Client } from 'pg';
import { qualifiedIdent } from './identifier';

export interface TableRef {
  schema: string;
  name: string;
  /** pg_table_size, bytes. */
  sizeBytes: number;
  /** r table, p partitioned, m materialized view, f foreign */
  relkind: string;
}

/** User schemas (system ones excluded), for include/exclude pickers. */
export async function listSchemas(c: Client): Promise<string[]> {
  const { rows } = await c.query(
    `select nspname from pg_namespace
      where nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and nspname !~ '^pg_(temp|toast_temp)_'
      order by nspname`,
  );
  return rows.map((r) => r.nspname as string);
}

/** User tables with their size, biggest first within each schema. */
export async function listTables(c: Client): Promise<TableRef[]> {
  const { rows } = await c.query(
    `select n.nspname as schema, c.relname as name, c.relkind, pg_table_size(c.oid)::bigint as size
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'm', 'f') and not c.relispartition
        and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname !~ '^pg_(temp|toast_temp)_'
      order by n.nspname, pg_table_size(c.oid) desc, c.relname`,
  );
  return rows.map((r) => ({ schema: r.schema, name: r.name, relkind: r.relkind, sizeBytes: Number(r.size) }));
}

/** A pg_dump -t/-n pattern that matches exactly this name (quoted, so case and dots are literal). */
export function exactPattern(...parts: string[]): string {
  return qualifiedIdent(...parts);
}
