/**
 * How honest the percent is: the percent the product shows at half the wall time of a dump (dumpDatabase's
 * onProgress, DumpProgressEstimator) and of a restore (executeRestore's onProgress: the weighted percent, and
 * the items done / total the extension's bar showed before), over several table-size mixes and dump setups.
 * A perfectly honest bar shows 50 % at half time; the goal is within ±15 points. Beside the dump's own
 * estimate runs a second estimator fed the same pg_dump lines and output sizes but not the server's COPY row
 * counts: that is the estimate before row counts were used ("bytes only").
 *
 *   npx tsx bench/progress-honesty.ts   # PGB_BENCH_MB=300 PGB_BENCH_MIXES=one-big,many-small,mixed,equal8
 *                                       # PGB_BENCH_SETUPS=custom,directory,fast PGB_BENCH_ROUNDS=1
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { withClient } from '../src/core/connection/client';
import { applyPreset, findPreset, partialPath, type DumpOptions } from '../src/core/dump';
import { sizeOnDisk } from '../src/core/dump/checksum';
import { DumpProgressEstimator } from '../src/core/dump/progress';
import { queryDumpWorkload } from '../src/core/dump/table-sizes';
import { formatBytes } from '../src/core/format';
import { destroyCluster } from '../test/support/cluster';
import { median } from './support/median';
import {
  benchCluster,
  connParams,
  dumpTimed,
  generateTables,
  removeDump,
  restoreTimed,
  type TableSpec,
} from './support/round-trip';

const MB = Number(process.env.PGB_BENCH_MB ?? 300);
const ROUNDS = Number(process.env.PGB_BENCH_ROUNDS ?? 1);
/** Heap bytes per row for a payload of p bytes (tuple header, id, at, n, text header). */
const rowBytes = (payload: number) => 60 + payload;
const cores = availableParallelism();

/** Tables whose sizes add up to `share` of the mix, each of `payload` bytes per row. */
function tables(prefix: string, count: number, share: number, payload: number): TableSpec[] {
  const rows = Math.max(1, Math.round((share * MB * 1024 * 1024) / rowBytes(payload) / count));
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i + 1}`, rows, payload }));
}

const MIXES: Record<string, () => TableSpec[]> = {
  // One table of wide rows (a third of the data in text that pg_dump writes out as is) plus two small ones.
  'one-big': () => [...tables('big', 1, 0.96, 512), ...tables('small', 2, 0.04, 64)],
  'many-small': () => tables('s', 200, 1, 96),
  mixed: () => [...tables('large', 1, 0.5, 256), ...tables('mid', 5, 0.35, 128), ...tables('tiny', 60, 0.15, 64)],
  equal8: () => tables('t', 8, 1, 128),
};

const SETUPS: Record<string, { dump: DumpOptions; restoreJobs: number }> = {
  custom: { dump: { format: 'custom' }, restoreJobs: 1 },
  directory: { dump: { format: 'directory' }, restoreJobs: 1 },
  fast: { dump: applyPreset(findPreset('Fast parallel')), restoreJobs: cores },
};

const mixes = (process.env.PGB_BENCH_MIXES ?? Object.keys(MIXES).join(',')).split(',');
const setups = (process.env.PGB_BENCH_SETUPS ?? Object.keys(SETUPS).join(',')).split(',');

/** What a bar showed at `at` ms: the last value reported at or before it. */
function shownAt(samples: [number, number][], at: number): number {
  let v = 0;
  for (const [t, p] of samples) if (t <= at) v = p;
  return v;
}

async function main(): Promise<void> {
  const cluster = await benchCluster();
  const dir = await mkdtemp(join(process.env.PGB_BENCH_TMP ?? tmpdir(), 'pgb-bench-progress-'));
  const results: Record<string, number[]> = {};
  const note = (key: string, v: number) => (results[key] ??= []).push(v);
  try {
    for (const mix of mixes) {
      const db = `mix_${mix.replace(/-/g, '_')}`;
      const size = await generateTables(cluster, db, MIXES[mix]());
      console.log(`${mix}: ${MIXES[mix]().length} tables, ${formatBytes(size)}`);
      for (let round = 1; round <= ROUNDS; round++) {
        for (const setup of setups) {
          const s = SETUPS[setup];
          const out = join(dir, `${db}-${setup}${s.dump.format === 'custom' ? '.dump' : ''}`);
          const load = loadavg()[0].toFixed(1);
          const dumpSamples: [number, number][] = [];
          const bytesOnly: [number, number][] = [];
          const workload = await withClient(connParams(cluster, db), {}, (c) => queryDumpWorkload(c, s.dump));
          const shadow = new DumpProgressEstimator(workload, s.dump);
          const sample = () => bytesOnly.push([performance.now(), shadow.snapshot().percent]);
          const poll = setInterval(
            () => void sizeOnDisk(partialPath(out)).then((b) => (shadow.written(b), sample())),
            500,
          );
          const onProgress = (p: { percent: number }) => dumpSamples.push([performance.now(), p.percent]);
          const log = (l: string) => (shadow.line(l), sample());
          const d = await dumpTimed(cluster, db, s.dump, out, { onProgress, log }).finally(() => clearInterval(poll));
          const dumpHalf = shownAt(dumpSamples, d.started + d.ms / 2);
          const bytesOnlyHalf = shownAt(bytesOnly, d.started + d.ms / 2);

          const weighted: [number, number][] = [];
          const items: [number, number][] = [];
          const target = `${db}_restored`;
          const r = await restoreTimed(cluster, out, target, {
            jobs: s.restoreJobs,
            onProgress: (p) => {
              weighted.push([performance.now(), p.percent ?? 0]);
              items.push([performance.now(), Math.floor((100 * p.done) / p.total)]);
            },
          });
          if (r.result.errors.length) throw new Error(`${mix}/${setup}: ${r.result.errors[0].message}`);
          const restoreHalf = shownAt(weighted, r.started + r.ms / 2);
          const itemsHalf = shownAt(items, r.started + r.ms / 2);
          note(`${mix} ${setup} dump`, dumpHalf);
          note(`${mix} ${setup} dump-bytes-only`, bytesOnlyHalf);
          note(`${mix} ${setup} restore`, restoreHalf);
          note(`${mix} ${setup} restore-items`, itemsHalf);
          console.log(
            `  ${setup.padEnd(9)} dump ${(d.ms / 1000).toFixed(1)} s: ${dumpHalf} % at half time ` +
              `(${bytesOnlyHalf} % bytes only); ` +
              `restore ${(r.ms / 1000).toFixed(1)} s (-j ${s.restoreJobs}): ${restoreHalf} % weighted, ` +
              `${itemsHalf} % by items; load ${load}`,
          );
          if (process.env.PGB_BENCH_TRACE) {
            const trace = (xs: [number, number][], t0: number) =>
              JSON.stringify(xs.map(([t, p]) => [Math.round(t - t0), p]));
            console.log(`    dump trace ${trace(dumpSamples, d.started)}`);
            console.log(`    restore trace ${trace(weighted, r.started)}`);
          }
          await removeDump(out, d.result.sidecarPath);
          await cluster.psql(`drop database ${target}`);
        }
      }
      await cluster.psql(`drop database ${db}`);
    }
    console.log('\nmedian percent shown at half time (goal 50 ± 15):');
    for (const [key, xs] of Object.entries(results)) {
      const m = median(xs);
      console.log(
        `  ${key.padEnd(34)} ${String(m).padStart(4)} %  ${Math.abs(m - 50) <= 15 ? 'ok' : 'MISS'}  [${xs.join(', ')}]`,
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
