/**
 * Schema export speed (issue 4): on a database with 10,000 schema objects, `schema export` (single file and
 * split) and `schema check` of an unchanged database against raw `pg_dump --schema-only`; target ≤ 1.2×.
 * Run: npx tsx bench/schema-export.ts [rounds]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConnectionString } from '../src/core/connection/profile';
import { checkSchema, exportSchema, type SchemaLayout } from '../src/core/schema';
import { destroyCluster, PG15_BIN, startCluster } from '../test/support/cluster';
import { sleep } from '../test/support/time';
import { median } from './support/median';

const execFileP = promisify(execFile);
const ROUNDS = Number(process.argv[2] ?? 5);
const TABLES = 1430;
const SETTLE_MS = 300;

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

interface Sample {
  wall: number;
  /** CPU time of this Node process (pg-backup's own work; pg_dump runs in a child). */
  cpu: number;
}

async function sample(fn: () => Promise<unknown>): Promise<Sample> {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - wall) / 1e6, cpu: (used.user + used.system) / 1000 };
}

const best = (xs: number[]) => Math.min(...xs);

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
    const file: SchemaLayout = { kind: 'file', path: join(work, 'schema.sql') };
    const split: SchemaLayout = { kind: 'split', dir: join(work, 'schema') };
    let fresh = 0;
    // Operations run interleaved, round after round, so a busy machine slows them all alike; a pause after each
    // lets the kernel write back the files the previous one wrote (the first split export creates 7,151), so that
    // work is not billed to whichever operation comes next.
    const ops: [string, () => Promise<unknown>][] = [
      [
        'raw pg_dump --schema-only',
        () =>
          execFileP(pgDump, [
            '--schema-only',
            '--no-owner',
            '--no-privileges',
            '-f',
            join(work, 'raw.sql'),
            `--dbname=${cluster.url('bench')}`,
          ]),
      ],
      ['export, single file', () => exportSchema({ conn, layout: file })],
      [
        'export, split, into an empty folder',
        () => exportSchema({ conn, layout: { kind: 'split', dir: join(work, `fresh${fresh++}`) } }),
      ],
      ['export, split, unchanged', () => exportSchema({ conn, layout: split })],
      ['check, single file, unchanged', () => checkSchema({ conn, layout: file })],
      ['check, split, unchanged', () => checkSchema({ conn, layout: split })],
    ];
    await exportSchema({ conn, layout: split });
    const samples = ops.map((): Sample[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < ops.length; i++) {
        samples[i].push(await sample(ops[i][1]));
        await sleep(SETTLE_MS);
      }
    }
    const files = (await exportSchema({ conn, layout: split })).files.length;
    // The median is what a user sees on this machine at its current load; the best run of each operation is
    // what is left when other processes do not get in the way (a shared machine's load comes and goes).
    const raw = samples[0].map((s) => s.wall);
    console.log(
      `Schema export on PostgreSQL 15, ${objects} objects (${TABLES} tables), ${files} files in the split layout, ${ROUNDS} interleaved runs, load average ${loadavg()[0].toFixed(1)}:\n`,
    );
    console.log(
      '| operation | median wall ms | × raw pg_dump | best wall ms | × raw pg_dump (best) | pg-backup CPU ms (median) |\n|---|---:|---:|---:|---:|---:|',
    );
    ops.forEach(([name], i) => {
      const walls = samples[i].map((s) => s.wall);
      const cpu = i === 0 ? '–' : median(samples[i].map((s) => s.cpu)).toFixed(0);
      const row = [
        median(walls).toFixed(0),
        (median(walls) / median(raw)).toFixed(2),
        best(walls).toFixed(0),
        (best(walls) / best(raw)).toFixed(2),
        cpu,
      ];
      console.log(`| ${name} | ${row.join(' | ')} |`);
    });
  } finally {
    await destroyCluster(cluster);
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
