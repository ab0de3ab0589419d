import assert from 'node:assert/strict';
import type { TocEntry } from '../../src/core/archive/types';
import { INDEX_SHARE, ITEM_WEIGHT, RestoreProgressEstimator, restoreWeights } from '../../src/core/restore/progress';

const MB = 1 << 20;

function entry(dumpId: number, desc: string, tag: string, dependencies: number[] = []): TocEntry {
  return {
    dumpId,
    hadDumper: desc === 'TABLE DATA',
    tableOid: 0,
    oid: 0,
    tag,
    desc,
    section: desc === 'TABLE DATA' ? 'data' : desc === 'TABLE' ? 'pre-data' : 'post-data',
    defn: null,
    dropStmt: null,
    copyStmt: null,
    namespace: 'public',
    tablespace: null,
    tableam: null,
    relkind: null,
    owner: null,
    dependencies,
    dataState: null,
    dataOffset: null,
    dataFile: null,
  };
}

// One big table and one small one, each with its data and primary key, in pg_dump's order.
const entries = [
  entry(1, 'TABLE', 'big'),
  entry(2, 'TABLE', 'small'),
  entry(3, 'TABLE DATA', 'big', [1]),
  entry(4, 'TABLE DATA', 'small', [2]),
  entry(5, 'CONSTRAINT', 'big big_pkey', [1]),
  entry(6, 'CONSTRAINT', 'small small_pkey', [2]),
];
const dataBytes = new Map([
  [3, 90 * MB],
  [4, 1 * MB],
]);

/** A clock the test moves by hand. */
function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('restore progress estimate', () => {
  it('weighs data by its bytes in the archive and a primary key by its table', () => {
    const w = restoreWeights(entries, dataBytes);
    assert.equal(w.get(1), ITEM_WEIGHT);
    assert.equal(w.get(3), ITEM_WEIGHT + 90 * MB);
    assert.equal(w.get(5), ITEM_WEIGHT + INDEX_SHARE * 90 * MB);
    assert.equal(w.get(6), ITEM_WEIGHT + INDEX_SHARE * MB);
  });

  it('serially: a new item means the one before is done, and the big table moves the bar most', () => {
    const c = clock();
    const e = new RestoreProgressEstimator(entries, restoreWeights(entries, dataBytes), c.now);
    e.line('pg_restore: creating TABLE "public.big"');
    e.line('pg_restore: creating TABLE "public.small"');
    e.line('pg_restore: processing data for table "public.big"');
    assert.equal(e.percent(), 0);
    e.line('pg_restore: processing data for table "public.small"');
    const afterBig = e.percent();
    // 90 of 91 + 22.75 MB of data and keys (plus a little per item).
    assert.ok(afterBig >= 77 && afterBig <= 79, `after the big table's rows: ${afterBig}`);
    e.line('pg_restore: creating CONSTRAINT "public.big big_pkey"');
    e.line('pg_restore: creating CONSTRAINT "public.small small_pkey"');
    assert.ok(e.percent() >= 97 && e.percent() <= 99, `after the big key: ${e.percent()}`);
  });

  it('counts an item in flight by the time it has run at the measured throughput, never past 95 % of it', () => {
    const c = clock();
    const e = new RestoreProgressEstimator(entries, restoreWeights(entries, dataBytes), c.now);
    e.line('pg_restore: processing data for table "public.small"');
    c.advance(100); // 1 MB in 100 ms
    e.line('pg_restore: processing data for table "public.big"');
    const start = e.percent();
    c.advance(4500); // half of the big table at that pace
    const half = e.percent();
    assert.ok(half - start >= 40 && half - start <= 43, `halfway through the big table: ${start} -> ${half}`);
    c.advance(60_000);
    const capped = e.percent();
    assert.ok(capped < 78, `capped below the table's end: ${capped}`);
    assert.equal(e.percent(), capped, 'stays put, never goes back');
  });

  it('with parallel jobs, follows the leader: launched items end only on their "finished item" line', () => {
    const c = clock();
    const e = new RestoreProgressEstimator(entries, restoreWeights(entries, dataBytes), c.now);
    e.line('pg_restore: creating TABLE "public.big"');
    e.line('pg_restore: creating TABLE "public.small"');
    e.line('pg_restore: launching item 3 TABLE DATA big');
    e.line('pg_restore: launching item 4 TABLE DATA small');
    // The workers' own lines for what was launched change nothing.
    e.line('pg_restore: processing data for table "public.big"');
    e.line('pg_restore: processing data for table "public.small"');
    assert.equal(e.percent(), 0);
    e.line('pg_restore: finished item 4 TABLE DATA small');
    assert.ok(e.percent() <= 1, `the small table alone: ${e.percent()}`);
    e.line('pg_restore: launching item 6 CONSTRAINT small small_pkey');
    e.line('pg_restore: finished item 3 TABLE DATA big');
    assert.ok(e.percent() >= 77, `the big table's rows: ${e.percent()}`);
  });

  it('without data sizes (a tar archive) every item weighs the same', () => {
    const e = new RestoreProgressEstimator(entries, restoreWeights(entries, new Map()));
    e.line('pg_restore: creating TABLE "public.big"');
    e.line('pg_restore: creating TABLE "public.small"');
    e.line('pg_restore: processing data for table "public.big"');
    assert.equal(e.percent(), Math.floor((99 * 2) / 6));
  });

  it('ignores lines it cannot place and never reaches 100', () => {
    const e = new RestoreProgressEstimator(entries, restoreWeights(entries, dataBytes));
    for (const id of [1, 2, 3, 4, 5]) e.line(`pg_restore: launching item ${id} X`);
    e.line('pg_restore: creating COMMENT "public.nothing"');
    e.line('pg_restore: executing SEQUENCE SET nothing_id_seq');
    for (const id of [1, 2, 3, 4, 5, 6]) e.line(`pg_restore: finished item ${id} X`);
    assert.ok(e.percent() <= 99);
  });
});
