import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readArchive } from '../../src/core/archive/read-archive';
import type { ArchiveInfo } from '../../src/core/archive/types';
import { withClient } from '../../src/core/connection/client';
import { parseConnectionString, type ConnParams } from '../../src/core/connection/profile';
import { CancelledError } from '../../src/core/errors';
import { executeRestore } from '../../src/core/restore/execute';
import { planRestore } from '../../src/core/restore/planner';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { createShopDatabase, FEW_SHOP_ROWS_SQL, SHOP_EVENTS_SQL } from '../support/shop';
import { workFolder } from '../support/work-folder';

const PG_RESTORE = join(PG15_BIN, 'pg_restore');

/** What makes shop.products what it is, read from the catalogs: compared between the original and a restore. */
const CATALOG_SQL = `
select 'index ' || indexdef from pg_indexes where schemaname = 'shop' and tablename = 'products'
union all select 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint
  where conrelid = 'shop.products'::regclass or confrelid = 'shop.products'::regclass
union all select 'trigger ' || pg_get_triggerdef(oid) from pg_trigger where tgrelid = 'shop.products'::regclass and not tgisinternal
union all select 'default ' || attname || ' ' || pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
  where d.adrelid = 'shop.products'::regclass
union all select 'comment ' || coalesce(obj_description('shop.products'::regclass, 'pg_class'), '') || ' / ' || coalesce(col_description('shop.products'::regclass, 4), '')
union all select 'acl ' || array_to_string(relacl, ',') || ' rls ' || relrowsecurity from pg_class where oid = 'shop.products'::regclass
union all select 'policy ' || polname from pg_policy where polrelid = 'shop.products'::regclass
union all select 'statistics ' || stxname from pg_statistic_ext where stxrelid = 'shop.products'::regclass
union all select 'owned sequence ' || pg_get_serial_sequence('shop.products', 'id')
union all select 'rows ' || count(*) || ' ' || string_agg(name || ':' || price || ':' || sku, ',' order by id) from shop.products
order by 1`;

