import assert from 'node:assert/strict';
import { DumpProgressEstimator } from '../../src/core/dump/progress';
import type { DumpWorkload } from '../../src/core/dump/table-sizes';

const MB = 1 << 20;
const workload: DumpWorkload = {
  tables: [
    { schema: 'public', name: 'small', bytes: 1 * MB },
    { schema: 'public', name: 'big', bytes: 90 * MB },
    { schema: 'sales', name: 'orders', bytes: 9 * MB },
  ],
  largeObjectBytes: 0,
};

describe('dump progress estimate', () => {
  it('weighs tables by size: finishing a big table moves the bar far more than a small one', () => {
    const e = new DumpProgressEstimator(workload, { format: 'plain' });
    e.line('pg_dump: dumping contents of table "public.small"');
    e.line('pg_dump: dumping contents of table "public.big"');
    const afterSmall = e.snapshot().percent;
    e.line('pg_dump: dumping contents of table "sales.orders"');
    const afterBig = e.snapshot().percent;
    assert.ok(afterSmall <= 3, `after the small table: ${afterSmall}`);
    assert.ok(afterBig >= 88 && afterBig <= 92, `after the big table: ${afterBig}`);
    assert.equal(e.snapshot().table, 'sales.orders');
    assert.equal(e.snapshot().tablesDone, 2);
  });

  it('counts bytes written into the table being copied, but never past 95 % of it', () => {
    const e = new DumpProgressEstimator(workload, { format: 'plain', compression: { method: 'none' } });
    e.line('pg_dump: dumping contents of table "public.big"');
    e.written(30 * MB);
    const partway = e.snapshot().percent;
    assert.ok(partway > 20 && partway < 50, `partway: ${partway}`);
    e.written(10_000 * MB);
    assert.ok(e.snapshot().percent <= 87, `capped: ${e.snapshot().percent}`);
  });

  it('never reports 100 before done(), even when every table is finished', () => {
    const e = new DumpProgressEstimator(workload, { format: 'custom' });
    for (const t of workload.tables) e.line(`pg_dump: dumping contents of table "${t.schema}.${t.name}"`);
    e.finishing();
    assert.equal(e.snapshot().percent, 99);
    assert.equal(e.snapshot().phase, 'finishing');
    e.done();
    assert.deepEqual([e.snapshot().percent, e.snapshot().phase], [100, 'done']);
  });

  it('never goes backwards, even when a table it did not know about appears', () => {
    const e = new DumpProgressEstimator(workload, { format: 'plain' });
    const seen: number[] = [];
    const lines = [
      'reading schemas',
      'reading user-defined tables',
      'dumping contents of table "public.big"',
      'dumping contents of table "public.surprise"',
      'dumping contents of table "sales.orders"',
    ];
    for (const l of lines) {
      e.line(`pg_dump: ${l}`);
      e.written(seen.length * 5 * MB);
      seen.push(e.snapshot().percent);
    }
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      seen,
    );
    assert.equal(e.snapshot().tablesTotal, 4);
  });

  it('follows parallel workers: a table is done when its worker reports the item finished', () => {
    const e = new DumpProgressEstimator(workload, { format: 'directory', jobs: 2 });
    e.line('pg_dump: dumping contents of table "public.big"');
    e.line('pg_dump: dumping contents of table "public.small"');
    assert.equal(e.snapshot().tablesDone, 0);
    e.line('pg_dump: finished item 3348 TABLE DATA small');
    assert.equal(e.snapshot().tablesDone, 1);
    assert.ok(e.snapshot().percent < 10);
    e.line('pg_dump: finished item 3347 TABLE DATA big');
    assert.ok(e.snapshot().percent >= 90);
  });

  it('moves through the catalog phase before any data', () => {
    const e = new DumpProgressEstimator({ tables: [], largeObjectBytes: 0 }, { format: 'plain', schemaOnly: true });
    for (let i = 0; i < 20; i++) e.line('pg_dump: reading something');
    const p = e.snapshot();
    assert.equal(p.phase, 'catalog');
    assert.ok(p.percent > 30 && p.percent < 99, `catalog: ${p.percent}`);
  });

  it('counts a table being copied by the share of its rows the server has sent, when it knows its rows', () => {
    const withRows: DumpWorkload = {
      tables: workload.tables.map((t) => ({ ...t, rows: t.bytes / 100 })),
      largeObjectBytes: 0,
    };
    // gzip's assumed 4:1 would make 30 MB of output look like all of the 90 MB table; the rows say a quarter.
    const e = new DumpProgressEstimator(withRows, { format: 'custom' });
    e.line('pg_dump: dumping contents of table "public.big"');
    e.written(30 * MB);
    e.copied('public.big', (90 * MB) / 100 / 4);
    const quarter = e.snapshot().percent;
    assert.ok(quarter >= 21 && quarter <= 23, `a quarter of the big table: ${quarter}`);
    e.copied('public.big', (90 * MB) / 100);
    assert.ok(e.snapshot().percent <= 85, `never past 95 % of the table: ${e.snapshot().percent}`);
    e.copied('public.nothing', 5);
    e.line('pg_dump: dumping contents of table "sales.orders"');
    assert.ok(e.snapshot().percent >= 88, `the big table done: ${e.snapshot().percent}`);
  });

  it('falls back to the output size for a table without a row count', () => {
    const e = new DumpProgressEstimator(workload, { format: 'plain', compression: { method: 'none' } });
    e.line('pg_dump: dumping contents of table "public.big"');
    e.copied('public.big', 1);
    e.written(30 * MB);
    const p = e.snapshot().percent;
    assert.ok(p > 20 && p < 50, `by bytes: ${p}`);
  });
});
