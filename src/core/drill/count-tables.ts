import { withClient } from '../connection/client';
import type { ConnParams } from '../connection/profile';
import { CancelledError, PgBackupError } from '../errors';
import { countRows, listUserTables } from '../restore/row-counts';
import type { DrillTable } from './pitr-drill-result';

/** Drills count at most this many tables: exact counts of a huge schema would take longer than the restore. */
export const MAX_TABLES = 200;

/** Every database of the server we may connect to (templates left out), by name. */
export async function connectableDatabases(params: ConnParams, password?: string): Promise<string[]> {
  const { rows } = await withClient(params, { password }, (c) =>
    c.query<{ datname: string }>(
      'select datname from pg_database where datallowconn and not datistemplate order by datname',
    ),
  );
  return rows.map((r) => r.datname);
}

/**
 * Every user table with its exact row count, up to MAX_TABLES: of the given databases, or of every database
 * the server lets us connect to. A cancel ends the connection in use, which fails the count in flight.
 */
export async function countTables(
  params: ConnParams,
  signal?: AbortSignal,
  only?: readonly string[],
  password?: string,
): Promise<{ tables: DrillTable[]; truncated: boolean }> {
  const names = only ?? (await connectableDatabases(params, password));
  const tables: DrillTable[] = [];
  let truncated = false;
  for (const datname of names) {
    await withClient({ ...params, database: datname }, { password }, async (c) => {
      const stop = () => void c.end().catch(() => undefined);
      signal?.addEventListener('abort', stop, { once: true });
      try {
        // With the budget spent this still asks for one table, to know whether any were left out.
        const left = MAX_TABLES - tables.length;
        const list = await listUserTables(c, left + 1);
        truncated ||= list.length > left;
        for (const t of await countRows(c, list.slice(0, left), { signal, what: 'The drill' })) {
          if (t.rows === null) {
            throw new PgBackupError(`Could not count the rows of ${t.schema}.${t.name} in ${datname}.`, 'database');
          }
          tables.push({ database: datname, schema: t.schema, name: t.name, rows: t.rows });
        }
      } finally {
        signal?.removeEventListener('abort', stop);
      }
    });
  }
  if (signal?.aborted) throw new CancelledError('The drill');
  return { tables, truncated };
}
