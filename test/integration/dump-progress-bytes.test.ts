/**
 * A custom dump reports its bytes as pg_dump writes them, also while the percent cannot move: a table whose
 * values are compressed on disk (TOAST) and written uncompressed grows far beyond its estimate, so the percent
 * sits at the table's cap while tens of MB are written. The progress must still show the bytes growing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpDatabase, type DumpProgress } from '../../src/core/dump';
import { readSidecar } from '../../src/core/dump/sidecar';
import { destroyCluster, startCluster, type Cluster } from '../support/cluster';
import { tcp } from './dump-fixture';

describe('dump progress: bytes written, and the sidecar', function () {
  this.timeout(120_000);
  let cluster: Cluster;
  let dir: string;

  before(async () => {
    cluster = await startCluster();
    dir = await mkdtemp(join(tmpdir(), 'pgb-bytes-'));
    await cluster.psql('CREATE DATABASE toasty');
    // 150 rows of 400 kB that pglz squeezes to a few kB each: about 1 MB on disk, 60 MB in the dump.
    await cluster.psql("CREATE TABLE t AS SELECT g, repeat('x', 400000) AS x FROM generate_series(1, 150) g", 'toasty');
  });
  after(async () => {
    await destroyCluster(cluster);
    await rm(dir, { recursive: true, force: true });
  });

  it('reports growing bytes during the data phase of an uncompressed custom dump', async () => {
    const out = join(dir, 'toasty.dump');
    const events: DumpProgress[] = [];
    await dumpDatabase({
      params: tcp(cluster, 'toasty'),
      options: { format: 'custom', compression: { method: 'none' } },
      out,
      pollMs: 10,
      onProgress: (p) => events.push(p),
    });
    const final = (await stat(out)).size;
    assert.ok(final > 50e6, `the dump is ${final} bytes`);
    const data = events.filter((e) => e.phase === 'data').map((e) => e.bytesWritten);
    assert.ok(new Set(data).size >= 4, `bytes during the data phase: ${data.join(', ')}`);
    assert.ok(Math.max(...data) >= final / 2, `the data phase showed at most ${Math.max(...data)} of ${final} bytes`);
    assert.deepEqual(
      [...data].sort((a, b) => a - b),
      data,
      'bytes never go down',
    );
    assert.deepEqual((await readdir(dir)).sort(), ['toasty.dump', 'toasty.dump.pgbackup.json']);
    assert.equal((await readSidecar(out)).server, `127.0.0.1:${cluster.port}`, 'the sidecar names the server dumped');
  });
});
