/**
 * What a new user tripped over, in the real host: a scheduled job's subfolder is listed and watched, rows tell
 * "sha256 recorded" from "verified" and a mismatch, backups group by database and server, Add Connection tests
 * before it saves (a refused login reads "authentication failed"), Inspect opens rendered, and every step of a
 * multi-step flow keeps its title.
 */
import * as assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../../src/core/connection/profile';
import type { DumpResult } from '../../../src/core/dump';
import type { AddConnectionArgs, AddConnectionResult } from '../../../src/extension/commands/add-connection';
import type { PgBackupApi } from '../../../src/extension/main';
import type { BackupNode, BackupsTreeNode } from '../../../src/extension/tree/backups-tree';
import type { ConnectionsTreeNode } from '../../../src/extension/tree/connections-tree';
import { sleep } from '../../support/time';

const PORT = process.env.PGBACKUP_TEST_PORT;
const GROUP = `sample @ 127.0.0.1:${PORT}`;

/** Resolves when `fire` is called within `ms`, else rejects naming `what`. */
function within<T>(ms: number, what: string, start: (fire: (v: T) => void) => vscode.Disposable): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`${what}: nothing within ${ms} ms`));
    }, ms);
    const sub = start((v) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
    });
  });
}

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
}

describe('what a new user tripped over', () => {
  let api: PgBackupApi;
  const folder = mkdtempSync(join(tmpdir(), 'pgb-host-newuser-'));
  const settings = () => vscode.workspace.getConfiguration('pgBackup');

  const rows = async (): Promise<BackupNode[]> => {
    api.backupsTree.refresh();
    const groups = (await api.backupsTree.getChildren()) as BackupsTreeNode[];
    const lists = await Promise.all(groups.map((g) => api.backupsTree.getChildren(g)));
    return lists.flat().filter((n): n is BackupNode => n.kind === 'backup');
  };
  const row = async (name: string) => {
    const node = (await rows()).find((n) => n.entry.name === name);
    assert.ok(node, `${name} is not listed`);
    return { node, item: api.backupsTree.getTreeItem(node) };
  };

  before(async () => {
    api = await vscode.extensions.getExtension<PgBackupApi>('pg-backup.pg-backup')!.activate();
    await settings().update('backupFolders', [folder], vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await settings().update('backupFolders', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(folder, { recursive: true, force: true });
  });

  describe('Backups view', () => {
    let dump: DumpResult;
    before(async () => {
      const out = join(folder, 'pg-backup-sample', 'sample-20300101-020000.dump');
      const args = { connection: 'test', database: 'sample', options: { format: 'custom' }, out };
      dump = (await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', args))!;
      assert.ok(dump, 'the dump command returned nothing');
    });

    it('lists a dump in a subfolder, grouped by database and server', async () => {
      const groups = (await api.backupsTree.getChildren()) as BackupsTreeNode[];
      const labels = groups.map((g) => (g.kind === 'group' ? g.label : '?'));
      assert.ok(labels.includes(GROUP), `groups: ${labels.join(', ')}`);
      const { node, item } = await row('sample-20300101-020000.dump');
      assert.equal(node.entry.folder, join(folder, 'pg-backup-sample'));
      assert.match(String(item.description), /^custom · .* · sha256 recorded · PG 15$/);
    });

    it('redraws when a backup appears two folders down (the watcher sees subfolders)', async () => {
      const deep = join(folder, 'prod', 'nightly');
      mkdirSync(deep, { recursive: true });
      await sleep(1500); // the folders' own events have passed
      await rows();
      await sleep(1000); // the watchers of the folders just listed are running
      const changed = within(10_000, 'a redraw', (fire) => api.backupsTree.onDidChangeTreeData(() => fire(true)));
      copyFileSync(dump.path, join(deep, 'copied.dump'));
      await changed;
      const { node } = await row('copied.dump');
      assert.equal(node.entry.folder, deep);
    });

    it('says "verified" after Verify Checksum, and "✗ sha256 mismatch" once the file changed', async () => {
      const before = await row('sample-20300101-020000.dump');
      const ok = await vscode.commands.executeCommand<{ ok: boolean }>('pgBackup.verifyChecksum', before.node);
      assert.equal(ok?.ok, true);
      const verified = await row('sample-20300101-020000.dump');
      assert.match(String(verified.item.description), / · ✓ sha256 verified just now · /);
      assert.match((verified.item.tooltip as vscode.MarkdownString).value, /sha256 verified on /);

      appendFileSync(dump.path, 'x');
      const bad = await vscode.commands.executeCommand<{ ok: boolean }>('pgBackup.verifyChecksum', verified.node);
      assert.equal(bad?.ok, false);
      const mismatch = await row('sample-20300101-020000.dump');
      assert.match(String(mismatch.item.description), / · ✗ sha256 mismatch · /);
    });

    it('opens Inspect rendered, with the counts explained', async () => {
      const { node } = await row('copied.dump');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const uri = await vscode.commands.executeCommand<vscode.Uri>('pgBackup.inspectBackup', node);
      const isPreview = (t: vscode.Tab) =>
        t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('markdown.preview');
      const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      const preview = await until('a markdown preview tab', () => tabs().find(isPreview));
      assert.match(preview.label, /Inspect copied\.dump/);
      assert.ok(uri, 'the command returned the report');
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.equal(doc.uri.scheme, 'pgbackup');
      assert.match(doc.getText(), /\d+ table-of-contents entries: \d+ checkable objects/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  });

  describe('Add Connection', () => {
    let saved: ConnectionProfile[] | undefined;
    before(() => {
      saved = settings().inspect<ConnectionProfile[]>('connections')?.workspaceValue;
    });
    after(async () => {
      await settings().update('connections', saved, vscode.ConfigurationTarget.Workspace);
    });
    const inSettings = () => settings().inspect<ConnectionProfile[]>('connections')?.workspaceValue ?? [];
    const names = () => inSettings().map((p) => p.name);
    const add = (profile: ConnectionProfile, ifTestFails: AddConnectionArgs['ifTestFails']) => {
      const args: AddConnectionArgs = { profile, scope: 'workspace', ifTestFails };
      return vscode.commands.executeCommand<AddConnectionResult>('pgBackup.addConnection', args);
    };
    const local = { host: '127.0.0.1', port: Number(PORT) };

    it('tests first: an unreachable server is not saved when the user cancels', async () => {
      const r = await add({ name: 'nowhere', host: '127.0.0.1', port: 1, user: 'postgres' }, 'cancel');
      assert.equal(r.saved, false);
      assert.equal(r.problem?.kind, 'unreachable');
      assert.ok(!names().includes('nowhere'), `saved: ${names().join(', ')}`);
    });

    it('saves a reachable server after its test', async () => {
      const r = await add({ name: 'reachable', ...local, user: 'postgres', database: 'sample' }, 'cancel');
      assert.deepEqual(r, { saved: true });
      assert.ok(names().includes('reachable'));
    });

    it('says "authentication failed" for a refused login, on the tree row too, with Set Password…', async () => {
      const r = await add({ name: 'refused', ...local, user: 'no_such_role', database: 'postgres' }, 'save');
      assert.equal(r.saved, true);
      assert.equal(r.problem?.kind, 'auth');
      api.connectionsTree.refresh();
      const roots = (await api.connectionsTree.getChildren()) as ConnectionsTreeNode[];
      const refused = roots.find((n) => n.kind === 'connection' && n.profile.name === 'refused');
      assert.ok(refused, 'the saved connection has a row');
      const children = await api.connectionsTree.getChildren(refused);
      assert.equal(api.connectionsTree.getTreeItem(refused).description, 'authentication failed');
      assert.ok(
        children.some((c) => c.kind === 'message' && c.command?.command === 'pgBackup.setPassword'),
        'a child row offers Set Password…',
      );
    });
  });

  describe('multi-step flows keep their title', () => {
    /** Records each QuickPick's title while the real one is shown; accepts the first item, closes the last. */
    async function titlesOf(steps: number, run: () => Thenable<unknown>): Promise<(string | undefined)[]> {
      const titles: (string | undefined)[] = [];
      const window = vscode.window as { showQuickPick: typeof vscode.window.showQuickPick };
      const real = window.showQuickPick;
      window.showQuickPick = ((items: never, options?: vscode.QuickPickOptions, token?: vscode.CancellationToken) => {
        titles.push(options?.title);
        const last = titles.length >= steps;
        const action = last ? 'workbench.action.closeQuickOpen' : 'workbench.action.acceptSelectedQuickOpenItem';
        setTimeout(() => void vscode.commands.executeCommand(action), 800);
        return real(items, options, token);
      }) as typeof vscode.window.showQuickPick;
      try {
        await run();
      } finally {
        window.showQuickPick = real;
      }
      return titles;
    }

    it('Dump: every step after the database says "Dump sample (test)"', async () => {
      const roots = (await api.connectionsTree.getChildren()) as ConnectionsTreeNode[];
      const test = roots.find((n) => n.kind === 'connection' && n.profile.name === 'test')!;
      const databases = await api.connectionsTree.getChildren(test);
      const sample = databases.find((n) => n.kind === 'database' && n.database.name === 'sample');
      assert.ok(sample, 'the sample database has a row');
      // Same as last time (or the first preset), then where to write it: closed there, so nothing is dumped.
      const titles = await titlesOf(2, () => vscode.commands.executeCommand('pgBackup.dumpDatabase', sample));
      assert.deepEqual(titles, ['Dump sample (test)', 'Dump sample (test)']);
    });

    it('Run Restore Drill: the backup, then where to restore it', async () => {
      const first = (await api.backupsTree.all()).find((e) => e.kind === 'dump')!;
      const titles = await titlesOf(2, () => vscode.commands.executeCommand('pgBackup.runRestoreDrill'));
      assert.deepEqual(titles, ['Run Restore Drill', `Restore drill: ${first.name}`]);
    });
  });
});
