/**
 * Secrets: a cluster whose TCP connections need a scram password. While dump, restore, two drills, a base
 * backup, a schema export, a schedule and a run of the schedule's script run, the command line of every process
 * on the machine is sampled every 20 ms: the password must never be in one. Nor in the CLI's output, a sidecar,
 * a drill log or any generated file: once with the password from PGPASSWORD, once from a pgpass file. A URI
 * that contains the password is refused (exit 2) without echoing it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { destroyCluster, startCluster, type Cluster } from '../../support/cluster';
import { CmdlineSampler, processesLeft, RUN_TAG_VAR, tempLeftovers } from '../../support/leftovers';
import { ensureBuilt, hasStackTrace, privateTmp, runCli, runTmp } from './fault-run';
import { createBigDatabase } from './fault-trials';

const execFileP = promisify(execFile);
/** Letters and digits only: nothing a pgpass file or a URI would need to escape. */
const PASSWORD = `Fault${randomBytes(12).toString('hex')}Pw`;
const SCHEDULE = ['--every', 'daily', '--keep', '2', '--kind', 'cron'];

/** Files under `dir` whose bytes contain the password. */
function filesWithPassword(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => readFileSync(p).includes(PASSWORD));
}

describe('faults: the password never leaks', function () {
  this.timeout(20 * 60_000);
  let cluster: Cluster;
  let base: string;
  let tmp: string;

  before(async () => {
    ensureBuilt();
    cluster = await startCluster({ password: PASSWORD });
    await createBigDatabase(cluster, 'shop', 60_000);
    base = privateTmp('pgb-faults-secrets-');
    tmp = runTmp();
    const env = { PGPASSWORD: PASSWORD };
    const args = ['dump', cluster.url('shop'), '--format', 'custom', '--out', join(base, 'good.dump')];
    const r = await runCli(args, { tag: 'secrets-setup', tmp, env });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await destroyCluster(cluster);
    await rm(base, { recursive: true, force: true });
  });

  for (const source of ['PGPASSWORD', 'a pgpass file'] as const) {
    it(`password from ${source}: not in any process's command line, output or file`, async () => {
      const work = privateTmp(join(base, 'work-'));
      const pgpass = join(base, `pgpass-${source === 'PGPASSWORD' ? 'env' : 'file'}`);
      writeFileSync(pgpass, `127.0.0.1:${cluster.port}:*:postgres:${PASSWORD}\n`, { mode: 0o600 });
      const env = source === 'PGPASSWORD' ? { PGPASSWORD: PASSWORD } : { PGPASSFILE: pgpass };
      const tag = `secrets-${source === 'PGPASSWORD' ? 'env' : 'file'}-${process.pid}`;
      const o = { tag, tmp, env, cwd: work };
      const dump = join(work, 'shop.dump');
      await cluster.psql('drop database if exists shop_copy');
      await cluster.psql('create database shop_copy');
      const steps: [string, string[]][] = [
        ['dump', ['dump', cluster.url('shop'), '--format', 'custom', '--out', dump]],
        ['restore', ['restore', dump, cluster.url('shop_copy')]],
        ['drill (throwaway cluster)', ['verify', dump, '--log', work]],
        ['drill (--conn)', ['verify', dump, '--conn', cluster.url('postgres'), '--log', work]],
        ['base backup', ['basebackup', cluster.url(), '--out', join(work, 'base')]],
        ['schema export', ['schema', 'export', cluster.url('shop'), '--out', join(work, 'schema.sql')]],
        ['schedule', ['schedule', cluster.url('shop'), ...SCHEDULE, '--out', join(work, 'sched')]],
      ];
      const sampler = new CmdlineSampler(PASSWORD).start();
      const outputs: string[] = [];
      try {
        for (const [what, args] of steps) {
          const r = await runCli(args, o);
          outputs.push(r.stdout, r.stderr);
          assert.equal(r.code, 0, `${what}: exit ${r.code}: ${r.stderr.replaceAll(PASSWORD, '<password>')}`);
        }
        const script = readdirSync(join(work, 'sched')).find((f) => f.endsWith('.sh'));
        assert.ok(script, 'the schedule wrote a script');
        const scriptEnv = { ...process.env, ...env, [RUN_TAG_VAR]: tag };
        const run = await execFileP('bash', [join(work, 'sched', script)], { env: scriptEnv });
        outputs.push(run.stdout, run.stderr);
      } finally {
        sampler.stop();
      }
      const seen = `${sampler.samples} samples of every process's command line`;
      console.log(`      ${source}: ${seen}, ${sampler.hits.length} with the password`);
      assert.deepEqual(sampler.hits, []);
      assert.ok(sampler.samples > 50, `only ${sampler.samples} samples`);
      assert.deepEqual(
        outputs.filter((t) => t.includes(PASSWORD)),
        [],
      );
      const written = readdirSync(work, { recursive: true }).map(String);
      assert.ok(
        written.some((f) => f.endsWith('shop.dump.pgbackup.json')),
        'a sidecar was written',
      );
      const wrote = (end: string) => written.some((f) => f.endsWith(end));
      assert.ok(wrote('drills.jsonl') && wrote('drills.md'), 'drill logs were written');
      const scheduled = /^sched\/shop-\d{8}-\d{6}\.dump\.pgbackup\.json$/;
      assert.ok(
        written.some((f) => scheduled.test(f)),
        'the scheduled run wrote a dump',
      );
      assert.deepEqual(filesWithPassword(work), []);
      assert.deepEqual(await processesLeft(tag), []);
      assert.deepEqual(tempLeftovers(tmp), []);
      await cluster.psql('drop database shop_copy');
    });
  }

  const refused: [string, (uri: string) => string[]][] = [
    ['dump', (u) => ['dump', u, '--format', 'custom', '--out', join(base, 'refused.dump')]],
    ['restore', (u) => ['restore', join(base, 'good.dump'), u]],
    ['verify', (u) => ['verify', join(base, 'good.dump'), '--conn', u, '--no-log']],
    ['basebackup', (u) => ['basebackup', u, '--out', join(base, 'refused-base')]],
    ['schema export', (u) => ['schema', 'export', u, '--out', join(base, 'refused.sql')]],
    ['schedule', (u) => ['schedule', u, ...SCHEDULE, '--out', join(base, 'refused-sched')]],
  ];
  for (const [cmd, args] of refused) {
    it(`${cmd}: a URI with the password in it is refused (exit 2) without echoing it`, async () => {
      const uri = `postgresql://postgres:${PASSWORD}@127.0.0.1:${cluster.port}/shop`;
      const before = readdirSync(base).sort();
      const r = await runCli(args(uri), { tag: `secrets-uri-${process.pid}`, tmp });
      const shown = `${r.stdout}${r.stderr}`.replaceAll(PASSWORD, '<password>');
      assert.equal(r.code, 2, `exit ${r.code}: ${shown}`);
      assert.match(r.stderr, new RegExp(`^pg-backup ${cmd}: .*password`, 'i'), shown);
      assert.equal(`${r.stdout}${r.stderr}`.includes(PASSWORD), false, shown);
      assert.equal(hasStackTrace(r.stderr), false, shown);
      assert.deepEqual(readdirSync(base).sort(), before, 'nothing written');
    });
  }
});
