/**
 * Base backup through the core (takeBaseBackup: temp sibling, -P progress parsing, rename, reading the result)
 * vs raw pg_basebackup with the same argv on the same cluster. Target: core ≤ 1.03 × raw. Runs alternate so
 * cache effects hit both alike; the Node CPU the core spends is printed too, since a busy machine blurs
 * wall-clock ratios. pg_verifybackup (on by default in the core) is timed apart: raw pg_basebackup does not do it.
 *
 *   npx tsx bench/basebackup.ts        # PGB_BENCH_MB=500 PGB_BENCH_RUNS=3
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConnectionString, toConninfo } from '../src/core/connection/profile';
import { formatBytes } from '../src/core/format';
import { baseBackupArgv, type BaseBackupOptions } from '../src/core/physical/basebackup-argv';
import { takeBaseBackup } from '../src/core/physical/basebackup';
import { PG15_BIN, destroyCluster, startCluster } from '../test/support/cluster';
import { median } from './support/median';

const execFileP = promisify(execFile);
const MB = Number(process.env.PGB_BENCH_MB ?? 500);
const RUNS = Number(process.env.PGB_BENCH_RUNS ?? 3);
const toolSet = {
  major: 15,
  version: '15',
  dir: PG15_BIN,
  tools: { pg_basebackup: join(PG15_BIN, 'pg_basebackup'), pg_verifybackup: join(PG15_BIN, 'pg_verifybackup') },
};

async function main(): Promise<void> {
  const cluster = await startCluster({ conf: ['shared_buffers = 128MB', 'max_wal_size = 2GB'] });
  const work = mkdtempSync(join(process.env.PGB_BENCH_TMP ?? tmpdir(), 'pgb-bench-base-'));
  chmodSync(work, 0o755);
  try {
    const rows = Math.round((MB * 1024 * 1024) / 120);
    await cluster.psql(
      `create table payload as select g::bigint id, md5(g::text) || md5((g * 7)::text) note from generate_series(1, ${rows}) g`,
    );
    await cluster.psql('checkpoint');
    console.log(
      `cluster size ${formatBytes(Number(await cluster.psql('select sum(pg_database_size(oid)) from pg_database')))}`,
    );
    const params = parseConnectionString(cluster.url()).params;
    const options: BaseBackupOptions = { format: 'plain' };
    const raw: number[] = [];
    const core: number[] = [];
    const coreCpu: number[] = [];
    const runRaw = async (i: number) => {
      const t = performance.now();
      await execFileP(
        toolSet.tools.pg_basebackup,
        baseBackupArgv(options, { dir: join(work, `raw${i}`), conninfo: toConninfo(params), toolMajor: 15 }),
        { maxBuffer: 64 << 20 },
      );
      raw.push(performance.now() - t);
      rmSync(join(work, `raw${i}`), { recursive: true, force: true });
    };
    const runCore = async (i: number) => {
      const cpu = process.cpuUsage();
      const t = performance.now();
      await takeBaseBackup({
        params,
        options,
        out: join(work, `core${i}`),
        toolSet,
        verify: false,
        onProgress: () => undefined,
      });
      core.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      coreCpu.push((used.user + used.system) / 1000);
      rmSync(join(work, `core${i}`), { recursive: true, force: true });
    };
    // Alternate which goes first, so neither always inherits the other's dirty page cache.
    for (let i = 0; i < RUNS; i++) {
      if (i % 2) {
        await runCore(i);
        await runRaw(i);
      } else {
        await runRaw(i);
        await runCore(i);
      }
    }
    const t = performance.now();
    const verified = await takeBaseBackup({ params, options, out: join(work, 'verified'), toolSet });
    const withVerify = performance.now() - t;
    console.log(`raw pg_basebackup: median ${median(raw).toFixed(0)} ms (${raw.map((x) => x.toFixed(0)).join(' / ')})`);
    console.log(
      `core takeBaseBackup: median ${median(core).toFixed(0)} ms (${core.map((x) => x.toFixed(0)).join(' / ')}), Node CPU ${median(coreCpu).toFixed(0)} ms`,
    );
    console.log(`ratio core/raw: ${(median(core) / median(raw)).toFixed(3)} (target ≤ 1.03)`);
    console.log(`core with pg_verifybackup: ${withVerify.toFixed(0)} ms (verified: ${verified.verified})`);
  } finally {
    await destroyCluster(cluster);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
