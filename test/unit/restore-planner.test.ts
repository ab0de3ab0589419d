import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readArchive } from '../../src/core/archive/read-archive';
import type { ArchiveInfo, TocEntry } from '../../src/core/archive/types';
import { dependencyClosure } from '../../src/core/restore/closure';
import { restoreArgv, validateRestoreOptions } from '../../src/core/restore/options';
import { buildPlan } from '../../src/core/restore/plan-items';
import { planRestore } from '../../src/core/restore/planner';
import { restoreReport } from '../../src/core/restore/report';
import { RestoreLog } from '../../src/core/restore/run';
import { parseSelectSpec, resolveSpec } from '../../src/core/restore/selection';
import { buildTocIndex, describeEntry, type TocIndex } from '../../src/core/restore/toc-index';
import { pickRestoreTools } from '../../src/core/restore/tool-version';
import type { ToolSet } from '../../src/core/tools/discover';
import { PgBackupError } from '../../src/core/errors';

/**
 * pg_dump 15 archive of an earlier, smaller version of test/support/shop-schema.sql (schema shop: products,
 * orders, order_items), kept as it was written so that the closures below stay what they were measured to be.
 */
const FIXTURE = join(__dirname, '..', 'fixtures', 'archive', 'pg15-custom-gzip.dump');

