/**
 * The PITR drill end to end on PostgreSQL 15: archive on, a base backup through the core runner, rows inserted,
 * a timestamp and a restore point taken, the table dropped, WAL switched and archived; the drill restores the
 * backup into a scratch folder, recovers a throwaway server to the target and reports the dropped table with
 * its rows — and leaves neither a folder nor a server behind, also when cancelled.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseConnectionString } from '../../src/core/connection/profile';
import { drillToolSet, runPitrDrill, type PitrDrillOptions } from '../../src/core/drill/pitr-drill';
import { CancelledError } from '../../src/core/errors';
import { readBaseBackup, type BaseBackupInfo } from '../../src/core/physical/base-backup-info';
import { takeBaseBackup } from '../../src/core/physical/basebackup';
import type { PitrModel, RecoveryTarget } from '../../src/core/pitr/model';
import { discoverTools, type ToolSet } from '../../src/core/tools/discover';
import { destroyCluster, startArchivingCluster, type Cluster } from '../support/cluster';
import { sleep } from '../support/time';
import { workFolder } from '../support/work-folder';

const ROWS = 1000;

describe('PITR drill (PostgreSQL 15)', function () {
  this.timeout(180_000);
  let cluster: Cluster;
  let work: string;
  let archive: string;
  let scratchParent: string;
  let backup: BaseBackupInfo;
  let tarBackup: BaseBackupInfo;
  let toolSet: ToolSet;
  let targetTime: string;

  before(async () => {
    work = workFolder('pgb-drill-test-', 0o755);
    archive = join(work, 'wal archive');
    scratchParent = join(work, 'scratch');
    mkdirSync(scratchParent, { mode: 0o755 });
    cluster = await startArchivingCluster(archive);
    await cluster.psql('create table keep (id int); insert into keep values (1)');
    toolSet = drillToolSet(await discoverTools(), 15);
    const backupDir = join(work, 'base');
    await takeBaseBackup({
      params: parseConnectionString(cluster.url()).params,
      options: { format: 'plain', label: 'drill test' },
      out: backupDir,
      toolSet,
    });
    backup = await readBaseBackup(backupDir);
    const tarDir = join(work, 'base-tar');
    await takeBaseBackup({
      params: parseConnectionString(cluster.url()).params,
      options: { format: 'tar', compress: 'gzip' },
      out: tarDir,
      toolSet,
    });
    tarBackup = await readBaseBackup(tarDir);
    await cluster.psql(
      `create table precious (id int primary key, note text); insert into precious select g, 'row ' || g from generate_series(1, ${ROWS}) g`,
    );
    await cluster.psql('insert into keep values (2)');
    await sleep(300);
    targetTime = await cluster.psql(`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'`);
    await cluster.psql(`select pg_create_restore_point('before drop')`);
    await sleep(300);
    await cluster.psql('drop table precious');
    const switched = await cluster.psql('select pg_walfile_name(pg_switch_wal())');
    for (let i = 0; i < 300; i++) {
      if ((await cluster.psql(`select coalesce(last_archived_wal, '') from pg_stat_archiver`)) >= switched) break;
      await sleep(100);
    }
  });

  after(async () => {
    await destroyCluster(cluster);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const model = (target: RecoveryTarget, action: PitrModel['action']): PitrModel => ({
    serverMajor: 15,
    target,
    inclusive: true,
    timeline: 'latest',
    action,
    source: { kind: 'cp', dir: archive },
  });
  const drill = (target: RecoveryTarget, action: PitrModel['action'], extra: Partial<PitrDrillOptions> = {}) =>
    runPitrDrill({ backup, model: model(target, action), toolSet, scratchParent, ...extra });
  /** Server processes whose command line points into the scratch folders. */
  const strayServers = () =>
    execFileSync('ps', ['-eo', 'args'])
      .toString()
      .split('\n')
      .filter((l) => l.includes(scratchParent));

  afterEach(() => {
    assert.deepEqual(readdirSync(scratchParent), [], 'the scratch folder is removed');
    assert.deepEqual(strayServers(), [], 'no throwaway server is left running');
  });

  it('recovers to a time, promotes, and reports the dropped table with all its rows', async () => {
    const steps: [string, number][] = [];
    const r = await drill({ kind: 'time', value: targetTime }, 'promote', { onProgress: (s, p) => steps.push([s, p]) });
    assert.equal(r.reachedTarget, true);
    assert.equal(r.end, 'promoted');
    assert.equal(r.inRecovery, false);
    const rows = Object.fromEntries(r.tables.map((t) => [`${t.database}:${t.schema}.${t.name}`, t.rows]));
    assert.deepEqual(rows, { 'postgres:public.keep': 2, 'postgres:public.precious': ROWS });
    assert.equal(r.tablesTruncated, false);
    assert.ok(
      r.recoveryEndedAt &&
        Date.parse(r.recoveryEndedAt) <= Date.parse(targetTime.replace(' ', 'T').replace(/\+00$/, 'Z')),
      `recovery ended at ${r.recoveryEndedAt}`,
    );
    assert.match(r.logTail, /recovery stopping (before|after) commit of transaction/);
    const fixed = [
      'Copying the base backup',
      'Writing the recovery settings',
      'Starting a throwaway server',
      'Recovering to the target',
      'Counting rows',
      'Stopping the server',
    ];
    assert.deepEqual(
      [...new Set(steps.map(([step]) => step))].filter((step) => fixed.includes(step)),
      fixed,
    );
    assert.ok(
      steps.every(([, p], i) => i === 0 || p >= steps[i - 1][1]),
      'percent never goes backwards',
    );
    assert.ok(
      !existsSync(join(backup.dir, 'recovery.signal')) && existsSync(join(backup.dir, 'backup_label')),
      'the backup itself is untouched',
    );
    console.log(`      drill by time: ${r.durationMs} ms`);
  });

  it('pauses at a named restore point and reads the tables while paused', async () => {
    const r = await drill({ kind: 'name', value: 'before drop' }, 'pause');
    assert.deepEqual([r.reachedTarget, r.end, r.inRecovery], [true, 'paused', true]);
    assert.equal(r.tables.find((t) => t.name === 'precious')?.rows, ROWS);
  });

  it('extracts a gzip tar backup and recovers it the same way', async () => {
    assert.deepEqual(tarBackup.tarFiles, { base: 'base.tar.gz', wal: 'pg_wal.tar.gz' });
    const r = await drill({ kind: 'name', value: 'before drop' }, 'promote', { backup: tarBackup });
    assert.deepEqual([r.reachedTarget, r.end], [true, 'promoted']);
    assert.equal(r.tables.find((t) => t.name === 'precious')?.rows, ROWS);
  });

  it('reports a server that shut down at the target from its log', async () => {
    const r = await drill({ kind: 'time', value: targetTime }, 'shutdown');
    assert.deepEqual([r.reachedTarget, r.end, r.tables], [true, 'shut down', []]);
    assert.match(r.logTail, /shutdown at recovery target/);
  });

  it('says so when recovery ends before a target the archive does not reach', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString().replace('T', ' ').replace('Z', '+00');
    await assert.rejects(drill({ kind: 'time', value: later }, 'promote'), (e: Error & { detail?: string }) => {
      assert.match(e.message, /^Recovery ended before reaching the target/, e.detail);
      assert.match(e.detail ?? '', /FATAL: {2}recovery ended before configured recovery target was reached/);
      return true;
    });
  });

  it('cancelled while copying the backup, leaves no scratch folder and starts no server', async () => {
    const ac = new AbortController();
    const steps: string[] = [];
    const onProgress = (step: string) => {
      steps.push(step);
      ac.abort();
    };
    await assert.rejects(
      drill({ kind: 'time', value: targetTime }, 'promote', { signal: ac.signal, onProgress }),
      CancelledError,
    );
    assert.deepEqual([...new Set(steps)], ['Copying the base backup']);
  });

  it('cancelled while the server recovers, leaves no scratch folder and no server', async () => {
    const ac = new AbortController();
    let sawServer = false;
    await assert.rejects(
      drill({ kind: 'time', value: targetTime }, 'promote', {
        signal: ac.signal,
        onProgress: (step) => {
          if (step !== 'Recovering to the target') return;
          sawServer = strayServers().length > 0;
          ac.abort();
        },
      }),
      CancelledError,
    );
    assert.ok(sawServer, 'the throwaway server was running when the drill was cancelled');
  });

  it('names the major it needs when no server of that version is installed', () => {
    assert.throws(() => drillToolSet([toolSet], 11), /needs the PostgreSQL 11 server \(pg_ctl 11\); found only 15/);
  });
});
