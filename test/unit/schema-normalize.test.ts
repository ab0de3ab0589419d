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
    assert.deepEqual(lines.slice(1, 7), ['--', '-- PostgreSQL database dump', '--', '', 'SET statement_timeout = 0;', "SELECT pg_catalog.set_config('search_path', '', false);"]);
    assert.ok(text.includes(TABLE.trimEnd()));
    assert.ok(text.endsWith('--\n-- PostgreSQL database dump complete\n--\n'));
  });

  it('leaves a \\restrict line inside an object alone', () => {
    const body = entry('f()', 'FUNCTION', 'public', 'CREATE FUNCTION public.f() RETURNS text\n    LANGUAGE sql\n    AS $$select $q$\n\\restrict abc\n$q$$$;');
    assert.match(normalizeDump(rawDump(body), {}), /^\\restrict abc$/m);
  });

  it('accepts output of older pg_dump without restrict lines', () => {
    const old = rawDump(TABLE).replace(/\\(un)?restrict \S+\n\n?/g, '');
    assert.notEqual(old, rawDump(TABLE));
    assert.equal(normalizeDump(old, {}), normalizeDump(rawDump(TABLE), {}));
  });

  it('keeps carriage returns inside a function body', () => {
    const fn = entry('f()', 'FUNCTION', 'public', "CREATE FUNCTION public.f() RETURNS int\n    LANGUAGE sql\n    AS $$select 1;\r\nselect 2;\r\n$$;");
    assert.match(normalizeDump(rawDump(fn), {}), /select 1;\r\nselect 2;\r\n/);
  });
});
