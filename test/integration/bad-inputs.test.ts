/**
 * Bad input end to end through the built CLI (`node dist/cli.js`): dumps cut short, empty, random or not from
 * pg_dump, and bad option values. Each must give one line `pg-backup <command>: <reason>` on stderr, exit 2 (bad
 * input) and no stack trace. The dumps are real pg_dump 15 output (test/fixtures/archive), cut with a knife.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../../src/core/process/run-tool';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { buildCli, ROOT, runCli, type CliRun } from './run-cli';
import { sleep } from '../support/time';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'archive');
const CUSTOM = readFileSync(join(FIXTURES, 'pg15-custom-gzip.dump'));
const TAR = readFileSync(join(FIXTURES, 'pg15-tar.tar'));

const cli = (args: string[], cwd: string) => runCli(args, cwd);

/** One line of reason for `command`, the exit code, no stack trace; the reason must match `reason`. */
function assertRefused(r: CliRun, command: string, reason: RegExp, code = 2): void {
  const what = `stdout: ${r.stdout}\nstderr: ${r.stderr}`;
  assert.equal(r.code, code, what);
  const first = r.stderr.split('\n')[0];
  assert.ok(first.startsWith(`pg-backup ${command}: `), what);
  assert.match(first, reason, what);
  assert.doesNotMatch(r.stderr + r.stdout, /^\s+at /m, what);
}

/** The three commands that read a dump; restore plans with --create, so it needs no server to say no. */
const READERS: [string, (path: string) => string[]][] = [
  ['inspect', (p) => ['inspect', p]],
  ['restore', (p) => ['restore', p, 'postgresql://127.0.0.1:1/none', '--create', '--dry-run']],
  ['verify', (p) => ['verify', p, '--no-log']],
];

