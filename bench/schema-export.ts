/**
 * Schema export speed (issue 4): on a database with 10,000 schema objects, `schema export` (single file and
 * split) and `schema check` of an unchanged database against raw `pg_dump --schema-only`; target ≤ 1.2×.
 * Run: npx tsx bench/schema-export.ts [rounds]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConnectionString } from '../src/core/connection/profile';
import { checkSchema, exportSchema, type SchemaLayout } from '../src/core/schema';
import { destroyCluster, PG15_BIN, startCluster } from '../test/support/cluster';

const execFileP = promisify(execFile);
const ROUNDS = Number(process.argv[2] ?? 5);
const TABLES = 1430;

/** Per table: the table, its serial's sequence (+ OWNED BY), two defaults, primary key, an index, a comment: 7 objects, ~10,000 in all. */
const BUILD = `
DO $$
BEGIN
  FOR i IN 1..${TABLES} LOOP
    EXECUTE format('CREATE TABLE public.t%s (id serial PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now(), n%s integer)', i, i);
    EXECUTE format('CREATE INDEX t%s_name_idx ON public.t%s (name)', i, i);
    EXECUTE format('COMMENT ON TABLE public.t%s IS %L', i, 'table ' || i);
  END LOOP;
END $$;`;

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  const cluster = await startCluster();
  const work = await mkdtemp(join(tmpdir(), 'pgb-bench-schema-'));
  try {
    await cluster.psql('CREATE DATABASE bench');
    await cluster.psql(BUILD, 'bench');
    const objects = await cluster.psql(
      `select (select count(*) from pg_class where relnamespace = 'public'::regnamespace) + (select count(*) from pg_constraint where connamespace = 'public'::regnamespace) + (select count(*) from pg_attrdef)`,
      'bench',
    );
    const conn = parseConnectionString(cluster.url('bench')).params;
    const pgDump = join(PG15_BIN, 'pg_dump');
    const raw = await median(() => execFileP(pgDump, ['--schema-only', '--no-owner', '--no-privileges', '-f', join(work, 'raw.sql'), `--dbname=${cluster.url('bench')}`]));
    const file: SchemaLayout = { kind: 'file', path: join(work, 'schema.sql') };
    const split: SchemaLayout = { kind: 'split', dir: join(work, 'schema') };
    let fresh = 0;
    const rows: [string, number][] = [
      ['raw pg_dump --schema-only', raw],
      ['export, single file', await median(() => exportSchema({ conn, layout: file }))],
      ['export, split (first, all files new)', await median(async () => exportSchema({ conn, layout: { kind: 'split', dir: join(work, `fresh${fresh++}`) } }))],
      ['export, split (again, unchanged)', await median(() => exportSchema({ conn, layout: split }))],
      ['check, single file (unchanged)', await median(() => checkSchema({ conn, layout: file }))],
      ['check, split (unchanged)', await median(() => checkSchema({ conn, layout: split }))],
    ];
    const files = (await exportSchema({ conn, layout: split })).files.length;
    console.log(`Schema export on PostgreSQL 15, ${objects} objects (${TABLES} tables), ${files} files in the split layout, median of ${ROUNDS} runs:\n`);
    console.log('| operation | ms | × raw pg_dump |\n|---|---:|---:|');
    for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(0)} | ${(ms / raw).toFixed(2)} |`);
  } finally {
    await destroyCluster(cluster);
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
