import * as assert from 'node:assert/strict';
import { normalizeDump, provenanceComment } from '../../src/core/schema/normalize';
import { entry, rawDump } from './schema-dump-fixture';

const TABLE = entry('users', 'TABLE', 'public', 'CREATE TABLE public.users (\n    id integer\n);');

describe('schema dump normalizer', () => {
  it('gives byte-identical text for dumps that differ only in restrict keys and versions', () => {
    const a = normalizeDump(rawDump(TABLE, 'AAAA1111'), {});
    const b = normalizeDump(rawDump(TABLE, 'bbbb2222', '15.17'), {});
    assert.equal(a, b);
    assert.doesNotMatch(a, /^\\(un)?restrict |^-- Dumped (from|by)/m);
  });

  it('starts with one comment line that says what was stripped and with which options', () => {
    const text = normalizeDump(rawDump(TABLE), { schemas: ['app'] });
    const first = text.split('\n')[0];
    assert.equal(first, provenanceComment({ schemas: ['app'] }));
    assert.match(first, /^-- .*\\restrict\/\\unrestrict.*Dumped from\/by version/);
    assert.match(first, /owners and privileges left out; schemas: app/);
    assert.match(provenanceComment({ includeOwners: true }), /privileges left out/);
    assert.match(provenanceComment({ includeOwners: true, includePrivileges: true }), /owners and privileges kept/);
  });

  it('keeps every statement and the dump comments, with tidy blank lines', () => {
    const text = normalizeDump(rawDump(TABLE), {});
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(1, 7), [
      '--',
      '-- PostgreSQL database dump',
      '--',
      '',
      'SET statement_timeout = 0;',
      "SELECT pg_catalog.set_config('search_path', '', false);",
    ]);
    assert.ok(text.includes(TABLE.trimEnd()));
    assert.ok(text.endsWith('--\n-- PostgreSQL database dump complete\n--\n'));
  });

  it('leaves a \\restrict line inside an object alone', () => {
    const body = entry(
      'f()',
      'FUNCTION',
      'public',
      'CREATE FUNCTION public.f() RETURNS text\n    LANGUAGE sql\n    AS $$select $q$\n\\restrict abc\n$q$$$;',
    );
    assert.match(normalizeDump(rawDump(body), {}), /^\\restrict abc$/m);
  });

  it('accepts output of older pg_dump without restrict lines', () => {
    const old = rawDump(TABLE).replace(/\\(un)?restrict \S+\n\n?/g, '');
    assert.notEqual(old, rawDump(TABLE));
    assert.equal(normalizeDump(old, {}), normalizeDump(rawDump(TABLE), {}));
  });

  it('keeps carriage returns inside a function body', () => {
    const fn = entry(
      'f()',
      'FUNCTION',
      'public',
      'CREATE FUNCTION public.f() RETURNS int\n    LANGUAGE sql\n    AS $$select 1;\r\nselect 2;\r\n$$;',
    );
    assert.match(normalizeDump(rawDump(fn), {}), /select 1;\r\nselect 2;\r\n/);
  });
});

describe('schema dump normalizer: what depends on how the database was born', () => {
  const notCreated = entry('public', 'SCHEMA', '-', '-- *not* creating schema, since initdb creates it');

  it('drops entries pg_dump writes as comments only, and keeps the settings that follow them', () => {
    const text = normalizeDump(rawDump(notCreated + "SET default_tablespace = '';\n\n" + TABLE), {});
    assert.doesNotMatch(text, /Name: public; Type: SCHEMA|not\* creating schema/);
    assert.match(text, /^SET default_tablespace = '';\n\n--\n-- Name: users; Type: TABLE/m);
    assert.equal(normalizeDump(rawDump(TABLE + notCreated), {}), normalizeDump(rawDump(TABLE), {}));
  });

  it('keeps an entry with a statement after its comment', () => {
    const sql = '-- *not* creating schema, since initdb creates it\n\n\nALTER SCHEMA public OWNER TO app;';
    const text = normalizeDump(rawDump(entry('public', 'SCHEMA', '-', sql) + TABLE), { includeOwners: true });
    assert.match(text, /creating schema[^]*ALTER SCHEMA public OWNER TO app;/);
  });

  it('writes an IN list over varchar in the form it loads back as, and leaves that form alone', () => {
    const table = (expr: string) => `CREATE TABLE public.t (\n    CONSTRAINT c CHECK (${expr})\n);`;
    const check = (expr: string) => normalizeDump(rawDump(entry('t', 'TABLE', 'public', table(expr))), {});
    const [a, b] = ["'a'::character varying", "'it''s, ok'::character varying(5)"];
    const stored = check(`((s)::text = ANY ((ARRAY[${a}, ${b}])::text[]))`);
    assert.equal(stored, check(`((s)::text = ANY (ARRAY[(${a})::text, (${b})::text]))`));
    assert.ok(stored.includes(`CHECK (((s)::text = ANY (ARRAY[(${a})::text, (${b})::text])))`), stored);
  });

  it('never rewrites that form inside a function body, a string, a quoted identifier or a comment', () => {
    const form = `(ARRAY['a'::character varying])::text[]`;
    const fnSql = `CREATE FUNCTION public.f() RETURNS text[]\n    LANGUAGE sql\n    AS $_$select ${form}$_$;`;
    const fn = entry('f()', 'FUNCTION', 'public', fnSql);
    const commentSql = `COMMENT ON TABLE public.t IS 'was ${form.replace(/'/g, "''")}';`;
    const comment = entry('TABLE t', 'COMMENT', 'public', commentSql);
    const ident = entry('v', 'VIEW', 'public', `CREATE VIEW public.v AS\n SELECT 1 AS "${form.replace(/"/g, '""')}";`);
    const body = fn + comment + ident + `-- ${form}\n\n`;
    const text = normalizeDump(rawDump(body), {});
    assert.equal(text.split(form).length - 1, 3, text);
    assert.ok(text.includes(`-- ${form}`));
  });
});
