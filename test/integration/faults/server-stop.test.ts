/**
 * The server stopped with `pg_ctl stop -m immediate` in the middle of a dump, a restore and a base backup: one
 * clear first line naming the cause, exit 3, nothing under the final name, no sidecar, no temp folder, no
 * process of the run left. PGBACKUP_FAULT_TRIALS trials each, at a random moment after the work started.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { destroyCluster, startCluster, type Cluster } from '../../support/cluster';
import { brokenFiles, killTagged, processesLeft, taggedProcesses, tempLeftovers } from '../../support/leftovers';
import { ensureBuilt, firstMessage, hasStackTrace, privateTmp, runCli, runTmp, startCli } from './fault-run';
import { createBigDatabase, seededRandom, sleep, trials } from './fault-trials';

const N = trials(1);
/** What names the cause: the server went away, not some later symptom. */
const CAUSE =
  /server closed the connection|terminat|connection\b.*\b(lost|closed|refused)|server .*(stopped|shut ?down)/i;

describe('faults: the server stopped mid-operation', function () {
  this.timeout(30 * 60_000);
  const random = seededRandom('server-stop');
  let source: Cluster;
  let target: Cluster;
  let dir: string;
  let tmp: string;
  let dump: string;

  before(async () => {
    ensureBuilt();
    [source, target] = await Promise.all([startCluster(), startCluster()]);
    await createBigDatabase(source, 'big', 700_000);
    dir = privateTmp('pgb-faults-stop-');
    tmp = runTmp();
    dump = join(dir, 'good.dump');
    const r = await runCli(['dump', source.url('big'), '--format', 'custom', '--out', dump], { tag: 'stop', tmp });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await Promise.all([destroyCluster(source), destroyCluster(target)]);
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Starts `args`, waits for the line that shows the work is under way, stops `server` after a random moment of
   * up to `withinMs`, and checks the outcome; `out` (when given) must not exist afterwards, nor its sidecar.
   */
  async function stopDuring(
    cmd: string,
    server: Cluster,
    args: string[],
    underWay: RegExp | ((tag: string) => boolean),
    out?: string,
    withinMs = 1500,
    afterRestart?: () => Promise<void>,
  ): Promise<void> {
    for (let i = 0; i < N; i++) {
      const tag = `stop-${cmd}-${i}-${process.pid}`;
      const run = startCli(args, { tag, tmp });
      let ended = false;
      void run.done.then(() => (ended = true));
      if (underWay instanceof RegExp) await run.stderrLine(underWay);
      else while (!ended && !underWay(tag)) await sleep(20);
      await sleep(Math.round(random() * withinMs));
      await server.stop();
      const r = await run.done;
      try {
        assert.equal(r.code, 3, `exit ${r.code}: ${r.stderr}`);
        const first = firstMessage(r.stderr);
        assert.ok(first.startsWith(`pg-backup ${cmd}: `), `first line: ${first}`);
        assert.match(first, CAUSE, `the first line names the cause: ${first}`);
        assert.equal(hasStackTrace(r.stderr), false, r.stderr);
        if (out) {
          assert.equal(existsSync(out), false, `${out} exists after the server stopped`);
          assert.equal(existsSync(`${out}.pgbackup.json`), false, 'a sidecar for a failed backup');
        }
        assert.deepEqual(brokenFiles(dir), []);
        assert.deepEqual(await processesLeft(tag), []);
        assert.deepEqual(tempLeftovers(tmp), []);
        console.log(`      ${cmd} trial ${i + 1}: exit 3 after ${r.ms} ms: ${first}`);
      } finally {
        killTagged(tag);
        await server.start();
        await afterRestart?.();
        if (out) await rm(out, { recursive: true, force: true });
      }
    }
  }

  it('mid-dump: exit 3, the cause on the first line, no backup and no sidecar', async () => {
    const out = join(dir, 'stopped.dump');
    const args = ['dump', source.url('big'), '--format', 'custom', '--out', out];
    await stopDuring('dump', source, args, /^Dumping big: +\d+% public\.wide/, out);
  });

  it('mid-restore: exit 3 and the cause on the first line', async () => {
    // The half-restored database survives the crash (no client can drop it while the server is down).
    const dropIt = () => target.psql('drop database if exists big with (force)').then(() => undefined);
    const args = ['restore', dump, target.url('postgres'), '--create'];
    await stopDuring('restore', target, args, /^Restoring \d+\/\d+/, undefined, 1500, dropIt);
  });

  it('mid-base-backup: exit 3, the cause on the first line, no base backup folder', async () => {
    // pg_basebackup copies ~500 MB a second and reports progress once a second: the moment is taken from the
    // start of the pg_basebackup process (its checkpoint and the copy follow), not from a progress line.
    await source.psql('create database big2 template big');
    const out = join(dir, 'base');
    const copying = (tag: string) => taggedProcesses(tag).some((p) => p.cmdline.includes('pg_basebackup'));
    await stopDuring('basebackup', source, ['basebackup', source.url(), '--out', out], copying, out, 300);
  });
});
