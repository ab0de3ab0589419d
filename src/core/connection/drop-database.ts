import { quoteIdent } from './identifier';
import { describeParams, type ConnParams } from './profile';

/** The part of a pg Client this needs. */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/**
 * Drops a database we created (a drill's scratch database, a cancelled restore's new one), ending the sessions
 * still in it: a cancelled pg_restore's backend may linger for a moment. Run it connected to another database.
 */
export async function dropOwnDatabase(c: Queryable, name: string, serverMajor: number): Promise<void> {
  if (serverMajor >= 13) {
    await c.query(`drop database if exists ${quoteIdent(name)} with (force)`);
    return;
  }
  await c.query(
    'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [name],
  );
  await c.query(`drop database if exists ${quoteIdent(name)}`);
}

/** What to tell the user of a database we made and could not drop (`what`: "scratch database"): where, and how. */
export function leftDatabaseNote(what: string, name: string, server: ConnParams, why: string): string {
  const where = describeParams(server);
  return `left the ${what} ${name} on ${where} (${why}): drop it with DROP DATABASE ${quoteIdent(name)};`;
}
