import * as assert from 'node:assert/strict';
import { APP_SCHEMA_NAMES, APP_SCHEMAS, appSchemaRows, loadAppSchema } from '../support/app-schemas';
import { destroyCluster, startCluster, type Cluster } from '../support/cluster';

describe('application schema fixtures (PostgreSQL 15)', function () {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(() => destroyCluster(cluster));

  for (const name of APP_SCHEMA_NAMES) {
    it(`loads ${name} with its exact rows`, async () => {
      await loadAppSchema(cluster, name, `fixture_${name}`);
      assert.deepEqual(await appSchemaRows(cluster, name, `fixture_${name}`), APP_SCHEMAS[name].rows);
    });
  }

  it('has the shapes the fixtures promise', async () => {
    const q = (sql: string, db: string) => cluster.psql(sql, db);
    const fksIntoUsers = `SELECT count(*) FROM pg_constraint
      WHERE contype = 'f' AND confrelid = 'public.users'::regclass`;
    assert.ok(Number(await q(fksIntoUsers, 'fixture_rails')) >= 30);
    const unowned = `SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c WHERE c.relkind = 'S'
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))`;
    assert.equal(await q(unowned, 'fixture_rails'), 'document_number_seq,ticket_reference_seq');
    assert.equal(await q(`SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'`, 'fixture_rails'), '1');
    const deferrable = `SELECT bool_and(condeferrable AND condeferred) FROM pg_constraint WHERE contype = 'f'`;
    assert.equal(await q(deferrable, 'fixture_django'), 't');
    const publicOwner = `SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'`;
    assert.equal(await q(publicOwner, 'fixture_platform'), 'app_owner');
    const kinds = `SELECT string_agg(DISTINCT relkind::text, '' ORDER BY relkind::text) FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('billing', 'inventory')`;
    assert.match(await q(kinds, 'fixture_platform'), /m.*p/);
    const domains = `SELECT string_agg(typname, ',' ORDER BY typname) FROM pg_type
      WHERE typtype = 'd' AND typnamespace <> 'information_schema'::regnamespace`;
    assert.equal(await q(domains, 'fixture_platform'), 'money_cents,prüfsumme,数量');
  });
});
