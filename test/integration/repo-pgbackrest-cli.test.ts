/**
 * The `repo` commands, `verify <repo>` and `status --repo` as a user runs them (the built CLI), against a real
 * pgBackRest 2.45 repository of a throwaway PostgreSQL 15 cluster: exit codes, one-line first messages, progress on
 * stderr, the drill logged where drills are logged and counted by the RPO/RTO status.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startPgbackrestCluster, type PgbackrestCluster } from '../support/pgbackrest-repo';
import { workFolder } from '../support/work-folder';
import { buildCli, runCli } from './run-cli';

describe('pg-backup repo … against pgBackRest (CLI)', function () {
  this.timeout(300_000);
  let pgbr: PgbackrestCluster;
  let work: string;
  let repoArgs: string[];

  before(async () => {
    buildCli();
    work = workFolder('pgb-repo-cli-', 0o755);
    pgbr = await startPgbackrestCluster();
    repoArgs = ['pgbackrest:demo', '--config', pgbr.repo.config!];
    await pgbr.cluster.psql('create table orders as select g as id from generate_series(1, 321) g');
  });

  after(async () => {
    await pgbr?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('repo backup takes a full backup with progress on stderr, then an incremental', async () => {
    const full = await runCli(['repo', 'backup', ...repoArgs, '--type', 'full']);
    assert.equal(full.code, 0, full.stderr);
    assert.match(full.stdout, /^Backup \d{8}-\d{6}F \(full\) done in /);
    assert.match(full.stderr, /Copying files \(\d+%\)/);
    const incr = await runCli(['repo', 'backup', ...repoArgs, '--json']);
    assert.equal(incr.code, 0, incr.stderr);
    assert.equal(JSON.parse(incr.stdout).type, 'incr');
  });

  it('repo info lists the backups, oldest first, and --json is the RepoInfo', async () => {
    const text = await runCli(['repo', 'info', ...repoArgs]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^pgbackrest:demo \(.*\) · pgbackrest 2\.\d+ · PostgreSQL 15 · system id \d+$/);
    assert.match(text.stdout, /\n\d{8}-\d{6}F +full +/);
    assert.match(text.stdout, /\n\d{8}-\d{6}F_\d{8}-\d{6}I +incr .* \d{8}-\d{6}F$/m);
    assert.match(lines.at(-1)!, /^WAL archive: [0-9A-F]{24} … [0-9A-F]{24} \(timeline 1\)$/);
    const json = await runCli(['repo', 'info', ...repoArgs, '--json']);
    const info = JSON.parse(json.stdout);
    assert.deepEqual(
      info.backups.map((b: { type: string }) => b.type),
      ['full', 'incr'],
    );
  });

  it('verify <repo> drills the newest backup, reports what came back and logs it', async () => {
    const r = await runCli(['verify', ...repoArgs, '--log', work]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^Repository drill PASSED: pgbackrest:demo .* \d{8}-\d{6}F_\d{8}-\d{6}I \(incr\)/);
    assert.match(r.stdout, /postgres\.public\.orders: 321/);
    const log = readFileSync(join(work, '.pgbackup', 'drills.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const entry = JSON.parse(log.at(-1)!);
    assert.equal(entry.kind, 'repository');
    assert.equal(entry.passed, true);
    assert.match(readFileSync(join(work, '.pgbackup', 'drills.md'), 'utf8'), /PASSED · pgbackrest:demo/);
  });

  it('status --repo counts the repository: its newest backup for RPO, the drill for RTO', async () => {
    const r = await runCli(
      [
        'status',
        ...['--repo', 'pgbackrest:demo', '--config', pgbr.repo.config!],
        '--log',
        work,
        '--rpo',
        '1d',
        '--rto',
        '1h',
        '--json',
      ],
      work,
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const row = JSON.parse(r.stdout).rows.find((x: { database: string }) => x.database === '(cluster)');
    assert.ok(row, r.stdout);
    assert.equal(row.backups, 2);
    assert.equal(row.rpo.verdict, 'green');
    assert.equal(row.rpo.basis, 'newest repository backup');
    assert.equal(row.rto.verdict, 'green');
    assert.ok(row.rto.valueMs > 0);
    const table = await runCli(
      ['status', '--repo', 'pgbackrest:demo', '--config', pgbr.repo.config!, '--log', work],
      work,
    );
    assert.match(table.stdout, /pgbackrest:demo .*\(cluster\) +\d{8}-\d{6}F_\d{8}-\d{6}I \(incr\)/);
  });

  it('verify <repo> --target drills to a point in time and says it was reached; a target outside the window is refused (exit 2)', async () => {
    await pgbr.cluster.psql('insert into orders values (322)');
    const at = await pgbr.cluster.psql(
      `select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'`,
    );
    await pgbr.cluster.psql('insert into orders values (323)');
    await pgbr.switchAndArchive();
    const r = await runCli(['verify', ...repoArgs, '--target', `time:${at}`, '--no-log']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^Repository drill PASSED: pgbackrest:demo /);
    assert.match(r.stdout, new RegExp(`\\n  target: +time ${at.replace(/[.+]/g, '\\$&')}, reached; recovery promoted`));
    assert.match(r.stdout, /postgres\.public\.orders: 322\n/, 'the row committed after the target is not there');
    const early = await runCli(['verify', ...repoArgs, '--target', 'time:2020-01-01 00:00:00+00', '--no-log']);
    assert.equal(early.code, 2, early.stderr + early.stdout);
    assert.match(early.stderr, /^pg-backup verify: 2020-01-01T00:00:00.000Z is before the backup ended/m);
    assert.doesNotMatch(early.stderr, /\bat .*\.js:\d+/);
    assert.doesNotMatch(early.stderr, /Restoring from the repository/, 'refused before any restore ran');
    assert.equal(early.stdout, '');
    const bad = await runCli(['verify', ...repoArgs, '--target', 'immediate', '--exclusive']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^pg-backup verify: --exclusive is for a time, xid or lsn target, not "immediate"\./);
  });

  it('repo restore restores into DIR, --dry-run prints the command, a target before the backups is refused (exit 2)', async () => {
    const to = join(work, 'restored');
    const dry = await runCli(['repo', 'restore', ...repoArgs, '--to', to, '--target', 'immediate', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(
      dry.stdout.trim(),
      `pgbackrest --config=${pgbr.repo.config} --stanza=demo --type=immediate --target-action=promote --pg1-path=${to} restore`,
    );
    assert.equal(existsSync(to), false);
    const exclusive = await runCli([
      ...['repo', 'restore', ...repoArgs, '--to', to, '--target', 'xid:1000', '--exclusive', '--dry-run'],
    ]);
    assert.equal(exclusive.code, 0, exclusive.stderr);
    assert.match(exclusive.stdout, / --type=xid --target=1000 --target-exclusive --target-action=promote /);
    const early = await runCli(['repo', 'restore', ...repoArgs, '--to', to, '--target', 'time:2020-01-01 00:00:00+00']);
    assert.equal(early.code, 2);
    assert.match(early.stderr, /^pg-backup repo restore: 2020-01-01T00:00:00.000Z is before the backup ended/m);
    assert.doesNotMatch(early.stderr, /\bat .*\.js:\d+/);
    const r = await runCli(['repo', 'restore', ...repoArgs, '--to', to, '--target', 'latest']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(to, 'PG_VERSION')));
  });

  it('repo verify and repo expire --dry-run', async () => {
    const v = await runCli(['repo', 'verify', ...repoArgs]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /^pgBackRest verified every backup and the WAL archive/);
    const e = await runCli(['repo', 'expire', ...repoArgs, '--dry-run']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(e.stdout.trim(), 'Nothing is past retention.');
  });

  it('bad input: a wrong stanza, a bad type, a bad target, no repository (exit 2, one clear first line)', async () => {
    const wrong = await runCli(['repo', 'info', 'pgbackrest:nope', '--config', pgbr.repo.config!]);
    assert.equal(wrong.code, 2);
    assert.match(
      wrong.stderr.split('\n')[0],
      /^pg-backup repo info: pgBackRest has no stanza "nope" in .*: missing stanza path\.$/,
    );
    const backup = await runCli(['repo', 'backup', 'pgbackrest:nope', '--config', pgbr.repo.config!]);
    assert.equal(backup.code, 2);
    // On a pipe (no TTY) progress lines come first; the error is a line of its own.
    assert.match(
      backup.stderr,
      /^pg-backup repo backup: pgBackRest backup failed: backup command requires option: pg1-path .*\n.*stanza name "nope"/m,
    );
    const type = await runCli(['repo', 'backup', ...repoArgs, '--type', 'weekly']);
    assert.equal(type.code, 2);
    assert.match(type.stderr, /^pg-backup repo backup: --type must be full, diff or incr, not "weekly"\./);
    const target = await runCli(['repo', 'restore', ...repoArgs, '--to', join(work, 'x'), '--target', 'yesterday']);
    assert.equal(target.code, 2);
    assert.match(target.stderr, /^pg-backup repo restore: --target must be time:TS/);
    const none = await runCli(['repo', 'info', 'tape:x']);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /^pg-backup repo info: "tape:x" is not a repository: write pgbackrest:STANZA or barman:SERVER\./,
    );
  });
});
