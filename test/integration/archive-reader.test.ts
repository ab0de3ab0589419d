import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isRestorable, listLine } from '../../src/core/archive/list-file';
import { readArchive } from '../../src/core/archive/read-archive';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { createShopDatabase, FEW_SHOP_ROWS_SQL, SHOP_EVENTS_SQL } from '../support/shop';
import { parsePgRestoreList } from './pg-restore-list';
import { workFolder } from '../support/work-folder';

describe('archive reader against pg_dump 15 (archive 1.14)', function () {
  this.timeout(180000);
  let cluster: Cluster;
  let dir: string;

  before(async () => {
    cluster = await startCluster();
    dir = workFolder('pgb-archive-it-', 0o777);
    await createShopDatabase(cluster, 'shopdb', SHOP_EVENTS_SQL + FEW_SHOP_ROWS_SQL);
  });
  after(async () => {
    await destroyCluster(cluster);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const dump = async (name: string, args: string[]) => {
    const out = join(dir, name);
    await cluster.pgDump('shopdb', [...args, '-f', out]);
    return out;
  };
  const pgRestoreList = (path: string) => execFileSync(join(PG15_BIN, 'pg_restore'), ['-l', path]).toString();

  const cases: [string, string, string[], string][] = [
    ['custom, compressed (default)', 'shop.dump', ['-Fc'], 'custom'],
    ['custom, uncompressed', 'shop-z0.dump', ['-Fc', '-Z0'], 'custom'],
    ['custom, gzip level 9', 'shop-z9.dump', ['-Fc', '-Z9'], 'custom'],
    ['tar', 'shop.tar', ['-Ft'], 'tar'],
    ['directory, compressed', 'shop.dir', ['-Fd'], 'directory'],
    ['directory, uncompressed', 'shop-z0.dir', ['-Fd', '-Z0'], 'directory'],
  ];
  for (const [label, name, args, format] of cases) {
    it(`agrees with pg_restore -l on every field it prints: ${label}`, async () => {
      const path = await dump(name, args);
      const a = await readArchive(path);
      const l = parsePgRestoreList(pgRestoreList(path));
      assert.equal(a.format, format);
      assert.equal(l.header['Format'], format.toUpperCase());
      assert.equal(l.header['dbname'], a.database);
      assert.equal(Number(l.header['TOC Entries']), a.toc.count);
      assert.equal(Number(l.header['Compression']), a.compression.level);
      assert.equal(a.compression.method, a.compression.level === 0 ? 'none' : 'gzip');
      assert.equal(l.header['Dump Version'], `${a.version.major}.${a.version.minor}-${a.version.rev}`);
      assert.equal(l.header['Integer'], `${a.intSize} bytes`);
      assert.equal(l.header['Offset'], `${a.offSize} bytes`);
      assert.equal(l.header['Dumped from database version'], a.serverVersion);
      assert.equal(l.header['Dumped by pg_dump version'], a.pgDumpVersion);
      assert.ok(l.created.startsWith(a.created.local), `${l.created} vs ${a.created.local}`);
      assert.deepEqual(
        a.toc
          .entries()
          .filter((e) => isRestorable(e))
          .map(listLine),
        l.lines,
      );
    });
  }

  it('carries the dependencies pg_restore -l -v prints', async () => {
    const path = await dump('deps.dump', ['-Fc']);
    const a = await readArchive(path);
    const verbose = execFileSync(join(PG15_BIN, 'pg_restore'), ['-l', '-v', path]).toString().split('\n');
    const expected = new Map<number, number[]>();
    let last = 0;
    for (const line of verbose) {
      const id = /^(\d+);/.exec(line);
      if (id) last = Number(id[1]);
      const deps = /^;\tdepends on:(.*)$/.exec(line);
      if (deps) expected.set(last, deps[1].trim().split(/\s+/).map(Number));
    }
    assert.ok(expected.size > 10);
    for (const e of a.toc.entries())
      assert.deepEqual(e.dependencies, expected.get(e.dumpId) ?? [], `dependencies of ${e.dumpId} ${e.desc} ${e.tag}`);
  });

  it('reports data offsets for a custom file and data files for a directory one', async () => {
    const custom = await readArchive(await dump('offsets.dump', ['-Fc']));
    const data = custom.toc.entries().filter((e) => e.desc === 'TABLE DATA');
    // The shop's tables that hold rows: customers, products, orders, order_items, events_2025, events_2026, Größe.
    assert.equal(data.length, 7);
    assert.ok(data.every((e) => e.dataState === 'set' && (e.dataOffset ?? 0) > 0));
    const dirPath = await dump('files.dir', ['-Fd']);
    const directory = await readArchive(dirPath);
    const files = directory.toc
      .entries()
      .filter((e) => e.desc === 'TABLE DATA')
      .map((e) => e.dataFile ?? '');
    // pg_dump 15 records "NNNN.dat" and adds ".gz" when it opens a compressed file.
    assert.equal(files.length, 7);
    for (const f of files) assert.ok(existsSync(join(dirPath, `${f}.gz`)), `${f}.gz is in ${dirPath}`);
  });

  it('reads only the header and TOC of a custom dump with a large table', async () => {
    await cluster.psql('create table shop.big as select g, md5(g::text) from generate_series(1, 300000) g', 'shopdb');
    const path = await dump('big.dump', ['-Fc', '-Z0']);
    const a = await readArchive(path);
    const size = Number(execFileSync('stat', ['-c', '%s', path]).toString());
    assert.ok(size > 10_000_000, `dump is ${size} bytes`);
    assert.ok(a.bytesRead < 200_000, `read ${a.bytesRead} bytes of ${size}`);
    await cluster.psql('drop table shop.big', 'shopdb');
  });
});
