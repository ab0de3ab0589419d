import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnectionString } from '../../src/core/connection/profile';
import { checkSchema, exportSchema, INDEX_FILE } from '../../src/core/schema';
import type { SchemaContentOptions, SchemaLayout } from '../../src/core/schema';
import { APP_SCHEMA_NAMES, loadAppSchema, psqlFile } from '../support/app-schemas';
import { destroyCluster, startCluster, type Cluster } from '../support/cluster';

/**
 * Schema in git, the way CI uses it: a database created from the committed export (single file, or the split
 * layout's index) checks clean against that export, for schemas shaped like real applications'; and a real change
 * is still drift.
 */
describe('schema export round trip: a database recreated from the export checks clean (PostgreSQL 15)', function () {
  let cluster: Cluster;
  let work: string;
  const conn = (db: string) => parseConnectionString(cluster.url(db)).params;
  const layouts = (name: string): SchemaLayout[] => [
    { kind: 'file', path: join(work, `${name}.sql`) },
    { kind: 'split', dir: join(work, name) },
  ];
  const entry = (l: SchemaLayout) => (l.kind === 'file' ? l.path : join(l.dir, INDEX_FILE));

  before(async () => {
    [cluster, work] = await Promise.all([startCluster(), mkdtemp(join(tmpdir(), 'pgb-round-trip-'))]);
    for (const name of APP_SCHEMA_NAMES) await loadAppSchema(cluster, name, name);
  });
  after(async () => {
    await destroyCluster(cluster);
    await rm(work, { recursive: true, force: true });
  });

  const variants: [string, SchemaContentOptions][] = [
    ['', {}],
    [' with owners and privileges', { includeOwners: true, includePrivileges: true }],
  ];
  for (const name of APP_SCHEMA_NAMES) {
    for (const [label, options] of variants) {
      it(`${name}${label}: export, load into a new database with psql, checks clean; new column: drift`, async () => {
        const tag = `${name}${label ? '_all' : ''}`;
        for (const layout of layouts(tag)) {
          const copy = `${tag}_${layout.kind}`;
          await exportSchema({ conn: conn(name), layout, ...options });
          await cluster.psql(`CREATE DATABASE ${copy}`);
          await psqlFile(cluster, entry(layout), copy);
          const clean = await checkSchema({ conn: conn(copy), layout, ...options });
          assert.equal(clean.drifted, false, `${layout.kind}: ${clean.diff}`);

          const table = { rails: 'public.users', django: 'public.auth_user', platform: 'public.customers' }[name];
          await cluster.psql(`ALTER TABLE ${table} ADD COLUMN drift_probe integer`, copy);
          const drift = await checkSchema({ conn: conn(copy), layout, ...options });
          assert.equal(drift.drifted, true, layout.kind);
          assert.match(drift.diff, /^\+ {4}drift_probe integer$/m);
          assert.equal(drift.files.length, 1, drift.files.map((f) => f.path).join(', '));
        }
      });
    }
  }

  it('re-owned public schema (platform): no comment-only block without owners, ALTER SCHEMA with them', async () => {
    const [plain, owned] = [join(work, 'platform.sql'), join(work, 'platform_all.sql')];
    assert.doesNotMatch(await readFile(plain, 'utf8'), /Name: public; Type: SCHEMA|creating schema/);
    assert.match(await readFile(owned, 'utf8'), /^ALTER SCHEMA public OWNER TO app_owner;$/m);
  });
});
