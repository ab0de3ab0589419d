/**
 * Schemas shaped like real applications' (Rails, Django, and one using partitions, domains, enums and several
 * schemas), each a plain SQL file beside this loader, seeded with generate_series so row counts are known.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PG15_BIN, type Cluster } from '../cluster';

const execFileP = promisify(execFile);

export type AppSchemaName = 'rails' | 'django' | 'platform';

export interface AppSchema {
  /** The SQL file in this folder. */
  file: string;
  /** Exact rows of some tables after loading (schema.table as pg_dump names them). */
  rows: Record<string, number>;
}

export const APP_SCHEMAS: Record<AppSchemaName, AppSchema> = {
  rails: {
    file: join(__dirname, 'rails.sql'),
    rows: {
      'public.schema_migrations': 40,
      'public.ar_internal_metadata': 2,
      'public.users': 300,
      'public.comments': 600,
      'public.tasks': 500,
      'public.invoices': 300,
      'public.credit_notes': 30,
      'public.tags': 30,
      'public.taggings': 400,
    },
  },
  django: {
    file: join(__dirname, 'django.sql'),
    rows: {
      'public.auth_user': 250,
      'public.auth_permission': 48,
      'public.django_migrations': 36,
      'public.blog_post': 300,
      'public.blog_post_tags': 300,
      'public.shop_orderline': 600,
      'public.shop_wishlist': 200,
    },
  },
  platform: {
    file: join(__dirname, 'platform.sql'),
    rows: {
      'public.customers': 200,
      'billing.invoices': 400,
      'billing.invoices_2024': 106,
      'billing.invoices_default': 111,
      'inventory.stock_eu': 120,
      'inventory.stock_asia': 60,
      'inventory.stock_other': 120,
      'audit.changes': 600,
    },
  },
};

export const APP_SCHEMA_NAMES = Object.keys(APP_SCHEMAS) as AppSchemaName[];

/** Runs a SQL file with psql 15 over TCP as `postgres` (stops at the first error); returns stdout. */
export async function psqlFile(cluster: Cluster, file: string, db: string): Promise<string> {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres'];
  const { stdout } = await execFileP(join(PG15_BIN, 'psql'), [...args, '-d', db, '-f', file], {
    env: { ...process.env, PGPASSWORD: '', PGOPTIONS: '--client-min-messages=warning' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Creates database `db` (it must not exist) and loads the named application schema with its rows into it. */
export async function loadAppSchema(cluster: Cluster, name: AppSchemaName, db: string): Promise<void> {
  await cluster.psql(`CREATE DATABASE "${db}"`);
  await psqlFile(cluster, APP_SCHEMAS[name].file, db);
}

/** Exact row counts of the tables named in APP_SCHEMAS[name].rows, as found in `db`. */
export async function appSchemaRows(
  cluster: Cluster,
  name: AppSchemaName,
  db: string,
): Promise<Record<string, number>> {
  const tables = Object.keys(APP_SCHEMAS[name].rows);
  const sql = tables.map((t) => `SELECT '${t}', count(*) FROM ${t}`).join(' UNION ALL ');
  const out = await cluster.psql(sql, db);
  return Object.fromEntries(
    out
      .split('\n')
      .map((line) => line.split('|'))
      .map(([t, n]) => [t, Number(n)]),
  );
}
