/**
 * Restore inside a real VS Code host: the sample database of the runner's cluster is dumped through
 * pgBackup.dumpDatabase, then restored through the restore commands (with plain-object arguments, so no UI
 * is needed) into new databases, whose row counts and catalogs are checked.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { withClient } from '../../../src/core/connection/client';
import { CancelledError } from '../../../src/core/errors';
import { restoreInto } from '../../../src/extension/restore/target';
import type { DumpResult } from '../../../src/core/dump';
import type { RestoreOutcome } from '../../../src/extension/restore/execute';
import type { RestorePanel } from '../../../src/extension/webview/restore-panel';
import type { BackupEntry } from '../../../src/core/backups/catalog';
import { RESTORE_VIEW_TYPE } from '../../../src/common/restore-protocol';

const EXTENSION_ID = 'pg-backup.pg-backup';
const server = {
  host: process.env.PGBACKUP_TEST_HOST ?? '127.0.0.1',
  port: Number(process.env.PGBACKUP_TEST_PORT ?? 5432),
  user: 'postgres',
};
const query = <T extends Record<string, unknown>>(database: string, sql: string) =>
  withClient({ ...server, database }, {}, async (c) => (await c.query<T>(sql)).rows);
const rowsOf = (o: RestoreOutcome, table: string) => o.rowCounts.find((r) => r.table === table)?.rows;

describe('restore commands', () => {
  const suffix = Date.now().toString(36);
  const created: string[] = [];
  const newDb = (name: string) => {
    const db = `${name}_${suffix}`;
    created.push(db);
    return db;
  };
  let dir: string;
  let custom: DumpResult;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    dir = mkdtempSync(join(tmpdir(), 'pgb-restore-test-'));
    custom = (await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', {
      connection: 'test',
      database: 'sample',
      options: { format: 'custom' },
      out: join(dir, 'sample.dump'),
    }))!;
    assert.ok(custom?.path, 'the dump command returned no result');
  });

  after(async () => {
    for (const db of created)
      await query('postgres', `drop database if exists "${db}" with (force)`).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('drops the new database again when its restore is cancelled, and says so', async () => {
    const database = newDb('sample_cancelled');
    const log: string[] = [];
    const ctx = {
      connections: {
        with: (_p: unknown, _o: unknown, fn: Parameters<typeof withClient>[2]) =>
          withClient({ ...server, database: 'postgres' }, {}, fn),
      },
      log: { info: (t: string) => log.push(t), error: (t: string) => log.push(t) },
    };
    const target = { profile: { name: 'test', ...server }, database, kind: 'new' as const };
    await assert.rejects(
      restoreInto(ctx as unknown as Parameters<typeof restoreInto>[0], target, async () => {
        assert.equal(
          (await query('postgres', `select 1 from pg_database where datname = '${database}'`)).length,
          1,
          'created before the restore runs',
        );
        throw new CancelledError('The restore');
      }),
      (e: Error) => e instanceof CancelledError && /dropped again, it held only part of the backup/.test(e.message),
    );
    assert.equal(
      (await query('postgres', `select 1 from pg_database where datname = '${database}'`)).length,
      0,
      'the partial database is gone',
    );
    assert.match(log.join('\n'), new RegExp(`Dropped ${database} on test`));
  });

  it('restores a whole custom dump into a new database with the same row counts', async () => {
    const database = newDb('sample_full');
    const outcome = (await vscode.commands.executeCommand<RestoreOutcome>('pgBackup.restoreBackup', {
      path: custom.path,
      connection: 'test',
      database,
    }))!;
    assert.deepEqual(outcome.summary.errors, []);
    assert.equal(rowsOf(outcome, 'public.customers'), 50);
    assert.equal(rowsOf(outcome, 'public.orders'), 500);
    const [{ n }] = await query<{ n: string }>(database, 'select count(*) as n from orders');
    assert.equal(Number(n), 500);
  });

  it('restores one table with its dependents, and leaves out the foreign key to a table it does not bring', async () => {
    const database = newDb('sample_customers');
    const outcome = (await vscode.commands.executeCommand<RestoreOutcome>('pgBackup.restoreSelected', {
      path: custom.path,
      connection: 'test',
      database,
      select: ['TABLE:public.customers'],
      withDependents: true,
    }))!;
    assert.deepEqual(outcome.summary.errors, []);
    assert.deepEqual(outcome.rowCounts, [{ table: 'public.customers', rows: 50 }]);
    const tables = await query<{ relname: string }>(
      database,
      `select relname from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace order by 1`,
    );
    assert.deepEqual(
      tables.map((t) => t.relname),
      ['customers'],
    );
    const pk = await query(database, `select 1 from pg_constraint where conname = 'customers_pkey'`);
    assert.equal(pk.length, 1, 'the primary key came with the table');
    const [{ v }] = await query<{ v: string }>(database, `select nextval('customers_id_seq') as v`);
    assert.equal(Number(v), 51, 'the owned sequence came with its value');
  });

  it('restores only what was asked without dependents', async () => {
    const database = newDb('sample_bare');
    const outcome = (await vscode.commands.executeCommand<RestoreOutcome>('pgBackup.restoreSelected', {
      path: custom.path,
      connection: 'test',
      database,
      select: ['TABLE:public.customers'],
      withDependents: false,
    }))!;
    assert.deepEqual(outcome.rowCounts, [], 'no TABLE DATA without dependents');
    const pk = await query(database, `select 1 from pg_constraint where conname = 'customers_pkey'`);
    assert.equal(pk.length, 0);
  });

  it('restores into an existing database, skipping what is already there', async () => {
    const database = newDb('sample_existing');
    await query('postgres', `create database "${database}"`);
    await query(
      database,
      `create table customers (id int primary key, name text not null);
      insert into customers select g, 'customer ' || g from generate_series(1, 50) g`,
    );
    const outcome = (await vscode.commands.executeCommand<RestoreOutcome>('pgBackup.restoreSelected', {
      path: custom.path,
      connection: 'test',
      database,
      newDatabase: false,
      select: ['TABLE:public.orders'],
      withDependents: true,
    }))!;
    assert.deepEqual(outcome.summary.errors, [], 'no "already exists" errors');
    assert.equal(rowsOf(outcome, 'public.orders'), 500);
    const fk = await query(
      database,
      `select 1 from pg_constraint where contype = 'f' and conrelid = 'orders'::regclass`,
    );
    assert.equal(fk.length, 1, 'the foreign key to the existing customers table was kept');
  });

  it('restores a plain dump whole with psql', async () => {
    const plain = (await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', {
      connection: 'test',
      database: 'sample',
      options: { format: 'plain' },
      out: join(dir, 'sample.sql'),
    }))!;
    const database = newDb('sample_plain');
    const outcome = (await vscode.commands.executeCommand<RestoreOutcome>('pgBackup.restoreBackup', {
      path: plain.path,
      connection: 'test',
      database,
    }))!;
    assert.deepEqual(outcome.summary.errors, []);
    assert.equal(rowsOf(outcome, 'public.orders'), 500);
    assert.ok(outcome.summary.restored.length > 0, 'psql reported its commands');
  });

  it('opens the picker panel for a custom dump from a Backups tree node', async () => {
    const entry = {
      path: custom.path,
      name: 'sample.dump',
      folder: dir,
      kind: 'dump',
      format: 'custom',
      sizeBytes: 0,
      modified: new Date(),
      created: new Date(),
      checksum: 'none',
    } as BackupEntry;
    const panel = (await vscode.commands.executeCommand<RestorePanel>('pgBackup.restoreSelected', {
      kind: 'backup',
      entry,
    }))!;
    assert.equal(panel.panel.viewType, RESTORE_VIEW_TYPE);
    assert.match(panel.panel.title, /sample\.dump/);
    panel.panel.dispose();
  });
});
