/**
 * The Barman engine for real: a throwaway PostgreSQL 15 cluster with a backup role and a replication role that
 * need passwords over 127.0.0.1 (from a pgpass file), Barman 3.4 as its own OS user with backup_method = postgres
 * and streaming WAL over a slot, set up from the generated configuration; a backup with progress from the bytes it
 * wrote, which the core reads back; a recovery to a time that brings back a dropped table's rows; drills either
 * side of one transaction (--exclusive); check-backup and verify-backup; a cancelled backup that leaves nothing in
 * the catalog; and the refusals (incremental, a target before the oldest backup, a folder that is not empty).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barmanEngine } from '../../src/core/engines/barman/engine';
import { findOnPath } from '../../src/core/engines/find-binary';
import { applyBarmanSetup, barmanSetup } from '../../src/core/engines/barman';
import type { RepoSpec } from '../../src/core/engines/types';
import { PgBackupError } from '../../src/core/errors';
import { PG15_BIN, destroyCluster, freePort, type Cluster } from '../support/cluster';
import { sleep } from '../support/time';
import { buildCli, runCli } from './run-cli';
import { workFolder } from '../support/work-folder';
import { startBarmanCluster } from '../support/barman-cluster';

const BACKUP_PASSWORD = 'bkp-Secret-42';
const STREAM_PASSWORD = 'str-Secret-43';
const ROWS = 1000;
const isRoot = process.getuid?.() === 0;

function barmanCli(config: string, args: string[]): string {
  const argv = ['barman', '-c', config, ...args];
  const [file, a] = isRoot ? ['runuser', ['-u', 'barman', '--', ...argv]] : [argv[0], argv.slice(1)];
  return execFileSync(file, a, { encoding: 'utf8', cwd: '/' });
}

async function rejectsWith(p: Promise<unknown>, kind: string, message: RegExp): Promise<PgBackupError> {
  const e = await p.then(
    () => assert.fail('expected a refusal'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof PgBackupError, String(e));
  assert.equal(e.kind, kind, e.message);
  assert.match(e.message, message);
  return e;
}

describe('Barman engine (Barman 3.4, PostgreSQL 15, streaming WAL)', function () {
  this.timeout(300_000);
  let cluster: Cluster;
  let work: string;
  let config: string;
  let repo: RepoSpec;
  let label: string;
  let targetTime: string;
  let restored: string | undefined;
  let restoredPort = 0;
  const lines: string[] = [];

  before(async function () {
    // Barman comes from Debian (the test command installs it); without it there is nothing to run.
    if (!(await findOnPath('barman'))) this.skip();
    if (isRoot) {
      try {
        execFileSync('id', ['-u', 'barman'], { stdio: 'ignore' });
      } catch {
        this.skip();
      }
    }
    cluster = await startBarmanCluster({ backup: BACKUP_PASSWORD, stream: STREAM_PASSWORD });
    work = workFolder('pgb-barman-', 0o755);
    const home = join(work, 'home');
    config = join(work, 'barman.conf');
    const passfile = join(work, 'pgpass');
    writeFileSync(
      passfile,
      `127.0.0.1:${cluster.port}:*:pgb_backup:${BACKUP_PASSWORD}\n127.0.0.1:${cluster.port}:*:pgb_stream:${STREAM_PASSWORD}\n`,
      { mode: 0o600 },
    );
    if (isRoot) {
      const uid = Number(execFileSync('id', ['-u', 'barman']).toString());
      const gid = Number(execFileSync('id', ['-g', 'barman']).toString());
      chownSync(passfile, uid, gid);
    }
    const setup = barmanSetup({
      server: 'pg15',
      configFile: config,
      home,
      pgBin: PG15_BIN,
      host: '127.0.0.1',
      port: cluster.port,
      user: 'pgb_backup',
      streamingUser: 'pgb_stream',
      passfile,
      retention: { redundancy: 2 },
    });
    assert.doesNotMatch(setup.config, /Secret/);
    repo = { engine: 'barman', name: 'pg15', config };
    const setupStarted = Date.now();
    await applyBarmanSetup('pg15', setup, {
      onLine: (l) => lines.push(l),
      log: (l) => lines.push(l),
      walActivity: () => cluster.psql('select txid_current()'),
    });
    console.log(`      Barman set up in ${Date.now() - setupStarted} ms`);
    await cluster.psql(
      `create table precious (id int primary key, note text); insert into precious select g, 'row ' || g from generate_series(1, ${ROWS}) g`,
    );
  });

  after(async () => {
    if (config && existsSync(config)) {
      try {
        barmanCli(config, ['receive-wal', '--stop', 'pg15']);
      } catch {
        // not running
      }
    }
    if (restored) {
      await cluster
        .asOwner(join(PG15_BIN, 'pg_ctl'), ['-D', restored, '-m', 'immediate', '-w', 'stop'])
        .catch(() => undefined);
    }
    await destroyCluster(cluster);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('writes a self-contained configuration and streams WAL into Barman', () => {
    const text = readFileSync(config, 'utf8');
    assert.match(text, /^backup_method = postgres$/m);
    assert.match(text, /^streaming_archiver = on$/m);
    assert.match(text, /^slot_name = barman_pg15$/m);
    assert.match(text, /passfile=/);
    assert.doesNotMatch(text, /Secret/);
    const slots = execFileSync(
      'runuser',
      [
        '-u',
        'postgres',
        '--',
        join(PG15_BIN, 'psql'),
        '-h',
        cluster.socketDir,
        '-p',
        String(cluster.port),
        '-U',
        'postgres',
        '-Atc',
        'select slot_name from pg_replication_slots',
      ],
      { encoding: 'utf8' },
    );
    assert.match(slots, /barman_pg15/);
    assert.ok(
      lines.some((l) => /receive-wal/.test(l)),
      lines.join('\n'),
    );
  });

  it('refuses an incremental backup: backup_method = postgres is full only', async () => {
    await rejectsWith(barmanEngine.backup(repo, 'incr'), 'usage', /full backups only/);
  });

  it('takes a full backup with the bytes copied as progress, and reads it back from Barman diagnose', async () => {
    const progress: string[] = [];
    const fractions: number[] = [];
    // pg_basebackup --max-rate (Barman's bandwidth_limit, kB/s) makes the ~30 MB copy last seconds, not a blink.
    const plain = readFileSync(config, 'utf8');
    writeFileSync(config, `${plain}bandwidth_limit = 8192\n`);
    const b = await barmanEngine
      .backup(repo, 'full', {
        onProgress: (f, m) => {
          progress.push(m);
          if (f !== undefined) fractions.push(f);
        },
      })
      .finally(() => writeFileSync(config, plain));
    label = b.label;
    const between = fractions.filter((f) => f > 0 && f < 1);
    assert.ok(between.length > 0, `no fraction between 0 and 1: ${fractions.join(', ')}\n${progress.join('\n')}`);
    assert.ok(
      fractions.every((f, i) => i === 0 || f > fractions[i - 1]),
      `progress did not increase: ${fractions.join(', ')}`,
    );
    assert.equal(fractions.at(-1), 1);
    assert.ok(
      progress.some((m) => /: \d+(\.\d)? MB of \d+(\.\d)? MB \(\d+%\)$/.test(m)),
      progress.join('\n'),
    );
    assert.match(label, /^\d{8}T\d{6}$/);
    assert.equal(b.type, 'full');
    assert.deepEqual(b.references, []);
    assert.equal(b.error, undefined);
    assert.ok(progress.length > 0);
    const info = await barmanEngine.info(repo);
    assert.match(info.engineVersion, /^3\./);
    assert.equal(info.backups.length, 1);
    const got = info.backups[0];
    assert.equal(got.label, label);
    assert.match(got.startLsn ?? '', /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.match(got.stopLsn ?? '', /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.match(got.walStart ?? '', /^[0-9A-F]{24}$/);
    assert.ok(Date.parse(got.startedAt) <= Date.parse(got.stoppedAt));
    assert.ok((got.databaseBytes ?? 0) > 1_000_000);
    assert.equal(got.pgVersion, '15');
    assert.equal(info.pgVersion, '15');
    const systemId = await cluster.psql('select system_identifier from pg_control_system()');
    assert.equal(info.systemId, systemId);
    assert.ok(info.archive?.max && info.archive.max >= (got.walStop ?? ''), JSON.stringify(info.archive));
    assert.equal(info.archive?.timeline, 1);
    assert.equal(info.status.ok, true, info.status.message);
  });

  it('the CLI reads and verifies it: pg-backup repo info|verify barman:SERVER --config FILE', async () => {
    buildCli();
    const info = await runCli(['repo', 'info', 'barman:pg15', '--config', config, '--json']);
    assert.equal(info.code, 0, info.stderr);
    const parsed = JSON.parse(info.stdout);
    assert.deepEqual(
      parsed.backups.map((b: { label: string }) => b.label),
      [label],
    );
    const table = await runCli(['repo', 'info', 'barman:pg15', '--config', config]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`^${label}\\s+full`, 'm'));
    const verify = await runCli(['repo', 'verify', 'barman:pg15', '--config', config]);
    assert.equal(verify.code, 0, verify.stderr + verify.stdout);
    const missing = await runCli(['repo', 'info', 'barman:nope', '--config', config]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr.split('\n')[0], /no server "nope"/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
  });

  it('verifies the backup with check-backup and verify-backup', async () => {
    const v = await barmanEngine.verify(repo, { label });
    assert.equal(v.ok, true, v.message);
    assert.match(v.message, /check-backup/);
    assert.match(v.message, /verify-backup/);
    const bad = await barmanEngine.verify(repo, { label: '20000101T000000' });
    assert.equal(bad.ok, false);
    assert.match(bad.message, /Unknown backup/);
  });

  it('recovers to a time: the table dropped after it comes back with every row', async () => {
    await cluster.psql(`insert into precious values (${ROWS + 1}, 'after the backup')`);
    await sleep(1100);
    targetTime = await cluster.psql(`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'`);
    await sleep(1100);
    await cluster.psql('drop table precious');
    barmanCli(config, ['switch-wal', '--force', '--archive', '--archive-timeout', '120', 'pg15']);
    const parent = workFolder('pgb-barman-restore-', 0o755);
    const to = join(parent, 'data');
    const argv = barmanEngine.restoreArgv({
      repo,
      to,
      target: { kind: 'time', value: targetTime },
      action: 'promote',
      label,
    });
    assert.deepEqual(argv.slice(0, 4), ['barman', '-c', config, 'recover']);
    assert.ok(argv.includes('--target-time') && argv.includes('--target-action'));
    const r = await barmanEngine.restore({ repo, to, target: { kind: 'time', value: targetTime }, action: 'promote' });
    assert.equal(r.label, label);
    assert.deepEqual(readdirSync(parent), ['data'], 'no staging folder left next to it');
    assert.ok(existsSync(join(to, 'PG_VERSION')));
    restored = to;
    restoredPort = await freePort();
    const sock = join(parent, 'sock');
    mkdirSync(sock);
    if (isRoot) execFileSync('chown', ['-R', 'postgres:', parent]);
    await cluster.asOwner(join(PG15_BIN, 'pg_ctl'), [
      '-D',
      to,
      '-l',
      join(parent, 'server.log'),
      '-w',
      '-t',
      '120',
      '-o',
      `-p ${restoredPort} -c listen_addresses='' -c unix_socket_directories='${sock}'`,
      'start',
    ]);
    const psql = (sql: string) =>
      cluster.asOwner(join(PG15_BIN, 'psql'), ['-h', sock, '-p', String(restoredPort), '-U', 'postgres', '-Atc', sql]);
    for (let i = 0; i < 60 && (await psql('select pg_is_in_recovery()')).trim() === 't'; i++) await sleep(500);
    assert.equal((await psql('select count(*) from precious')).trim(), String(ROWS + 1));
    assert.equal((await psql(`select note from precious where id = ${ROWS + 1}`)).trim(), 'after the backup');
  });

  it('drills the newest backup (pg-backup verify barman:SERVER), which status --repo counts; restore --dry-run', async () => {
    const logDir = workFolder('pgb-barman-drill-log-');
    try {
      const drill = await runCli(['verify', 'barman:pg15', '--config', config, '--log', logDir, '--json']);
      assert.equal(drill.code, 0, drill.stderr + drill.stdout);
      const result = JSON.parse(drill.stdout);
      assert.equal(result.passed, true, drill.stdout);
      assert.equal(result.backup.name, label);
      const precious = result.tables.find((t: { name: string }) => /precious/.test(t.name));
      assert.equal(precious?.rows, ROWS, drill.stdout);
      assert.ok(readdirSync(logDir).length > 0);
      const status = await runCli(
        [
          'status',
          '--repo',
          'barman:pg15',
          '--config',
          config,
          '--log',
          logDir,
          '--rpo',
          '1d',
          '--rto',
          '1h',
          '--json',
        ],
        logDir,
      );
      assert.equal(status.code, 0, status.stderr + status.stdout);
      const row = JSON.parse(status.stdout).rows.find((x: { database: string }) => x.database === '(cluster)');
      assert.equal(row?.backups, 1, status.stdout);
      assert.equal(row.rpo.verdict, 'green');
      assert.equal(row.rto.verdict, 'green');
      const dry = await runCli([
        'repo',
        'restore',
        'barman:pg15',
        '--config',
        config,
        '--to',
        '/nowhere/x',
        '--target',
        'immediate',
        '--dry-run',
      ]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(
        dry.stdout.trim(),
        `barman -c ${config} recover --target-immediate --target-action promote pg15 latest /nowhere/x`,
      );
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  it('verify barman:SERVER --target xid:N --exclusive stops just before that transaction, without --exclusive just after', async () => {
    await cluster.psql('create table edge (id int)');
    const xid = await cluster.psql('insert into edge values (1) returning xmin');
    assert.match(xid, /^\d+$/);
    await cluster.psql('insert into edge values (2)');
    barmanCli(config, ['switch-wal', '--force', '--archive', '--archive-timeout', '120', 'pg15']);
    const edgeRows = async (...more: string[]) => {
      const r = await runCli([
        'verify',
        'barman:pg15',
        '--config',
        config,
        '--target',
        `xid:${xid}`,
        ...more,
        '--no-log',
      ]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, new RegExp(`\\n  target: +xid ${xid}${more.length ? ' \\(exclusive\\)' : ''}, reached;`));
      return /postgres\.public\.edge: (\d+)/.exec(r.stdout)?.[1];
    };
    assert.equal(await edgeRows('--exclusive'), '0', 'exclusive: the row of that transaction is not there');
    assert.equal(await edgeRows(), '1', 'inclusive: the row of that transaction is there, the next one not');
  });

  it('refuses a target before the oldest backup ends, a relative folder and one that is not empty', async () => {
    const parent = workFolder('pgb-barman-refuse-', 0o755);
    try {
      await rejectsWith(
        barmanEngine.restore({
          repo,
          to: join(parent, 'x'),
          target: { kind: 'time', value: '2000-01-01 00:00:00+00' },
        }),
        'input',
        /is before the backup ended/,
      );
      await rejectsWith(
        barmanEngine.restore({ repo, to: 'relative/x', target: { kind: 'latest' } }),
        'usage',
        /absolute path/,
      );
      writeFileSync(join(parent, 'keep'), 'mine');
      await rejectsWith(
        barmanEngine.restore({ repo, to: parent, target: { kind: 'latest' } }),
        'input',
        /is not empty/,
      );
      assert.deepEqual(readdirSync(parent), ['keep']);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('names what retention would expire (nothing with one backup and REDUNDANCY 2)', async () => {
    assert.deepEqual(await barmanEngine.expire(repo, { dryRun: true }), { removed: [] });
  });

  it('a cancelled backup is stopped and deleted from the catalog', async () => {
    const ac = new AbortController();
    const seen: string[] = [];
    const p = barmanEngine.backup(repo, 'full', {
      signal: ac.signal,
      onLine: (l) => {
        seen.push(l);
        if (/Starting backup copy/.test(l)) ac.abort();
      },
    });
    await rejectsWith(p, 'cancelled', /cancelled/);
    const info = await barmanEngine.info(repo);
    assert.deepEqual(
      info.backups.map((b) => b.label),
      [label],
      seen.join('\n'),
    );
    assert.ok(
      seen.some((l) => /removed the unfinished Barman backup/.test(l)),
      seen.join('\n'),
    );
  });

  it('names a server the configuration does not define', async () => {
    const e = await rejectsWith(barmanEngine.info({ ...repo, name: 'nope' }), 'input', /no server "nope"/);
    assert.match(e.hint ?? '', /pg15/);
  });

  it('kept the passwords out of the configuration, the log and every command line', () => {
    const log = readFileSync(join(work, 'home', 'barman.log'), 'utf8');
    for (const text of [readFileSync(config, 'utf8'), log, lines.join('\n')]) {
      assert.doesNotMatch(text, /Secret-4/);
    }
  });
});
