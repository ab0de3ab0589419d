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
import type { PitrPanel } from './webview/pitr-panel';
import { PITR_VIEW_TYPE } from '../common/pitr-protocol';
import { RESTORE_VIEW_TYPE } from '../common/restore-protocol';

type Lazy = typeof import('./lazy');
/** The commands and panels, loaded once on first use (a bundle of their own: see lazy.ts). */
let lazy: Lazy | undefined;
const loadLazy = async (): Promise<Lazy> => (lazy ??= await import('./lazy'));

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

  // A command's code is loaded on its first use, so activation does not compile or evaluate code no one has asked
  // for (the budget is 30 ms, loading included).
  const register = (id: string, pick: (m: Lazy) => CommandFactory) => {
    let handler: ((...args: never[]) => unknown) | undefined;
    extension.subscriptions.push(vscode.commands.registerCommand(id, async (...args: never[]) => (handler ??= pick(await loadLazy())(ctx))(...args)));
  };
  register('pgBackup.addConnection', (m) => m.addConnection);
  register('pgBackup.editConnection', (m) => m.editConnection);
  register('pgBackup.removeConnection', (m) => m.removeConnection);
  register('pgBackup.testConnection', (m) => m.testConnection);
  register('pgBackup.setPassword', (m) => m.setPassword);
  register('pgBackup.refreshConnections', (m) => m.refreshConnections);
  register('pgBackup.showClientTools', (m) => m.showClientTools);
  register('pgBackup.dumpDatabase', (m) => m.dumpDatabase);
  register('pgBackup.exportSchema', (m) => m.exportSchema);
  register('pgBackup.compareSchema', (m) => m.compareSchema);
  register('pgBackup.refreshBackups', (m) => m.refreshBackups);
  register('pgBackup.inspectBackup', (m) => m.inspectBackup);
  register('pgBackup.verifyChecksum', (m) => m.verifyChecksum);
  register('pgBackup.runRestoreDrill', (m) => m.runRestoreDrill);
  register('pgBackup.revealBackup', (m) => m.revealBackup);
  register('pgBackup.copyBackupPath', (m) => m.copyBackupPath);
  register('pgBackup.deleteBackup', (m) => m.deleteBackup);
  register('pgBackup.restoreBackup', (m) => m.restoreBackup);
  register('pgBackup.restoreSelected', (m) => m.restoreSelected);
  register('pgBackup.scheduleBackups', (m) => m.scheduleBackups);
  register('pgBackup.createBaseBackup', (m) => m.createBaseBackup);
  register('pgBackup.setupWalArchiving', (m) => m.setupWalArchiving);
  register('pgBackup.openPitrBuilder', (m) => m.openPitrBuilder);

  extension.subscriptions.push(
    log,
    backupsTree,
    documents,
    exportOnSave(ctx),
    vscode.window.registerTreeDataProvider('pgBackup.connections', connectionsTree),
    vscode.window.registerTreeDataProvider('pgBackup.backups', backupsTree),
    vscode.window.registerWebviewPanelSerializer(PITR_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => new (await loadLazy()).PitrPanelSerializer(ctx).deserializeWebviewPanel(panel, state),
    }),
    vscode.window.registerWebviewPanelSerializer(RESTORE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => (await loadLazy()).reviveRestorePanel(ctx, panel, state),
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (config.affects(e, 'connections')) connectionsTree.refresh();
      if (config.affects(e, 'toolFolders')) tools.invalidate();
      if (config.affects(e, 'backupFolders')) backupsTree.rewatch();
      if (config.affects(e, 'backupsGroupBy')) backupsTree.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => connectionsTree.refresh()),
  );
  return { connectionsTree, backupsTree, pitrPanels: () => lazy?.PitrPanel.all() ?? [], activationMs: loadMs + performance.now() - started };
}

export function deactivate(): void {}
