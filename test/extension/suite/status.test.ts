/**
 * RPO and RTO in a real VS Code host: targets set through pgBackup.setTargets land in the connection's settings; a
 * fresh dump of the runner's sample database turns its Connections row green with the backup's age; a backdated
 * one (its sidecar's `started` and the files' mtimes) turns it red, counts in the status bar item and warns once; a
 * scheduled job's failed run (its status file next to the backup) shows on the row and counts in the status bar.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DumpResult } from '../../../src/core/dump';
import type { PgBackupApi } from '../../../src/extension/main';
import type { ConnectionsTreeNode } from '../../../src/extension/tree/connections-tree';
import { spyOn } from '../host-spies';

const EXTENSION_ID = 'pg-backup.pg-backup';
const DAY_MS = 86_400_000;

/** The theme colour id of a row's icon (ThemeColor keeps it as `id`). */
const colourOf = (item: vscode.TreeItem) =>
  ((item.iconPath as vscode.ThemeIcon).color as unknown as { id?: string } | undefined)?.id;

describe('RPO and RTO status', () => {
  let api: PgBackupApi;
  let dir: string;
  let savedConnections: unknown;
  let dump: DumpResult;
  const settings = () => vscode.workspace.getConfiguration('pgBackup');

  before(async () => {
    api = await vscode.extensions.getExtension<PgBackupApi>(EXTENSION_ID)!.activate();
    dir = mkdtempSync(join(tmpdir(), 'pgb-status-ext-'));
    savedConnections = settings().inspect('connections')?.workspaceValue;
    await settings().update('backupFolders', [dir], vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await settings().update('connections', savedConnections, vscode.ConfigurationTarget.Workspace);
    await settings().update('backupFolders', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The sample database's row in the Connections view, drawn after a fresh status read. */
  async function sampleItem(): Promise<vscode.TreeItem> {
    await api.status.refresh();
    const roots = (await api.connectionsTree.getChildren()) as ConnectionsTreeNode[];
    const test = roots.find((r) => r.kind === 'connection' && r.profile.name === 'test');
    assert.ok(test, 'the connection "test" is listed');
    const dbs = (await api.connectionsTree.getChildren(test)) as ConnectionsTreeNode[];
    const sample = dbs.find((d) => d.kind === 'database' && d.database.name === 'sample');
    assert.ok(sample, 'the database "sample" is listed');
    return api.connectionsTree.getTreeItem(sample);
  }

  it('keeps a database target with its connection and refuses a target that is not a duration', async () => {
    await vscode.commands.executeCommand('pgBackup.setTargets', { connection: 'test', database: 'sample', rpo: '24h' });
    const test = settings()
      .inspect<{ name: string; databases?: Record<string, unknown> }[]>('connections')
      ?.workspaceValue?.find((c) => c.name === 'test');
    assert.deepEqual(test?.databases, { sample: { rpo: '24h' } });
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('pgBackup.setTargets', { connection: 'test', rpo: 'soon' })),
      /Invalid rpo "soon"/,
    );
  });

  it('shows a fresh good backup green with its age on the database row', async () => {
    const out = join(dir, 'sample.dump');
    const args = { connection: 'test', database: 'sample', options: { format: 'custom' }, out };
    dump = (await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', args))!;
    const item = await sampleItem();
    assert.equal(colourOf(item), 'charts.green');
    assert.match(String(item.description), / · backup just now · no drill$/);
    const tooltip = (item.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /\| RPO \| inside: 0s \/ 1d \(newest good backup\) \|/);
    assert.match(tooltip, /\[Dump Now\]\(command:pgBackup\.dumpDatabase\?/);
    assert.match(api.statusBar.item.text, /^\$\(shield\) 1 ok$/);
  });

  it('shows a breached RPO red, counts it in the status bar and warns once', async () => {
    const warnings = spyOn(vscode.window, ['showWarningMessage'], (_, args) => String(args[0]));
    try {
      const old = new Date(Date.now() - 3 * DAY_MS);
      const sidecar = `${dump.path}.pgbackup.json`;
      const facts = JSON.parse(readFileSync(sidecar, 'utf8')) as { started: string };
      writeFileSync(sidecar, JSON.stringify({ ...facts, started: old.toISOString() }));
      for (const f of [dump.path, sidecar]) utimesSync(f, old, old);
      const item = await sampleItem();
      assert.equal(colourOf(item), 'charts.red');
      assert.match(String(item.description), / · backup 3 d ago · no drill$/);
      assert.match(api.statusBar.item.text, /^\$\(shield\) 0 ok · 1 outside RPO$/);
      await new Promise((r) => setTimeout(r, 1500)); // the backup folder's watcher refreshes too
      await api.status.refresh();
      const rpo = warnings.calls.filter((m) => /^"sample" on test is outside its RPO of 1d: /.test(m));
      assert.equal(rpo.length, 1, `warnings: ${warnings.calls.join(' | ')}`);
      assert.match(rpo[0], /the newest good backup is 3d( \d+h)? old\.$/);
    } finally {
      warnings.restore();
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });

  it('reads nothing again on its timer while the backup folders and drill logs are unchanged', async () => {
    await api.status.refresh();
    const reads = api.status.reads;
    await api.status.check();
    assert.equal(api.status.reads, reads);
    writeFileSync(join(dir, 'note.txt'), 'a change in the backup folder');
    await api.status.check();
    assert.ok(api.status.reads > reads, 'a changed backup folder is read again');
  });

  it("shows a failed scheduled job on its database's row and counts it in the status bar", async () => {
    // The status file a scheduled job's script leaves next to its backups (src/core/schedule/status-file.ts).
    const { server } = JSON.parse(readFileSync(`${dump.path}.pgbackup.json`, 'utf8')) as { server: string };
    const finished = new Date(Date.now() - 2 * 3_600_000 - 60_000);
    const started = new Date(finished.getTime() - 5000);
    const statusFile = join(dir, 'sample-nightly.status.json');
    const run = { job: 'sample-nightly', database: 'sample', server, started, finished, output: [] };
    writeFileSync(statusFile, JSON.stringify({ ...run, exitCode: 3, reason: 'pg_dump: connection refused' }));
    const item = await sampleItem();
    assert.match(String(item.description), / · backup 3 d ago · no drill · job failed 2 h ago$/);
    const tooltip = (item.tooltip as vscode.MarkdownString).value;
    const line =
      /\| Scheduled job \| sample-nightly: scheduled job failed 2h( 1m)? ago: pg_dump: connection refused \|/;
    assert.match(tooltip, line);
    const open = /\[Open Job Status\]\(command:vscode\.open\?([^)]+)\)/.exec(tooltip);
    assert.ok(open, `a link opens the status file: ${tooltip}`);
    const [uri] = JSON.parse(decodeURIComponent(open[1])) as { path: string }[];
    assert.equal(uri.path, vscode.Uri.file(statusFile).path);
    assert.match(api.statusBar.item.text, /^\$\(shield\) 0 ok · 1 outside RPO · 1 job failed$/);

    writeFileSync(statusFile, JSON.stringify({ ...run, exitCode: 0 }));
    const fixed = await sampleItem();
    assert.match(String(fixed.description), / · no drill$/, 'a job that ran fine since is not shown as failed');
    assert.match(api.statusBar.item.text, /^\$\(shield\) 0 ok · 1 outside RPO$/);
  });
});
