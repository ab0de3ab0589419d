import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpCommand } from '../../src/cli/commands/dump';
import { verifyChecksum } from '../../src/core/dump';
import { destroyCluster, startCluster, type Cluster } from '../support/cluster';
import { captureIo } from '../support/io';
import { createShop } from './dump-fixture';

describe('pg-backup dump (CLI)', function () {
  this.timeout(60_000);
  let cluster: Cluster;
  let dir: string;
  before(async () => {
    cluster = await startCluster();
    dir = await mkdtemp(join(tmpdir(), 'pgb-dumpcli-'));
    await createShop(cluster, 'shop');
  });
  after(async () => {
    await destroyCluster(cluster);
    await rm(dir, { recursive: true, force: true });
  });

  it('--json prints the path and the sidecar facts; the backup gets a default name in the --out folder', async () => {
    const io = captureIo();
    const code = await dumpCommand.run(
      [
        cluster.url('shop'),
        '--format',
        'custom',
        '--compress',
        '9',
        '--exclude-table-data',
        'shop.orders',
        '--out',
        dir,
        '--json',
      ],
      io,
    );
    assert.equal(code, 0);
    const doc = JSON.parse(io.stdout.join('\n'));
    assert.match(doc.path, /\/shop-\d{8}-\d{6}\.dump$/);
    assert.equal(doc.format, 'custom');
    assert.equal(doc.database, 'shop');
    assert.deepEqual(doc.options, {
      format: 'custom',
      compression: { method: 'gzip', level: 9 },
      excludeTableData: ['shop.orders'],
    });
    assert.match(doc.sha256, /^[0-9a-f]{64}$/);
    assert.equal((await verifyChecksum(doc.path)).ok, true);
    assert.match(io.progressLines.at(-1)!, /^Dumping shop: 100% done/);
  });

  it('applies a preset, and flags add to it', async () => {
    const io = captureIo();
    const out = join(dir, 'schema.sql');
    await dumpCommand.run([cluster.url('shop'), '--preset', 'Schema only', '--no-owner', '--out', out], io);
    assert.match(io.stdout[0], /^Wrote .*schema\.sql \(plain, [\d.]+ KB\)/);
    assert.ok(existsSync(out) && existsSync(`${out}.pgbackup.json`));
  });

  it("refuses --jobs with the tar format with pg_dump's reason, before connecting", async () => {
    const before = await readdir(dir);
    await assert.rejects(
      dumpCommand.run(['postgresql://nobody@127.0.0.1:1/x', '--format', 'tar', '--jobs', '2'], captureIo()),
      (e: Error & { kind?: string }) =>
        e.kind === 'usage' && e.message === 'parallel backup only supported by the directory format',
    );
    assert.deepEqual(await readdir(dir), before);
  });

  it('asks for a format or a preset', async () => {
    await assert.rejects(dumpCommand.run([cluster.url('shop')], captureIo()), /Say which format to write/);
  });
});
