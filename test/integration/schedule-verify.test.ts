import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJobStatus } from '../../src/core/schedule';
import { readStatus } from '../../src/core/status/read-status';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { damageDumpsOf } from '../support/damaging-pg-dump';
import { buildCli, ROOT, runCli } from './run-cli';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const env = { ...process.env, PGBACKUP_TOOL_FOLDERS: PG15_BIN };

/** Runs a generated job script as cron or systemd would. */
const runJob = (script: string) => spawnSync(script, [], { encoding: 'utf8', env });

const drillLines = (dir: string) =>
  readFileSync(join(dir, '.pgbackup', 'drills.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { passed: boolean; backup: { path: string }; problems: string[] });

describe('pg-backup schedule --verify: the generated job drills its dumps, for real', function () {
  this.timeout(300_000);
  let cluster: Cluster;
  let base: string;
  let dir: string;
  let script: string;
  const dumps = () =>
    readdirSync(dir)
      .filter((f) => /^shop-\d{8}-\d{6}\.dump$/.test(f))
      .sort();
  const status = () => JSON.parse(readFileSync(join(dir, 'pg-backup-shop.status.json'), 'utf8'));

  before(async () => {
    buildCli();
    cluster = await startCluster();
    await cluster.psql('create database shop');
    await cluster.psql(
      'create table orders (id serial primary key, total numeric); ' +
        'insert into orders (total) select g from generate_series(1, 2000) g',
      'shop',
    );
    base = mkdtempSync(join(tmpdir(), 'pgb-schedule-verify-'));
    dir = join(base, 'backups');
  });
  after(async () => {
    await destroyCluster(cluster);
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('writes a job that names this CLI and node by absolute path, with the OnFailure unit', async () => {
    const args = ['schedule', cluster.url('shop'), '--every', 'daily', '--keep', '2', '--kind', 'systemd'];
    const r = await runCli([...args, '--out', dir, '--verify', 'every']);
    assert.equal(r.code, 0, r.stderr);
    script = join(dir, 'pg-backup-shop.sh');
    const text = readFileSync(script, 'utf8');
    assert.match(text, new RegExp(`^PGBACKUP_CLI='${join(ROOT, 'dist', 'cli.js')}'$`, 'm'));
    assert.match(text, new RegExp(`^NODE='${process.execPath}'$`, 'm'));
    const service = readFileSync(join(dir, 'pg-backup-shop.service'), 'utf8');
    assert.match(service, /^OnFailure=pg-backup-shop-failure@%n\.service$/m);
    assert.ok(existsSync(join(dir, 'pg-backup-shop-failure@.service')));
    assert.match(r.stdout, /Each new dump is drilled after every run by .*dist\/cli\.js/);
  });

  it('a passing drill is logged where the Backups view reads drills, and the status file says ok', async () => {
    for (let run = 0; run < 2; run++) {
      if (run) await sleep(1100); // names carry the second
      const r = runJob(script);
      assert.equal(r.status, 0, `run ${run + 1}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /pg-backup-shop: restore drill passed/);
      assert.match(r.stdout, /Restore drill PASSED: shop-\d{8}-\d{6}\.dump/);
    }
    const kept = dumps();
    assert.equal(kept.length, 2);
    const drills = drillLines(dir);
    assert.deepEqual(
      drills.map((d) => [d.backup.path, d.passed]),
      kept.map((f) => [join(dir, f), true]),
    );
    const s = status();
    assert.equal(s.exitCode, 0);
    assert.equal(s.backup, join(dir, kept[1]));
    assert.deepEqual(s.drill, { result: 'passed' });
    assert.equal(s.reason, null);
    assert.ok(s.output.length > 0 && s.output.length <= 20, `${s.output.length} lines`);
    assert.ok(s.output.some((l: string) => /restore drill passed/.test(l)));
    assert.equal(readdirSync(dir).filter((f) => f.includes('.tmp.')).length, 0, 'no temporary status file left');

    const read = await readJobStatus(join(dir, 'pg-backup-shop.status.json'));
    assert.equal(read?.ok, true);
    assert.equal(read?.database, 'shop');
    assert.equal(read?.server, `127.0.0.1:${cluster.port}`);
    const report = await readStatus({ backupFolders: [dir], logFolders: [], servers: [] });
    const row = report.rows.find((x) => x.database === 'shop');
    assert.equal(row?.scheduledJob?.ok, true);
    assert.equal(row?.scheduledJob?.failure, undefined);
    assert.equal(row?.drill?.passed, true);
    assert.equal(row?.newestGood?.name, kept[1]);
  });

  it('a corrupted dump fails its drill: exit 1, the status file says why, no good backup is pruned', async () => {
    const good = dumps();
    await sleep(1100);
    // A real pg_dump whose table data is then overwritten: the sidecar's sha256 matches it, only a restore can tell.
    const broken = join(dir, 'pg-backup-shop.sh');
    const original = readFileSync(broken, 'utf8');
    damageDumpsOf(
      broken,
      base,
      'pg_dump-then-corrupt',
      'dd if=/dev/zero of="$f" bs=1 seek=$(( $(stat -c %s "$f") * 2 / 3 )) count=64 conv=notrunc status=none',
    );
    let bad = '';
    try {
      const r = runJob(broken);
      assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /pg-backup-shop: the restore drill of .*shop-\d{8}-\d{6}\.dump failed: .+; no backup was/);
      const s = status();
      assert.equal(s.exitCode, 1);
      assert.equal(s.drill.result, 'failed');
      assert.match(s.drill.detail, /^pg_restore reported \d+ errors?; the first: could not uncompress data/);
      assert.match(s.reason, /^the restore drill of .* failed: /);
      const now = dumps();
      assert.equal(now.length, 3, `all kept: ${now.join(', ')}`);
      for (const g of good) assert.ok(now.includes(g), `${g} is still there`);
      assert.equal(drillLines(dir).at(-1)?.passed, false);

      const report = await readStatus({ backupFolders: [dir], logFolders: [], servers: [] });
      const row = report.rows.find((x) => x.database === 'shop');
      assert.equal(row?.scheduledJob?.ok, false);
      assert.match(row?.scheduledJob?.failure ?? '', /^scheduled job failed \d+s ago: the restore drill of /);
      assert.equal(row?.newestGood?.name, good[1], 'the newest good backup is the last one that passed');
      const cli = await runCli(['status', '--backups', dir]);
      assert.match(cli.stdout, /SCHEDULED JOB/);
      assert.match(cli.stdout, /scheduled job failed \d+s ago: the restore drill of /);
      bad = now[2];
      assert.match(readFileSync(join(dir, `${bad}.drill-failed`), 'utf8'), /could not uncompress data/);
    } finally {
      writeFileSync(broken, original);
    }
    // The next good run keeps the newest two good dumps: the failed one neither counts nor goes.
    await sleep(1100);
    const next = runJob(script);
    assert.equal(next.status, 0, next.stderr);
    const after = dumps();
    assert.deepEqual(after.slice(0, 2), [good[1], bad], 'the oldest good one was pruned, the failed one stays');
    assert.equal(after.length, 3, after.join(', '));
    assert.ok(existsSync(join(dir, `${bad}.drill-failed`)));
  });

  it('a daily drill runs once a day: the next run that day skips it', async () => {
    const daily = join(base, 'daily');
    const args = ['schedule', cluster.url('shop'), '--every', 'hourly', '--keep', '3', '--out', daily];
    assert.equal((await runCli([...args, '--verify', 'daily', '--log', join(base, 'drill-log')])).code, 0);
    const job = join(daily, 'pg-backup-shop.sh');
    const first = runJob(job);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /restore drill passed/);
    await sleep(1100);
    const second = runJob(job);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /restore drill skipped: a drill of this job passed in \d{4}-\d{2}-\d{2} already/);
    const s = JSON.parse(readFileSync(join(daily, 'pg-backup-shop.status.json'), 'utf8'));
    assert.equal(s.drill.result, 'skipped');
    assert.match(s.lastDrill.period, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(drillLines(join(base, 'drill-log')).length, 1, 'one drill, logged in --log');
    assert.match(readFileSync(join(daily, 'pg-backup-shop.cron'), 'utf8'), /^# MAILTO=you@example\.com$/m);
  });

  it('a job whose CLI moved fails at start, naming the path it expected and how to regenerate it', async () => {
    const cliDir = join(base, 'cli-here');
    cpSync(join(ROOT, 'dist', 'cli.js'), join(cliDir, 'cli.js'));
    cpSync(join(ROOT, 'dist', 'vendor'), join(cliDir, 'vendor'), { recursive: true });
    const out = join(base, 'moved');
    const made = spawnSync(
      process.execPath,
      [join(cliDir, 'cli.js'), 'schedule', cluster.url('shop'), '--every', 'daily', '--keep', '1', '--out', out].concat(
        ['--verify', 'weekly'],
      ),
      { encoding: 'utf8', env },
    );
    assert.equal(made.status, 0, made.stderr);
    renameSync(cliDir, join(base, 'cli-elsewhere'));
    const r = runJob(join(out, 'pg-backup-shop.sh'));
    assert.equal(r.status, 3);
    const first = r.stderr.split('\n')[0];
    assert.match(
      first,
      new RegExp(
        `the pg-backup CLI is not at ${join(cliDir, 'cli.js')} any more .*Regenerate the job: cd .* && pg-backup `,
      ),
    );
    assert.deepEqual(
      readdirSync(out).filter((f) => f.endsWith('.dump')),
      [],
      'no dump without its drill',
    );
    const s = await readJobStatus(join(out, 'pg-backup-shop.status.json'));
    assert.equal(s?.exitCode, 3);
    assert.match(s?.reason ?? '', /the pg-backup CLI is not at .*cli-here\/cli\.js any more/);
    assert.equal(s?.backup, undefined);
  });
});
