/**
 * What the dump/restore benches share: a throwaway cluster filled with generated tables, a dump through the
 * core (dumpDatabase) and a restore through the core (planRestore + executeRestore, as `pg-backup restore` runs
 * it) into a fresh database, each timed.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readArchive } from '../../src/core/archive/read-archive';
import type { ConnParams } from '../../src/core/connection/profile';
import { dumpDatabase, type DumpOptions, type DumpProgress } from '../../src/core/dump';
import { executeRestore } from '../../src/core/restore/execute';
import { planRestore } from '../../src/core/restore/planner';
import type { RestoreProgress } from '../../src/core/restore/run';
import { PG15_BIN, startCluster, type Cluster } from '../../test/support/cluster';

export interface TableSpec {
  name: string;
  rows: number;
  /** Bytes of the text column per row (md5 blocks of 32). */
  payload: number;
}

/** A server tuned like a small production box, not like the tests' minimum. */
export const benchCluster = (): Promise<Cluster> =>
  startCluster({ conf: ['shared_buffers = 512MB', 'max_wal_size = 8GB', 'checkpoint_timeout = 30min'] });

/**
 * Tables of `id bigint primary key, at timestamptz, n int, payload text`, filled two at a time (2 cores). The
 * payload repeats md5 blocks, so it compresses about as well as typical application text does.
 */
export async function generateTables(cluster: Cluster, db: string, tables: TableSpec[]): Promise<number> {
  await cluster.psql(`create database ${db}`);
  const queue = [...tables];
  const worker = async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      const blocks = Math.max(1, Math.round(t.payload / 32));
      const payload = Array.from({ length: blocks }, (_, i) => `md5((g * ${i + 7})::text)`).join(' || ');
      await cluster.psql(
        `create table ${t.name} (id bigint primary key, at timestamptz not null, n int not null, payload text);
         insert into ${t.name} select g, now() - g * interval '1 second', g % 1000, ${payload}
           from generate_series(1, ${t.rows}) g`,
        db,
      );
    }
  };
  await Promise.all([worker(), worker()]);
  await cluster.psql('vacuum analyze', db);
  return Number(await cluster.psql(`select pg_database_size('${db}')`, db));
}

export const connParams = (cluster: Cluster, database: string): ConnParams => ({
  host: '127.0.0.1',
  port: cluster.port,
  user: 'postgres',
  database,
});

export interface Timed<T> {
  /** performance.now() when it started. */
  started: number;
  ms: number;
  result: T;
}

async function timed<T>(f: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const result = await f();
  return { started, ms: Math.round(performance.now() - started), result };
}

export interface DumpRun {
  onProgress?: (p: DumpProgress) => void;
  /** The masked command line, then pg_dump's stderr lines. */
  log?: (line: string) => void;
}

export function dumpTimed(cluster: Cluster, db: string, options: DumpOptions, out: string, run: DumpRun = {}) {
  return timed(() => dumpDatabase({ params: connParams(cluster, db), options, out, ...run }));
}

export interface RestoreRun {
  jobs: number;
  /** Extra environment for pg_restore (PGOPTIONS), set for the run only. */
  env?: Record<string, string>;
  onProgress?: (p: RestoreProgress) => void;
}

/** Restores the whole archive into a new, empty database `db`, through the core as `pg-backup restore` does. */
export async function restoreTimed(cluster: Cluster, archivePath: string, db: string, run: RestoreRun) {
  await cluster.psql(`create database ${db}`);
  const saved = Object.fromEntries(Object.keys(run.env ?? {}).map((k) => [k, process.env[k]]));
  Object.assign(process.env, run.env);
  try {
    return await timed(async () => {
      const archive = await readArchive(archivePath);
      const plan = await planRestore({ archive, select: [], withDependents: false, options: { jobs: run.jobs } });
      const target = connParams(cluster, db);
      return executeRestore({
        archive,
        plan,
        target,
        pgRestore: join(PG15_BIN, 'pg_restore'),
        onProgress: run.onProgress,
      });
    });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Removes a dump (file or folder) and its sidecar. */
export const removeDump = (path: string, sidecar: string) =>
  Promise.all([rm(path, { recursive: true, force: true }), rm(sidecar, { force: true })]);