describe('bad inputs, end to end through the CLI', function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'pgb-bad-inputs-'));
    buildCli();
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, bytes: Buffer | string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('reads the intact dumps (the baseline the cut ones are measured against)', async () => {
    for (const [name, bytes] of [
      ['ok.dump', CUSTOM],
      ['ok.tar', TAR],
    ] as const) {
      const r = await cli(['inspect', write(name, bytes)], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /TABLE DATA shop orders/);
    }
  });

  // Past the header, inside the TOC, just past the TOC into the first data block, inside the last one, 1 byte short.
  const customCuts = [200, 4000, 9180, 9250, CUSTOM.length - 1];
  for (const cut of customCuts) {
    it(`a custom dump cut at byte ${cut} of ${CUSTOM.length} is refused by inspect, restore and verify`, async () => {
      const path = write(`cut-${cut}.dump`, CUSTOM.subarray(0, cut));
      for (const [command, args] of READERS) assertRefused(await cli(args(path), dir), command, /is truncated: /);
    });
  }

  it('names the table whose data is missing and where the file ends', async () => {
    const r = await cli(['inspect', write('cut-data.dump', CUSTOM.subarray(0, CUSTOM.length - 1))], dir);
    assertRefused(r, 'inspect', /truncated: the data of table shop\.\w+ \(entry \d+\) ends at byte \d+ of its block/);
  });

  // Inside toc.dat, inside a data member, inside restore.sql, inside the end-of-archive blocks' first block.
  for (const cut of [3000, 10_500, 15_000, TAR.length - 1024 + 100]) {
    it(`a tar dump cut at byte ${cut} of ${TAR.length} is refused by inspect, restore and verify`, async () => {
      const path = write(`cut-${cut}.tar`, TAR.subarray(0, cut));
      for (const [command, args] of READERS) assertRefused(await cli(args(path), dir), command, /is truncated: /);
    });
  }

  it('a directory dump missing a data file is refused, naming the file', async () => {
    const folder = join(dir, 'dir-dump');
    mkdirSync(folder);
    assert.equal(spawnSync('tar', ['-xf', join(FIXTURES, 'pg15-tar.tar'), '-C', folder]).status, 0);
    rmSync(join(folder, '3380.dat'));
    for (const [command, args] of READERS) {
      const reason = /truncated: the data of table shop\.orders \(entry 3380\) is missing: there is no 3380\.dat/;
      assertRefused(await cli(args(folder), dir), command, reason);
    }
  });

  const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
  const notDumps: [string, Buffer | string, RegExp][] = [
    ['empty.dump', Buffer.alloc(0), /too short to be a pg_dump archive \(0 bytes\)/],
    ['random.dump', noise, /not a pg_dump archive/],
    ['hand-written.sql', 'create table t (id int);\ninsert into t values (1);\n', /not a pg_dump archive/],
  ];
  for (const [name, bytes, reason] of notDumps) {
    it(`${name} is refused by inspect, restore and verify`, async () => {
      const path = write(name, bytes);
      for (const [command, args] of READERS) assertRefused(await cli(args(path), dir), command, reason);
    });
  }

  it('a folder without toc.dat and a tar that pg_dump did not make are refused', async () => {
    const folder = join(dir, 'not-a-dump');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'hello');
    const tar = join(dir, 'other.tar');
    assert.equal(spawnSync('tar', ['-cf', tar, '-C', folder, 'notes.txt']).status, 0);
    for (const [command, args] of READERS) {
      assertRefused(await cli(args(folder), dir), command, /a folder without toc\.dat/);
      assertRefused(await cli(args(tar), dir), command, /without a toc\.dat member: it is not a pg_dump tar archive/);
    }
  });

  it('bad option values: --jobs 0 and empty, --format xyz, --select of an object not in the dump', async () => {
    const dump = write('good.dump', CUSTOM);
    const conn = 'postgresql://127.0.0.1:1/none';
    for (const jobs of ['0', '', 'two', '1.5']) {
      const quoted = new RegExp(`--jobs needs a whole number of at least 1, not "${jobs.replace('.', '\\.')}"`);
      assertRefused(await cli(['restore', dump, conn, '--jobs', jobs, '--dry-run'], dir), 'restore', quoted);
      assertRefused(await cli(['verify', dump, '--jobs', jobs, '--no-log'], dir), 'verify', quoted);
      assertRefused(await cli(['dump', conn, '--format', 'custom', '--jobs', jobs], dir), 'dump', quoted);
    }
    assertRefused(await cli(['dump', conn, '--format', 'xyz'], dir), 'dump', /Unknown format "xyz"/);
    const select = await cli(['restore', dump, conn, '--select', 'table:shop.nope', '--create', '--dry-run'], dir);
    assertRefused(select, 'restore', /shop\.nope/);
  });

  it('a malformed LSN or time for pitr config, cron fields out of range or a date that never comes', async () => {
    // A real pg_basebackup's backup_label (test/fixtures/physical) in a folder that says PostgreSQL 15.
    const backup = join(dir, 'backup');
    mkdirSync(backup, { recursive: true });
    writeFileSync(join(backup, 'PG_VERSION'), '15\n');
    const label = readFileSync(join(ROOT, 'test', 'fixtures', 'physical', 'backup_label'));
    writeFileSync(join(backup, 'backup_label'), label);
    const targets: [string, RegExp][] = [
      ['lsn:0/XYZ', /"0\/XYZ"/],
      ['lsn:12', /"12"/],
      ['time:2026-13-45 25:00', /"2026-13-45 25:00"/],
      ['time:yesterday', /"yesterday"/],
    ];
    for (const [target, quoted] of targets) {
      const r = await cli(['pitr', 'config', '--backup', backup, '--source', 'cp:/archive', '--target', target], dir);
      assertRefused(r, 'pitr config', quoted);
    }
    const db = 'postgresql://127.0.0.1:1/db';
    const schedule = (every: string) => cli(['schedule', db, '--every', every, '--keep', '3', '--out', dir], dir);
    assertRefused(await schedule('61 2 * * *'), 'schedule', /cron minute field "61" is not valid/);
    assertRefused(await schedule('0 2 32 * *'), 'schedule', /cron day of month field "32" is not valid/);
    assertRefused(await schedule('0 2 * 13 *'), 'schedule', /cron month field "13" is not valid/);
    const never: [string, RegExp][] = [
      ['0 2 31 2 *', /never runs: day 31 of the month does not occur in February/],
      ['0 2 30,31 2 *', /never runs: days 30, 31 of the month do not occur in February/],
      ['0 2 31 2,4,6 *', /never runs: .* February \(29 days\), April \(30 days\), June/],
    ];
    for (const [every, reason] of never) assertRefused(await schedule(every), 'schedule', reason);
    const keep = await cli(['schedule', db, '--every', 'daily', '--keep', '', '--out', dir], dir);
    assertRefused(keep, 'schedule', /--keep needs a whole number of at least 1, not ""/);
  });

  it('a malformed .vscode/settings.json is named with the line and column of the error', async () => {
    const ws = join(dir, 'workspace');
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    const settings = ['{', '  // saved servers', '  "pgBackup.connections": [', '    { "name": "shop" "host": "db" }'];
    settings.push('  ]', '}');
    writeFileSync(join(ws, '.vscode', 'settings.json'), settings.join('\n') + '\n');
    const r = await cli(['conn', 'test', 'shop'], ws);
    assertRefused(r, 'conn test', /settings\.json is not valid JSON \(line 4, column 22\)/);
  });

  it('a pg_restore that spins on a truncated tar is stopped by the stall watchdog, not left running', async () => {
    // pg_restore 15 loops at 100 % CPU forever on this cut (the data check refuses it first; this is the second line).
    const cut = write('spin.tar', TAR.subarray(0, 9700));
    const started = Date.now();
    const run = runTool({ file: join(PG15_BIN, 'pg_restore'), args: ['-f', '/dev/null', cut], stallMs: 2000 });
    let pid = 0;
    for (let i = 0; i < 50 && !pid; i++) {
      await sleep(100);
      const found = spawnSync('pgrep', ['-f', `pg_restore -f /dev/null ${cut}`], { encoding: 'utf8' });
      pid = Number(found.stdout.trim().split('\n')[0]);
    }
    assert.ok(pid > 0, 'pg_restore is running');
    await assert.rejects(run, (e: Error & { kind?: string }) => {
      assert.equal(e.kind, 'tool-failed');
      assert.match(e.message, /^pg_restore failed: it stopped making progress for 2 s/);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 2000 && took < 10_000, `stopped after ${took} ms`);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the spinning pg_restore is gone');
    // A tool that waits (sleeps) without output is not a stall: it runs to its end.
    const quiet = await runTool({ file: 'sleep', args: ['3'], stallMs: 1000 });
    assert.ok(quiet.durationMs >= 2900);
    assert.ok(statSync(cut).size === 9700);
  });
});

