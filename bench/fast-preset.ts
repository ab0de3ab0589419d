/**
 * The "Fast parallel" preset vs pgAdmin's defaults, end to end: dump through the core, then restore through the
 * core into a fresh database, each timed. pgAdmin's backup dialog runs pg_dump in the custom format with one
 * job and the default compression (gzip 6), its restore dialog pg_restore with one job. Eight tables of about
 * the same size, PGB_BENCH_MB in all (default 1024). Variants alternate within each round (A B A B …), so
 * whatever else the shared machine runs hits all of them alike; medians over PGB_BENCH_ROUNDS rounds.
 *
 *   npx tsx bench/fast-preset.ts     # PGB_BENCH_MB=1024 PGB_BENCH_ROUNDS=3 PGB_BENCH_VARIANTS=pgadmin,fast-before,fast
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPreset, findPreset, type DumpOptions } from '../src/core/dump';
import { formatBytes } from '../src/core/format';
import { destroyCluster } from '../test/support/cluster';
import { median } from './support/median';
import { benchCluster, dumpTimed, generateTables, removeDump, restoreTimed } from './support/round-trip';

interface Variant {
  dump: DumpOptions;
  restoreJobs: number;
  /** PGOPTIONS for the restore's sessions. */
  pgoptions?: string;
}

const cores = availableParallelism();
/** maintenance_work_mem raised for the restore's sessions (index and primary key builds). */
const MWM_512 = '-c maintenance_work_mem=512MB';
/** The preset before: gzip level 1. */
const gzip1: DumpOptions = { format: 'directory', jobs: cores, compression: { method: 'gzip', level: 1 } };
/** Restores run as the core runs them, with the server's settings, unless a variant sets PGOPTIONS. */
const VARIANTS: Record<string, Variant> = {
  pgadmin: { dump: { format: 'custom' }, restoreJobs: 1 },
  fast: { dump: applyPreset(findPreset('Fast parallel')), restoreJobs: cores },
  'fast-before': { dump: gzip1, restoreJobs: cores },
  'fast-before-mwm512': { dump: gzip1, restoreJobs: cores, pgoptions: MWM_512 },
  'fast-jobs-2x': { dump: { ...gzip1, jobs: 2 * cores }, restoreJobs: 2 * cores },
};

const MB = Number(process.env.PGB_BENCH_MB ?? 1024);
const ROUNDS = Number(process.env.PGB_BENCH_ROUNDS ?? 3);
const names = (process.env.PGB_BENCH_VARIANTS ?? 'pgadmin,fast-before,fast').split(',');
for (const n of names)
  if (!VARIANTS[n]) throw new Error(`unknown variant ${n}; known: ${Object.keys(VARIANTS).join(', ')}`);

/** ~190 bytes of heap per row with a 128-byte payload, plus the primary key's ~30 bytes per row. */
const ROW_BYTES = 220;

interface Sample {
  dump: number;
  restore: number;
  pgRestore: number;
  bytes: number;
}

async function main(): Promise<void> {
  const cluster = await benchCluster();
  const dir = await mkdtemp(join(process.env.PGB_BENCH_TMP ?? tmpdir(), 'pgb-bench-fast-'));
  try {
    const rows = Math.round((MB * 1024 * 1024) / ROW_BYTES / 8);
    const t = performance.now();
    const tables = Array.from({ length: 8 }, (_, i) => ({ name: `t${i + 1}`, rows, payload: 128 }));
    const size = await generateTables(cluster, 'bench', tables);
    const secs = ((performance.now() - t) / 1000).toFixed(0);
    console.log(
      `generated 8 tables × ${rows} rows: ${formatBytes(size)} (pg_database_size) in ${secs} s; ${cores} cores`,
    );
    const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const name of names) {
        const v = VARIANTS[name];
        const out = join(dir, `${name}-${round}${v.dump.format === 'custom' ? '.dump' : ''}`);
        const load = loadavg()[0].toFixed(1);
        const d = await dumpTimed(cluster, 'bench', v.dump, out);
        const db = `restored_${name.replace(/-/g, '_')}_${round}`;
        const env = v.pgoptions ? { PGOPTIONS: v.pgoptions } : undefined;
        const r = await restoreTimed(cluster, out, db, { jobs: v.restoreJobs, env });
        if (r.result.errors.length) throw new Error(`${name}: restore errors: ${r.result.errors[0].message}`);
        const restoredRows = r.result.rowCounts.reduce((a, c) => a + (c.rows ?? 0), 0);
        if (restoredRows !== 8 * rows) throw new Error(`${name}: ${restoredRows} rows restored, not ${8 * rows}`);
        const s = { dump: d.ms, restore: r.ms, pgRestore: r.result.durationMs, bytes: d.result.sidecar.bytes };
        samples[name].push(s);
        console.log(
          `round ${round} ${name.padEnd(22)} dump ${(s.dump / 1000).toFixed(1)} s, restore ${(s.restore / 1000).toFixed(1)} s ` +
            `(pg_restore ${(s.pgRestore / 1000).toFixed(1)} s), total ${((s.dump + s.restore) / 1000).toFixed(1)} s, ` +
            `${formatBytes(s.bytes)}, load ${load}`,
        );
        await removeDump(out, d.result.sidecarPath);
        await cluster.psql(`drop database ${db}`);
      }
    }
    const base = median(samples[names[0]].map((s) => s.dump + s.restore));
    for (const name of names) {
      const xs = samples[name];
      const total = median(xs.map((s) => s.dump + s.restore));
      console.log(
        `${name.padEnd(22)} median dump ${(median(xs.map((s) => s.dump)) / 1000).toFixed(1)} s, ` +
          `restore ${(median(xs.map((s) => s.restore)) / 1000).toFixed(1)} s, end to end ${(total / 1000).toFixed(1)} s ` +
          `(${(base / total).toFixed(2)}× vs ${names[0]}), output ${formatBytes(median(xs.map((s) => s.bytes)))}`,
      );
    }
  } finally {
    await destroyCluster(cluster);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
