import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readArchive } from '../../src/core/archive/read-archive';
import type { ArchiveInfo } from '../../src/core/archive/types';
import { withClient } from '../../src/core/connection/client';
import { parseConnectionString, type ConnParams } from '../../src/core/connection/profile';
import { executeRestore } from '../../src/core/restore/execute';
import { planRestore, type PlannedRestore } from '../../src/core/restore/planner';
import { describeEntry } from '../../src/core/restore/toc-index';
import {
  APP_SCHEMA_NAMES,
  APP_SCHEMAS,
  appSchemaRows,
  loadAppSchema,
  type AppSchemaName,
} from '../support/app-schemas';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { workFolder } from '../support/work-folder';

const PG_RESTORE = join(PG15_BIN, 'pg_restore');

/** The table each application's data hangs off: dropping it with CASCADE takes foreign keys and views along. */
const CENTRAL: Record<AppSchemaName, { spec: string; table: string; needs: string[] }> = {
  rails: { spec: 'TABLE:public.users', table: 'public.users', needs: ['EXTENSION citext'] },
  django: { spec: 'TABLE:public.auth_user', table: 'public.auth_user', needs: [] },
  platform: {
    spec: 'TABLE:billing.invoices',
    table: 'billing.invoices',
    needs: ['SCHEMA billing', 'TYPE billing.currency', 'FUNCTION billing.default_currency()', 'SCHEMA audit'],
  },
};

/**
 * `pg_dump --schema-only` without what differs between any two dumps (comments with OIDs and times, the
 * \restrict key), as statements in a stable order: equal output means pg_dump cannot tell the databases apart.
 */
function normalizeSchema(text: string): string {
  const lines = text.split('\n').filter((l) => !l.startsWith('--') && !/^\\(un)?restrict /.test(l));
  return lines
    .join('\n')
    .split(/\n{2,}/)
    .map((s) => s.trim())
    .filter(Boolean)
    .sort()
    .join('\n\n');
}

describe('restore after DROP … CASCADE on application schemas (pg_restore 15)', function () {
  this.timeout(600000);
  let cluster: Cluster;
  let dir: string;
  const archives = new Map<AppSchemaName, ArchiveInfo>();
  const conn = (db: string): ConnParams => parseConnectionString(cluster.url(db)).params;
  const schemaOf = async (db: string) => normalizeSchema(await cluster.pgDump(db, ['--schema-only']));
  const plan = (name: AppSchemaName, db: string): Promise<PlannedRestore> =>
    withClient(conn(db), {}, (target) =>
      planRestore({
        archive: archives.get(name)!,
        select: [CENTRAL[name].spec],
        withDependents: true,
        options: {},
        target,
      }),
    );

  before(async () => {
    cluster = await startCluster();
    dir = workFolder('pgb-restore-apps-', 0o777);
    for (const name of APP_SCHEMA_NAMES) {
      await loadAppSchema(cluster, name, name);
      const path = join(dir, `${name}.dump`);
      await cluster.pgDump(name, ['-Fc', '-f', path]);
      archives.set(name, await readArchive(path));
    }
  });
  after(async () => {
    await destroyCluster(cluster);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const name of APP_SCHEMA_NAMES) {
    const { table } = CENTRAL[name];

    it(`${name}: drop ${table} with CASCADE, restore it with dependents, and pg_dump sees the original schema and every row`, async () => {
      const db = `${name}_dropped`;
      await cluster.psql(`create database ${db} template ${name}`);
      const before = await cluster.psql(`select count(*) from ${table}`, db);
      await cluster.psql(`drop table ${table} cascade`, db);
      const p = await plan(name, db);
      const result = await executeRestore({
        archive: archives.get(name)!,
        plan: p,
        target: conn(db),
        pgRestore: PG_RESTORE,
      });
      assert.deepEqual(result.errors, []);
      assert.equal(result.report.verdict, 'ok', result.report.headline);
      const original = await schemaOf(name);
      assert.match(original, /CREATE TABLE/);
      assert.equal(await schemaOf(db), original);
      assert.deepEqual(await appSchemaRows(cluster, name, db), APP_SCHEMAS[name].rows);
      assert.equal(await cluster.psql(`select count(*) from ${table}`, db), before);
      assert.ok(
        result.rowCounts.some((r) => r.rows !== null && r.rows > 0),
        'the report counts the rows it loaded',
      );
      assert.ok(!p.items.some((i) => i.origin === 'prerequisite'), 'the schema, types and functions survived the drop');
      if (name !== 'django')
        assert.ok(
          p.items.some((i) => i.origin === 'lost' && /VIEW/.test(i.entry.desc)),
          'the views CASCADE took come back',
        );
    });

    it(`${name}: restore ${table} with dependents into a new database, which gets what it lacks`, async () => {
      const db = `${name}_new`;
      await cluster.psql(`create database ${db}`);
      const p = await plan(name, db);
      const prerequisites = p.items.filter((i) => i.origin === 'prerequisite');
      const brought = prerequisites.map((i) => describeEntry(i.entry));
      for (const needed of CENTRAL[name].needs)
        assert.ok(brought.includes(needed), `${needed} is brought (got ${brought.join(', ')})`);
      const result = await executeRestore({
        archive: archives.get(name)!,
        plan: p,
        target: conn(db),
        pgRestore: PG_RESTORE,
      });
      assert.deepEqual(result.errors, []);
      assert.equal(result.report.verdict, 'ok', result.report.headline);
      assert.equal(
        await cluster.psql(`select count(*) from ${table}`, db),
        await cluster.psql(`select count(*) from ${table}`, name),
      );
      for (const i of prerequisites) {
        if (i.entry.desc !== 'COMMENT' && i.entry.desc !== 'ACL')
          assert.match(i.reason, /^needed by .+: .+ is missing in the target$/);
      }
    });
  }
});
