/**
 * A dump that cannot even be read (truncated) fails its restore drill: `pg-backup verify` still exits 2 with one
 * line of reason, but logs the failed drill where drills are logged, so `pg-backup status` stops counting that
 * backup as good; and a scheduled job with --verify whose new dump comes out truncated fails its run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { damageDumpsOf } from '../support/damaging-pg-dump';
import { buildCli, runCli } from './run-cli';

const drills = (dir: string) =>
  readFileSync(join(dir, '.pgbackup', 'drills.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map(
      (l) => JSON.parse(l) as { passed: boolean; unreadable?: boolean; backup: { path: string }; problems: string[] },
    );

describe('verify: a truncated dump is a failed drill, logged, and no longer a good backup', function () {
  this.timeout(300_000);
  let cluster: Cluster;
  let base: string;
  let dir: string;
  let dump: string;

  before(async () => {
    buildCli();
    cluster = await startCluster();
    await cluster.psql('create database shop');
    await cluster.psql(
      'create table orders as select g as id, md5(g::text) as note from generate_series(1, 20000) g',
      'shop',
    );
    base = mkdtempSync(join(tmpdir(), 'pgb-verify-unreadable-'));
    dir = join(base, 'backups');
    const r = await runCli([
      'dump',
      cluster.url('shop'),
      '--format',
      'custom',
      '--out',
      join(dir, 'shop.dump'),
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    dump = JSON.parse(r.stdout).path;
  });
  after(async () => {
    await destroyCluster(cluster);
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('counts the intact dump as the good backup before anything happened to it', async () => {
    const r = await runCli(['status', '--backups', dir, '--json']);
    const [row] = JSON.parse(r.stdout).rows;
    assert.equal(row.newestGood?.path, dump, r.stdout);
  });

  it('a truncated dump: exit 2 with one line, a failed drill in the log, and status says no good backup', async () => {
    truncateSync(dump, 600); // inside the table of contents: not even the list of what it holds can be read
    const r = await runCli(['verify', dump, '--log', dir]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const first = r.stderr.split('\n')[0];
    assert.match(first, /^pg-backup verify: .*shop\.dump/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.match(r.stdout, /^Restore drill FAILED: .*shop\.dump could not be read\. Logged to .*drills\.md$/m);
    const [d, ...more] = drills(dir);
    assert.deepEqual(more, []);
    assert.deepEqual([d.backup.path, d.passed, d.unreadable], [dump, false, true]);
    assert.equal(d.problems[0], `The backup could not be read: ${first.replace(/^pg-backup verify: /, '')}`);
    assert.match(d.problems[1], /checksum does not match the sha256 recorded in shop\.dump\.pgbackup\.json/);
    assert.match(
      readFileSync(join(dir, '.pgbackup', 'drills.md'), 'utf8'),
      /· FAILED · shop\.dump · could not be read · /,
    );

    const status = await runCli(['status', '--backups', dir, '--rpo', '24h', '--json']);
    assert.equal(status.code, 1, status.stdout + status.stderr);
    const [row] = JSON.parse(status.stdout).rows;
    assert.equal(row.newestGood, undefined, 'the truncated dump is not a good backup');
    assert.deepEqual([row.rpo.verdict, row.rpo.note], ['never', 'no good backup']);
    assert.deepEqual([row.drill?.path, row.drill?.passed], [dump, false]);
    const text = await runCli(['status', '--backups', dir]);
    assert.match(text.stdout, /no good backup/);
  });

  it('with --no-log nothing is written, and a missing path is bad input, not a drill', async () => {
    const before = readFileSync(join(dir, '.pgbackup', 'drills.jsonl'), 'utf8');
    const quiet = await runCli(['verify', dump, '--no-log']);
    assert.equal(quiet.code, 2);
    const missing = await runCli(['verify', join(dir, 'nothing-here.dump'), '--log', dir]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr.split('\n')[0], /^pg-backup verify: .*nothing-here\.dump/);
    assert.equal(readFileSync(join(dir, '.pgbackup', 'drills.jsonl'), 'utf8'), before);
  });

  it('a backup of ours whose header is garbled is a failed drill too; a file that is no backup is only bad input', async () => {
    const r = await runCli(['dump', cluster.url('shop'), '--format', 'custom', '--out', join(dir, 'garbled.dump')]);
    assert.equal(r.code, 0, r.stderr);
    const garbled = join(dir, 'garbled.dump');
    const bytes = readFileSync(garbled);
    bytes.fill(0, 0, 16);
    writeFileSync(garbled, bytes);
    const text = join(dir, 'notes.dump');
    writeFileSync(text, 'not a dump, and no sidecar says it is one\n');
    const before = drills(dir).length;
    assert.equal((await runCli(['verify', garbled, '--log', dir])).code, 2);
    assert.equal((await runCli(['verify', text, '--log', dir])).code, 2);
    const logged = drills(dir).slice(before);
    assert.deepEqual(
      logged.map((d) => [d.backup.path, d.passed, d.unreadable]),
      [[garbled, false, true]],
    );
  });

  it('a scheduled job whose new dump is truncated fails its run, and its status file says why', async () => {
    const jobDir = join(base, 'job');
    const args = ['schedule', cluster.url('shop'), '--every', 'daily', '--keep', '2', '--out', jobDir];
    const made = await runCli([...args, '--verify', 'every']);
    assert.equal(made.code, 0, made.stderr);
    const script = join(jobDir, 'pg-backup-shop.sh');
    // A real pg_dump whose file is then cut short (before the job takes its sha256: only reading it can tell).
    damageDumpsOf(script, base, 'pg_dump-then-truncate', 'truncate -s 600 "$f"');
    const r = spawnSync(script, [], { encoding: 'utf8', env: { ...process.env, PGBACKUP_TOOL_FOLDERS: PG15_BIN } });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /pg-backup-shop: the restore drill of .*shop-\d{8}-\d{6}\.dump failed: .+; no backup was pruned/,
    );
    const s = JSON.parse(readFileSync(join(jobDir, 'pg-backup-shop.status.json'), 'utf8'));
    assert.deepEqual([s.exitCode, s.drill.result], [1, 'failed']);
    const [d] = drills(jobDir);
    assert.deepEqual([d.passed, d.unreadable], [false, true]);
    assert.ok(statSync(`${d.backup.path}.drill-failed`).isFile());
    const status = await runCli(['status', '--backups', jobDir, '--json']);
    const [row] = JSON.parse(status.stdout).rows;
    assert.equal(row.newestGood, undefined);
    assert.match(row.scheduledJob.failure, /^scheduled job failed \d+s ago: the restore drill of /);
  });
});
