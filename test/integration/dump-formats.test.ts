import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultBackupPath,
  dumpDatabase,
  verifyChecksum,
  type DumpFormat,
  type DumpOptions,
  type DumpProgress,
} from '../../src/core/dump';
import { destroyCluster, startCluster, type Cluster } from '../support/cluster';
import { client, createShop, rowCounts, schemaOf, tcp } from './dump-fixture';

const CASES: {
  format: DumpFormat;
  options?: Partial<DumpOptions>;
  restore: (c: Cluster, file: string, db: string) => Promise<unknown>;
}[] = [
  {
    format: 'plain',
    restore: (c, file, db) => client(c, 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `--dbname=${db}`, '-f', file]),
  },
  { format: 'custom', restore: (c, file, db) => client(c, 'pg_restore', ['--exit-on-error', `--dbname=${db}`, file]) },
  {
    format: 'directory',
    options: { jobs: 2 },
    restore: (c, file, db) => client(c, 'pg_restore', ['--exit-on-error', '--jobs=2', `--dbname=${db}`, file]),
  },
  { format: 'tar', restore: (c, file, db) => client(c, 'pg_restore', ['--exit-on-error', `--dbname=${db}`, file]) },
];

describe('dump in every format (PostgreSQL 15)', function () {
  this.timeout(120_000);
  let cluster: Cluster;
  let dir: string;
  let sourceSchema: string;
  let sourceRows: Record<string, number>;

  before(async () => {
    cluster = await startCluster();
    dir = await mkdtemp(join(tmpdir(), 'pgb-dump-'));
    await createShop(cluster, 'boutique_é');
    sourceSchema = await schemaOf(cluster, 'boutique_é');
    sourceRows = await rowCounts(cluster, 'boutique_é');
  });
  after(async () => {
    await destroyCluster(cluster);
    await rm(dir, { recursive: true, force: true });
  });

  it('starts from a source with rows, a large object and non-ASCII names', () => {
    assert.equal(sourceRows['shop."Größe"'], 2);
    assert.equal(sourceRows['shop.customers'], 200);
    assert.equal(sourceRows['large objects'], 1);
    assert.match(sourceSchema, /CREATE VIEW shop\.order_totals/);
    assert.match(sourceSchema, /CREATE FUNCTION shop\.touch_total/);
  });

  for (const { format, options, restore } of CASES) {
    describe(`${format} format`, () => {
      const events: DumpProgress[] = [];
      let path: string;
      let sidecarPath: string;

      before(async () => {
        const r = await dumpDatabase({
          params: tcp(cluster, 'boutique_é'),
          options: { format, ...options },
          out: defaultBackupPath(dir, 'boutique_é', format),
          onProgress: (p) => events.push(p),
          pollMs: 20,
        });
        path = r.path;
        sidecarPath = r.sidecarPath;
      });

      it('restores into a fresh database with identical row counts and schema', async () => {
        const copy = `copy_${format}`;
        await cluster.psql(`create database ${copy}`);
        await restore(cluster, path, copy);
        assert.deepEqual(await rowCounts(cluster, copy), sourceRows);
        assert.equal(await schemaOf(cluster, copy), sourceSchema);
      });

      it('reports progress that only grows and reaches 100 once, at the end', () => {
        assert.ok(events.length >= 3, `${events.length} events`);
        const percents = events.map((e) => e.percent);
        assert.deepEqual(
          [...percents].sort((a, b) => a - b),
          percents,
        );
        assert.deepEqual(
          percents.filter((p) => p === 100),
          [100],
        );
        assert.equal(events.at(-1)!.phase, 'done');
        assert.ok(
          events.some((e) => e.phase === 'data' && e.table === 'shop.Größe'),
          'names the table being copied',
        );
      });

      it('writes a sidecar whose sha256 matches the backup, and leaves nothing partial', async () => {
        const facts = JSON.parse(readFileSync(sidecarPath, 'utf8'));
        assert.equal(facts.tool, 'pg-backup');
        assert.equal(facts.format, format);
        assert.equal(facts.database, 'boutique_é');
        assert.match(facts.serverVersion, /^15\./);
        assert.match(facts.pgDumpVersion, /^15\./);
        assert.ok(facts.bytes > 0 && facts.durationMs > 0 && !Number.isNaN(Date.parse(facts.started)));
        if (format === 'directory') {
          const files = await readdir(path);
          assert.deepEqual(Object.keys(facts.sha256.files).sort(), files.sort());
          for (const f of files)
            assert.equal(
              facts.sha256.files[f],
              createHash('sha256')
                .update(readFileSync(join(path, f)))
                .digest('hex'),
            );
        } else {
          assert.equal(facts.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
        }
        assert.equal((await verifyChecksum(path)).ok, true);
        assert.deepEqual(
          (await readdir(dir)).filter((n) => /partial|tmp-/.test(n)),
          [],
        );
      });
    });
  }
});
