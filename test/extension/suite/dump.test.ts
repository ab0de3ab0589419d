/**
 * Dump in the real host: the command (run with arguments, as the context menu's flow ends) writes a backup with
 * its sidecar into the configured folder, and the Backups tree then lists it with its format and database.
 * Scheduling writes the backup job's files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DumpResult } from '../../../src/core/dump';
import type { GeneratedSchedule } from '../../../src/core/schedule';
import type { PgBackupApi } from '../../../src/extension/main';
import type { BackupsTreeNode } from '../../../src/extension/tree/backups-tree';

describe('dump command and Backups tree', () => {
  let api: PgBackupApi;
  const folder = mkdtempSync(join(tmpdir(), 'pgb-host-backups-'));

  before(async () => {
    api = await vscode.extensions.getExtension<PgBackupApi>('pg-backup.pg-backup')!.activate();
    await vscode.workspace
      .getConfiguration('pgBackup')
      .update('backupFolders', [folder], vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('pgBackup')
      .update('backupFolders', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('writes a custom-format dump of sample with its sidecar', async () => {
    const result = await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', {
      connection: 'test',
      database: 'sample',
      options: { format: 'custom' },
    });
    assert.ok(result, 'the command returned no result');
    assert.ok(result.path.startsWith(folder), `${result.path} is not in the configured folder ${folder}`);
    assert.ok(existsSync(result.path) && existsSync(result.sidecarPath));
    assert.equal(result.sidecar.database, 'sample');
    assert.match(String(result.sidecar.sha256), /^[0-9a-f]{64}$/);
  });

  it('lists the new backup in the Backups tree, grouped under its database and server', async () => {
    api.backupsTree.refresh();
    const groups = (await api.backupsTree.getChildren()) as BackupsTreeNode[];
    const label = `sample @ 127.0.0.1:${process.env.PGBACKUP_TEST_PORT}`;
    const sample = groups.find((g) => g.kind === 'group' && g.label === label);
    assert.ok(sample, `groups: ${groups.map((g) => (g.kind === 'group' ? g.label : '?')).join(', ')}`);
    const items = (await api.backupsTree.getChildren(sample)) as BackupsTreeNode[];
    assert.equal(items.length, 1);
    const item = api.backupsTree.getTreeItem(items[0]);
    assert.equal(item.contextValue, 'dump.custom');
    assert.match(String(item.description), /custom · .* · sha256 recorded/);
  });
});

describe('schedule backups command', () => {
  it('writes the backup script and a systemd timer for the test database, and the script parses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgb-host-schedule-'));
    const g = await vscode.commands.executeCommand<GeneratedSchedule>('pgBackup.scheduleBackups', {
      connection: 'test',
      database: 'sample',
      every: 'daily',
      at: '03:15',
      kind: 'systemd',
      keep: 5,
      dir,
    });
    assert.ok(g, 'the command returned no result');
    assert.equal(g.job, 'pg-backup-sample');
    assert.deepEqual(
      g.files.map((f) => f.slice(dir.length + 1)),
      [
        'pg-backup-sample.sh',
        'pg-backup-sample.service',
        'pg-backup-sample.timer',
        'pg-backup-sample-failure@.service',
      ],
    );
    assert.match(readFileSync(join(dir, 'pg-backup-sample.timer'), 'utf8'), /^OnCalendar=\*-\*-\* 03:15:00$/m);
    assert.match(readFileSync(g.scriptPath, 'utf8'), /^KEEP=\$\{PGBACKUP_KEEP:-5\}$/m);
    assert.equal(spawnSync('bash', ['-n', g.scriptPath]).status, 0);
  });
});
