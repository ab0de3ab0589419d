/**
 * Cancel at random moments: `pg-backup dump` (custom; directory with --jobs 2), `restore --create` and `verify`
 * (throwaway cluster, and a scratch database with --conn), each on a database that takes seconds to dump. The
 * signal is SIGINT or SIGTERM to the CLI, or SIGINT to its whole process group (a terminal's Ctrl-C). After each
 * trial: nothing under the final name unless it is a complete backup, the earlier backup unchanged, no temp
 * folder (the clusters need a password, so each run makes a pgpass folder), no process of the run, no database
 * the run created. PGBACKUP_FAULT_TRIALS trials per operation.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyChecksum } from '../../../src/core/dump';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../../support/cluster';
import { brokenFiles, killTagged, processesLeft, tempLeftovers } from '../../support/leftovers';
import {
  cancelOutcome,
  type CliResult,
  ensureBuilt,
  firstMessage,
  hasStackTrace,
  privateTmp,
  runCli,
  runTmp,
  startCli,
} from './fault-run';
import { createBigDatabase, seededRandom, sleep, trials } from './fault-trials';

const execFileP = promisify(execFile);
const N = trials(1);
/** Wide rows: a custom dump of them takes over 5 s on an idle 2-core machine, directory --jobs 2 about 6 s. */
const ROWS = 1_600_000;
const HOW = ['SIGINT', 'SIGTERM', 'group SIGINT'] as const;
/** TCP connections need it, so every run writes (and must remove) a pgpass temp folder. */
const PASSWORD = `cancel-${randomBytes(8).toString('hex')}`;
const env = { PGPASSWORD: PASSWORD };

/** Is `path` a backup pg_restore can read, whose sidecar's sha256 matches? Returns what is wrong, or undefined. */
async function incompleteBackup(path: string): Promise<string | undefined> {
  const check = await verifyChecksum(path).catch((e: Error) => ({ ok: false, error: e.message }));
  if (!check.ok) return `sidecar check failed: ${JSON.stringify(check)}`;
  return execFileP(join(PG15_BIN, 'pg_restore'), ['-l', path]).then(
    () => undefined,
    (e: Error) => `pg_restore -l failed: ${e.message}`,
  );
}

interface Trial {
  delay: number;
  how: (typeof HOW)[number];
  result: CliResult;
  problems: string[];
}

