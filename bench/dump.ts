/**
 * Dump through the core (dumpDatabase: preflight sizes, -v progress parsing, output polling, sha256, sidecar,
 * renames) vs raw pg_dump with the same options, on a generated database of about PGB_BENCH_GB gigabytes.
 * Target: core ≤ 1.03 × raw. Runs alternate (raw, core, raw, core, …) so cache effects hit both alike. Also
 * prints the CPU the Node side itself spends, which a busy machine does not blur.
 *
 *   npx tsx bench/dump.ts            # PGB_BENCH_GB=1 PGB_BENCH_RUNS=3 PGB_BENCH_FORMATS=custom,directory
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toConninfo } from '../src/core/connection/profile';
import { dumpArgv, dumpDatabase, type DumpOptions } from '../src/core/dump';
import { formatBytes } from '../src/core/format';
import { PG15_BIN, destroyCluster, startCluster } from '../test/support/cluster';
import { median } from './support/median';

const execFileP = promisify(execFile);
const GB = Number(process.env.PGB_BENCH_GB ?? 1);
const RUNS = Number(process.env.PGB_BENCH_RUNS ?? 3);
const CONFIGS: Record<string, DumpOptions> = {
  custom: { format: 'custom' },
  directory: { format: 'directory', jobs: 2, compression: { method: 'gzip', level: 1 } },
  plain: { format: 'plain' },
};
const formats = (process.env.PGB_BENCH_FORMATS ?? 'custom,directory').split(',');

/** ~140 bytes of heap per row: four tables filled in parallel sessions. */
async function generate(psql: (sql: string) => Promise<string>): Promise<void> {
  const rowsPerTable = Math.round((GB * 1024 ** 3) / 140 / 4);
  await Promise.all(
    [1, 2, 3, 4].map((i) =>
      psql(`create table t${i} as select g::bigint as id, now() - g * interval '1 second' as at, g % 1000 as n,
                   md5(g::text) || md5((g * ${i})::text) as payload
              from generate_series(1, ${rowsPerTable}) g`),
    ),
  );
  await psql('vacuum analyze');
}

async function main(): Promise<void> {
  const cluster = await startCluster({ conf: ['shared_buffers = 256MB', 'max_wal_size = 4GB'] });
  const dir = await mkdtemp(join(process.env.PGB_BENCH_TMP ?? tmpdir(), 'pgb-bench-dump-'));
  try {
    await cluster.psql('create database bench');
    let t = Date.now();
    await generate((sql) => cluster.psql(sql, 'bench'));
    const size = Number(await cluster.psql(`select pg_database_size('bench')`, 'bench'));
    console.log(`generated ${formatBytes(size)} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const params = { host: '127.0.0.1', port: cluster.port, user: 'postgres', database: 'bench' };

    for (const name of formats) {
      const options = CONFIGS[name];
      const raw: number[] = [];
      const core: number[] = [];
      const coreCpu: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const rawOut = join(dir, `raw-${name}`);
        const args = dumpArgv({ options, conninfo: toConninfo(params), file: rawOut, pgDumpMajor: 15 }).filter(
          (a) => a !== '-v',
        );
        t = Date.now();
        await execFileP(join(PG15_BIN, 'pg_dump'), args, { env: { ...process.env, PGAPPNAME: 'pg-backup' } });
        raw.push(Date.now() - t);
        await rm(rawOut, { recursive: true, force: true });

        const coreOut = join(dir, `core-${name}`);
        let events = 0;
        t = Date.now();
        const cpu = process.cpuUsage();
        const r = await dumpDatabase({ params, options, out: coreOut, onProgress: () => events++ });
        core.push(Date.now() - t);
        const used = process.cpuUsage(cpu);
        coreCpu.push(Math.round((used.user + used.system) / 1000));
        console.log(
          `  ${name} run ${i + 1}: raw ${raw[i]} ms, core ${core[i]} ms, core's own CPU ${coreCpu[i]} ms (${formatBytes(r.sidecar.bytes)}, ${events} progress events)`,
        );
        await rm(coreOut, { recursive: true, force: true });
        await rm(r.sidecarPath, { force: true });
      }
      const ratio = median(core) / median(raw);
      console.log(
        `${name}: raw pg_dump median ${median(raw)} ms, core median ${median(core)} ms, ratio ${ratio.toFixed(3)} (target ≤ 1.03)`,
      );
      // Wall time is at the mercy of whatever else the machine runs; the CPU the Node side spends (preflight,
      // progress parsing, polling, sha256, sidecar) is the overhead the core adds on an idle machine.
      console.log(
        `${name}: core's own CPU median ${median(coreCpu)} ms = ${((100 * median(coreCpu)) / median(raw)).toFixed(2)} % of raw pg_dump's wall time`,
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