describe('a restore whose rows cannot be counted', function () {
  this.timeout(240_000);
  let cluster: Cluster;
  let dir: string;

  before(async () => {
    buildCli();
    dir = mkdtempSync(join(tmpdir(), 'pgb-uncounted-'));
    cluster = await startCluster();
    // loader may SET ROLE owner (pg_restore --role does) but does not inherit its rights: the tables it restores
    // belong to owner, and loader's own count(*) of them is refused.
    await cluster.psql('create role shop_reader; create role owner; create role loader login noinherit');
    await cluster.psql('grant owner to loader');
    await cluster.psql('create database target owner owner');
  });
  after(async () => {
    await destroyCluster(cluster);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says why it could not count and exits 3, instead of "? rows" and 0', async () => {
    const dump = join(dir, 'shop.dump');
    writeFileSync(dump, CUSTOM);
    const target = `postgresql://loader@127.0.0.1:${cluster.port}/target`;
    const r = await cli(['restore', dump, target, '--no-owner', '--role', 'owner'], dir);
    assert.match(r.stdout, /^Restored \d+ of \d+ items/m, r.stderr);
    assert.match(r.stdout, /shop\.orders: not counted \(permission denied for schema shop\)/);
    assert.doesNotMatch(r.stdout, /\? rows/);
    // The plan and the progress come first on stderr; the failure is the one `pg-backup restore:` line.
    assert.equal(r.code, 3);
    const failure = r.stderr.split('\n').filter((l) => l.startsWith('pg-backup restore: '));
    const tables = 'shop.order_items, shop.orders, shop.products';
    const why = 'could not be counted: permission denied for schema shop';
    const expected = `pg-backup restore: Restored, but the rows of ${tables} ${why}`;
    assert.deepEqual(failure, [expected]);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });
});