describe('selective restore with pg_restore 15', function () {
  this.timeout(240000);
  let cluster: Cluster;
  let dir: string;
  let archive: ArchiveInfo;
  let original: string;
  const conn = (db: string): ConnParams => parseConnectionString(cluster.url(db)).params;

  /** A copy of the shop database in which `DROP TABLE shop.products CASCADE` happened. */
  const droppedCopy = async (db: string) => {
    await cluster.psql(`create database ${db} template shopdb`);
    await cluster.psql('drop table shop.products cascade', db);
  };

  before(async () => {
    cluster = await startCluster();
    dir = workFolder('pgb-restore-it-', 0o777);
    await createShopDatabase(cluster, 'shopdb', SHOP_EVENTS_SQL + FEW_SHOP_ROWS_SQL);
    await cluster.psql("select nextval('shop.sku_seq') from generate_series(1, 5)", 'shopdb'); // the value after the dump moves on
    const path = join(dir, 'shop.dump');
    await cluster.pgDump('shopdb', ['-Fc', '-f', path]);
    archive = await readArchive(path);
    original = await cluster.psql(CATALOG_SQL, 'shopdb');
  });
  after(async () => {
    await destroyCluster(cluster);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('brings a dropped table back with its rows, indexes, constraints, triggers and incoming foreign keys', async () => {
    await droppedCopy('target1');
    await cluster.psql("select nextval('shop.sku_seq') from generate_series(1, 10)", 'target1');
    const skuBefore = await cluster.psql('select last_value from shop.sku_seq', 'target1');
    const plan = await withClient(conn('target1'), {}, (target) =>
      planRestore({
        archive,
        select: ['TABLE:shop.products'],
        withDependents: true,
        options: { exitOnError: true },
        target,
      }),
    );
    const sku = plan.items.find((i) => i.entry.desc === 'SEQUENCE' && i.entry.tag === 'sku_seq');
    assert.equal(sku?.action, 'skip', 'the sequence that survived DROP … CASCADE is found in the target');
    assert.equal(plan.items.find((i) => i.entry.desc === 'SEQUENCE SET' && i.entry.tag === 'sku_seq')?.action, 'skip');
    assert.ok(
      plan.items.some(
        (i) => i.entry.desc === 'FK CONSTRAINT' && i.entry.tag === 'order_items order_items_product_id_fkey',
      ),
      'order_items exists, so its FK comes back',
    );
    const view = plan.items.find((i) => i.entry.tag === 'price_list');
    assert.equal(view?.origin, 'lost', 'the view DROP … CASCADE took comes back: the target lacks it');

    const progress: string[] = [];
    const summary = await executeRestore({
      archive,
      plan,
      target: conn('target1'),
      pgRestore: PG_RESTORE,
      onProgress: (p) => progress.push(`${p.done}/${p.total}`),
    });
    assert.deepEqual(summary.errors, []);
    assert.equal(summary.exitCode, 0);
    assert.equal(progress.at(-1), `${plan.total}/${plan.total}`);
    assert.deepEqual(summary.rowCounts, [{ table: 'shop.products', rows: 3 }]);
    assert.equal(await cluster.psql(CATALOG_SQL, 'target1'), original);
    assert.equal(await cluster.psql('select count(*) from shop.price_list', 'target1'), '3');
    assert.equal(
      await cluster.psql('select last_value from shop.sku_seq', 'target1'),
      skuBefore,
      'the surviving sequence keeps its value',
    );
  });

  it('brings a dropped partitioned table back with its partitions, rows and partitioned index', async () => {
    await cluster.psql('create database target4 template shopdb');
    const rowsBefore = await cluster.psql(
      "select tableoid::regclass || ' ' || id from shop.events order by id",
      'target4',
    );
    await cluster.psql('drop table shop.events cascade', 'target4');
    const plan = await withClient(conn('target4'), {}, (target) =>
      planRestore({ archive, select: ['TABLE:shop.events'], withDependents: true, options: {}, target }),
    );
    const summary = await executeRestore({ archive, plan, target: conn('target4'), pgRestore: PG_RESTORE });
    assert.deepEqual(summary.errors, []);
    assert.equal(
      await cluster.psql("select tableoid::regclass || ' ' || id from shop.events order by id", 'target4'),
      rowsBefore,
    );
    assert.equal(
      await cluster.psql(
        "select count(*) from pg_indexes where schemaname = 'shop' and tablename like 'events%'",
        'target4',
      ),
      '3',
    );
  });

  it('without dependents restores only what was asked', async () => {
    await droppedCopy('target2');
    const plan = await withClient(conn('target2'), {}, (target) =>
      planRestore({ archive, select: ['TABLE:shop.products'], withDependents: false, options: {}, target }),
    );
    assert.deepEqual(
      plan.items.map((i) => `${i.entry.desc} ${i.entry.tag}`),
      ['TABLE products'],
    );
    const summary = await executeRestore({ archive, plan, target: conn('target2'), pgRestore: PG_RESTORE });
    assert.deepEqual(summary.errors, []);
    const got = await cluster.psql(
      `select (select count(*) from shop.products) || ' rows, ' || (select count(*) from pg_indexes where tablename = 'products') || ' indexes, '
        || (select count(*) from pg_trigger where tgrelid = 'shop.products'::regclass) || ' triggers'`,
      'target2',
    );
    assert.equal(got, '0 rows, 0 indexes, 0 triggers');
  });

  it('reports errors with their statements instead of failing halfway when not told to stop', async () => {
    await cluster.psql('create database target3 template shopdb');
    await cluster.psql('drop table shop.order_items cascade', 'target3'); // and the view order_totals on it
    // Plan without looking at the target: pg_restore then meets "already exists" and goes on.
    const plan = await planRestore({
      archive,
      select: ['TABLE:shop.order_items', 'TABLE:shop.products'],
      withDependents: false,
      options: {},
    });
    const summary = await executeRestore({ archive, plan, target: conn('target3'), pgRestore: PG_RESTORE });
    assert.equal(summary.exitCode, 1);
    assert.equal(summary.errors.length, 1);
    assert.match(summary.errors[0].message, /relation "products" already exists/);
    assert.match(summary.errors[0].statement ?? '', /^CREATE TABLE shop\.products/);
    assert.ok(summary.restored.some((r) => r.includes('order_items')));
  });

  it('stops pg_restore when cancelled', async () => {
    const plan = await planRestore({ archive, select: [], withDependents: false, options: {} });
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      executeRestore({ archive, plan, target: conn('postgres'), pgRestore: PG_RESTORE, signal: ac.signal }),
      CancelledError,
    );
  });
});
