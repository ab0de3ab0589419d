import * as assert from 'node:assert/strict';
import { parseDump } from '../../src/core/schema/dump-entries';
import { normalizeDump } from '../../src/core/schema/normalize';
import { INDEX_FILE, splitDump } from '../../src/core/schema/split-layout';
import { foldPath } from '../../src/core/schema/file-names';
import { entry, rawDump } from './schema-dump-fixture';

const body = [
  entry('App Data', 'SCHEMA', '-', 'CREATE SCHEMA "App Data";'),
  entry('SCHEMA public', 'COMMENT', '-', "COMMENT ON SCHEMA public IS 'std';"),
  entry('pg_trgm', 'EXTENSION', '-', 'CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;'),
  entry('EXTENSION pg_trgm', 'COMMENT', '-', "COMMENT ON EXTENSION pg_trgm IS 'trigrams';"),
  entry(
    'add(integer, integer)',
    'FUNCTION',
    'public',
    'CREATE FUNCTION public.add(a integer, b integer) RETURNS integer\n    LANGUAGE sql\n    AS $$select a+b$$;',
  ),
  entry(
    'FUNCTION add(a integer, b integer)',
    'COMMENT',
    'public',
    "COMMENT ON FUNCTION public.add(a integer, b integer) IS 'ints';",
  ),
  entry(
    'add(text, text)',
    'FUNCTION',
    'public',
    'CREATE FUNCTION public.add(a text, b text) RETURNS text\n    LANGUAGE sql\n    AS $$select a||b$$;',
  ),
  "SET default_tablespace = '';\n\nSET default_table_access_method = heap;\n\n",
  entry('we"ird/name', 'TABLE', 'App Data', 'CREATE TABLE "App Data"."we""ird/name" (\n    id integer\n);'),
  entry('Users', 'TABLE', 'public', 'CREATE TABLE public."Users" (\n    id integer NOT NULL\n);'),
  entry('users', 'TABLE', 'public', 'CREATE TABLE public.users (\n    id integer NOT NULL\n);'),
  entry('TABLE users', 'COMMENT', 'public', "COMMENT ON TABLE public.users IS 'people';"),
  entry('COLUMN users.id', 'COMMENT', 'public', "COMMENT ON COLUMN public.users.id IS 'key';"),
  entry('my table', 'TABLE', 'public', 'CREATE TABLE public."my table" (\n    "a col" integer\n);'),
  entry('users_id_seq', 'SEQUENCE', 'public', 'CREATE SEQUENCE public.users_id_seq\n    AS integer;'),
  entry('users_id_seq', 'SEQUENCE OWNED BY', 'public', 'ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;'),
  entry(
    'users id',
    'DEFAULT',
    'public',
    "ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);",
  ),
  entry(
    'my table a col',
    'DEFAULT',
    'public',
    'ALTER TABLE ONLY public."my table" ALTER COLUMN "a col" SET DEFAULT 1;',
  ),
  entry(
    'Users Users_pkey',
    'CONSTRAINT',
    'public',
    'ALTER TABLE ONLY public."Users"\n    ADD CONSTRAINT "Users_pkey" PRIMARY KEY (id);',
  ),
  entry(
    'users users_pkey',
    'CONSTRAINT',
    'public',
    'ALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_pkey PRIMARY KEY (id);',
  ),
  entry('TABLE users', 'ACL', 'public', 'GRANT SELECT ON TABLE public.users TO PUBLIC;'),
  entry('COLUMN users.id', 'ACL', 'public', 'GRANT UPDATE(id) ON TABLE public.users TO app;'),
].join('');

const files = () =>
  new Map(splitDump(normalizeDump(rawDump(body), { includePrivileges: true })).map((f) => [f.path, f.content]));

