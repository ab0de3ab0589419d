import * as vscode from 'vscode';
import { addConnection } from './commands/add-connection';
import { createBaseBackup } from './commands/create-base-backup';
import { compareSchema } from './commands/compare-schema';
import { deleteBackup } from './commands/delete-backup';
import { dumpDatabase } from './commands/dump-database';
import { inspectBackup } from './commands/inspect-backup';
import { openPitrBuilder } from './commands/open-pitr-builder';
import { refreshBackups } from './commands/refresh-backups';
import { restoreBackup } from './commands/restore-backup';
import { restoreSelected } from './commands/restore-selected';
import { copyBackupPath, revealBackup } from './commands/reveal-backup';
import { verifyChecksum } from './commands/verify-checksum';
import { editConnection } from './commands/edit-connection';
import { exportSchema } from './commands/export-schema';
import { refreshConnections } from './commands/refresh-connections';
import { removeConnection } from './commands/remove-connection';
import { setPassword } from './commands/set-password';
import { setupWalArchiving } from './commands/setup-wal-archiving';
import { showClientTools } from './commands/show-client-tools';
import { testConnection } from './commands/test-connection';
import { Config } from './config';
import { Connections } from './connections';
import type { CommandFactory, Ctx } from './context';
import { Log } from './log';
import { SchemaDiffContent } from './schema-diff-view';
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

export function activate(extension: vscode.ExtensionContext): PgBackupApi {
  // From the bundle's first line (esbuild banner), so loading the code counts too.
  const started = (globalThis as { __pgBackupLoadStart?: number }).__pgBackupLoadStart ?? performance.now();
  const config = new Config();
  const log = new Log();
  const passwords = new Passwords(extension.secrets);
  const tools = new ToolsService(config);
  const connections = new Connections(config, passwords);
  const connectionsTree = new ConnectionsTree(config, connections);
  const backupsTree = new BackupsTree(config);
  const schemaDiff = new SchemaDiffContent();
  const ctx: Ctx = { extension, config, log, passwords, tools, connections, connectionsTree, backupsTree, schemaDiff };

  const register = (id: string, factory: CommandFactory) => extension.subscriptions.push(vscode.commands.registerCommand(id, factory(ctx)));
  register('pgBackup.addConnection', addConnection);
  register('pgBackup.editConnection', editConnection);
  register('pgBackup.removeConnection', removeConnection);
  register('pgBackup.testConnection', testConnection);
  register('pgBackup.setPassword', setPassword);
  register('pgBackup.refreshConnections', refreshConnections);
  register('pgBackup.showClientTools', showClientTools);
  register('pgBackup.dumpDatabase', dumpDatabase);
  register('pgBackup.exportSchema', exportSchema);
  register('pgBackup.compareSchema', compareSchema);
  register('pgBackup.refreshBackups', refreshBackups);
  register('pgBackup.inspectBackup', inspectBackup);
  register('pgBackup.verifyChecksum', verifyChecksum);
  register('pgBackup.revealBackup', revealBackup);
  register('pgBackup.copyBackupPath', copyBackupPath);
  register('pgBackup.deleteBackup', deleteBackup);
  register('pgBackup.restoreBackup', restoreBackup);
  register('pgBackup.restoreSelected', restoreSelected);
  register('pgBackup.createBaseBackup', createBaseBackup);
  register('pgBackup.setupWalArchiving', setupWalArchiving);
  register('pgBackup.openPitrBuilder', openPitrBuilder);

  extension.subscriptions.push(
    log,
    backupsTree,
    schemaDiff,
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
  return { connectionsTree, backupsTree, pitrPanels: PitrPanel.all, activationMs: performance.now() - started };
}

export function deactivate(): void {}