describe('faults: cancel at random moments', function () {
  this.timeout(30 * 60_000);
  const random = seededRandom('cancel');
  let source: Cluster;
  let target: Cluster;
  let dir: string;
  let tmp: string;
  const earlier: Record<string, string> = {};
  const baselineMs: Record<string, number> = {};

  before(async () => {
    ensureBuilt();
    [source, target] = await Promise.all([startCluster({ password: PASSWORD }), startCluster({ password: PASSWORD })]);
    await createBigDatabase(source, 'big', ROWS);
    dir = privateTmp('pgb-faults-cancel-');
    tmp = runTmp();
  });
  after(async () => {
    await Promise.all([destroyCluster(source), destroyCluster(target)]);
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `args` to completion once (it must succeed) and remembers how long it took. */
  async function baseline(key: string, args: string[]): Promise<void> {
    const r = await runCli(args, { tag: `baseline-${key}`, tmp, env });
    assert.equal(r.code, 0, r.stderr);
    baselineMs[key] = r.ms;
    console.log(`      ${key}: uncancelled run ${r.ms} ms`);
  }

  /** N trials of `args`, each cancelled at a random moment of a run as long as the baseline. */
  async function cancelTrials(
    key: string,
    args: (i: number) => string[],
    check: (r: CliResult, i: number) => Promise<string[]>,
  ): Promise<Trial[]> {
    const done: Trial[] = [];
    for (let i = 0; i < N; i++) {
      const tag = `cancel-${key}-${i}-${process.pid}`;
      const delay = Math.round(150 + random() * (baselineMs[key] * 0.95 - 150));
      const how = HOW[i % HOW.length];
      const run = startCli(args(i), { tag, tmp, env, group: how === 'group SIGINT' });
      await sleep(delay);
      try {
        if (how === 'group SIGINT') process.kill(-run.child.pid!, 'SIGINT');
        else run.child.kill(how);
      } catch {
        // the run finished first and its process group is gone
      }
      const result = await run.done;
      const problems: string[] = [];
      const outcome = cancelOutcome(result);
      const first = firstMessage(result.stderr);
      const exit = result.code ?? result.signal;
      if (!outcome) problems.push(`exit ${exit} (want 130, or 0 when it finished first): ${first}`);
      if (outcome === 'cancelled' && !/^pg-backup \S+: .*cancel/i.test(first)) problems.push(`first line: ${first}`);
      if (hasStackTrace(result.stderr)) problems.push('a stack trace on stderr');
      const left = await processesLeft(tag);
      if (left.length) problems.push(`processes left: ${left.map((p) => `${p.pid} ${p.cmdline}`).join('; ')}`);
      killTagged(tag);
      const temp = tempLeftovers(tmp);
      if (temp.length) problems.push(`temp entries left: ${temp.join(', ')}`);
      for (const t of temp) await rm(join(tmp, t), { recursive: true, force: true });
      problems.push(...(await check(result, i)));
      done.push({ delay, how, result, problems });
    }
    const bad = done.filter((t) => t.problems.length);
    const count = (o: ReturnType<typeof cancelOutcome>) => done.filter((t) => cancelOutcome(t.result) === o).length;
    const [cancelled, finished, atStart] = [count('cancelled'), count('finished'), count('killed at start')];
    console.log(
      `      ${key}: ${N} trials: ${cancelled} exit 130, ${finished} finished first,` +
        ` ${atStart} killed while Node started, ${N - cancelled - finished - atStart} other;` +
        ` ${N - bad.length} of ${N} left nothing behind`,
    );
    for (const t of bad) console.log(`        after ${t.delay} ms (${t.how}): ${t.problems.join(' | ')}`);
    return done;
  }

  /** The dump trials: the final name holds a complete backup or nothing; no broken file beside it. */
  async function dumpTrials(key: string, format: string, extra: string[], ext: string): Promise<void> {
    earlier[key] = join(dir, `earlier-${key}${ext}`);
    await baseline(key, ['dump', source.url('big'), '--format', format, ...extra, '--out', earlier[key]]);
    const finalName = (i: number) => join(dir, `trial-${key}-${i}${ext}`);
    const done = await cancelTrials(
      key,
      (i) => ['dump', source.url('big'), '--format', format, ...extra, '--out', finalName(i)],
      async (r, i) => {
        const problems: string[] = [];
        const path = finalName(i);
        if (existsSync(path)) {
          const wrong = await incompleteBackup(path);
          if (wrong) problems.push(`${path} is under the final name but incomplete: ${wrong}`);
          else if (r.code !== 0) problems.push(`exit ${r.code} but a complete backup was left under ${path}`);
        } else if (r.code === 0) problems.push(`exit 0 but no backup at ${path}`);
        if (!existsSync(path) && existsSync(`${path}.pgbackup.json`)) problems.push('a sidecar without its backup');
        const broken = brokenFiles(dir);
        if (broken.length) problems.push(`broken files: ${broken.join(', ')}`);
        for (const b of broken) await rm(b, { recursive: true, force: true });
        await rm(path, { recursive: true, force: true });
        await rm(`${path}.pgbackup.json`, { force: true });
        return problems;
      },
    );
    assert.deepEqual((await verifyChecksum(earlier[key])).ok, true, 'the earlier backup keeps its sha256');
    assert.deepEqual(await readdir(dir).then((n) => n.filter((f) => !f.startsWith('earlier-'))), []);
    assert.deepEqual(
      done.flatMap((t) => t.problems),
      [],
    );
  }

  it('dump --format custom: a complete backup under the final name or nothing', async () => {
    await dumpTrials('dump-custom', 'custom', [], '.dump');
  });

  it('dump --format directory --jobs 2: a complete backup under the final name or nothing', async () => {
    await dumpTrials('dump-directory', 'directory', ['--jobs', '2'], '.dir');
  });

  it('dump onto the name of an earlier backup, cancelled: the earlier backup keeps its sha256', async () => {
    const path = earlier['dump-custom'];
    assert.ok(path, 'runs after the custom dump trials');
    const before = await verifyChecksum(path);
    const args = ['dump', source.url('big'), '--format', 'custom', '--out', path];
    const run = startCli(args, { tag: `same-name-${process.pid}`, tmp, env });
    await sleep(Math.round(random() * 400));
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.ok(r.code === 2 || cancelOutcome(r), `exit ${r.code ?? r.signal}: ${r.stderr}`);
    assert.equal(before.ok, true);
    assert.equal((await verifyChecksum(path)).ok, true);
    assert.deepEqual(brokenFiles(dir), []);
  });

  it('restore --create: a cancelled restore drops the database it created', async () => {
    const dump = earlier['dump-custom'];
    assert.ok(dump, 'runs after the custom dump trials');
    const restoreArgs = ['restore', dump, target.url('postgres'), '--create'];
    const exists = async () => (await target.psql("select count(*) from pg_database where datname = 'big'")) === '1';
    await baseline('restore', restoreArgs);
    await target.psql('drop database big');
    const done = await cancelTrials(
      'restore',
      () => restoreArgs,
      async (r) => {
        const there = await exists();
        if (there) await target.psql('drop database big with (force)');
        if (r.code === 0 && !there) return ['exit 0 but no database big'];
        if (r.code !== 0 && there) return ['database big left behind after the restore was cancelled'];
        return [];
      },
    );
    assert.deepEqual(
      done.flatMap((t) => t.problems),
      [],
    );
  });

  for (const where of ['throwaway cluster', 'scratch database (--conn)'] as const) {
    it(`verify into a ${where}: no server, data folder or scratch database left`, async () => {
      const dump = earlier['dump-custom'];
      assert.ok(dump, 'runs after the custom dump trials');
      const key = where === 'throwaway cluster' ? 'verify' : 'verify-conn';
      const args = ['verify', dump, '--no-log', ...(key === 'verify' ? [] : ['--conn', target.url('postgres')])];
      // A drill is a restore and then some: the restore's time is the window the random moments fall in.
      baselineMs[key] = baselineMs.restore;
      assert.ok(baselineMs[key], 'runs after the restore trials');
      const done = await cancelTrials(
        key,
        () => args,
        async () => {
          const sql = "select datname from pg_database where datname like 'pgbackup_drill_%'";
          const left = (await target.psql(sql)).split('\n');
          for (const db of left.filter(Boolean)) await target.psql(`drop database "${db}" with (force)`);
          return left.filter(Boolean).length ? [`scratch database left: ${left.join(', ')}`] : [];
        },
      );
      assert.deepEqual(
        done.flatMap((t) => t.problems),
        [],
      );
    });
  }
});
