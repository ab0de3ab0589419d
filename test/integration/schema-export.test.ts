import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exitCodeFor } from '../../src/cli/command';
import { schemaCheckCommand } from '../../src/cli/commands/schema-check';
import { schemaExportCommand } from '../../src/cli/commands/schema-export';
import { parseConnectionString } from '../../src/core/connection/profile';
import { PgBackupError } from '../../src/core/errors';
import { checkSchema, exportSchema, readLayoutFiles, INDEX_FILE, type SchemaLayout } from '../../src/core/schema';
import { dumpSchema } from '../../src/core/schema/dump-schema';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { captureIo } from '../support/io';

const execFileP = promisify(execFile);

/** Every kind of object the issue names, with names that are hard to turn into files. */
const FIXTURE = `
CREATE SCHEMA "App Data";
CREATE SCHEMA "café";
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN public.posint AS integer CHECK (VALUE > 0);
CREATE TABLE public.users (id serial PRIMARY KEY, name text NOT NULL, mood public.mood, age public.posint);
CREATE TABLE public."Users" (id int PRIMARY KEY);
CREATE TABLE public."USERS" (id int);
CREATE TABLE "App Data"."we""ird/name" (id int, "sp ace" text);
CREATE TABLE "café"."crème brûlée" (id int, "señal" text);
CREATE TABLE public."con" (id int);
CREATE TABLE public.${'t'.repeat(63)} (id int);
CREATE TABLE public.measurements (id bigint, at date NOT NULL, v numeric) PARTITION BY RANGE (at);
CREATE TABLE public.measurements_2024 PARTITION OF public.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX measurements_at_idx ON public.measurements (at);
CREATE FUNCTION public.add(a int, b int) RETURNS int LANGUAGE sql AS 'select a + b';
CREATE FUNCTION public.add(a text, b text) RETURNS text LANGUAGE sql AS 'select a || b';
COMMENT ON FUNCTION public.add(int, int) IS 'adds integers';
CREATE FUNCTION public.many_args(${Array.from({ length: 8 }, (_, i) => `a${i} timestamp with time zone`).join(', ')}) RETURNS int LANGUAGE sql AS 'select 1';
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$begin new.name := lower(new.name); return new; end$$;
CREATE TRIGGER users_touch BEFORE INSERT ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch();
CREATE VIEW public.happy_users AS SELECT id, name FROM public.users WHERE mood = 'happy';
CREATE MATERIALIZED VIEW public.user_counts AS SELECT mood, count(*) FROM public.users GROUP BY mood;
CREATE INDEX users_name_idx ON public.users (name);
COMMENT ON TABLE public.users IS 'people';
CREATE TABLE public.orders (id int PRIMARY KEY, user_id int REFERENCES public.users (id));
CREATE ROLE schema_reader;
GRANT SELECT ON public.users TO schema_reader;
`;

/** No password from this process's env. */
const fakeIo = () => captureIo({ env: { PGPASSWORD: '' } });

