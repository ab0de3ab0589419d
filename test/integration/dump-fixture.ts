/** Shared by the dump integration tests: the shop with its rows plus a large object, and ways to compare copies. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { normalizeDump } from '../../src/core/schema/normalize';
import { PG15_BIN, type Cluster } from '../support/cluster';
import { createShopDatabase, SHOP_ROWS_SQL } from '../support/shop';

const execFileP = promisify(execFile);

/** The shop with its few hundred rows, a large object and a free sequence moved on. */
export async function createShop(c: Cluster, db: string): Promise<void> {
  await createShopDatabase(c, db, SHOP_ROWS_SQL);
  await c.psql(
    `select lo_from_bytea(0, convert_to('ein großes Objekt', 'UTF8')); select setval('shop.invoice_no', 1234)`,
    db,
  );
}

export const tcp = (c: Cluster, db: string) => ({ host: '127.0.0.1', port: c.port, user: 'postgres', database: db });

export async function client(c: Cluster, tool: 'pg_dump' | 'pg_restore' | 'psql', args: string[]): Promise<string> {
  const { stdout } = await execFileP(join(PG15_BIN, tool), args, {
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, PGHOST: '127.0.0.1', PGPORT: String(c.port), PGUSER: 'postgres' },
  });
  return stdout;
}

/** `pg_dump --schema-only`, normalized (no \restrict keys, no version lines). */
export async function schemaOf(c: Cluster, db: string): Promise<string> {
  return normalizeDump(await client(c, 'pg_dump', ['--schema-only', `--dbname=${db}`]), {
    includeOwners: true,
    includePrivileges: true,
  });
}

/** Rows of every user table, and the number of large objects. */
export async function rowCounts(c: Cluster, db: string): Promise<Record<string, number>> {
  const out = await c.psql(
    `select format('%I.%I', schemaname, relname) || '=' ||
            (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I.%I', schemaname, relname), false, true, '')))[1]::text
       from pg_stat_user_tables order by 1;
     select 'large objects=' || count(*) from pg_largeobject_metadata`,
    db,
  );
  return Object.fromEntries(
    out.split('\n').map((l) => [l.slice(0, l.lastIndexOf('=')), Number(l.slice(l.lastIndexOf('=') + 1))]),
  );
}
