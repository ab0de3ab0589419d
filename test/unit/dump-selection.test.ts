import assert from 'node:assert/strict';
import { schemaPatternMatcher, tablePatternMatcher } from '../../src/core/dump/name-pattern';
import { includesLargeObjects, selectDumpedTables } from '../../src/core/dump/table-sizes';

const rel = (schema: string, name: string, visible = schema === 'public') => ({ schema, name, visible, bytes: 1 });
const all = [
  rel('public', 'users'),
  rel('public', 'user_pii'),
  rel('public', 'Orders'),
  rel('sales', 'orders'),
  rel('sales', 'tëst'),
  rel('audit', 'log'),
];
const names = (xs: { schema: string; name: string }[]) => xs.map((x) => `${x.schema}.${x.name}`);

describe('pg_dump name patterns', () => {
  it('fold unquoted letters to lower case and keep quoted ones', () => {
    assert.ok(tablePatternMatcher('PUBLIC.USERS')(rel('public', 'users')));
    assert.ok(!tablePatternMatcher('public.Orders')(rel('public', 'Orders')));
    assert.ok(tablePatternMatcher('public."Orders"')(rel('public', 'Orders')));
    assert.ok(tablePatternMatcher('"we""ird".x')(rel('we"ird', 'x')));
    assert.ok(!tablePatternMatcher('"we""ird".x')(rel('weird', 'x')));
  });

  it('treat * and ? as wildcards and dots inside quotes as text', () => {
    assert.ok(tablePatternMatcher('public.user*')(rel('public', 'user_pii')));
    assert.ok(tablePatternMatcher('*.t?st')(rel('sales', 'tëst')));
    assert.ok(tablePatternMatcher('"a.b".c')(rel('a.b', 'c')));
    assert.ok(!tablePatternMatcher('"a.b".c')(rel('a', 'b')));
  });

  it('match an unqualified table pattern only against tables on the search path', () => {
    assert.ok(tablePatternMatcher('orders')(rel('public', 'orders')));
    assert.ok(!tablePatternMatcher('orders')(rel('sales', 'orders')));
    assert.ok(schemaPatternMatcher('sal*')('sales'));
  });
});

describe('tables whose rows a dump copies', () => {
  it('are all of them by default', () => {
    assert.equal(selectDumpedTables(all, { format: 'custom' }).length, all.length);
  });

  it('follow schema includes and excludes', () => {
    assert.deepEqual(
      names(selectDumpedTables(all, { format: 'custom', schemas: ['sales', 'audit'], excludeSchemas: ['audit'] })),
      ['sales.orders', 'sales.tëst'],
    );
  });

  it('ignore schema switches when tables are named, as pg_dump does', () => {
    assert.deepEqual(
      names(selectDumpedTables(all, { format: 'custom', tables: ['*.orders'], excludeSchemas: ['sales'] })),
      ['sales.orders'],
    );
  });

  it('leave out excluded tables and tables whose data is excluded', () => {
    assert.deepEqual(
      names(
        selectDumpedTables(all, {
          format: 'custom',
          schemas: ['public'],
          excludeTables: ['public."Orders"'],
          excludeTableData: ['public.user_pii'],
        }),
      ),
      ['public.users'],
    );
  });

  it('are none for a schema-only dump, which also has no large objects', () => {
    assert.deepEqual(selectDumpedTables(all, { format: 'plain', schemaOnly: true }), []);
    assert.equal(includesLargeObjects({ format: 'plain', schemaOnly: true }), false);
    assert.equal(includesLargeObjects({ format: 'plain', tables: ['x'] }), false);
    assert.equal(includesLargeObjects({ format: 'plain', excludeTables: ['x'] }), true);
  });
});
