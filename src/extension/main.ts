import * as vscode from 'vscode';
import { Config } from './config';
import { Connections } from './connections';
import type { CommandFactory, Ctx } from './context';
import { Log } from './log';
import { ReadOnlyDocuments } from './read-only-documents';
import { exportOnSave } from './schema-on-save';
import { Passwords } from './secrets';
import { ToolsService } from './tools-service';
import { BackupsTree } from './tree/backups-tree';
import { ConnectionsTree } from './tree/connections-tree';
import { PitrPanel } from './webview/pitr-panel';
import { PitrPanelSerializer } from './webview/pitr-serializer';
import { registerRestorePanelSerializer } from './webview/restore-panel';
import { PITR_VIEW_TYPE } from '../common/pitr-protocol';

/** What activate() returns: used by the extension-host tests. */
export interface PgBackupApi {
  connectionsTree: ConnectionsTree;
  backupsTree: BackupsTree;
  /** The PITR builder panels open now. */
  pitrPanels: () => PitrPanel[];
  activationMs: number;
}

/**
 * Activation cost as VS Code counts it: evaluating the bundle (from its first line, an esbuild banner, to here,
 * the last module it evaluates) plus the activate() call. The host may wait between the two; that is not ours.
 */
const loadStart = (globalThis as { __pgBackupLoadStart?: number }).__pgBackupLoadStart;
const loadMs = loadStart === undefined ? 0 : performance.now() - loadStart;

export function activate(extension: vscode.ExtensionContext): PgBackupApi {
  const started = performance.now();
  const config = new Config();
  const log = new Log();
  const passwords = new Passwords(extension.secrets);
  const tools = new ToolsService(config);
  const connections = new Connections(config, passwords);
  const connectionsTree = new ConnectionsTree(config, connections);
  const backupsTree = new BackupsTree(config);
  const documents = new ReadOnlyDocuments();
  const ctx: Ctx = { extension, config, log, passwords, tools, connections, connectionsTree, backupsTree, documents };

  // Each command's module is loaded on its first use, so activation does not evaluate code no one has asked for
  // (the budget is 30 ms, loading included).
  const register = (id: string, load: () => Promise<CommandFactory>) => {
    let handler: ((...args: never[]) => unknown) | undefined;
    extension.subscriptions.push(vscode.commands.registerCommand(id, async (...args: never[]) => (handler ??= (await load())(ctx))(...args)));
  };
  register('pgBackup.addConnection', () => import('./commands/add-connection').then((m) => m.addConnection));
  register('pgBackup.editConnection', () => import('./commands/edit-connection').then((m) => m.editConnection));
  register('pgBackup.removeConnection', () => import('./commands/remove-connection').then((m) => m.removeConnection));
  register('pgBackup.testConnection', () => import('./commands/test-connection').then((m) => m.testConnection));
  register('pgBackup.setPassword', () => import('./commands/set-password').then((m) => m.setPassword));
  register('pgBackup.refreshConnections', () => import('./commands/refresh-connections').then((m) => m.refreshConnections));
  register('pgBackup.showClientTools', () => import('./commands/show-client-tools').then((m) => m.showClientTools));
  register('pgBackup.dumpDatabase', () => import('./commands/dump-database').then((m) => m.dumpDatabase));
  register('pgBackup.exportSchema', () => import('./commands/export-schema').then((m) => m.exportSchema));
  register('pgBackup.compareSchema', () => import('./commands/compare-schema').then((m) => m.compareSchema));
  register('pgBackup.refreshBackups', () => import('./commands/refresh-backups').then((m) => m.refreshBackups));
  register('pgBackup.inspectBackup', () => import('./commands/inspect-backup').then((m) => m.inspectBackup));
  register('pgBackup.verifyChecksum', () => import('./commands/verify-checksum').then((m) => m.verifyChecksum));
  register('pgBackup.runRestoreDrill', () => import('./commands/run-restore-drill').then((m) => m.runRestoreDrill));
  register('pgBackup.revealBackup', () => import('./commands/reveal-backup').then((m) => m.revealBackup));
  register('pgBackup.copyBackupPath', () => import('./commands/reveal-backup').then((m) => m.copyBackupPath));
  register('pgBackup.deleteBackup', () => import('./commands/delete-backup').then((m) => m.deleteBackup));
  register('pgBackup.restoreBackup', () => import('./commands/restore-backup').then((m) => m.restoreBackup));
  register('pgBackup.restoreSelected', () => import('./commands/restore-selected').then((m) => m.restoreSelected));
  register('pgBackup.scheduleBackups', () => import('./commands/schedule-backups').then((m) => m.scheduleBackups));
  register('pgBackup.createBaseBackup', () => import('./commands/create-base-backup').then((m) => m.createBaseBackup));
  register('pgBackup.setupWalArchiving', () => import('./commands/setup-wal-archiving').then((m) => m.setupWalArchiving));
  register('pgBackup.openPitrBuilder', () => import('./commands/open-pitr-builder').then((m) => m.openPitrBuilder));

  extension.subscriptions.push(
    log,
    backupsTree,
    documents,
    exportOnSave(ctx),
    vscode.window.registerTreeDataProvider('pgBackup.connections', connectionsTree),
    vscode.window.registerTreeDataProvider('pgBackup.backups', backupsTree),
    vscode.window.registerWebviewPanelSerializer(PITR_VIEW_TYPE, new PitrPanelSerializer(ctx)),
    registerRestorePanelSerializer(ctx),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (config.affects(e, 'connections')) connectionsTree.refresh();
      if (config.affects(e, 'toolFolders')) tools.invalidate();
      if (config.affects(e, 'backupFolders')) backupsTree.rewatch();
      if (config.affects(e, 'backupsGroupBy')) backupsTree.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => connectionsTree.refresh()),
  );
  return { connectionsTree, backupsTree, pitrPanels: PitrPanel.all, activationMs: loadMs + performance.now() - started };
}

export function deactivate(): void {}
