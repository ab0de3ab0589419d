import { qualifiedIdent } from '../connection/identifier';
import { CancelledError } from '../errors';
import type { Queryable } from './existing';

export interface TableRows {
  schema: string;
  name: string;
  /** Exact count(*); null when the table could not be read (it may have failed to restore: the errors say why). */
  rows: number | null;
  /** Why it could not be counted. */
  error?: string;
}

/** User tables (relkind r: partitions count, their parents not) in schema and name order, at most `limit`. */
export async function listUserTables(client: Queryable, limit?: number): Promise<{ schema: string; name: string }[]> {
  const { rows } = await client.query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname <> 'information_schema' and n.nspname not like 'pg\\_%' order by 1, 2
      limit $1`,
    [limit ?? null],
  );
  return rows;
}

/**
 * Exact row counts, one `count(*)` per table, the one place restores and drills count rows. A cancel is checked
 * between tables (the caller ends the connection to stop the count in flight).
 */
export async function countRows(
  client: Queryable,
  tables: readonly { schema: string; name: string }[],
  cancel: { signal?: AbortSignal; what?: string } = {},
): Promise<TableRows[]> {
  const out: TableRows[] = [];
  const cancelled = () => new CancelledError(cancel.what ?? 'Counting rows');
  for (const t of tables) {
    if (cancel.signal?.aborted) throw cancelled();
    const counted = await client
      .query<{ n: string }>(`select count(*) as n from ${qualifiedIdent(t.schema, t.name)}`)
      .then(
        (r) => ({ rows: Number(r.rows[0].n) }),
        (e: Error) => (cancel.signal?.aborted ? Promise.reject(cancelled()) : { rows: null, error: e.message }),
      );
    out.push({ schema: t.schema, name: t.name, ...counted });
  }
  return out;
}
