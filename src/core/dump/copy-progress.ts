import type { Client } from 'pg';
import { connect } from '../connection/client';
import type { ConnParams } from '../connection/profile';

/** The rows each COPY TO of pg-backup's sessions in this database has sent so far (PostgreSQL 14+). */
const COPY_ROWS_SQL = `
select n.nspname as schema, c.relname as name, p.tuples_processed::float8 as rows
  from pg_catalog.pg_stat_progress_copy p
  join pg_catalog.pg_stat_activity a on a.pid = p.pid
  join pg_catalog.pg_class c on c.oid = p.relid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where p.command = 'COPY TO' and a.application_name = 'pg-backup'
   and p.datid = (select oid from pg_catalog.pg_database where datname = pg_catalog.current_database())`;

export interface CopyWatch {
  /** Ends the polling and its connection. */
  stop(): Promise<void>;
}

/**
 * Polls how many rows pg_dump's COPY commands have sent, table by table ("schema.name"), on a connection of
 * its own. Best effort: before PostgreSQL 14 (no pg_stat_progress_copy), or when the connection fails, it
 * reports nothing and progress falls back to the output's size.
 */
export function watchCopyProgress(o: {
  params: ConnParams;
  password?: string;
  everyMs: number;
  onRows: (table: string, rows: number) => void;
}): CopyWatch {
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    let c: Client | undefined;
    try {
      c = await connect(o.params, { password: o.password });
      await c.query(`set application_name = 'pg-backup progress'`);
      while (!stopped) {
        for (const r of (await c.query<{ schema: string; name: string; rows: number }>(COPY_ROWS_SQL)).rows) {
          o.onRows(`${r.schema}.${r.name}`, Number(r.rows));
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, o.everyMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    } catch {
      // No such view (before 14), no connection, or the server went away: the dump itself reports that.
    } finally {
      await c?.end().catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
