/**
 * Recoverable window of an archive with 10,000 WAL segments. The cluster's WAL is moved to segment 10240 with
 * pg_resetwal so that real segments (base backup, a workload, the drop) come last; 10,000 - real sparse
 * 16 MB files named like older segments fill the archive before them. The listing sees all of them;
 * pg_waldump must read only the last real segment(s). Target: < 1 s.
 *
 *   npx tsx bench/wal-window.ts          # PGB_BENCH_RUNS=5
 */
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  copyFileSync,
  chmodSync,
  ftruncateSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnectionString } from '../src/core/connection/profile';
import { takeBaseBackup } from '../src/core/physical/basebackup';
import { recoverableWindow } from '../src/core/physical/wal-window';
import { DEFAULT_SEGMENT_SIZE, segmentName } from '../src/core/physical/wal-names';
import { archiveCommand } from '../src/core/pitr/commands';
import { gucString } from '../src/core/pitr/quote';
import { PG15_BIN, destroyCluster, startCluster } from '../test/support/cluster';
import { sleep } from '../test/support/time';
import { median } from './support/median';

const SEGMENTS = 10_000;
const RUNS = Number(process.env.PGB_BENCH_RUNS ?? 5);
const FIRST_REAL = 10240; // 00000001 00000028 00000000

async function main(): Promise<void> {
  const work = mkdtempSync(join(process.env.PGB_BENCH_TMP ?? tmpdir(), 'pgb-bench-wal-'));
  chmodSync(work, 0o755);
  const realArchive = join(work, 'real');
  mkdirSync(realArchive, { mode: 0o777 });
  chmodSync(realArchive, 0o777);
  const cluster = await startCluster({
    conf: ['archive_mode = on', `archive_command = ${gucString(archiveCommand({ kind: 'cp', dir: realArchive }))}`],
  });
  try {
    await cluster.asOwner(join(PG15_BIN, 'pg_ctl'), ['-D', cluster.dataDir, '-m', 'fast', '-w', 'stop']);
    await cluster.asOwner(join(PG15_BIN, 'pg_resetwal'), [
      '-l',
      segmentName(1, FIRST_REAL, DEFAULT_SEGMENT_SIZE),
      cluster.dataDir,
    ]);
    await cluster.start();
    const backupDir = join(work, 'base');
    const toolSet = {
      major: 15,
      version: '15',
      dir: PG15_BIN,
      tools: { pg_basebackup: join(PG15_BIN, 'pg_basebackup'), pg_verifybackup: join(PG15_BIN, 'pg_verifybackup') },
    };
    await takeBaseBackup({
      params: parseConnectionString(cluster.url()).params,
      options: { format: 'plain' },
      out: backupDir,
      toolSet,
      verify: false,
    });
    // A workload that fills most of a segment with commits, then a quiet tail.
    await cluster.psql(`create table w (id int, note text)`);
    for (let i = 0; i < 50; i++)
      await cluster.psql(`insert into w select g, md5(g::text) from generate_series(1, 2000) g`);
    await cluster.psql('drop table w');
    const last = await cluster.psql('select pg_walfile_name(pg_switch_wal())');
    for (
      let i = 0;
      i < 300 && (await cluster.psql(`select coalesce(last_archived_wal, '') from pg_stat_archiver`)) < last;
      i++
    )
      await sleep(100);

    const archive = join(work, 'archive');
    mkdirSync(archive);
    const real = readdirSync(realArchive);
    for (const f of real) copyFileSync(join(realArchive, f), join(archive, f));
    const realSegments = real.filter((f) => /^[0-9A-F]{24}$/.test(f)).length;
    for (let n = FIRST_REAL - (SEGMENTS - realSegments); n < FIRST_REAL; n++) {
      const fd = openSync(join(archive, segmentName(1, n, DEFAULT_SEGMENT_SIZE)), 'w');
      ftruncateSync(fd, DEFAULT_SEGMENT_SIZE); // sparse: the listing needs names, not bytes
      closeSync(fd);
    }
    const count = readdirSync(archive).filter((f) => /^[0-9A-F]{24}$/.test(f)).length;
    console.log(`archive: ${count} segments (${realSegments} real, the rest sparse)`);

    const times: number[] = [];
    let result: Awaited<ReturnType<typeof recoverableWindow>> | undefined;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      result = await recoverableWindow({ backupDir, archiveDir: archive, pgWaldump: join(PG15_BIN, 'pg_waldump') });
      times.push(performance.now() - t);
    }
    const w = result!.window;
    console.log(
      `window: from ${w.from.time} (${w.from.lsn}) to ${w.to.time} (${w.to.lsn}), gaps ${w.gaps.length}, pg_waldump read ${result!.segmentsRead} segment(s)`,
    );
    console.log(
      `recoverable window of ${count} segments: median ${median(times).toFixed(0)} ms, runs ${times.map((x) => x.toFixed(0)).join(' / ')} ms (target < 1000 ms)`,
    );
  } finally {
    await destroyCluster(cluster);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
