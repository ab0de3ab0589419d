/**
 * Point-in-time recovery end to end on PostgreSQL 15: archive on (with our own never-overwrite archive_command,
 * into a folder whose name has a space and a quote), a base backup through the core runner, rows inserted, a
 * timestamp / restore point / LSN taken, the table dropped, WAL switched and archived; then the generated
 * config applied to a copy of the backup brings the table back with all its rows.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConnectionString } from '../../src/core/connection/profile';
import { CancelledError } from '../../src/core/errors';
import { withClient } from '../../src/core/connection/client';
import { readArchivingSettings } from '../../src/core/physical/archiving-settings';
import { takeBaseBackup } from '../../src/core/physical/basebackup';
import { archiveSetup } from '../../src/core/pitr/archive-setup';
import { recoverableWindow, type WindowResult } from '../../src/core/physical/wal-window';
import { archiveCommand } from '../../src/core/pitr/commands';
import type { PitrModel, RecoveryTarget } from '../../src/core/pitr/model';
import { renderRecoveryFiles } from '../../src/core/pitr/render';
import { validateModel } from '../../src/core/pitr/validate';
import { destroyCluster, freePort, PG15_BIN, startArchivingCluster, type Cluster } from '../support/cluster';
import { sleep } from '../support/time';
import { workFolder } from '../support/work-folder';

const ROWS = 1000;
const pgToolSet = {
  major: 15,
  version: '15',
  dir: PG15_BIN,
  tools: { pg_basebackup: join(PG15_BIN, 'pg_basebackup'), pg_verifybackup: join(PG15_BIN, 'pg_verifybackup') },
};

describe('point-in-time recovery (PostgreSQL 15)', function () {
  this.timeout(180_000);
  let cluster: Cluster;
  let work: string;
  let archive: string;
  let backupDir: string;
  let targetTime: string;
  let targetLsn: string;
  let result: WindowResult;
  const progress: { percent: number; phase: string }[] = [];

  before(async () => {
    work = workFolder('pgb-pitr-', 0o755);
    archive = join(work, "wal arch'ive");
    cluster = await startArchivingCluster(archive);
    await cluster.psql('create table keep (id int); insert into keep values (1)');
    backupDir = join(work, 'base');
    await takeBaseBackup({
      params: parseConnectionString(cluster.url()).params,
      options: { format: 'plain', label: 'pitr test' },
      out: backupDir,
      toolSet: pgToolSet,
      onProgress: (p) => progress.push(p),
    });
    await cluster.psql(
      `create table precious (id int primary key, note text); insert into precious select g, 'row ' || g from generate_series(1, ${ROWS}) g`,
    );
    await cluster.psql('select pg_switch_wal()'); // one more segment, so a middle one can go missing
    await cluster.psql('insert into keep values (2)');
    await sleep(300);
    targetTime = await cluster.psql(`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'`);
    await cluster.psql(`select pg_create_restore_point('before drop')`);
    targetLsn = await cluster.psql('select pg_current_wal_lsn()');
    await sleep(300);
    await cluster.psql('drop table precious');
    const switched = await cluster.psql('select pg_walfile_name(pg_switch_wal())');
    for (let i = 0; i < 300; i++) {
      const last = await cluster.psql("select coalesce(last_archived_wal, '') from pg_stat_archiver");
      if (last >= switched) break;
      await sleep(100);
    }
    result = await recoverableWindow({ backupDir, archiveDir: archive, pgWaldump: join(PG15_BIN, 'pg_waldump') });
  });

  after(async () => {
    await destroyCluster(cluster);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('takes a verified plain base backup with percent progress that reaches 100 only at the end', () => {
    assert.ok(existsSync(join(backupDir, 'backup_label')));
    assert.ok(progress.length >= 2);
    assert.ok(progress.slice(0, -1).every((p) => p.percent < 100));
    assert.deepEqual(progress.at(-1), { ...progress.at(-1), percent: 100, phase: 'done' });
    assert.ok(progress.some((p) => p.phase === 'verify'));
    assert.deepEqual(
      readdirSync(work).filter((n) => n.includes('partial')),
      [],
    );
  });

  it('reads the backup and computes the recoverable window from the archive', () => {
    const { window, backup } = result;
    assert.equal(backup.serverMajor, 15);
    assert.equal(backup.label?.label, 'pitr test');
    assert.ok(backup.manifest && backup.manifest.fileCount > 100);
    assert.ok(window.from.time && window.from.lsn, `window.from: ${JSON.stringify(window)}`);
    assert.ok(window.to.time && window.to.xid, `window.to: ${JSON.stringify(window)}`);
    assert.ok(
      Date.parse(window.to.time) > Date.parse(targetTime.replace(' ', 'T').replace(/\+00$/, 'Z')),
      'the drop committed after the target time',
    );
    assert.equal(window.timeline, 1);
    assert.equal(result.archive.segmentSize, 16 << 20);
    assert.deepEqual(window.gaps, []);
    assert.ok(result.segmentsRead <= 2, `pg_waldump read ${result.segmentsRead} segments`);
  });

  async function recover(target: RecoveryTarget): Promise<{ rows: string; keep: string }> {
    const model: PitrModel = {
      serverMajor: 15,
      target,
      inclusive: true,
      timeline: 'latest',
      action: 'promote',
      source: { kind: 'cp', dir: archive },
    };
    assert.deepEqual(
      validateModel(model, result.window).filter((i) => i.severity === 'error'),
      [],
    );
    const data = join(work, `restore-${target.kind}`);
    cpSync(backupDir, data, { recursive: true });
    chmodSync(data, 0o700);
    for (const f of renderRecoveryFiles(model))
      (f.mode === 'append' ? appendFileSync : writeFileSync)(join(data, f.name), f.content);
    const port = await freePort();
    appendFileSync(join(data, 'postgresql.auto.conf'), `port = ${port}\n`);
    execFileSync('chown', ['-R', 'postgres:postgres', data]);
    const log = join(cluster.baseDir, `restore-${target.kind}.log`);
    await cluster.asOwner(join(PG15_BIN, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
    const q = (sql: string) =>
      cluster
        .asOwner(join(PG15_BIN, 'psql'), [
          '-X',
          '-At',
          '-h',
          cluster.socketDir,
          '-p',
          String(port),
          '-U',
          'postgres',
          '-d',
          'postgres',
          '-c',
          sql,
        ])
        .then((s) => s.trim());
    try {
      for (let i = 0; i < 300 && (await q('select pg_is_in_recovery()')) !== 'f'; i++) await sleep(100);
      assert.equal(await q('select pg_is_in_recovery()'), 'f');
      return {
        rows: await q('select count(*) from precious'),
        keep: await q("select string_agg(id::text, ',' order by id) from keep"),
      };
    } finally {
      await cluster
        .asOwner(join(PG15_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'])
        .catch(() => undefined);
      rmSync(data, { recursive: true, force: true });
    }
  }

  it('brings the dropped table back with all its rows by time', async () => {
    assert.deepEqual(await recover({ kind: 'time', value: targetTime }), { rows: String(ROWS), keep: '1,2' });
  });

  it('brings it back by named restore point', async () => {
    assert.deepEqual(await recover({ kind: 'name', value: 'before drop' }), { rows: String(ROWS), keep: '1,2' });
  });

  it('brings it back by LSN', async () => {
    assert.deepEqual(await recover({ kind: 'lsn', value: targetLsn }), { rows: String(ROWS), keep: '1,2' });
  });

  it('refuses a target before the backup ended', () => {
    const before = new Date(Date.parse(result.window.from.time!) - 1000).toISOString();
    const issues = validateModel(
      {
        serverMajor: 15,
        target: { kind: 'time', value: before },
        inclusive: true,
        timeline: 'latest',
        action: 'promote',
        source: { kind: 'cp', dir: archive },
      },
      result.window,
    );
    assert.equal(issues[0]?.severity, 'error');
    assert.match(issues[0].message, /before the backup ended.*The recoverable window is from the backup's end/);
  });

  it('reports a segment removed from the middle of the archive as a gap', async () => {
    const copy = join(work, 'gapped');
    cpSync(archive, copy, { recursive: true });
    const segs = readdirSync(copy)
      .filter((n) => /^[0-9A-F]{24}$/.test(n))
      .sort();
    const startSeg = result.backup.label!.startWalFile!;
    const middle = segs.filter((s) => s > startSeg).slice(0, -1)[0];
    assert.ok(middle, `segments: ${segs.join(' ')}`);
    rmSync(join(copy, middle));
    const gapped = await recoverableWindow({ backupDir, archiveDir: copy, pgWaldump: join(PG15_BIN, 'pg_waldump') });
    assert.deepEqual(
      gapped.window.gaps.map((g) => [g.first, g.count]),
      [[middle, 1]],
    );
    assert.match(
      validateModel(
        {
          serverMajor: 15,
          target: { kind: 'latest' },
          inclusive: true,
          timeline: 'latest',
          action: 'promote',
          source: { kind: 'cp', dir: copy },
        },
        gapped.window,
      )[0].message,
      new RegExp(`missing from the archive \\(${middle}`),
    );
  });

  it('reads the archiving settings, and generates no change for the archive already in use', async () => {
    const current = await withClient(parseConnectionString(cluster.url()).params, {}, readArchivingSettings);
    assert.deepEqual(
      { ...current, archive_timeout: undefined },
      {
        wal_level: 'replica',
        archive_mode: 'on',
        archive_command: archiveCommand({ kind: 'cp', dir: archive }),
        archive_library: '',
        archive_timeout: undefined,
        canAlterSystem: true,
      },
    );
    assert.deepEqual(archiveSetup({ kind: 'cp', dir: archive }, current), {
      ...archiveSetup({ kind: 'cp', dir: archive }, current),
      confLines: [],
      apply: 'nothing',
    });
    assert.equal(archiveSetup({ kind: 'cp', dir: '/elsewhere' }, current).apply, 'reload');
  });

  it('explains a role without the REPLICATION privilege', async () => {
    await cluster.psql('create role clerk login');
    await assert.rejects(
      takeBaseBackup({
        params: { ...parseConnectionString(cluster.url()).params, user: 'clerk' },
        options: { format: 'plain' },
        out: join(work, 'denied'),
        toolSet: pgToolSet,
      }),
      /Role "clerk" may not take base backups: it lacks the REPLICATION privilege\./,
    );
    assert.ok(!existsSync(join(work, 'denied')));
  });

  it('cancels a base backup and leaves no folder behind', async () => {
    const ac = new AbortController();
    const out = join(work, 'cancelled');
    await assert.rejects(
      takeBaseBackup({
        params: parseConnectionString(cluster.url()).params,
        options: { format: 'tar' },
        out,
        toolSet: pgToolSet,
        signal: ac.signal,
        onProgress: () => ac.abort(),
      }),
      CancelledError,
    );
    assert.ok(!existsSync(out));
    assert.deepEqual(
      readdirSync(work).filter((n) => n.includes('partial')),
      [],
    );
  });
});
