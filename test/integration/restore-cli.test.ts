import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectCommand } from '../../src/cli/commands/inspect';
import { restoreCommand } from '../../src/cli/commands/restore';
import { exitCodeFor } from '../../src/cli/command';
import { PgBackupError } from '../../src/core/errors';
import { destroyCluster, startCluster, type Cluster } from '../support/cluster';
import { createShopDatabase, FEW_SHOP_ROWS_SQL, SHOP_EVENTS_SQL } from '../support/shop';
import { captureIo } from '../support/io';
import { workFolder } from '../support/work-folder';

describe('pg-backup inspect and restore', function () {
  this.timeout(240000);
  let cluster: Cluster;
  let dir: string;
  let dumpPath: string;

  before(async () => {
    cluster = await startCluster();
    dir = workFolder('pgb-restore-cli-', 0o777);
    await createShopDatabase(cluster, 'shopdb', SHOP_EVENTS_SQL + FEW_SHOP_ROWS_SQL);
    dumpPath = join(dir, 'shop.dump');
    await cluster.pgDump('shopdb', ['-Fc', '-f', dumpPath]);
    await cluster.psql('create database target template shopdb');
    await cluster.psql('drop table shop.products cascade', 'target');
  });
  after(async () => {
    await destroyCluster(cluster);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('inspect prints the header, the contents by kind and pg_restore -l lines', async () => {
    const io = captureIo();
    assert.equal(await inspectCommand.run([dumpPath], io), 0);
    const text = io.stdout.join('\n');
    assert.match(text, /;     dbname: shopdb/);
    assert.match(text, /;     Contents: .*7 TABLE DATA/); // the shop's 7 tables with rows of their own
    assert.match(text, /^\d+; 1259 \d+ TABLE shop products postgres$/m);
  });

  it('inspect --json includes the sidecar facts when a sidecar sits next to the dump', async () => {
    writeFileSync(
      `${dumpPath}.pgbackup.json`,
      JSON.stringify({
        tool: 'pg-backup',
        format: 'custom',
        database: 'shopdb',
        serverVersion: '15',
        pgDumpVersion: '15',
        options: { format: 'custom' },
        started: '2026-01-01T00:00:00Z',
        durationMs: 10,
        bytes: 1,
        sha256: 'ab',
      }),
    );
    const io = captureIo();
    assert.equal(await inspectCommand.run([dumpPath, '--json'], io), 0);
    const doc = JSON.parse(io.stdout.join('\n'));
    assert.equal(doc.format, 'custom');
    assert.equal(doc.sidecar.sha256, 'ab');
    assert.ok(
      doc.entries.some(
        (e: { desc: string; dependencies: number[] }) => e.desc === 'FK CONSTRAINT' && e.dependencies.length === 3,
      ),
    );
  });

  it('inspect says a plain dump cannot be restored selectively', async () => {
    const plain = join(dir, 'plain.sql');
    await cluster.pgDump('shopdb', ['-f', plain]);
    const io = captureIo();
    assert.equal(await inspectCommand.run([plain], io), 0);
    assert.match(io.stdout.join('\n'), /plain SQL dump[\s\S]*cannot be restored selectively/);
  });

  it('restore --dry-run prints the plan, the list file and the exact command, and changes nothing', async () => {
    const io = captureIo();
    assert.equal(
      await restoreCommand.run(
        [dumpPath, cluster.url('target'), '--select', 'TABLE:shop.products', '--with-dependents', '--dry-run'],
        io,
      ),
      0,
    );
    const text = io.stdout.join('\n');
    assert.match(text, /skip +SEQUENCE shop\.sku_seq .*already exists in the target/);
    assert.match(text, /^\d+; 0 \d+ TABLE DATA shop products postgres$/m);
    assert.match(
      text,
      /pg_restore --verbose '--dbname=host=127\.0\.0\.1 port=\d+ user=postgres dbname=target' --use-list=restore\.list .*shop\.dump$/m,
    );
    assert.equal(await cluster.psql("select count(*) from pg_class where relname = 'products'", 'target'), '0');
  });

  it('restore --clean asks for --yes and names what it would drop, with its rows and what depends on it', async () => {
    await assert.rejects(
      restoreCommand.run([dumpPath, cluster.url('target'), '--select', 'TABLE:shop.orders', '--clean'], captureIo()),
      (e: PgBackupError) => {
        assert.equal(e.kind, 'usage');
        assert.match(
          e.message,
          /^--clean drops 1 object\(s\) in postgres@127\.0\.0\.1:\d+\/target before restoring them\. Add --yes to confirm\.$/,
        );
        assert.match(e.hint ?? '', /• TABLE shop\.orders \(2 rows now\)/);
        assert.match(
          e.hint ?? '',
          /Depending on them, not part of this restore \(1\):\n {2}• FK CONSTRAINT shop\.order_items order_items_order_id_fkey \(references shop\.orders\)/,
        );
        return true;
      },
    );
    assert.equal(await cluster.psql('select count(*) from shop.orders', 'target'), '2', 'nothing was dropped');
  });

  it('restore into a database that has what was picked warns that nothing of it was restored', async () => {
    await cluster.psql('create database has_products template shopdb');
    await cluster.psql('drop index shop.products_name_lower', 'has_products');
    const io = captureIo();
    assert.equal(
      await restoreCommand.run(
        [dumpPath, cluster.url('has_products'), '--select', 'TABLE:shop.products', '--with-dependents'],
        io,
      ),
      0,
    );
    const warning = io.stderr.find((l) => l.startsWith('Warning: '));
    assert.match(
      warning ?? '',
      /^Warning: Nothing of what you picked was restored into has_products: it exists there already \(\d+ skipped because they exist there; the rows of 1 table were not loaded; no errors\)\.$/,
    );
    assert.match(io.stdout.join('\n'), /shop\.products: rows not loaded: the table exists in the target/);
    assert.match(io.stdout.join('\n'), /skipped TABLE shop\.products: already exists in the target/);
    assert.equal(
      await cluster.psql("select count(*) from pg_indexes where indexname = 'products_name_lower'", 'has_products'),
      '1',
      'what was missing came back',
    );
    assert.equal(await cluster.psql('select count(*) from shop.products', 'has_products'), '3', 'no rows loaded twice');
  });

  it('restore runs a plain SQL dump whole through psql and counts the rows; the first error stops it', async () => {
    const plain = join(dir, 'whole.sql');
    await cluster.pgDump('shopdb', ['-f', plain]);
    await cluster.psql('create database plain_target');
    const io = captureIo();
    assert.equal(await restoreCommand.run([plain, cluster.url('plain_target')], io), 0);
    assert.match(io.stdout.join('\n'), /^Restored \d+ of \d+ items into plain_target in .*; no errors\.$/m);
    assert.match(io.stdout.join('\n'), /shop\.order_items: 3 rows/);
    assert.ok(
      io.progressLines.some((l) => /^Restoring \d+\/\d+: CREATE TABLE$/.test(l)),
      'progress by statements',
    );
    const again = captureIo();
    // The command throws its one error (main prints it and exits 3).
    const failed = await restoreCommand.run([plain, cluster.url('plain_target')], again).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(exitCodeFor(failed), 3, 'the schema exists: psql stops at the first error');
    assert.match(String((failed as Error).message), /already exists/);
    await assert.rejects(
      restoreCommand.run([plain, cluster.url('plain_target'), '--select', 'TABLE:shop.orders'], captureIo()),
      (e: PgBackupError) => e.kind === 'usage' && /^--select does not apply to a plain SQL dump/.test(e.message),
    );
  });

  it('restore brings the table back and reports row counts', async () => {
    const io = captureIo();
    assert.equal(
      await restoreCommand.run(
        [dumpPath, cluster.url('target'), '--select', 'TABLE:shop.products', '--with-dependents'],
        io,
      ),
      0,
    );
    assert.match(io.stdout.join('\n'), /shop\.products: 3 rows/);
    assert.ok(io.progressLines.some((l) => /^Restoring \d+\/\d+: /.test(l)));
    assert.equal(await cluster.psql("select count(*) from pg_trigger where tgname = 'products_touch'", 'target'), '1');
  });
});