async function allFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('schema export and drift check (PostgreSQL 15)', function () {
  let cluster: Cluster;
  let work: string;
  const conn = (db: string) => parseConnectionString(cluster.url(db)).params;
  const split = (name: string): SchemaLayout => ({ kind: 'split', dir: join(work, name) });
  const file = (name: string): SchemaLayout => ({ kind: 'file', path: join(work, name) });

  before(async () => {
    [cluster, work] = await Promise.all([startCluster(), mkdtemp(join(tmpdir(), 'pgb-schema-'))]);
    await cluster.psql('CREATE DATABASE app');
    await cluster.psql(FIXTURE, 'app');
  });
  after(async () => {
    await destroyCluster(cluster);
    await rm(work, { recursive: true, force: true });
  });

  it('runs a pg_dump that writes random \\restrict keys (15.14+), so the normalizer has work to do', async () => {
    const [a, b] = [await dumpSchema({ conn: conn('app') }, {}), await dumpSchema({ conn: conn('app') }, {})];
    assert.match(a.text, /^\\restrict [A-Za-z0-9]+$/m);
    assert.notEqual(a.text, b.text);
    assert.match(a.serverVersion ?? '', /^15\./);
  });

  it('exports byte-identical files twice in a row, without \\restrict lines', async () => {
    for (const layout of [file('one.sql'), split('one')]) {
      const first = await exportSchema({ conn: conn('app'), layout });
      assert.ok(first.changed);
      const before = await readLayoutFiles(layout);
      await exportSchema({ conn: conn('app'), layout: layout.kind === 'file' ? file('two.sql') : split('two') });
      const again = await exportSchema({ conn: conn('app'), layout });
      assert.equal(again.changed, false);
      assert.ok(again.files.every((f) => f.status === 'unchanged'));
      assert.deepEqual(await readLayoutFiles(layout), before);
    }
    assert.equal(await readFile(join(work, 'one.sql'), 'utf8'), await readFile(join(work, 'two.sql'), 'utf8'));
    assert.deepEqual(await readLayoutFiles(split('one')), await readLayoutFiles(split('two')));
    for (const f of [join(work, 'one.sql'), ...(await allFiles(join(work, 'one')))]) {
      assert.doesNotMatch(await readFile(f, 'utf8'), /^\\(un)?restrict |^-- Dumped (from|by)/m, f);
    }
    const single = await readFile(join(work, 'one.sql'), 'utf8');
    assert.match(single.split('\n')[0], /^-- pg_dump --schema-only output \(owners and privileges left out\)/);
    assert.doesNotMatch(single, /OWNER TO|GRANT /);
  });

  it('writes every kind of object to its own safe file', async () => {
    const files = [...(await readLayoutFiles(split('one'))).keys()];
    const has = (re: RegExp) =>
      assert.ok(
        files.some((f) => re.test(f)),
        `${re} in ${files.join(', ')}`,
      );
    has(/^public\/types\/mood\.sql$/);
    has(/^public\/domains\/posint\.sql$/);
    has(/^public\/tables\/users\.sql$/);
    has(/^public\/tables\/Users~[0-9a-f]{8}\.sql$/);
    has(/^public\/tables\/USERS~[0-9a-f]{8}\.sql$/);
    has(/^public\/tables\/%63on\.sql$/);
    has(/^public\/tables\/t{63}\.sql$/);
    has(/^App Data\/tables\/we%22ird%2Fname\.sql$/);
    has(/^café\/tables\/crème brûlée\.sql$/);
    has(/^public\/tables\/measurements\.sql$/);
    has(/^public\/tables\/measurements_2024\.attach\.sql$/);
    has(/^public\/indexes\/measurements_at_idx\.sql$/);
    has(/^public\/functions\/add\(integer,integer\)\.sql$/);
    has(/^public\/functions\/add\(text,text\)\.sql$/);
    has(/^public\/triggers\/users\.users_touch\.sql$/);
    has(/^public\/functions\/many_args\(timestamp with time zone,timestamp with time zone,[^/]*~[0-9a-f]{8}\.sql$/);
    has(/^public\/views\/happy_users\.sql$/);
    has(/^public\/materialized_views\/user_counts\.sql$/);
    has(/^public\/constraints\/orders\.orders_user_id_fkey\.sql$/);
    const lowerCased = new Set(files.map((f) => f.normalize('NFC').toLowerCase()));
    assert.equal(lowerCased.size, files.length);
    const fn = await readFile(join(work, 'one', 'public/functions/add(integer,integer).sql'), 'utf8');
    assert.match(fn, /COMMENT ON FUNCTION public\.add\(a integer, b integer\) IS 'adds integers'/);
  });

  it('recreates the schema from the index file with psql, and the copy exports the same files', async () => {
    await cluster.psql('CREATE DATABASE copy');
    await execFileP(
      join(PG15_BIN, 'psql'),
      [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        '127.0.0.1',
        '-p',
        String(cluster.port),
        '-U',
        'postgres',
        '-d',
        'copy',
        '-f',
        INDEX_FILE,
      ],
      {
        cwd: join(work, 'one'),
      },
    );
    await exportSchema({ conn: conn('copy'), layout: split('copy') });
    assert.deepEqual(await readLayoutFiles(split('copy')), await readLayoutFiles(split('one')));
    const check = await checkSchema({ conn: conn('copy'), layout: file('one.sql') });
    assert.equal(check.drifted, false, check.diff);
  });

  it('finds an added column: check reports drift with the column in a unified diff', async () => {
    await cluster.psql('CREATE DATABASE drift TEMPLATE app');
    const layout = file('drift.sql');
    await exportSchema({ conn: conn('drift'), layout });
    await exportSchema({ conn: conn('drift'), layout: split('drift') });
    assert.equal((await checkSchema({ conn: conn('drift'), layout })).drifted, false);
    await cluster.psql('ALTER TABLE public.users ADD COLUMN email text', 'drift');

    const single = await checkSchema({ conn: conn('drift'), layout });
    assert.equal(single.drifted, true);
    assert.match(single.diff, /^--- a\/.*drift\.sql\n\+\+\+ b\/.*drift\.sql\n@@ -\d+,\d+ \+\d+,\d+ @@/);
    assert.match(single.diff, /^-    age public\.posint$\n^\+    age public\.posint,$\n^\+    email text$/m);

    const folder = await checkSchema({ conn: conn('drift'), layout: split('drift') });
    assert.deepEqual(
      folder.files.map((f) => `${f.status} ${f.path}`),
      ['changed public/tables/users.sql'],
    );
    assert.match(folder.diff, /^\+    email text$/m);
  });

  it('CLI: schema check exits 1 with the diff on drift, 0 once re-exported', async () => {
    const url = cluster.url('drift');
    const where = join(work, 'cli');
    await cluster.psql('ALTER TABLE public.users DROP COLUMN IF EXISTS email', 'drift');
    let io = fakeIo();
    assert.equal(await schemaExportCommand.run([url, '--split', where], io), 0);
    assert.match(io.stdout.join('\n'), /added +_index\.sql/);
    io = fakeIo();
    assert.equal(await schemaCheckCommand.run([url, where], io), 0);
    assert.match(io.stdout.join('\n'), /^No drift/);

    await cluster.psql('ALTER TABLE public.users ADD COLUMN email text', 'drift');
    io = fakeIo();
    assert.equal(await schemaCheckCommand.run([url, where], io), 1);
    assert.match(io.stdout.join('\n'), /^\+    email text$/m);
    assert.match(io.stderr.join('\n'), /Schema drift: 1 file in .* differs/);

    io = fakeIo();
    assert.equal(await schemaExportCommand.run([url, '--split', where], io), 0);
    assert.match(io.stdout.join('\n'), /1 changed[\s\S]*changed +public\/tables\/users\.sql/);
    assert.equal(await schemaCheckCommand.run([url, where], fakeIo()), 0);
    io = fakeIo();
    assert.equal(await schemaExportCommand.run([url, '--split', where], io), 0);
    assert.match(io.stdout[0], /^No changes/);
  });

  it('CLI: single file, privileges and owners options, and a schema filter', async () => {
    const url = cluster.url('app');
    const out = join(work, 'cli-priv.sql');
    assert.equal(
      await schemaExportCommand.run([url, '--out', out, '--privileges', '--owners', '--schema', 'café'], fakeIo()),
      0,
    );
    const text = await readFile(out, 'utf8');
    assert.match(text.split('\n')[0], /owners and privileges kept; schemas: café/);
    assert.match(text, /ALTER TABLE "café"\."crème brûlée" OWNER TO postgres;/);
    assert.doesNotMatch(text, /public\.users/);
    assert.equal(await schemaCheckCommand.run([url, out, '--privileges', '--owners', '--schema', 'café'], fakeIo()), 0);
    // Checking with other options than the export used is drift, and the first line says why.
    const io = fakeIo();
    assert.equal(await schemaCheckCommand.run([url, out, '--schema', 'café'], io), 1);
    assert.match(io.stdout.join('\n'), /^-.*owners and privileges kept/m);

    const all = join(work, 'cli-grants');
    assert.equal(await schemaExportCommand.run([url, '--split', all, '--privileges'], fakeIo()), 0);
    assert.match(
      await readFile(join(all, 'public/tables/users.privileges.sql'), 'utf8'),
      /GRANT SELECT ON TABLE public\.users TO schema_reader;/,
    );
  });

  it('CLI: bad usage and a missing export are usage/input errors (exit 2), an unreachable server a failure (exit 3)', async () => {
    const url = cluster.url('app');
    const exit = (code: number) => (e: PgBackupError) => exitCodeFor(e) === code;
    await assert.rejects(schemaExportCommand.run([url], fakeIo()), exit(2));
    await assert.rejects(schemaExportCommand.run([url, '--out', join(work, 'x.sql'), '--bogus'], fakeIo()), exit(2));
    await assert.rejects(
      schemaExportCommand.run([url, '--out', 'a', '--split', 'b'], fakeIo()),
      (e: PgBackupError) => e.kind === 'usage',
    );
    await assert.rejects(schemaCheckCommand.run([url], fakeIo()), (e: PgBackupError) => e.kind === 'usage');
    await assert.rejects(
      schemaCheckCommand.run([url, join(work, 'nothing-here')], fakeIo()),
      (e: PgBackupError) => e.kind === 'input' && /does not exist/.test(e.message) && exitCodeFor(e) === 2,
    );
    await writeFile(join(work, 'x.sql'), '');
    await assert.rejects(
      schemaCheckCommand.run(['postgresql://postgres@127.0.0.1:1/app', join(work, 'x.sql')], fakeIo()),
      (e: PgBackupError) => e.kind === 'unreachable' && exitCodeFor(e) === 3,
    );
  });

  it('stops pg_dump when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      exportSchema({ conn: conn('app'), layout: file('cancelled.sql'), signal: controller.signal }),
      (e: PgBackupError) => e.kind === 'cancelled',
    );
    await assert.rejects(readFile(join(work, 'cancelled.sql')), 'nothing was written');
  });
});
