/**
 * The pgBackRest engine for real (Debian's pgBackRest 2.45, PostgreSQL 15): a throwaway cluster archiving into a
 * local repository set up with the generated configuration; full then incremental backups with progress; the core
 * reads them back; a table dropped after a recorded time comes back with every row through a drill from the
 * repository; an exclusive and an inclusive time target either side of one commit; a restore into a folder; verify and expire; and the errors a user meets (a wrong stanza).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineFor } from '../../src/core/engines';
import { runPgbackrest } from '../../src/core/engines/pgbackrest/run';
import { runRepoDrill } from '../../src/core/engines/repo-drill';
import type { BackupEngine, RepoInfo } from '../../src/core/engines/types';
import { CancelledError, PgBackupError } from '../../src/core/errors';
import { discoverTools, type ToolSet } from '../../src/core/tools/discover';
import { startPgbackrestCluster, type PgbackrestCluster } from '../support/pgbackrest-repo';
import { sleep } from '../support/time';
import { workFolder } from '../support/work-folder';

const ROWS = 1000;

describe('pgBackRest engine (pgBackRest 2.45, PostgreSQL 15)', function () {
  this.timeout(300_000);
  let pgbr: PgbackrestCluster;
  let engine: BackupEngine;
  let toolSets: ToolSet[];
  let targetTime: string;
  let work: string;

  before(async () => {
    work = workFolder('pgb-pgbackrest-test-', 0o755);
    pgbr = await startPgbackrestCluster();
    engine = await engineFor(pgbr.repo);
    toolSets = await discoverTools();
    await pgbr.cluster.psql('create table keep (id int); insert into keep select generate_series(1, 50)');
  });

  after(async () => {
    await pgbr?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('discovers pgbackrest on PATH with its version', async () => {
    const found = await engine.discover();
    assert.ok(found, 'pgbackrest not found');
    assert.match(found.version, /^2\.\d+/);
    assert.ok(found.path.endsWith('/pgbackrest'));
  });

  it('takes a full and then an incremental backup, with progress from pgBackRest', async () => {
    const fractions: number[] = [];
    const messages: string[] = [];
    const full = await engine.backup(pgbr.repo, 'full', {
      onProgress: (f, m) => {
        if (f !== undefined) fractions.push(f);
        messages.push(m);
      },
    });
    assert.equal(full.type, 'full');
    assert.deepEqual(full.references, []);
    assert.ok(fractions.length > 10, `only ${fractions.length} progress reports`);
    assert.equal(fractions.at(-1), 1);
    assert.ok(
      fractions.every((f, i) => i === 0 || f >= fractions[i - 1]),
      'progress went backwards',
    );
    assert.ok(
      messages.some((m) => /backup start archive/.test(m)),
      messages.join('\n'),
    );
    await pgbr.cluster.psql(
      `create table precious (id int primary key, note text); insert into precious select g, 'row ' || g from generate_series(1, ${ROWS}) g`,
    );
    const incr = await engine.backup(pgbr.repo, 'incr');
    assert.equal(incr.type, 'incr');
    assert.deepEqual(incr.references, [full.label]);
    assert.match(incr.label, new RegExp(`^${full.label}_\\d{8}-\\d{6}I$`));
  });

  it('reads the backups back: types, references, LSNs, sizes, the archive range and the system id', async () => {
    const info: RepoInfo = await engine.info(pgbr.repo);
    assert.equal(info.status.ok, true, info.status.message);
    assert.equal(info.pgVersion, '15');
    const systemId = await pgbr.cluster.psql('select system_identifier from pg_control_system()');
    assert.equal(info.systemId, systemId, 'the 64-bit system id must survive JSON parsing');
    assert.deepEqual(
      info.backups.map((b) => b.type),
      ['full', 'incr'],
    );
    const [full, incr] = info.backups;
    assert.ok(Date.parse(full.startedAt) <= Date.parse(full.stoppedAt));
    assert.ok(Date.parse(full.stoppedAt) <= Date.parse(incr.startedAt));
    const lsn = (s?: string) => {
      const [hi, lo] = s!.split('/');
      return BigInt(`0x${hi}`) * 2n ** 32n + BigInt(`0x${lo}`);
    };
    assert.ok(lsn(full.startLsn) < lsn(full.stopLsn) && lsn(full.stopLsn) < lsn(incr.startLsn));
    assert.ok(full.databaseBytes! > 10_000_000, 'a fresh cluster is ~22 MB');
    assert.ok(incr.repositoryBytes! < full.repositoryBytes!, 'the incremental holds only what changed');
    assert.ok(incr.repositoryTotalBytes! >= full.repositoryBytes!);
    assert.equal(full.timeline, 1);
    assert.ok(info.archive?.min && info.archive.max);
    assert.ok(info.archive.min <= full.walStart! && info.archive.max >= incr.walStop!);
    assert.equal(info.backupRunning, false);
  });

  it('a drill from the repository brings back a table dropped after a recorded time, with every row', async () => {
    await sleep(1100);
    targetTime = await pgbr.cluster.psql(
      `select to_char(now() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'`,
    );
    await sleep(1100);
    await pgbr.cluster.psql('drop table precious');
    await pgbr.switchAndArchive();
    const steps: string[] = [];
    const r = await runRepoDrill({
      repo: pgbr.repo,
      target: { kind: 'time', value: targetTime },
      toolSets,
      onProgress: (s) => steps.push(s),
    });
    assert.equal(r.passed, true, r.problems.join('; ') + '\n' + r.logTail);
    assert.equal(r.reachedTarget, true);
    const precious = r.tables.find((t) => t.name === 'precious');
    assert.equal(precious?.rows, ROWS, JSON.stringify(r.tables));
    assert.equal(r.tables.find((t) => t.name === 'keep')?.rows, 50);
    assert.equal(r.backup.type, 'incr', 'the newest backup before the target is picked');
    assert.ok(steps.includes('Restoring from the repository'));
  });

  it('drills the newest backup to its consistent end (immediate) by default', async () => {
    const r = await runRepoDrill({ repo: pgbr.repo, toolSets });
    assert.equal(r.passed, true, r.problems.join('; ') + '\n' + r.logTail);
    assert.equal(r.tables.find((t) => t.name === 'precious')?.rows, ROWS);
  });

  it('an exclusive time target stops just before the transaction committed at it, an inclusive one just after', async () => {
    // The target is a commit's own timestamp (track_commit_timestamp), to the microsecond, as in its WAL record.
    await pgbr.cluster.psql('alter system set track_commit_timestamp = on');
    await pgbr.cluster.stop();
    await pgbr.cluster.start();
    await pgbr.cluster.psql('create table edge (id int); insert into edge values (1)');
    await pgbr.cluster.psql('insert into edge values (2)');
    const committed = await pgbr.cluster.psql(
      `select to_char(pg_xact_commit_timestamp(xmin) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' from edge where id = 2`,
    );
    assert.match(committed, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00$/);
    await pgbr.cluster.psql('insert into edge values (3)'); // a later commit: recovery passes the target
    await pgbr.switchAndArchive();
    const target = { kind: 'time' as const, value: committed };
    const argv = engine.restoreArgv({ repo: pgbr.repo, to: '/r', target, inclusive: false });
    assert.deepEqual(argv.slice(3, 6), ['--type=time', `--target=${committed}`, '--target-exclusive']);
    const edgeRows = async (inclusive: boolean) => {
      const r = await runRepoDrill({ repo: pgbr.repo, target, inclusive, toolSets });
      assert.equal(r.passed, true, r.problems.join('; ') + '\n' + r.logTail);
      assert.equal(r.reachedTarget, true);
      assert.equal(r.inclusive, inclusive);
      return r.tables.find((t) => t.name === 'edge')?.rows;
    };
    assert.equal(await edgeRows(false), 1, 'exclusive: the row committed at the target is not there');
    assert.equal(await edgeRows(true), 2, 'inclusive: the row committed at the target is there, the next one not');
  });

  it('restores into a folder with recovery configured, via a partial folder, and refuses a target before the oldest backup', async () => {
    const to = join(work, 'restored');
    const r = await engine.restore({
      repo: pgbr.repo,
      to,
      target: { kind: 'time', value: targetTime },
      action: 'shutdown',
    });
    assert.match(r.label, /I$/);
    assert.ok(existsSync(join(to, 'PG_VERSION')));
    assert.ok(existsSync(join(to, 'recovery.signal')));
    const auto = readFileSync(join(to, 'postgresql.auto.conf'), 'utf8');
    assert.match(auto, /recovery_target_time = '/);
    assert.match(auto, /recovery_target_action = 'shutdown'/);
    assert.match(auto, /restore_command = 'pgbackrest .*--stanza=demo archive-get/);
    assert.doesNotMatch(auto, /partial/, 'the partial folder name must not end up in the restored settings');
    assert.ok(auto.includes(`--pg1-path=${to} `), auto);
    assert.deepEqual(
      readdirSync(work).filter((n) => n.includes('partial')),
      [],
    );
    await assert.rejects(
      engine.restore({
        repo: pgbr.repo,
        to: join(work, 'early'),
        target: { kind: 'time', value: '2020-01-01 00:00:00+00' },
      }),
      (e: PgBackupError) => e.kind === 'input' && /before the backup ended/.test(e.message),
    );
    assert.equal(existsSync(join(work, 'early')), false);
    await assert.rejects(
      engine.restore({ repo: pgbr.repo, to, target: { kind: 'immediate' } }),
      (e: PgBackupError) => e.kind === 'input' && /not empty/.test(e.message),
    );
  });

  it('the restore argv is what a user would type', () => {
    const argv = engine.restoreArgv({
      repo: pgbr.repo,
      to: '/var/lib/postgresql/15/main',
      target: { kind: 'time', value: '2026-12-02 10:00:00 CET' },
      action: 'promote',
    });
    assert.deepEqual(argv, [
      'pgbackrest',
      `--config=${pgbr.repo.config}`,
      '--stanza=demo',
      '--type=time',
      '--target=2026-12-02 10:00:00+01:00',
      '--target-action=promote',
      '--pg1-path=/var/lib/postgresql/15/main',
      'restore',
    ]);
  });

  it('verifies the repository', async () => {
    const r = await engine.verify(pgbr.repo);
    assert.equal(r.ok, true, r.message);
  });

  it('expires past retention (2 full backups): dry run first, then for real', async () => {
    const first = (await engine.info(pgbr.repo)).backups[0].label;
    await engine.backup(pgbr.repo, 'full');
    await engine.backup(pgbr.repo, 'full');
    // backup runs expire itself: the oldest full and its incremental are gone already.
    const info = await engine.info(pgbr.repo);
    assert.equal(
      info.backups.some((b) => b.label.startsWith(first)),
      false,
    );
    assert.deepEqual((await engine.expire(pgbr.repo, { dryRun: true })).removed, []);
  });

  it('stops a backup cleanly on cancel: the lock is released and the next backup works', async () => {
    await pgbr.cluster.psql('create table bulk as select g, md5(g::text) m from generate_series(1, 400000) g');
    const controller = new AbortController();
    const started = Date.now();
    await assert.rejects(
      engine.backup(pgbr.repo, 'full', {
        signal: controller.signal,
        onProgress: (f) => {
          if (f !== undefined && f > 0) controller.abort();
        },
      }),
      CancelledError,
    );
    assert.ok(Date.now() - started < 60_000);
    const info = await engine.info(pgbr.repo);
    assert.equal(info.backupRunning, false, 'pgBackRest still holds the backup lock');
    const next = await engine.backup(pgbr.repo, 'incr');
    assert.equal(next.type, 'incr');
  });

  it("a missing archive_command fails check with the step, pgBackRest's words and what to set", async () => {
    await pgbr.cluster.psql("alter system set archive_command = ''");
    await pgbr.cluster.psql('select pg_reload_conf()');
    try {
      await assert.rejects(runPgbackrest({ repo: pgbr.repo, command: 'check' }), (e: PgBackupError) => {
        assert.equal(e.kind, 'input', e.message);
        assert.match(e.message, /^pgBackRest check failed: .*archive_command/);
        assert.match(e.hint ?? '', /archive_command = 'pgbackrest --stanza=… archive-push %p'/);
        return true;
      });
    } finally {
      await pgbr.cluster.psql('alter system reset archive_command');
      await pgbr.cluster.psql('select pg_reload_conf()');
    }
  });

  it('a repository its user cannot write fails stanza-create as an I/O error naming who must write it', async function () {
    if (process.getuid?.() !== 0) this.skip(); // only root can make a folder the postgres user cannot write
    const locked = join(work, 'locked-repo');
    mkdirSync(locked, { mode: 0o755 });
    const conf = join(work, 'locked.conf');
    writeFileSync(
      conf,
      pgbr.setup.configText.replace(/^repo1-path=.*$/m, `repo1-path=${locked}`).replace(/\[demo\]/, '[locked]'),
      { mode: 0o644 },
    );
    await assert.rejects(
      runPgbackrest({ repo: { engine: 'pgbackrest', name: 'locked', config: conf }, command: 'stanza-create' }),
      (e: PgBackupError) => {
        assert.equal(e.kind, 'io', e.message);
        assert.match(e.message, /^pgBackRest stanza-create failed: .*Permission denied/);
        assert.match(e.hint ?? '', /"postgres" when pg-backup runs as root/);
        return true;
      },
    );
  });

  it("names a wrong stanza with pgBackRest's own words and the step that failed", async () => {
    const wrong = { ...pgbr.repo, name: 'nope' };
    await assert.rejects(engine.info(wrong), (e: PgBackupError) => {
      assert.equal(e.kind, 'input');
      assert.match(e.message, /no stanza "nope".*missing stanza path/);
      return true;
    });
    await assert.rejects(engine.backup(wrong, 'full'), (e: PgBackupError) => {
      assert.equal(e.kind, 'input');
      assert.match(e.message, /^pgBackRest backup failed: backup command requires option: pg1-path/);
      assert.match(e.hint ?? '', /stanza name "nope"/);
      return true;
    });
  });
});
