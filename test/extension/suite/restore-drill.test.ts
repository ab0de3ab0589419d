/**
 * The restore drill inside a real VS Code host: the runner's sample database is dumped through
 * pgBackup.dumpDatabase, then drilled through pgBackup.runRestoreDrill (plain-object arguments, so no UI) into a
 * scratch database on the test connection, which must be gone afterwards, with one line in each drill log.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { withClient } from '../../../src/core/connection/client';
import type { RestoreDrillResult } from '../../../src/core/drill/restore-drill-result';
import type { DumpResult } from '../../../src/core/dump';
import type { PgBackupApi } from '../../../src/extension/main';
import type { BackupsTreeNode } from '../../../src/extension/tree/backups-tree';

const EXTENSION_ID = 'pg-backup.pg-backup';
const server = {
  host: process.env.PGBACKUP_TEST_HOST ?? '127.0.0.1',
  port: Number(process.env.PGBACKUP_TEST_PORT ?? 5432),
  user: 'postgres',
  database: 'postgres',
};

describe('restore drill command', () => {
  let dir: string;
  let api: PgBackupApi;

  before(async () => {
    api = await vscode.extensions.getExtension<PgBackupApi>(EXTENSION_ID)!.activate();
    dir = mkdtempSync(join(tmpdir(), 'pgb-drill-ext-'));
  });
  after(async () => {
    await vscode.workspace
      .getConfiguration('pgBackup')
      .update('backupFolders', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(dir, { recursive: true, force: true });
  });

  it('drills a custom dump in a scratch database on a saved connection, drops it, and logs the drill', async () => {
    const dump = (await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', {
      connection: 'test',
      database: 'sample',
      options: { format: 'custom' },
      out: join(dir, 'sample.dump'),
    }))!;
    const r = (await vscode.commands.executeCommand<RestoreDrillResult>('pgBackup.runRestoreDrill', {
      path: dump.path,
      connection: 'test',
      logDir: dir,
    }))!;
    assert.ok(r, 'the drill command returned no result');
    assert.equal(r.passed, true, r.problems.join('\n'));
    assert.equal(r.checksum, 'verified');
    assert.equal(r.where.kind, 'scratch-database');
    assert.ok(r.totalRows > 0);
    const left = await withClient(
      server,
      {},
      async (c) => (await c.query(`select datname from pg_database where datname like 'pgbackup\\_drill\\_%'`)).rows,
    );
    assert.deepEqual(left, []);
    assert.match(readFileSync(join(dir, '.pgbackup', 'drills.md'), 'utf8'), /^- .* · PASSED · sample\.dump · /);
  });

  it('restores with the pgBackup.drill.jobs setting for a custom dump, and serially for a tar one', async () => {
    const settings = vscode.workspace.getConfiguration('pgBackup');
    await settings.update('drill.jobs', 2, vscode.ConfigurationTarget.Workspace);
    const elsewhere = mkdtempSync(join(tmpdir(), 'pgb-drill-jobs-'));
    try {
      const drill = async (format: 'custom' | 'tar', file: string) => {
        const dump = (await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', {
          connection: 'test',
          database: 'sample',
          options: { format },
          out: join(elsewhere, file),
        }))!;
        return (await vscode.commands.executeCommand<RestoreDrillResult>('pgBackup.runRestoreDrill', {
          path: dump.path,
          connection: 'test',
          logDir: elsewhere,
        }))!;
      };
      const custom = await drill('custom', 'sample-jobs.dump');
      assert.equal(custom.passed, true, custom.problems.join('\n'));
      assert.equal(custom.tools.restore.jobs, 2);
      const tar = await drill('tar', 'sample-jobs.tar');
      assert.equal(tar.passed, true, tar.problems.join('\n'));
      assert.equal(tar.tools.restore.jobs, undefined);
    } finally {
      await settings.update('drill.jobs', undefined, vscode.ConfigurationTarget.Workspace);
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('shows the drill on the backup in the Backups view', async () => {
    await vscode.workspace
      .getConfiguration('pgBackup')
      .update('backupFolders', [dir], vscode.ConfigurationTarget.Workspace);
    api.backupsTree.refresh();
    const groups = (await api.backupsTree.getChildren()) as BackupsTreeNode[];
    const label = `sample @ 127.0.0.1:${process.env.PGBACKUP_TEST_PORT}`;
    const sample = groups.find((g) => g.kind === 'group' && g.label === label);
    assert.ok(sample, 'the dump is listed under sample');
    const [node] = (await api.backupsTree.getChildren(sample)) as BackupsTreeNode[];
    const item = api.backupsTree.getTreeItem(node);
    assert.match(String(item.description), /sha256 recorded · ✓ drill just now · PG 15$/);
    assert.match(
      (item.tooltip as vscode.MarkdownString).value,
      /\| Restore drill \| passed on .* in \d+\.\d s \(a scratch database\) \|/,
    );
  });
});
