/**
 * What the fault suites vary: trial counts from PGBACKUP_FAULT_TRIALS, seeded random moments
 * (PGBACKUP_FAULT_SEED), and a database that takes seconds to dump.
 */
import type { Cluster } from '../../support/cluster';

/** PGBACKUP_FAULT_TRIALS, else the suite's small default (keeps `npm test` fast). */
export function trials(fallback: number): number {
  const n = Number(process.env.PGBACKUP_FAULT_TRIALS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A seeded generator (mulberry32): the seed is printed so a failing run can be repeated. */
export function seededRandom(label: string): () => number {
  let seed = Number(process.env.PGBACKUP_FAULT_SEED) || Math.floor(Math.random() * 2 ** 31);
  console.log(`      ${label}: PGBACKUP_FAULT_SEED=${seed}`);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A database whose custom-format dump takes seconds on a 2-core machine: `tables` tables of `rows` wide rows
 * (random-looking text, so compression has work to do).
 */
export async function createBigDatabase(c: Cluster, db: string, rows: number, tables = 2): Promise<void> {
  await c.psql(`create database ${db}`);
  const per = Math.ceil(rows / tables);
  for (let t = 1; t <= tables; t++) {
    await c.psql(
      `create table wide${t} (id bigint primary key, a text, b text);` +
        `insert into wide${t} select g, repeat(md5(g::text), 8), md5((g * ${t + 6})::text)` +
        ` from generate_series(1, ${per}) g`,
      db,
    );
  }
}
