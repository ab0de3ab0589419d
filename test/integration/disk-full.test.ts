/**
 * Small writes on a full disk: a real 64 KB tmpfs, filled up first, as the folder of a sidecar, a schema file, a
 * schedule and a drill log. Each must fail with one line saying the disk is full (and which folder), leave no
 * temporary or empty file behind, and keep what was there before. Needs root (mount); skipped with the reason.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/core/atomic-write';
import { stageSidecar, type DumpSidecar } from '../../src/core/dump/sidecar';
import { PgBackupError } from '../../src/core/errors';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { buildCli, runCli } from './run-cli';
import { workFolder } from '../support/work-folder';

const cli = (args: string[]) => runCli(args);

/** Fills the file system holding `dir` up to its last page. */
function fill(dir: string): void {
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `filler-${i}`), Buffer.alloc(4096, 1));
    } catch (e) {
      assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
      return;
    }
  }
}

const SIDECAR: DumpSidecar = {
  tool: 'pg-backup',
  format: 'custom',
  database: 'shop',
  serverVersion: '15.18',
  pgDumpVersion: '15.18',
  options: { format: 'custom' },
  started: '2026-12-01T00:00:00.000Z',
  durationMs: 1,
  bytes: 1,
  sha256: 'ab'.repeat(32),
};

describe('small writes on a full disk', function () {
  this.timeout(300_000);
  let base: string;
  let full: string;
  let cluster: Cluster | undefined;

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.log('      skipped: mounting a small tmpfs needs root');
      this.skip();
    }
    base = workFolder('pgb-disk-full-', 0o777); // pg_dump runs as the cluster's OS user
    full = join(base, 'full');
    mkdirSync(full);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full], { encoding: 'utf8' });
    if (mounted.status !== 0) {
      console.log(`      skipped: cannot mount a tmpfs here (${mounted.stderr.trim()})`);
      rmSync(base, { recursive: true, force: true });
      this.skip();
    }
    chmodSync(full, 0o777);
    // What was there before the disk filled up: it must survive a failed rewrite.
    writeFileSync(join(full, 'schema.sql'), '-- the schema as committed\n');
    mkdirSync(join(full, '.pgbackup'));
    writeFileSync(join(full, '.pgbackup', 'drills.jsonl'), '{"old":true}\n');
    fill(full);
    buildCli();
    cluster = await startCluster();
    await cluster.psql('create database shop; ');
    await cluster.psql('create table orders (id int primary key, note text)', 'shop');
    await cluster.psql('insert into orders select g, md5(g::text) from generate_series(1, 500) g', 'shop');
  });
  after(async () => {
    await destroyCluster(cluster);
    if (full) spawnSync('umount', [full]);
    if (base) rmSync(base, { recursive: true, force: true });
  });

  /** The folder holds only what was there before: no temp file, no empty file, nothing new. */
  const assertNothingLeft = () => {
    const names = readdirSync(full).filter((n) => !n.startsWith('filler-'));
    assert.deepEqual(names.sort(), ['.pgbackup', 'schema.sql']);
    assert.deepEqual(readdirSync(join(full, '.pgbackup')), ['drills.jsonl']);
  };

  const diskFull = (e: unknown) => {
    assert.ok(e instanceof PgBackupError, String(e));
    assert.equal(e.kind, 'io');
    const folder = full.replace(/[/.]/g, '\\$&');
    const needed = '\\(\\d[\\d.]* (B|KB) needed, 0 B free\\)';
    assert.match(e.message, new RegExp(`in ${folder}.*: the disk is full ${needed}\\.$`));
    return true;
  };

  it('a sidecar is not staged: no .tmp file is left', async () => {
    await assert.rejects(stageSidecar(join(full, 'shop.dump'), SIDECAR), diskFull);
    assertNothingLeft();
  });

  it('an atomic rewrite keeps the old file whole and leaves no temp file', async () => {
    await assert.rejects(writeFileAtomic(join(full, 'schema.sql'), 'x'.repeat(20_000)), diskFull);
    assert.equal(readFileSync(join(full, 'schema.sql'), 'utf8'), '-- the schema as committed\n');
    assertNothingLeft();
  });

  it('schema export: one line that the disk is full, the committed schema.sql unchanged', async () => {
    const r = await cli(['schema', 'export', cluster!.url('shop'), '--out', join(full, 'schema.sql')]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr.split('\n')[0], /^pg-backup schema export: Cannot write schema\.sql in .*: the disk is full/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.equal(readFileSync(join(full, 'schema.sql'), 'utf8'), '-- the schema as committed\n');
    assertNothingLeft();
  });

  it('schedule: no script is left, least of all an empty executable one', async () => {
    const r = await cli(['schedule', cluster!.url('shop'), '--every', 'daily', '--keep', '3', '--out', full]);
    assert.equal(r.code, 3, r.stderr);
    const first = r.stderr.split('\n')[0];
    assert.match(first, /^pg-backup schedule: Cannot write pg-backup-shop\.sh in .*: the disk is full/);
    assertNothingLeft();
  });

  it('verify --log: the drill report is printed, then one line that the log was not written (exit 3)', async () => {
    const dump = join(base, 'shop.dump');
    const c = cluster!;
    const conn = ['-h', c.socketDir, '-p', String(c.port), '-U', 'postgres'];
    await c.asOwner(join(PG15_BIN, 'pg_dump'), [...conn, '-Fc', '-f', dump, 'shop']);
    const r = await cli(['verify', dump, '--conn', cluster!.url('postgres'), '--log', full]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^Restore drill PASSED: shop\.dump/m);
    assert.doesNotMatch(r.stdout, /Logged to/);
    const first = r.stderr.split('\n').find((l) => l.startsWith('pg-backup verify: '));
    const reason = /^pg-backup verify: Cannot write drills\.(jsonl|md) in .*\.pgbackup: the disk is full/;
    assert.match(first ?? r.stderr, reason);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    // The old log is whole: no half line was appended, and no line that the other log lacks.
    assert.equal(readFileSync(join(full, '.pgbackup', 'drills.jsonl'), 'utf8'), '{"old":true}\n');
    assertNothingLeft();
  });
});
