/**
 * Two dumps to the same --out at once, repeated PGBACKUP_FAULT_TRIALS times (custom, then directory with
 * --jobs 2): exactly one wins with a complete backup whose sidecar matches, the other fails with one clear line,
 * and neither leaves a broken file (.partial, .tmp-*, a 0-byte file) or a process behind.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyChecksum } from '../../../src/core/dump';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../../support/cluster';
import { brokenFiles, processesLeft, tempLeftovers } from '../../support/leftovers';
import { ensureBuilt, firstMessage, hasStackTrace, privateTmp, runTmp, startCli } from './fault-run';
import { createBigDatabase } from './fault-trials';

const execFileP = promisify(execFile);
const N = Math.min(Number(process.env.PGBACKUP_FAULT_TRIALS) || 2, 5);

describe('faults: two dumps to the same --out at once', function () {
  this.timeout(20 * 60_000);
  let cluster: Cluster;
  let dir: string;
  let tmp: string;

  before(async () => {
    ensureBuilt();
    cluster = await startCluster();
    await createBigDatabase(cluster, 'shop', 100_000);
    dir = privateTmp('pgb-faults-same-');
    tmp = runTmp();
  });
  after(async () => {
    await destroyCluster(cluster);
    await rm(dir, { recursive: true, force: true });
  });

  for (const [format, extra, ext] of [
    ['custom', [], '.dump'],
    ['directory', ['--jobs', '2'], '.dir'],
  ] as const) {
    it(`${format}: one wins with a complete backup, the other fails clearly (${N} times)`, async () => {
      for (let i = 0; i < N; i++) {
        const out = join(dir, `race-${format}-${i}${ext}`);
        const args = ['dump', cluster.url('shop'), '--format', format, ...extra, '--out', out];
        const tags = [0, 1].map((k) => `same-out-${format}-${i}-${k}-${process.pid}`);
        const results = await Promise.all(tags.map((tag) => startCli(args, { tag, tmp }).done));
        const codes = results.map((r) => r.code);
        const lines = results.map((r) => firstMessage(r.stderr));
        const said = lines.filter(Boolean).map((l) => `; ${l}`);
        console.log(`      ${format} race ${i + 1}: exits ${codes.join(' and ')}${said.join('')}`);
        assert.deepEqual([...codes].sort(), [0, codes.find((c) => c !== 0) ?? 0], 'one wins');
        const loser = results.find((r) => r.code !== 0);
        assert.ok(loser, 'the other one fails');
        assert.ok([2, 3].includes(loser.code!), `the loser's exit ${loser.code}`);
        assert.match(firstMessage(loser.stderr), /^pg-backup dump: .*(exists|in use|already|another)/i);
        assert.equal(hasStackTrace(loser.stderr), false, loser.stderr);
        assert.equal((await verifyChecksum(out)).ok, true, "the winner's sidecar matches");
        await execFileP(join(PG15_BIN, 'pg_restore'), ['-l', out]);
        assert.deepEqual(brokenFiles(dir), []);
        const name = `race-${format}-${i}${ext}`;
        assert.deepEqual(readdirSync(dir).sort(), [name, `${name}.pgbackup.json`]);
        for (const tag of tags) assert.deepEqual(await processesLeft(tag), []);
        assert.deepEqual(tempLeftovers(tmp), []);
        await rm(out, { recursive: true, force: true });
        await rm(`${out}.pgbackup.json`, { force: true });
      }
    });
  }
});
