/**
 * Ctrl-C and kill on the real CLI process (dist/cli.js): the first SIGINT/SIGTERM cancels and cleans up (no
 * `.partial`, no pgpass file, no throwaway server, no scratch or half-restored database), prints one line and
 * exits 130; a second one exits at once. Also the exclusive --out, an existing backup as --out, a password in
 * <conn>, an --out where mkdir misbehaves, and a server that restarts mid-drill.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '../../src/core/connection/client';
import { parseConnectionString } from '../../src/core/connection/profile';
import { runRestoreDrill } from '../../src/core/drill/restore-drill';
import { dumpDatabase, verifyChecksum } from '../../src/core/dump';
import type { PgBackupError } from '../../src/core/errors';
import { discoverTools } from '../../src/core/tools/discover';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { processesMentioning, runCli, type CliRun } from './cli-process';
import { createShop } from './dump-fixture';
import { sleep } from '../support/time';
import { workFolder } from '../support/work-folder';

const PASSWORD = 'sig-secret';

describe('CLI signals and exclusive output (real processes)', function () {
  this.timeout(120_000);
  let cluster: Cluster;
  let work: string;
  /** The CLI's TMPDIR: pgpass files, restore list files and throwaway clusters go here, and must not stay. */
  let tmp: string;
  /** A custom dump of `bigsrc` (whose database was renamed since: `restore --create` makes it anew). */
  let bigDump: string;
  let env: NodeJS.ProcessEnv;
  let n = 0;

  const url = (db: string) => cluster.url(db);
  const fresh = (name: string) => join(work, `${++n}-${name}`);
  const leftInTmp = () => readdirSync(tmp).filter((f) => !f.startsWith('pgb-initdb-templates-'));
  const scratchDatabases = () =>
    cluster.psql(`select coalesce(string_agg(datname, ','), '') from pg_database where datname ~ '^pgbackup_drill_'`);
  const cli = (args: string[]) => runCli(args, env);
  const shop = () => ({ host: '127.0.0.1', port: cluster.port, user: 'postgres', database: 'shop' });
  const named = (part: string) => readdirSync(work).filter((f) => f.includes(part));
  /** Signals the CLI, waits for it to end, and checks the contract of a cancel. */
  async function cancel(run: CliRun, signal: NodeJS.Signals = 'SIGINT') {
    run.child.kill(signal);
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr.join('\n'));
    const last = r.stderr.at(-1)!;
    assert.equal(r.stderr.filter((l) => l.startsWith('pg-backup ')).length, 1, `one line: ${r.stderr.join('\n')}`);
    assert.deepEqual(leftInTmp(), [], 'no pgpass, list file or throwaway cluster folder is left');
    assert.deepEqual(processesMentioning(work), [], 'no pg_dump, pg_restore or throwaway server still runs');
    return last;
  }

  before(async () => {
    work = workFolder('pgb-cli-signals-', 0o755); // the throwaway server's OS user reaches its folder through here
    tmp = join(work, 'tmp');
    mkdirSync(tmp, { mode: 0o755 });
    chmodSync(tmp, 0o755);
    cluster = await startCluster({ password: PASSWORD });
    env = { ...process.env, PGPASSWORD: PASSWORD, TMPDIR: tmp, PGBACKUP_TOOL_FOLDERS: PG15_BIN };
    await cluster.psql('create database bigsrc');
    // Enough rows that pg_dump, pg_restore and the checksum take a moment here: the signals land mid-work.
    const rows = 'select g as id, md5(g::text) as a, md5((g * 7)::text) as b from generate_series(1, 200000) g';
    await cluster.psql(`create table t as ${rows}`, 'bigsrc');
    await createShop(cluster, 'shop');
    bigDump = join(work, 'bigsrc.dump');
    const params = { host: '127.0.0.1', port: cluster.port, user: 'postgres', database: 'bigsrc' };
    await dumpDatabase({ params, password: PASSWORD, options: { format: 'custom' }, out: bigDump });
    await cluster.psql('alter database bigsrc rename to big');
  });

  after(async () => {
    await destroyCluster(cluster);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  afterEach(async () => {
    assert.equal(await scratchDatabases(), '', 'no scratch database is left');
    const halfRestored = await cluster.psql(`select count(*) from pg_database where datname = 'bigsrc'`);
    assert.equal(halfRestored, '0', 'no half-restored database is left');
  });

  describe('dump', () => {
    const earlier = () => join(work, 'earlier.dump');
    before(async () => {
      await dumpDatabase({ params: shop(), password: PASSWORD, options: { format: 'custom' }, out: earlier() });
    });
    afterEach(async () => {
      assert.equal((await verifyChecksum(earlier())).ok, true, 'an earlier backup keeps its sha256');
    });

    for (const [moment, pattern, signal] of [
      ['while reading the catalog', /reading the catalog/, 'SIGINT'],
      ['mid data', /public\.t \(0\/1 tables\), [1-9][\d.]* [KM]B written/, 'SIGTERM'],
    ] as const) {
      it(`${signal} ${moment}: exit 130, one line, no .partial, no lock, no pgpass file`, async () => {
        const out = fresh('x.dump');
        const run = cli(['dump', url('big'), '--format', 'custom', '--out', out]);
        await run.line(pattern);
        const last = await cancel(run, signal);
        assert.match(last, /^pg-backup dump: cancelled(; removed \S+x\.dump\.partial)?$/);
        assert.deepEqual(named('x.dump'), [], 'nothing under the name, no .partial, no lock');
      });
    }

    it('SIGINT while checksumming: the finished partial is removed too', async () => {
      const out = fresh('x.dump');
      const run = cli(['dump', url('big'), '--format', 'custom', '--compress', '0', '--out', out]);
      await run.line(/checksumming/);
      const last = await cancel(run);
      assert.equal(last, `pg-backup dump: cancelled; removed ${out}.partial`);
      assert.deepEqual(named('x.dump'), []);
    });

    it('a second SIGINT exits at once, and the pgpass file, the lock and the partial still go', async () => {
      // The cleanup after the first SIGINT is quick: try shorter gaps until the second lands before it ends.
      let atOnce = 0;
      for (const gapMs of [1, 5, 15, 30]) {
        const out = fresh('x.dump');
        const run = cli(['dump', url('big'), '--format', 'custom', '--out', out]);
        await run.line(/public\.t/);
        run.child.kill('SIGINT');
        await sleep(gapMs);
        run.child.kill('SIGINT');
        const killed = Date.now();
        const r = await run.done;
        // A second SIGINT that lands while Node is already exiting after a finished cleanup (its signal handlers
        // are being closed) ends it by the signal itself, as a shell reports with status 130 too: the cleanup line
        // was printed, and the checks below still hold.
        const whileExiting = r.code === 'SIGINT' && /^pg-backup dump: cancelled/.test(r.stderr.at(-1) ?? '');
        assert.ok(r.code === 130 || whileExiting, `exit ${r.code}: ${r.stderr.slice(-2).join(' | ')}`);
        assert.ok(Date.now() - killed < 3000, `ended ${Date.now() - killed} ms after the second SIGINT`);
        const pgpass = readdirSync(tmp).filter((f) => f.startsWith('pg-backup-pass-'));
        assert.deepEqual(pgpass, [], 'no pgpass file outlives the process');
        assert.deepEqual(named(`${n}-x.dump`), [], 'nor the lock, nor the partial');
        if (r.stderr.at(-1) === 'pg-backup: interrupted again: stopped at once, without the cleanup') atOnce++;
        else assert.match(r.stderr.at(-1)!, /^pg-backup dump: cancelled/);
      }
      assert.ok(atOnce > 0, 'at least one second SIGINT came before the cleanup ended');
    });

    it('two dumps to the same --out: one takes it, the other fails at once and removes nothing of it', async () => {
      const out = fresh('same.dump');
      const args = ['dump', url('big'), '--format', 'custom', '--out', out];
      const [a, b] = [cli(args), cli(args)];
      const results = await Promise.all([a.done, b.done]);
      const loser = results.find((r) => r.code !== 0)!;
      const both = results.map((r) => r.stderr.join('\n')).join('\n---\n');
      assert.deepEqual(results.map((r) => r.code).sort(), [0, 3], both);
      const pid = loser === results[0] ? a.child.pid : b.child.pid;
      const winnerPid = pid === a.child.pid ? b.child.pid : a.child.pid;
      const line = `^pg-backup dump: \\S+same\\.dump is being written by another dump \\(pid ${winnerPid}\\)\\.$`;
      assert.match(loser.stderr.join('\n'), new RegExp(line, 'm'));
      assert.ok(loser.ms < results.find((r) => r.code === 0)!.ms, 'the loser ends before the winner');
      assert.equal((await verifyChecksum(out)).ok, true, "the winner's backup is whole and matches its sidecar");
      assert.deepEqual(named('same.dump').sort(), [`${n}-same.dump`, `${n}-same.dump.pgbackup.json`]);
      const again = await cli(args).done;
      assert.equal(again.code, 2);
      assert.match(again.stderr[0], /already exists: a dump never overwrites an earlier backup/);
    });

    it('--out naming an existing directory-format backup is refused (exit 2), nothing written into it', async () => {
      const dir = fresh('shop-dir');
      await dumpDatabase({ params: shop(), password: PASSWORD, options: { format: 'directory' }, out: dir });
      const before = readdirSync(dir).sort();
      for (const format of ['directory', 'custom']) {
        const r = await cli(['dump', url('shop'), '--format', format, '--out', dir]).done;
        assert.equal(r.code, 2);
        assert.equal(
          r.stderr[0],
          `pg-backup dump: ${dir} is an existing directory-format backup: a dump never writes into one.`,
        );
      }
      assert.deepEqual(readdirSync(dir).sort(), before);
      assert.equal((await verifyChecksum(dir)).ok, true);
    });

    it('--out under /proc fails at once with a clear line (no recursive mkdir spinning)', async () => {
      const r = await cli(['dump', url('shop'), '--format', 'custom', '--out', '/proc/pgb-nowhere/y.dump']).done;
      assert.ok([2, 3].includes(r.code as number), r.stderr.join('\n'));
      assert.match(r.stderr[0], /^pg-backup dump: Cannot create the folder \/proc\/pgb-nowhere: /);
      assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
    });
  });

  it('a password in <conn> is refused by every command (exit 2) with the hint, before anything runs', async () => {
    const withPassword = url('shop').replace('postgresql://postgres@', `postgresql://postgres:${PASSWORD}@`);
    const conninfo = `host=127.0.0.1 port=${cluster.port} user=postgres dbname=shop password=${PASSWORD}`;
    const out = fresh('never');
    const runs = [
      ['dump', withPassword, '--format', 'custom', '--out', out],
      ['dump', conninfo, '--format', 'custom', '--out', out],
      ['restore', bigDump, withPassword],
      ['verify', bigDump, '--conn', withPassword],
      ['basebackup', withPassword, '--out', out],
      ['schema', 'export', withPassword, '--out', out],
      ['schema', 'check', withPassword, out],
    ];
    for (const args of runs) {
      const r = await runCli(args, { ...env, PGPASSWORD: '' }).done;
      assert.equal(r.code, 2, `${args[0]}: ${r.stderr.join('\n')}`);
      assert.match(r.stderr[0], /^pg-backup [a-z ]+: The connection string holds a password: <conn> must not carry/);
      assert.match(r.stderr[1], /PGPASSWORD, ~\/\.pgpass .*service file/);
    }
    assert.equal(existsSync(out), false);
  });

  describe('restore and verify', () => {
    afterEach(async () => assert.equal((await verifyChecksum(bigDump)).ok, true, 'the dump is only read'));

    it('restore --create cancelled mid data: the half-restored database is dropped, the list file gone', async () => {
      const run = cli(['restore', bigDump, url('postgres'), '--create']);
      await run.line(/Restoring \d+\/\d+: (?:\d+% · )?processing data for table "public\.t"/);
      const last = await cancel(run);
      assert.equal(last, 'pg-backup restore: cancelled; dropped the half-restored database bigsrc');
    });

    it("restore's errors come as one prefixed line, after the summary, with no plan printed before them", async () => {
      const r = await cli(['restore', bigDump, url('shop'), '--data-only']).done;
      assert.equal(r.code, 3, r.stderr.join('\n'));
      const first = r.stderr.find((l) => !l.startsWith('Restoring '));
      assert.match(first!, /^pg-backup restore: pg_restore reported 1 error\(s\); the first \(TOC entry \d+\): /);
      assert.match(first!, /relation "public\.t" does not exist/);
      assert.match(r.stdout, /^Restored 0 of \d+ items/m);
    });

    it('verify on a throwaway cluster cancelled mid restore: the server stopped, its folder removed', async () => {
      const run = cli(['verify', bigDump, '--no-log']);
      await run.line(/Drill \d+%: Restoring/);
      const last = await cancel(run);
      assert.match(
        last,
        /^pg-backup verify: cancelled; stopped the throwaway PostgreSQL 15 server and removed \S+pgb-drill-\w+$/,
      );
    });

    it('verify --conn cancelled mid restore: the scratch database is dropped', async () => {
      const run = cli(['verify', bigDump, '--conn', url('postgres'), '--no-log']);
      await run.line(/Drill \d+%: Restoring/);
      const last = await cancel(run, 'SIGTERM');
      assert.match(last, /^pg-backup verify: cancelled; dropped the scratch database pgbackup_drill_bigsrc_\d{14}$/);
    });

    it('verify --conn when the server restarts mid-drill: the scratch database is dropped once back', async () => {
      const run = cli(['verify', bigDump, '--conn', url('postgres'), '--no-log']);
      await run.line(/Drill \d+%: Restoring/);
      await cluster.stop();
      await sleep(2500);
      await cluster.start();
      const r = await run.done;
      const text = r.stderr.join('\n');
      if (r.code === 3) {
        // It lost the server before the restore's end: the cause first, then what became of the scratch database.
        const first = r.stderr.find((l) => l.startsWith('pg-backup '))!;
        assert.match(first, /^pg-backup verify: The server postgres@127\.0\.0\.1:\d+\/postgres went away during the/);
        assert.match(text, /^dropped the scratch database pgbackup_drill_bigsrc_\d{14}$/m);
      } else {
        // The server was back before the drill needed it again: the drill fails on what pg_restore said.
        assert.equal(r.code, 1, text);
        assert.match(r.stdout, /Restore drill FAILED[\s\S]*pg_restore/);
      }
      assert.doesNotMatch(text, /Cannot connect/);
    });

    it('a drill whose server stays down past the retry names the scratch database left and its DROP', async () => {
      const facts: string[] = [];
      let stopped: Promise<void> | undefined;
      const drill = runRestoreDrill({
        path: bigDump,
        server: { params: parseConnectionString(url('postgres')).params, password: PASSWORD },
        toolSets: await discoverTools([PG15_BIN]),
        onCleanup: (f) => facts.push(f),
        dropRetry: { attempts: 2, delayMs: 200 },
        onProgress: (step) => {
          if (!stopped && step.startsWith('Restoring')) stopped = cluster.stop();
        },
      });
      const wentAway = (e: PgBackupError) => e.kind === 'unreachable' && /went away during the drill/.test(e.message);
      await assert.rejects(drill, wentAway);
      await stopped;
      await cluster.start();
      assert.equal(facts.length, 1, facts.join('\n'));
      const note = /^left the scratch database (pgbackup_drill_bigsrc_\d{14}) on postgres@127\.0\.0\.1:\d+\/postgres /;
      const left = new RegExp(`${note.source}\\(.+\\): drop it with DROP DATABASE "\\1";$`).exec(facts[0]);
      assert.ok(left, facts[0]);
      const there = await cluster.psql(`select count(*) from pg_database where datname = '${left[1]}'`);
      assert.equal(there, '1', 'it is there, as said');
      await cluster.psql(`drop database "${left[1]}"`);
    });
  });

  it('basebackup cancelled mid copy: the partial folder removed, pg_basebackup and its WAL streamer end', async () => {
    const out = fresh('base');
    const run = cli(['basebackup', url('postgres'), '--out', out]);
    await run.line(/Base backup \d+%/);
    const last = await cancel(run);
    assert.match(last, /^pg-backup basebackup: cancelled; removed \S+\.\d+-base\.partial-[0-9a-f]{8}$/);
    assert.deepEqual(
      readdirSync(work).filter((f) => f.includes('base')),
      [],
    );
  });

  it('basebackup when the server ends its connections mid copy: the cause first, not the cleanup', async () => {
    const out = fresh('base');
    const admin = await connect({ ...shop(), database: 'postgres' }, { password: PASSWORD });
    const run = cli(['basebackup', url('postgres'), '--out', out]);
    // What a server going down does to its WAL senders, at once (a pg_ctl stop can come after a small copy ends).
    // They are ended as soon as they exist: on a loaded machine the copy can be done before its first progress
    // line is read.
    const deadline = Date.now() + 30_000;
    let ended = 0;
    while (!ended && Date.now() < deadline) {
      const r = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where backend_type = 'walsender'`,
      );
      ended = r.rowCount ?? 0;
      if (!ended) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await admin.end();
    assert.ok(ended, 'the WAL senders of the base backup were seen and ended');
    const r = await run.done;
    assert.equal(r.code, 3, r.stderr.join('\n'));
    const lines = r.stderr.filter((l) => !l.startsWith('Base backup '));
    assert.match(lines[0], /^pg-backup basebackup: The connection to the server was lost during the base backup: /);
    assert.doesNotMatch(lines[0], /removing|background process/);
    assert.match(lines[1], /^Check that the server is up/);
    assert.deepEqual(
      readdirSync(work).filter((f) => f.includes('base')),
      [],
    );
    assert.deepEqual(processesMentioning(work), []);
  });
});
