/**
 * Disk full: a small tmpfs mounted by the test (root only; skipped with the reason otherwise, always unmounted).
 * `dump` runs out of space part-way; `schema export`, `schedule` and `verify --log` write into a tmpfs filled
 * to the last byte. Each must fail with exit 3 and one first line that says the disk is full and names the
 * folder, and leave nothing behind: no 0-byte file, no .partial, no .tmp-*.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { destroyCluster, startCluster, type Cluster } from '../../support/cluster';
import { processesLeft, tempLeftovers } from '../../support/leftovers';
import { type CliResult, ensureBuilt, firstMessage, hasStackTrace, privateTmp, runCli, runTmp } from './fault-run';
import { createBigDatabase } from './fault-trials';

const isRoot = process.getuid?.() === 0;
const FULL = /(disk|device|file ?system).*full|no space left|not enough (free )?space|out of (disk )?space/i;

/** Every file under `dir`, recursively (folders themselves are not listed). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

describe('faults: disk full (a small tmpfs)', function () {
  this.timeout(10 * 60_000);
  let cluster: Cluster;
  let base: string;
  let mnt: string;
  let tmp: string;
  let small: string;

  before(async function () {
    if (!isRoot) {
      console.log('      skipped: mounting a tmpfs needs root (run the suite as root to check disk-full handling)');
      this.skip();
    }
    ensureBuilt();
    cluster = await startCluster();
    await createBigDatabase(cluster, 'big', 300_000, 1);
    await cluster.psql('create database small');
    await cluster.psql(
      'do $$ begin for i in 1..150 loop' +
        ` execute format('create table t%s (id int primary key, note text default %L)', i, repeat('x', 40));` +
        ' end loop; end $$;' +
        'insert into t1 select g from generate_series(1, 1000) g',
      'small',
    );
    base = privateTmp('pgb-faults-full-');
    tmp = runTmp();
    mnt = join(base, 'mnt');
    mkdirSync(mnt);
    small = join(base, 'small.dump');
    const args = ['dump', cluster.url('small'), '--format', 'custom', '--out', small];
    const r = await runCli(args, { tag: 'full-setup', tmp });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    if (!isRoot) return;
    try {
      execFileSync('umount', [mnt], { stdio: 'ignore' });
    } catch {
      // not mounted (a failed before), or busy: the next line tells
    }
    await destroyCluster(cluster);
    if (base) await rm(base, { recursive: true, force: true });
  });

  /** Mounts a fresh tmpfs of `size` on mnt; `fill` leaves it with no free byte (a filler file the test owns). */
  function mountTmpfs(size: string, fill: boolean): string | undefined {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=1777`, 'tmpfs', mnt]);
    if (!fill) return undefined;
    const filler = join(mnt, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4096'], { stdio: 'ignore' });
    } catch {
      // dd stops with "No space left on device": that is the point
    }
    assert.ok(statSync(filler).size > 0);
    return filler;
  }

  afterEach(() => {
    if (isRoot) execFileSync('umount', [mnt]);
  });

  /** The common outcome: exit 3, one first line naming the folder and the cause, nothing left. All checked. */
  async function assertCleanFailure(
    cmd: string,
    r: CliResult,
    tag: string,
    folder: string,
    filler?: string,
  ): Promise<void> {
    const first = firstMessage(r.stderr);
    const problems: string[] = [];
    if (r.code !== 3) problems.push(`exit ${r.code ?? r.signal}, not 3`);
    if (!first.startsWith(`pg-backup ${cmd}: `)) problems.push(`first line without the command's prefix: ${first}`);
    if (!FULL.test(first)) problems.push('the first line does not say the disk is full');
    if (!first.includes(folder)) problems.push(`the first line does not name ${folder}`);
    if (hasStackTrace(r.stderr)) problems.push('a stack trace on stderr');
    const left = filesUnder(mnt).filter((f) => f !== filler);
    if (left.length) problems.push(`left: ${left.map((f) => `${f} (${statSync(f).size} bytes)`).join(', ')}`);
    const procs = await processesLeft(tag);
    if (procs.length) problems.push(`processes left: ${procs.map((p) => p.cmdline).join('; ')}`);
    const temp = tempLeftovers(tmp);
    if (temp.length) problems.push(`temp entries left: ${temp.join(', ')}`);
    const verdict = problems.length ? `\n        NOT CLEAN: ${problems.join(' | ')}` : '';
    console.log(`      ${cmd}: exit ${r.code}: ${first}${verdict}`);
    assert.deepEqual(problems, []);
  }

  it('dump: pg_dump runs out of space part-way (4 MB tmpfs)', async () => {
    mountTmpfs('4m', false);
    const tag = `full-dump-${process.pid}`;
    const args = ['dump', cluster.url('big'), '--format', 'custom', '--out', join(mnt, 'big.dump')];
    const r = await runCli(args, { tag, tmp });
    await assertCleanFailure('dump', r, tag, mnt);
  });

  it('schema export into a full folder', async () => {
    const filler = mountTmpfs('1m', true);
    const tag = `full-schema-${process.pid}`;
    const r = await runCli(['schema', 'export', cluster.url('small'), '--out', join(mnt, 'schema.sql')], { tag, tmp });
    await assertCleanFailure('schema export', r, tag, mnt, filler);
  });

  it('schedule into a full folder', async () => {
    const filler = mountTmpfs('1m', true);
    const tag = `full-schedule-${process.pid}`;
    const args = ['schedule', cluster.url('small'), '--every', 'daily', '--keep', '3', '--kind', 'systemd'];
    args.push('--out', mnt);
    const r = await runCli(args, { tag, tmp });
    await assertCleanFailure('schedule', r, tag, mnt, filler);
  });

  it('verify --log into a full folder', async () => {
    const filler = mountTmpfs('1m', true);
    const tag = `full-verify-${process.pid}`;
    const r = await runCli(['verify', small, '--log', mnt], { tag, tmp });
    await assertCleanFailure('verify', r, tag, mnt, filler);
    rmSync(join(mnt, '.pgbackup'), { recursive: true, force: true });
  });

  it('the filler is the only thing a full tmpfs needs to fail a write (the test itself is sound)', () => {
    const filler = mountTmpfs('1m', true)!;
    assert.throws(() => writeFileSync(join(mnt, 'probe'), 'x'), /ENOSPC/);
    rmSync(join(mnt, 'probe'), { force: true });
    assert.deepEqual(filesUnder(mnt), [filler]);
  });
});
