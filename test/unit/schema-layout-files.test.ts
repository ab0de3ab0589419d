import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffSchemaFiles } from '../../src/core/schema/export';
import { PgBackupError } from '../../src/core/errors';
import { isOwnedPath, readLayoutFiles, writeLayoutFiles } from '../../src/core/schema/layout-files';
import { sleep } from '../support/time';

describe('schema files on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pgb-schema-files-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('owns only the index, schema files and .sql files directly in known object folders', () => {
    assert.ok(isOwnedPath('_index.sql'));
    assert.ok(isOwnedPath('public/schema.sql'));
    assert.ok(isOwnedPath('public/schema.privileges.sql'));
    assert.ok(isOwnedPath('public/tables/users.sql'));
    assert.ok(isOwnedPath('_database/extensions/pg_trgm.sql'));
    assert.ok(!isOwnedPath('README.md'));
    assert.ok(!isOwnedPath('seed.sql'));
    assert.ok(!isOwnedPath('public/tables/notes.txt'));
    assert.ok(!isOwnedPath('public/migrations/001.sql'));
    assert.ok(!isOwnedPath('public/tables/old/users.sql'));
    assert.ok(isOwnedPath('public/widgets/w.sql', new Set(['widgets'])));
  });

  it('writes only changed files, removes stale ones it owns and leaves everything else alone', async () => {
    const split = { kind: 'split' as const, dir };
    const first = new Map([
      ['_index.sql', "\\ir 'public/tables/a.sql'\n\\ir 'public/tables/b.sql'\n"],
      ['public/tables/a.sql', 'CREATE TABLE a ();\n'],
      ['public/tables/b.sql', 'CREATE TABLE b ();\n'],
      ['public/views/v.sql', 'CREATE VIEW v AS SELECT 1;\n'],
    ]);
    let changes = await writeLayoutFiles(split, first);
    assert.deepEqual(
      changes.map((c) => c.status),
      ['added', 'added', 'added', 'added'],
    );
    await writeFile(join(dir, 'README.md'), 'ours, not the export\n');
    await writeFile(join(dir, 'public', 'tables', 'notes.txt'), 'keep\n');
    const mtime = (await stat(join(dir, 'public/tables/a.sql'))).mtimeMs;
    await sleep(20);

    const second = new Map([
      ['_index.sql', "\\ir 'public/tables/a.sql'\n\\ir 'public/tables/c.sql'\n"],
      ['public/tables/a.sql', 'CREATE TABLE a ();\n'],
      ['public/tables/c.sql', 'CREATE TABLE c ();\n'],
    ]);
    changes = await writeLayoutFiles(split, second);
    assert.deepEqual(
      changes.map((c) => `${c.status} ${c.path}`),
      [
        'changed _index.sql',
        'unchanged public/tables/a.sql',
        'removed public/tables/b.sql',
        'added public/tables/c.sql',
        'removed public/views/v.sql',
      ],
    );
    assert.equal((await stat(join(dir, 'public/tables/a.sql'))).mtimeMs, mtime, 'unchanged files are not rewritten');
    await assert.rejects(stat(join(dir, 'public/views')), 'an emptied object folder is removed');
    assert.equal(await readFile(join(dir, 'README.md'), 'utf8'), 'ours, not the export\n');
    assert.equal(await readFile(join(dir, 'public/tables/notes.txt'), 'utf8'), 'keep\n');
    assert.deepEqual(await readLayoutFiles(split), second);
  });

  it('refuses to delete anything in a folder that is not an export (no index file)', async () => {
    const split = { kind: 'split' as const, dir };
    await writeLayoutFiles(split, new Map([['app/tables/mine.sql', 'hand written\n']]));
    await assert.rejects(
      writeLayoutFiles(split, new Map([['_index.sql', 'x\n']])),
      (e: PgBackupError) => e.kind === 'input' && /no _index\.sql/.test(e.message),
    );
    assert.equal(await readFile(join(dir, 'app/tables/mine.sql'), 'utf8'), 'hand written\n');
    await assert.rejects(stat(join(dir, '_index.sql')), 'nothing was written');
  });

  it('reads a missing single file or folder as empty, and writes the single file atomically', async () => {
    const file = { kind: 'file' as const, path: join(dir, 'db', 'schema.sql') };
    assert.equal((await readLayoutFiles(file)).size, 0);
    assert.equal((await readLayoutFiles({ kind: 'split', dir: join(dir, 'nope') })).size, 0);
    await writeLayoutFiles(file, new Map([['schema.sql', 'x\n']]));
    assert.equal(await readFile(file.path, 'utf8'), 'x\n');
    assert.deepEqual(await readdir(join(dir, 'db')), ['schema.sql'], 'no partial file is left behind');
  });

  it('reads files of any size and content exactly, and notices a one-byte change', async () => {
    const split = { kind: 'split' as const, dir };
    const body = (n: number) => `CREATE FUNCTION f() RETURNS text AS $$ select 'crème ✓ 𝄞' $$;\r\n`.repeat(n);
    const files = new Map([
      ['_index.sql', ''],
      ['public/functions/small.sql', body(1)],
      ['public/functions/exactly_64k.sql', 'x'.repeat(64 * 1024)],
      ['public/functions/large.sql', body(5000)],
    ]);
    await writeLayoutFiles(split, files);
    assert.deepEqual(await readLayoutFiles(split), files);
    const large = body(5000);
    const at = large.lastIndexOf('✓');
    await writeFile(join(dir, 'public/functions/large.sql'), `${large.slice(0, at)}✗${large.slice(at + 1)}`);
    const drift = diffSchemaFiles(await readLayoutFiles(split), files);
    assert.deepEqual(
      drift.files.map((f) => `${f.status} ${f.path}`),
      ['changed public/functions/large.sql'],
    );
  });

  it('reports drift file by file, from the committed files to the live schema', () => {
    const committed = new Map([
      ['_index.sql', 'a\n'],
      ['public/tables/gone.sql', 'x\n'],
      ['public/tables/t.sql', 'CREATE TABLE t (\n    id integer\n);\n'],
    ]);
    const live = new Map([
      ['_index.sql', 'a\n'],
      ['public/tables/new.sql', 'y\n'],
      ['public/tables/t.sql', 'CREATE TABLE t (\n    id integer,\n    email text\n);\n'],
    ]);
    const r = diffSchemaFiles(committed, live, 'db/schema/');
    assert.equal(r.drifted, true);
    assert.deepEqual(
      r.files.map((f) => `${f.status} ${f.path}`),
      ['removed public/tables/gone.sql', 'added public/tables/new.sql', 'changed public/tables/t.sql'],
    );
    assert.match(r.diff, /^--- a\/db\/schema\/public\/tables\/gone\.sql\n\+\+\+ \/dev\/null\n/m);
    assert.match(r.diff, /^--- \/dev\/null\n\+\+\+ b\/db\/schema\/public\/tables\/new\.sql\n/m);
    assert.match(r.diff, /^\+    email text$/m);
    assert.deepEqual(diffSchemaFiles(committed, committed), { drifted: false, diff: '', files: [] });
  });
});
