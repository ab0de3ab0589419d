import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scheduleCommand } from '../../src/cli/commands/schedule';
import { readArchive } from '../../src/core/archive/read-archive';
import { verifyChecksum } from '../../src/core/dump';
import { PgBackupError } from '../../src/core/errors';
import { destroyCluster, freePort, startCluster, type Cluster } from '../support/cluster';
import { captureIo } from '../support/io';
import { sleep } from '../support/time';

describe('pg-backup schedule: the generated job, run for real', function () {
  this.timeout(120_000);
  let cluster: Cluster;
  let dir: string;
  let script: string;
  const dumps = () =>
    readdirSync(dir)
      .filter((f) => /^shop-\d{8}-\d{6}\.dump$/.test(f))
      .sort();

  before(async () => {
    cluster = await startCluster();
    await cluster.psql('create database shop');
    await cluster.psql(
      'create table orders (id serial primary key, total numeric); insert into orders (total) select g from generate_series(1, 500) g',
      'shop',
    );
    dir = mkdtempSync(join(tmpdir(), 'pgb-schedule-'));
  });
  after(async () => {
    await destroyCluster(cluster);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes an executable script and a crontab line into --out', async () => {
    const io = captureIo();
    assert.equal(
      await scheduleCommand.run(
        [cluster.url('shop'), '--every', 'daily', '--at', '01:30', '--keep', '2', '--kind', 'cron', '--out', dir],
        io,
      ),
      0,
    );
    script = join(dir, 'pg-backup-shop.sh');
    assert.ok(statSync(script).mode & 0o100, 'the script is executable');
    const cron = readFileSync(join(dir, 'pg-backup-shop.cron'), 'utf8');
    assert.match(
      cron,
      new RegExp(
        `^30 1 \\* \\* \\* '${script.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' >>'.*pg-backup-shop\\.log' 2>&1 \\|\\| \\{`,
        'm',
      ),
    );
    assert.match(
      io.stdout.join('\n'),
      /pg-backup-shop: daily \(30 1 \* \* \*\), keeping the newest 2, pg_dump 15\.\d+/,
    );
  });

  it('each run writes a dump with a sidecar whose sha256 checks out, and keeps only the newest two', async () => {
    for (let run = 0; run < 3; run++) {
      if (run) await sleep(1100); // names carry the second
      const r = spawnSync(script, [], { encoding: 'utf8' });
      assert.equal(r.status, 0, `run ${run + 1}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /pg-backup-shop: wrote .*shop-\d{8}-\d{6}\.dump \(\d+ bytes, sha256 [0-9a-f]{64}\)/);
    }
    const kept = dumps();
    assert.equal(kept.length, 2, `kept ${kept.join(', ')}`);
    assert.deepEqual(
      readdirSync(dir)
        .filter((f) => f.endsWith('.pgbackup.json'))
        .sort(),
      kept.map((f) => `${f}.pgbackup.json`),
    );
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.partial')).length, 0);
    const newest = join(dir, kept[1]);
    assert.equal((await verifyChecksum(newest)).ok, true);
    const sidecar = JSON.parse(readFileSync(`${newest}.pgbackup.json`, 'utf8'));
    assert.equal(sidecar.database, 'shop');
    assert.equal(sidecar.server, `127.0.0.1:${cluster.port}`, 'the server the Backups view groups by');
    assert.match(sidecar.serverVersion, /^15\.\d+/);
    assert.equal(sidecar.scheduledBy, 'pg-backup-shop');
    const archive = await readArchive(newest);
    assert.ok(archive.toc.entries().some((e) => e.desc === 'TABLE DATA' && e.tag === 'orders'));
  });

  it('a failed run exits non-zero, leaves no partial file and deletes no backup', async () => {
    const before = dumps();
    const broken = join(dir, 'broken.sh');
    writeFileSync(broken, readFileSync(script, 'utf8').replace(/port=\d+/, `port=${await freePort()}`), {
      mode: 0o755,
    });
    const r = spawnSync(broken, [], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /pg_dump: error: connection to server/);
    const status = JSON.parse(readFileSync(join(dir, 'pg-backup-shop.status.json'), 'utf8'));
    assert.equal(status.exitCode, r.status);
    assert.match(status.reason, /^pg_dump failed \(exit 1\): pg_dump: error: connection to server at "127\.0\.0\.1"/);
    assert.equal(status.backup, null, 'no backup from a failed run');
    assert.equal(status.drill, null, 'no drill without --verify');
    assert.deepEqual(dumps(), before);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.partial')).length, 0);
  });

  it('writes a systemd service and timer for a cron expression, and refuses a password in the connection', async () => {
    const sys = join(dir, 'systemd');
    assert.equal(
      await scheduleCommand.run(
        [cluster.url('shop'), '--every', '*/30 9-17 * * mon-fri', '--keep', '3', '--kind', 'systemd', '--out', sys],
        captureIo(),
      ),
      0,
    );
    const timer = readFileSync(join(sys, 'pg-backup-shop.timer'), 'utf8');
    assert.match(timer, /^OnCalendar=Mon\.\.Fri \*-\*-\* 09\.\.17:00,30:00$/m);
    assert.match(
      readFileSync(join(sys, 'pg-backup-shop.service'), 'utf8'),
      new RegExp(`^ExecStart=${join(sys, 'pg-backup-shop.sh').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'),
    );
    if (spawnSync('systemd-analyze', ['--version']).status === 0) {
      execFileSync('systemd-analyze', ['calendar', 'Mon..Fri *-*-* 09..17:00,30:00']);
    }
    const withPassword = cluster.url('shop').replace('postgresql://postgres@', 'postgresql://postgres:secret@');
    await assert.rejects(
      scheduleCommand.run([withPassword, '--every', 'daily', '--keep', '1', '--out', join(dir, 'x')], captureIo()),
      (e: PgBackupError) => e.kind === 'usage' && /must not carry one/.test(e.message),
    );
    assert.equal(existsSync(join(dir, 'x')), false);
  });
});
