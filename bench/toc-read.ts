/**
 * Benchmark: the native TOC reader against `pg_restore -l` on a custom dump with 10,000 TOC entries.
 * Target (issue 5): under 20 ms, at least 5× faster than pg_restore -l. Run: npx tsx bench/toc-read.ts
 * The reader returns the TOC in columns (Toc); the bench also times the read followed by making every entry an
 * object (Toc.entries()), which is what the picker and `inspect` do next.
 * The dump is built once (2,000 tables, each with data, a primary key, an index and a comment) and kept in
 * the temp folder for the next run and for bench/restore-closure.ts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, renameSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArchive } from '../src/core/archive/read-archive';
import { destroyCluster, PG15_BIN, startCluster } from '../test/support/cluster';
import { median } from './support/median';

export const BIG_DUMP = join(tmpdir(), 'pg-backup-bench-10k-entries.dump');
const TABLES = 2000;

export async function ensureBigDump(): Promise<string> {
  if (existsSync(BIG_DUMP)) return BIG_DUMP;
  const cluster = await startCluster();
  try {
    await cluster.psql('create database bench');
    await cluster.psql(
      `do $$ begin for i in 1..${TABLES} loop
         execute format('create table t%s (id int primary key, parent int, name text)', i);
         execute format('create index t%s_name on t%s (name)', i, i);
         execute format('comment on table t%s is %L', i, 'table ' || i);
         execute format('insert into t%s values (1, null, %L)', i, 'row');
       end loop; end $$`,
      'bench',
    );
    const dir = mkdtempSync(join(tmpdir(), 'pgb-bench-'));
    chmodSync(dir, 0o777);
    const out = join(dir, 'bench.dump');
    await cluster.pgDump('bench', ['-Fc', '-f', out]);
    renameSync(out, BIG_DUMP);
  } finally {
    await destroyCluster(cluster);
  }
  return BIG_DUMP;
}

export async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

/**
 * Wall and CPU milliseconds (user + system) of a child, from bash's `time`: to the millisecond (/usr/bin/time
 * only to 10 ms), and without bash's own start. CPU time is the steadier number on a shared machine.
 */
function childCpuMs(file: string, args: string[]): { wallMs: number; cpuMs: number } {
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%3R %3U %3S"; time "$@" >/dev/null', 'bash', file, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const [real, user, sys] = r.stderr.toString().trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs: real * 1000, cpuMs: (user + sys) * 1000 };
}

/**
 * The two readers run interleaved (five native reads, then one pg_restore -l, twenty rounds), so a slow spell of
 * this shared machine lands on both sides of the ratio instead of on one.
 */
async function main(): Promise<void> {
  const path = await ensureBigDump();
  const [coldMs, first] = await time(() => readArchive(path));
  for (let i = 0; i < 5; i++) await readArchive(path); // JIT warm-up, not timed
  const wall: number[] = [];
  const cpu: number[] = [];
  /** The read plus every entry made an object (what the picker and `inspect` go on to do). */
  const withObjects: number[] = [];
  const restore: { wallMs: number; cpuMs: number }[] = [];
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 5; i++) {
      const c0 = process.cpuUsage();
      wall.push((await time(() => readArchive(path)))[0]);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    withObjects.push((await time(async () => (await readArchive(path)).toc.entries()))[0]);
    restore.push(childCpuMs(join(PG15_BIN, 'pg_restore'), ['-l', path]));
  }
  const n = { wall: median(wall), cpu: median(cpu) };
  const p = { wall: median(restore.map((r) => r.wallMs)), cpu: median(restore.map((r) => r.cpuMs)) };
  const f = (x: number) => x.toFixed(1);
  console.log(
    `TOC entries: ${first.toc.count}; header + TOC bytes read: ${first.bytesRead}; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`,
  );
  console.log(
    `native reader: first (cold, in a fresh process) ${f(coldMs)} ms; median of ${wall.length}: ${f(n.wall)} ms wall (min ${f(Math.min(...wall))}), ${f(n.cpu)} ms CPU`,
  );
  console.log(
    `native reader + all ${first.toc.count} entries as objects: median of ${withObjects.length}: ${f(median(withObjects))} ms wall (min ${f(Math.min(...withObjects))}), ${f(p.wall / median(withObjects))}x faster than pg_restore -l`,
  );
  console.log(
    `pg_restore -l:  median of ${restore.length}: ${f(p.wall)} ms wall (min ${f(Math.min(...restore.map((r) => r.wallMs)))}), ${f(p.cpu)} ms CPU`,
  );
  console.log(
    `speed-up: ${f(p.wall / n.wall)}x wall (medians), ${f(Math.min(...restore.map((r) => r.wallMs)) / Math.min(...wall))}x wall (minimums), ${f(p.cpu / n.cpu)}x CPU (medians); target < 20 ms and >= 5x: ${n.wall < 20 && p.wall / n.wall >= 5 ? 'met' : 'NOT met'}`,
  );
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