describe('schema dump splitter', () => {
  it('reads every entry, and the settings pg_dump writes between entries', () => {
    const parsed = parseDump(normalizeDump(rawDump(body), {}));
    const entries = parsed.items.filter((i) => i.kind === 'entry');
    assert.equal(entries.length, 21);
    assert.deepEqual(
      parsed.items.filter((i) => i.kind === 'settings').map((s) => s.text),
      ["SET default_tablespace = '';\n\nSET default_table_access_method = heap;\n"],
    );
    assert.deepEqual(entries[7], {
      kind: 'entry',
      name: 'we"ird/name',
      type: 'TABLE',
      schema: 'App Data',
      owner: '-',
      text: '--\n-- Name: we"ird/name; Type: TABLE; Schema: App Data; Owner: -\n--\n\nCREATE TABLE "App Data"."we""ird/name" (\n    id integer\n);\n',
    });
    assert.match(parsed.trailer, /dump complete/);
  });

  it('puts each object in a folder named for its kind, with safe names', () => {
    const paths = [...files().keys()].sort().map((p) => p.replace(/~[0-9a-f]{8}\.sql$/, '~HASH.sql'));
    assert.deepEqual(paths, [
      'App Data/schema.sql',
      'App Data/tables/we%22ird%2Fname.sql',
      '_database/extensions/pg_trgm.sql',
      INDEX_FILE,
      'public/constraints/Users.Users_pkey~HASH.sql',
      'public/constraints/users.users_pkey.sql',
      'public/defaults/my table.sql',
      'public/defaults/users.sql',
      'public/functions/add(integer,integer).sql',
      'public/functions/add(text,text).sql',
      'public/schema.sql',
      'public/sequences/users_id_seq.sql',
      'public/tables/Users~HASH.sql',
      'public/tables/my table.sql',
      'public/tables/users.privileges.sql',
      'public/tables/users.sql',
    ]);
    assert.equal(
      new Set([...files().keys()].map(foldPath)).size,
      files().size,
      'no two paths meet on a case-insensitive file system',
    );
  });

  it("keeps an object's comments, OWNED BY and column grants with it", () => {
    const f = files();
    assert.match(
      f.get('public/tables/users.sql')!,
      /CREATE TABLE public\.users[\s\S]*COMMENT ON TABLE[\s\S]*COMMENT ON COLUMN public\.users\.id/,
    );
    assert.match(
      f.get('public/functions/add(integer,integer).sql')!,
      /COMMENT ON FUNCTION public\.add\(a integer, b integer\)/,
    );
    assert.doesNotMatch(f.get('public/functions/add(text,text).sql')!, /COMMENT/);
    assert.match(f.get('_database/extensions/pg_trgm.sql')!, /COMMENT ON EXTENSION/);
    assert.match(f.get('public/sequences/users_id_seq.sql')!, /OWNED BY/);
    assert.match(f.get('public/schema.sql')!, /COMMENT ON SCHEMA public/);
    assert.match(f.get('public/tables/users.privileges.sql')!, /GRANT SELECT[\s\S]*GRANT UPDATE\(id\)/);
    assert.match(f.get('public/defaults/my table.sql')!, /SET DEFAULT 1/);
  });

  it('writes each file as pg_dump wrote its entries: comment header, statement, two blank lines between', () => {
    const t = files().get('public/tables/users.sql')!;
    assert.ok(t.startsWith('--\n-- Name: users; Type: TABLE; Schema: public; Owner: -\n--\n\nCREATE TABLE'));
    assert.ok(t.endsWith(';\n') && !t.endsWith('\n\n'));
    assert.match(t, /\);\n\n\n--\n-- Name: TABLE users; Type: COMMENT/);
  });

  it('writes an index that runs every file once, in dump order, with settings in place', () => {
    const f = files();
    const index = f.get(INDEX_FILE)!;
    const lines = index.split('\n');
    assert.match(lines[0], /^-- pg_dump --schema-only output/);
    assert.match(lines[1], /^-- Index of the split layout/);
    const includes = lines.filter((l) => l.startsWith('\\ir ')).map((l) => l.slice(5, -1).replace(/''/g, "'"));
    assert.equal(includes.length, f.size - 1);
    assert.deepEqual(new Set(includes), new Set([...f.keys()].filter((k) => k !== INDEX_FILE)));
    assert.ok(includes.indexOf('public/functions/add(text,text).sql') < includes.indexOf('public/tables/users.sql'));
    assert.ok(includes.indexOf('public/sequences/users_id_seq.sql') < includes.indexOf('public/defaults/users.sql'));
    assert.ok(
      index.indexOf("SET default_tablespace = '';") > index.indexOf("\\ir 'public/functions/add(text,text).sql'"),
    );
    assert.ok(
      index.indexOf("SET default_tablespace = '';") < index.indexOf("\\ir 'App Data/tables/we%22ird%2Fname.sql'"),
    );
    assert.match(index, /SELECT pg_catalog\.set_config\('search_path', '', false\);\n\n\\ir 'App Data\/schema\.sql'\n/);
    assert.ok(index.endsWith('\n--\n-- PostgreSQL database dump complete\n--\n'));
    // Concatenating the files in index order gives back every statement of the dump.
    const statements = (s: string) =>
      s
        .split('\n')
        .filter((l) => l && !l.startsWith('--') && !l.startsWith('SET ') && !l.startsWith('SELECT pg_catalog'));
    assert.deepEqual(
      includes.flatMap((p) => statements(f.get(p)!)),
      statements(body),
    );
  });

  it('finds the object of a comment or grant however pg_dump spells it', () => {
    const dump = [
      entry('posint', 'DOMAIN', 'public', 'CREATE DOMAIN public.posint AS integer;'),
      entry(
        'add(integer, integer)',
        'FUNCTION',
        'public',
        'CREATE FUNCTION public.add(a integer, b integer) RETURNS integer LANGUAGE sql AS $$select 1$$;',
      ),
      entry(
        'add(text, text)',
        'FUNCTION',
        'public',
        "CREATE FUNCTION public.add(a text, b text DEFAULT 'x') RETURNS text LANGUAGE sql AS $$select 1$$;",
      ),
      entry('Mixed Case', 'TABLE', 'App Data', 'CREATE TABLE "App Data"."Mixed Case" (id integer);'),
      entry('COLUMN "Mixed Case".id', 'COMMENT', 'App Data', 'COMMENT ON COLUMN "App Data"."Mixed Case".id IS \'i\';'),
      entry('users', 'TABLE', 'public', 'CREATE TABLE public.users (id integer);'),
      entry('happy_users', 'VIEW', 'public', 'CREATE VIEW public.happy_users AS SELECT 1;'),
      entry(
        'users users_pkey',
        'CONSTRAINT',
        'public',
        'ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);',
      ),
      entry(
        'CONSTRAINT users_pkey ON users',
        'COMMENT',
        'public',
        "COMMENT ON CONSTRAINT users_pkey ON public.users IS 'pk';",
      ),
      entry('users p1', 'POLICY', 'public', 'CREATE POLICY p1 ON public.users USING (true);'),
      entry('POLICY p1 ON users', 'COMMENT', 'public', "COMMENT ON POLICY p1 ON public.users IS 'pol';"),
      entry('SCHEMA "café"', 'ACL', '-', 'GRANT USAGE ON SCHEMA "café" TO app;'),
      entry('TYPE posint', 'ACL', 'public', 'GRANT ALL ON TYPE public.posint TO app;'),
      entry(
        "FUNCTION add(a text, b text DEFAULT 'x'::text)",
        'ACL',
        'public',
        'REVOKE ALL ON FUNCTION public.add(a text, b text) FROM PUBLIC;',
      ),
      entry('TABLE happy_users', 'ACL', 'public', 'GRANT SELECT ON TABLE public.happy_users TO app;'),
    ].join('');
    const f = new Map(
      splitDump(normalizeDump(rawDump(dump), { includePrivileges: true })).map((x) => [x.path, x.content]),
    );
    assert.match(f.get('App Data/tables/Mixed Case.sql')!, /COMMENT ON COLUMN/);
    assert.match(f.get('public/constraints/users.users_pkey.sql')!, /COMMENT ON CONSTRAINT/);
    assert.match(f.get('public/policies/users.p1.sql')!, /COMMENT ON POLICY/);
    assert.match(f.get('café/schema.privileges.sql')!, /GRANT USAGE ON SCHEMA/);
    assert.match(f.get('public/domains/posint.privileges.sql')!, /GRANT ALL ON TYPE/);
    assert.match(
      f.get('public/functions/add(text,text).privileges.sql')!,
      /REVOKE ALL ON FUNCTION public\.add\(a text, b text\)/,
    );
    assert.match(f.get('public/views/happy_users.privileges.sql')!, /GRANT SELECT ON TABLE public\.happy_users/);
  });

  it('gives the same paths whatever other objects exist', () => {
    const alone = splitDump(
      normalizeDump(rawDump(entry('users', 'TABLE', 'public', 'CREATE TABLE public.users (id int);')), {}),
    ).map((f) => f.path);
    assert.ok(alone.includes('public/tables/users.sql'));
    assert.ok(files().has('public/tables/users.sql'));
  });

  it('does not cut a function body that quotes an entry header', () => {
    const fn = entry(
      'f()',
      'FUNCTION',
      'public',
      'CREATE FUNCTION public.f() RETURNS text\n    LANGUAGE sql\n    AS $$select $q$\n--\n-- Name: x; Type: TABLE; Schema: public; Owner: -\n--\n$q$$$;',
    );
    const split = splitDump(normalizeDump(rawDump(fn), {}));
    assert.equal(split.length, 2);
    assert.match(split[1].content, /Name: x; Type: TABLE[\s\S]*\$q\$\$\$;/);
  });
});