describe('restore planner', () => {
  let archive: ArchiveInfo;
  let index: TocIndex;
  const find = (desc: string, tag: string) => {
    const e = archive.toc.entries().find((x) => x.desc === desc && x.tag === tag);
    assert.ok(e, `${desc} ${tag} is in the fixture`);
    return e;
  };
  const closureOf = (specs: string[], withDependents: boolean, existing?: Set<number>) =>
    dependencyClosure(
      index,
      specs.flatMap((s) => resolveSpec(index, parseSelectSpec(s))),
      { withDependents, existing },
    );
  const kinds = (items: { entry: TocEntry }[]) => items.map((i) => describeEntry(i.entry)).sort();

  before(async () => {
    archive = await readArchive(FIXTURE);
    index = buildTocIndex(archive.toc.entries());
  });

  describe('selection specs', () => {
    it('parses KIND:SCHEMA.NAME, quoted identifiers and SCHEMA:NAME', () => {
      assert.deepEqual(parseSelectSpec('table:shop.products'), { kind: 'TABLE', schema: 'shop', name: 'products' });
      assert.deepEqual(parseSelectSpec('TABLE:"my.schema"."Odd ""name"""'), {
        kind: 'TABLE',
        schema: 'my.schema',
        name: 'Odd "name"',
      });
      assert.deepEqual(parseSelectSpec('MATERIALIZED_VIEW:s.v'), { kind: 'MATERIALIZED VIEW', schema: 's', name: 'v' });
      assert.deepEqual(parseSelectSpec('SCHEMA:shop'), { kind: 'SCHEMA', schema: null, name: 'shop' });
      assert.throws(() => parseSelectSpec('products'), /KIND:SCHEMA\.NAME/);
    });

    it('finds functions by bare name and says when a spec names nothing', () => {
      assert.equal(resolveSpec(index, parseSelectSpec('FUNCTION:shop.touch'))[0].tag, 'touch()');
      assert.throws(
        () => resolveSpec(index, parseSelectSpec('TABLE:shop.nope')),
        (e: PgBackupError) => e.kind === 'usage' && /no TABLE shop\.nope/.test(e.message),
      );
    });
  });

  describe('dependency closure', () => {
    it('without dependents brings only what was asked', () => {
      const c = closureOf(['TABLE:shop.products'], false);
      assert.deepEqual(kinds(c.items), ['TABLE shop.products']);
    });

    it("brings a table's rows, indexes, constraints, triggers, sequences, defaults, comments and grants", () => {
      const c = closureOf(['TABLE:shop.products'], true);
      assert.deepEqual(kinds(c.items), [
        'ACL shop.TABLE products',
        'COMMENT shop.COLUMN products.price',
        'COMMENT shop.TABLE products',
        'CONSTRAINT shop.products products_name_key',
        'CONSTRAINT shop.products products_pkey',
        'DEFAULT shop.products id',
        'INDEX shop.products_name_lower',
        'POLICY shop.products products_all',
        'ROW SECURITY shop.products',
        'SEQUENCE OWNED BY shop.products_id_seq',
        'SEQUENCE SET shop.products_id_seq',
        'SEQUENCE SET shop.sku_seq',
        'SEQUENCE shop.products_id_seq',
        'SEQUENCE shop.sku_seq',
        'STATISTICS shop.products_stats',
        'TABLE DATA shop.products',
        'TABLE shop.products',
        'TRIGGER shop.products products_touch',
      ]);
    });

    it('says why each item was added, and keeps the archive order', () => {
      const c = closureOf(['TABLE:shop.products'], true);
      const byName = new Map(c.items.map((i) => [describeEntry(i.entry), i]));
      assert.equal(byName.get('TABLE shop.products')?.reason, 'selected');
      assert.equal(byName.get('TABLE DATA shop.products')?.reason, 'rows of TABLE shop.products');
      assert.equal(byName.get('SEQUENCE shop.products_id_seq')?.reason, 'sequence owned by TABLE shop.products');
      assert.equal(byName.get('SEQUENCE shop.sku_seq')?.reason, 'sequence used by a default of TABLE shop.products');
      assert.equal(byName.get('SEQUENCE SET shop.sku_seq')?.via, find('SEQUENCE', 'sku_seq').dumpId);
      assert.equal(byName.get('TABLE shop.products')?.origin, 'selected');
      assert.equal(byName.get('TABLE DATA shop.products')?.origin, 'dependent');
      const positions = c.items.map((i) => archive.toc.entries().indexOf(i.entry));
      assert.deepEqual(
        positions,
        [...positions].sort((a, b) => a - b),
      );
    });

    it('leaves out a foreign key whose other table is neither selected nor in the target, and says so', () => {
      const c = closureOf(['TABLE:shop.products'], true);
      const fk = find('FK CONSTRAINT', 'order_items order_items_product_id_fkey');
      assert.ok(!c.items.some((i) => i.entry === fk));
      assert.match(
        c.omitted.find((o) => o.entry === fk)?.reason ?? '',
        /references shop\.order_items, which is neither selected nor in the target/,
      );
      assert.ok(
        c.omitted.some((o) => o.entry.desc === 'VIEW' && o.entry.tag === 'price_list'),
        'the view on products is offered',
      );
    });

    it('keeps a foreign key when the other table exists in the target or is selected too', () => {
      const fk = find('FK CONSTRAINT', 'order_items order_items_product_id_fkey');
      assert.ok(
        closureOf(['TABLE:shop.products'], true, new Set([find('TABLE', 'order_items').dumpId])).items.some(
          (i) => i.entry === fk,
        ),
      );
      const both = closureOf(['TABLE:shop.products', 'TABLE:shop.order_items'], true);
      assert.ok(both.items.some((i) => i.entry === fk));
      assert.ok(
        !both.items.some((i) => i.entry.tag === 'order_items order_items_order_id_fkey'),
        'orders is neither selected nor present',
      );
    });

    it('brings the partitions of a partitioned table, with their rows and attachments (pg_dump 15 TOC shape)', () => {
      const e = (dumpId: number, desc: string, tag: string, dependencies: number[]): TocEntry => ({
        dumpId,
        desc,
        tag,
        dependencies,
        defn: desc === 'TABLE DATA' ? '' : 'CREATE …',
        hadDumper: desc === 'TABLE DATA',
        tableOid: 0,
        oid: 0,
        section: 'pre-data',
        dropStmt: null,
        copyStmt: null,
        namespace: 'public',
        tablespace: null,
        tableam: null,
        relkind: null,
        owner: 'o',
        dataState: null,
        dataOffset: null,
        dataFile: null,
      });
      // As pg_restore -l -v shows a table m partitioned into m1, with an index on m.
      const idx = buildTocIndex([
        e(214, 'TABLE', 'm', []),
        e(215, 'TABLE', 'm1', [214]),
        e(3200, 'TABLE ATTACH', 'm1', [215, 214]),
        e(3346, 'TABLE DATA', 'm1', [215]),
        e(3201, 'INDEX', 'm_id_idx', [214]),
        e(3202, 'INDEX', 'm1_id_idx', [215, 3201, 215]),
        e(3203, 'INDEX ATTACH', 'm1_id_idx', [3202, 3201, 215, 214]),
      ]);
      const all = dependencyClosure(idx, [idx.byId.get(214)!], { withDependents: true });
      assert.deepEqual(
        all.items.map((i) => i.entry.dumpId),
        [214, 215, 3200, 3346, 3201, 3202, 3203],
      );
      assert.equal(all.items[1].reason, 'partition of TABLE public.m');
      const child = dependencyClosure(idx, [idx.byId.get(215)!], { withDependents: true });
      assert.ok(
        !child.items.some((i) => i.entry.dumpId === 3200 || i.entry.dumpId === 3203),
        'a partition alone is not attached to a parent that will not exist',
      );
      assert.match(child.omitted.find((o) => o.entry.dumpId === 3200)?.reason ?? '', /references public\.m/);
    });

    it('brings what the target lacks and the selection needs, with the reason, and nothing it has', () => {
      const shop = find('SCHEMA', 'shop');
      const touch = find('FUNCTION', 'touch()');
      const c = closureOf(['TABLE:shop.products'], true, new Set());
      const byName = new Map(c.items.map((i) => [describeEntry(i.entry), i]));
      assert.equal(
        byName.get('SCHEMA shop')?.reason,
        'needed by TABLE shop.products: schema shop is missing in the target',
      );
      assert.equal(byName.get('SCHEMA shop')?.origin, 'prerequisite');
      assert.match(
        byName.get('FUNCTION shop.touch()')?.reason ?? '',
        /^needed by TRIGGER shop\.products products_touch: function shop\.touch\(\) is missing/,
      );
      assert.ok(
        !c.items.some((i) => i.entry.desc === 'TABLE' && i.entry.tag === 'orders'),
        'a schema brought as a prerequisite does not bring its contents',
      );
      const has = closureOf(['TABLE:shop.products'], true, new Set([shop.dumpId, touch.dumpId]));
      assert.ok(!has.items.some((i) => i.origin === 'prerequisite'), 'nothing the target has is brought');
      const unknown = closureOf(['TABLE:shop.products'], false);
      assert.ok(
        !unknown.items.some((i) => i.origin === 'prerequisite'),
        'without looking at the target nothing is assumed missing',
      );
      const bare = closureOf(['TABLE:shop.products'], false, new Set());
      assert.deepEqual(
        kinds(bare.items),
        ['SCHEMA shop', 'TABLE shop.products'],
        'prerequisites come without dependents too',
      );
    });

    it('brings the views DROP … CASCADE took when they are missing in the target, in archive order', () => {
      const view = find('VIEW', 'price_list');
      const everythingElse = new Set(
        archive.toc
          .entries()
          .filter((e) => e.namespace !== 'shop' || e.desc === 'SCHEMA')
          .map((e) => e.dumpId),
      );
      const c = closureOf(['TABLE:shop.products'], true, everythingElse);
      const item = c.items.find((i) => i.entry === view);
      assert.equal(item?.origin, 'lost');
      assert.equal(item?.reason, 'depends on TABLE shop.products and is missing in the target');
      assert.ok(!c.omitted.some((o) => o.entry === view));
      const positions = c.items.map((i) => archive.toc.entries().indexOf(i.entry));
      assert.deepEqual(
        positions,
        [...positions].sort((a, b) => a - b),
      );
      const present = closureOf(['TABLE:shop.products'], true, new Set([...everythingElse, view.dumpId]));
      assert.ok(!present.items.some((i) => i.entry === view), 'a view the target still has is not restored again');
      assert.match(present.omitted.find((o) => o.entry === view)?.reason ?? '', /select it to restore it too/);
    });

    it('names the column ownership of a sequence in words', () => {
      const c = closureOf(['TABLE:shop.products'], true);
      const owned = c.items.find((i) => i.entry.desc === 'SEQUENCE OWNED BY');
      assert.equal(owned?.reason, 'column ownership of SEQUENCE shop.products_id_seq');
    });

    it("brings a schema's contents when the schema is chosen", () => {
      const c = closureOf(['SCHEMA:shop'], false);
      const inShop = archive.toc.entries().filter((e) => e.namespace === 'shop').length;
      assert.equal(c.items.length, inShop + 1);
    });
  });

  describe('plan against the target', () => {
    it('skips what exists, with the rows and sequence values that belong to it', () => {
      const c = closureOf(['TABLE:shop.products'], true);
      const sku = find('SEQUENCE', 'sku_seq');
      const plan = buildPlan(index, c, new Set([sku.dumpId]), {});
      const action = (desc: string, tag: string) =>
        plan.items.find((i) => i.entry.desc === desc && i.entry.tag === tag);
      assert.equal(action('SEQUENCE', 'sku_seq')?.action, 'skip');
      assert.equal(action('SEQUENCE SET', 'sku_seq')?.action, 'skip');
      assert.match(action('SEQUENCE SET', 'sku_seq')?.note ?? '', /current value is kept/);
      assert.equal(action('TABLE', 'products')?.action, 'restore');
      assert.ok(!plan.listFile.includes(`\n${sku.dumpId};`));
      assert.equal(plan.total, plan.items.length - 2);
    });

    it('recreates what exists with --clean, and adds --if-exists for what does not', async () => {
      const p = await planRestore({
        archive,
        index,
        select: ['TABLE:shop.products'],
        withDependents: false,
        options: { clean: true },
      });
      assert.equal(p.items[0].action, 'restore');
      assert.equal(p.options.ifExists, true);
      assert.match(p.notes.join(' '), /--if-exists added/);
    });

    it('writes a list file pg_restore -L accepts: ids in archive order with reasons as comments', async () => {
      const p = await planRestore({
        archive,
        index,
        select: ['TABLE:shop.products'],
        withDependents: true,
        options: {},
      });
      const ids = p.listFile
        .split('\n')
        .filter((l) => /^\d+;/.test(l))
        .map((l) => Number(l.split(';')[0]));
      assert.equal(ids.length, p.total);
      assert.deepEqual(
        ids,
        p.items.map((i) => i.entry.dumpId),
      );
      assert.match(p.listFile, /^; Archive created at /m);
      assert.match(p.listFile, /TABLE DATA shop products postgres\n;\trows of TABLE shop\.products\n/);
    });

    it('leaves out the dependents the user unticked, but never what the user chose', async () => {
      const all = await planRestore({
        archive,
        index,
        select: ['TABLE:shop.products'],
        withDependents: true,
        options: {},
      });
      const data = all.items.find((i) => i.entry.desc === 'TABLE DATA')!;
      const table = all.items.find((i) => i.via === null)!;
      const p = await planRestore({
        archive,
        index,
        select: ['TABLE:shop.products'],
        withDependents: true,
        options: {},
        exclude: new Set([data.entry.dumpId, table.entry.dumpId]),
      });
      assert.ok(!p.items.some((i) => i.entry.dumpId === data.entry.dumpId), 'the unticked rows are still planned');
      assert.ok(
        p.items.some((i) => i.entry.dumpId === table.entry.dumpId),
        'the chosen table was dropped',
      );
      assert.doesNotMatch(p.listFile, /TABLE DATA shop products/);
      assert.match(p.notes.join(' '), /1 dependent item\(s\) left out by hand/);
    });
  });

  describe('restore report', () => {
    const summary = (restored: number, errors = 0) => ({
      restored: Array.from({ length: restored }, (_, i) => `item ${i}`),
      errors: Array.from({ length: errors }, () => ({ dumpId: null, message: 'ERROR: boom' })),
      durationMs: 1200,
      exitCode: errors ? 1 : 0,
    });

    it('says what was skipped and that the rows of an existing table were not loaded, as a warning', async () => {
      const c = closureOf(['TABLE:shop.products'], true);
      const table = find('TABLE', 'products');
      const plan = buildPlan(index, c, new Set([table.dumpId]), {});
      const r = restoreReport({
        database: 'sample',
        summary: summary(plan.total),
        rowCounts: [],
        total: plan.total,
        items: plan.items,
      });
      assert.equal(r.verdict, 'warning');
      assert.match(
        r.headline,
        /^Nothing of what you picked was restored into sample: it exists there already \(2 skipped because they exist there; the rows of 1 table were not loaded; no errors\)/,
      );
      assert.deepEqual(r.rows, [
        { table: 'shop.products', rows: null, note: 'rows not loaded: the table exists in the target' },
      ]);
      assert.ok(
        r.skipped.some((k) => k.label === 'TABLE shop.products' && k.reason === 'already exists in the target'),
      );
    });

    it('is ok when everything ran, and failed with errors', () => {
      const c = closureOf(['TABLE:shop.products'], false);
      const plan = buildPlan(index, c, new Set(), {});
      const ok = restoreReport({
        database: 'd',
        summary: summary(1),
        rowCounts: [{ table: 'shop.products', rows: 3 }],
        total: 1,
        items: plan.items,
      });
      assert.equal(ok.verdict, 'ok');
      assert.equal(ok.headline, 'Restored 1 of 1 item into d in 1.2s; no errors.');
      const failed = restoreReport({
        database: 'd',
        summary: summary(0, 2),
        rowCounts: [],
        total: 1,
        items: plan.items,
      });
      assert.equal(failed.verdict, 'failed');
      assert.match(failed.headline, /2 errors\.$/);
    });
  });

  describe('pg_restore options', () => {
    it('refuses what pg_restore refuses, with its reason', () => {
      assert.throws(
        () => validateRestoreOptions({ jobs: 4, singleTransaction: true }, 'custom'),
        /--jobs and --single-transaction/,
      );
      assert.throws(() => validateRestoreOptions({ jobs: 2 }, 'tar'), /tar archive/);
      assert.throws(
        () => validateRestoreOptions({ schemaOnly: true, dataOnly: true }, 'custom'),
        /cannot be used together/,
      );
      assert.throws(() => validateRestoreOptions({ ifExists: true }, 'custom'), /only works with --clean/);
      assert.throws(
        () => validateRestoreOptions({ create: true, singleTransaction: true }, 'custom'),
        /--create and --single-transaction/,
      );
      assert.doesNotThrow(() => validateRestoreOptions({ jobs: 4, clean: true, ifExists: true }, 'directory'));
    });

    it('builds the argv with the target as a password-free conninfo', () => {
      const args = restoreArgv(
        { clean: true, ifExists: true, noOwner: true, role: 'app', jobs: 3, exitOnError: true },
        '/b/x.dump',
        'host=h port=5 dbname=shop',
        '/tmp/l.list',
      );
      assert.deepEqual(args, [
        '--verbose',
        '--dbname=host=h port=5 dbname=shop',
        '--use-list=/tmp/l.list',
        '--clean',
        '--if-exists',
        '--no-owner',
        '--role=app',
        '--jobs=3',
        '--exit-on-error',
        '/b/x.dump',
      ]);
    });

    it('refuses a pg_restore older than the pg_dump that made the archive, naming both versions', () => {
      const set = (major: number, version: string): ToolSet => ({
        major,
        version,
        dir: `/pg${major}`,
        tools: { pg_restore: `/pg${major}/pg_restore` },
      });
      const made17 = { ...archive, pgDumpVersion: '17.2', version: { major: 1, minor: 16, rev: 0 } };
      assert.throws(
        () => pickRestoreTools([set(15, '15.18')], made17),
        (e: PgBackupError) =>
          e.kind === 'tool-version' && /pg_dump 17\.2, newer than pg_restore 15\.18/.test(e.message),
      );
      assert.equal(pickRestoreTools([set(15, '15.18'), set(17, '17.1')], archive).major, 17);
    });
  });

  describe('pg_restore -v progress and errors', () => {
    it('counts items and collects errors with their statements', () => {
      const seen: string[] = [];
      const log = new RestoreLog(3, (p) => seen.push(`${p.done}/${p.total}`));
      for (const l of [
        'pg_restore: connecting to database for restore',
        'pg_restore: creating TABLE "public.products"',
        'pg_restore: while PROCESSING TOC:',
        'pg_restore: from TOC entry 216; 1259 16388 TABLE products postgres',
        'pg_restore: error: could not execute query: ERROR:  relation "products" already exists',
        'Command was: CREATE TABLE public.products (',
        '    id integer NOT NULL',
        ');',
        'pg_restore: processing data for table "public.products"',
        'pg_restore: executing SEQUENCE SET products_id_seq',
        'pg_restore: warning: errors ignored on restore: 1',
      ])
        log.line(l);
      assert.deepEqual(seen, ['1/3', '2/3', '3/3']);
      assert.deepEqual(log.restored, [
        'processing data for table "public.products"',
        'executing SEQUENCE SET products_id_seq',
      ]);
      assert.deepEqual(log.errors, [
        {
          dumpId: 216,
          message: 'ERROR:  relation "products" already exists',
          statement: 'CREATE TABLE public.products (\n    id integer NOT NULL\n);',
        },
      ]);
    });
  });
});
