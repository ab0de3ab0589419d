import * as vscode from 'vscode';
import { Config } from './config';
import { Connections } from './connections';
import type { CommandFactory, Ctx, Headless } from './context';
import type { RepoSpec } from '../core/engines/types';
import { Log } from './log';
import { ReadOnlyDocuments } from './read-only-documents';
import { exportOnSave } from './schema-on-save';
import { Passwords } from './secrets';
import { ToolsService } from './tools-service';
import { BackupsTree, type BackupsTreeNode } from './tree/backups-tree';
import { ConnectionsTree, type ConnectionsTreeNode } from './tree/connections-tree';
import { REPOSITORY_NODE_KINDS } from './tree/repository-nodes';
import { RepositoryInfos } from './repository/repo-infos';
import { FETCHING_COMMANDS, isRemoteBackupNode, namesRemoteBackup, OFFSITE_NODE_KINDS } from './tree/offsite-nodes';
import { affectsOffsiteDestinations } from './offsite/destinations';
import { OffsiteKeys } from './offsite/keys';
import { RepositoryKeys } from './repository/keys';
import { StatusBar } from './status/status-bar';
import { StatusService } from './status/status-service';
import { warnOnRpoCrossing } from './status/rpo-warnings';
import { showFailure } from './ui/errors';
import { requireTrust } from './ui/trust';
import type { PitrPanel } from './webview/pitr-panel';
import { PITR_VIEW_TYPE } from '../common/pitr-protocol';
import { RESTORE_VIEW_TYPE } from '../common/restore-protocol';
import { resetWalkthrough, restoreWalkthrough, walkthroughDone, type WalkthroughStep } from './walkthrough';

type Lazy = typeof import('./lazy');
/** The commands and panels, loaded once on first use (a bundle of their own: see lazy.ts). */
let lazy: Lazy | undefined;
const loadLazy = async (): Promise<Lazy> => (lazy ??= await import('./lazy'));

type TreeNodeKind = (ConnectionsTreeNode | BackupsTreeNode)['kind'];
const TREE_NODE_KINDS = new Set<string>([
  'connection',
  'database',
  'message',
  'group',
  'backup',
  ...REPOSITORY_NODE_KINDS,
  ...OFFSITE_NODE_KINDS,
] satisfies TreeNodeKind[]);

/**
 * The palette, menus and tree items run a command with nothing, a tree node or a name: its UI part, which sees a
 * failure as a message. Other callers (tests, other commands) pass a plain object of arguments: the headless part
 * of a command that has one (else the same handler), which gets the error thrown.
 */
function fromUi(arg: unknown): boolean {
  if (arg === undefined || typeof arg === 'string') return true;
  const kind = (arg as { kind?: unknown }).kind;
  return typeof kind === 'string' && TREE_NODE_KINDS.has(kind);
}

/** What a command file gives the registration: its UI part alone, or [UI part, headless part]. */
type Command = CommandFactory | readonly [CommandFactory, Headless<never, unknown>];

/** The trust gate's reasons the panels' serializers share with the commands that open them. */
const PITR_TRUST = 'The PITR builder runs pg_waldump and drill servers';
const RESTORE_SELECTED_TRUST = 'Restoring selected objects runs pg_restore';
/** …and those too long for their command's one registration line. */
const DRILL_TRUST = 'A restore drill runs a server and pg_restore';
const RESTORE_TRUST = 'Restoring a backup runs pg_restore or psql';
const SCHEDULE_TRUST = 'Scheduling backups connects to the server';
const BASE_BACKUP_TRUST = 'A base backup runs pg_basebackup';
const WAL_ARCHIVING_TRUST = 'Setting up WAL archiving connects to the server';
const REPOSITORY_TRUST = 'A backup repository is read and written by running its engine (pgbackrest, barman)';
const OFFSITE_COPY_TRUST = 'Copying off-site connects to the destination';
const OFFSITE_VERIFY_TRUST = 'Verifying an off-site copy connects to the destination';
const OFFSITE_PRUNE_TRUST = 'Pruning off-site copies connects to the destination';

/** What activate() returns: used by the extension-host tests. */
export interface PgBackupApi {
  connectionsTree: ConnectionsTree;
  backupsTree: BackupsTree;
  status: StatusService;
  statusBar: StatusBar;
  /** The PITR builder panels open now. */
  pitrPanels: () => PitrPanel[];
  /** The output channel (tests check what reaches it). */
  log: Log;
  /** Test hooks: whether a Getting Started step is done, and forgetting them all. */
  walkthroughDone: (step: WalkthroughStep) => boolean;
  resetWalkthrough: () => Promise<void>;
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
  const repositoryKeys = new RepositoryKeys(extension.secrets);
  const repositoryEnv = (connection: string, repo: RepoSpec) => repositoryKeys.env(connection, repo);
  const status = new StatusService(config, passwords, loadLazy, repositoryEnv);
  const statusBar = new StatusBar(status);
  const connectionsTree = new ConnectionsTree(config, connections, status);
  const backupsTree = new BackupsTree(config, new RepositoryInfos(loadLazy, log, repositoryEnv), {
    keys: new OffsiteKeys(extension.secrets),
    load: loadLazy,
  });
  const documents = new ReadOnlyDocuments();
  const ctx: Ctx = {
    extension,
    config,
    log,
    passwords,
    tools,
    connections,
    connectionsTree,
    backupsTree,
    documents,
    status,
  };

  // A command's code is loaded on its first use, so activation does not compile or evaluate code no one has asked
  // for (the budget is 30 ms, loading included). Every command passes here: `trust` (what it would do that an
  // untrusted workspace must not: start a process, connect to a server) sends it through the trust gate before
  // its code loads or asks anything. A UI call (see fromUi) runs the UI part and its failure becomes a message here
  // (see showFailure); an arguments object goes straight to the headless part and its failure is thrown.
  const register = (id: string, pick: (m: Lazy) => Command, trust?: string) => {
    let handlers: { ui: (...args: never[]) => unknown; headless: (args: never) => unknown } | undefined;
    const bind = (command: Command) => {
      if (typeof command !== 'function') return { ui: command[0](ctx), headless: command[1](ctx) };
      const ui = command(ctx);
      return { ui, headless: ui };
    };
    const run = async (...args: never[]) => {
      const ui = fromUi(args[0]);
      try {
        if (trust) requireTrust(trust);
        const m = await loadLazy();
        const h = (handlers ??= bind(pick(m)));
        // A remote backup (a tree node, or a headless call naming its destination) is fetched first: see fetched.ts.
        if (FETCHING_COMMANDS.has(id) && isRemoteBackupNode(args[0]))
          return await m.withFetchedBackup(ctx, args[0], (n) => h.ui(n as never));
        if (FETCHING_COMMANDS.has(id) && !ui && namesRemoteBackup(args[0]))
          return await m.withFetchedArgs(ctx, args[0], (a) => h.headless(a as never));
        return await (ui ? h.ui(...args) : h.headless(args[0]));
      } catch (e) {
        if (!ui) throw e;
        await showFailure(log, e, connectionOf(args[0]));
        return undefined;
      }
    };
    extension.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  const connectionOf = (arg: unknown): ConnectionsTreeNode | undefined => {
    if (typeof arg === 'string') return connectionsTree.connectionNode(arg);
    const kind = (arg as { kind?: unknown } | undefined)?.kind;
    return kind === 'connection' || kind === 'database' ? (arg as ConnectionsTreeNode) : undefined;
  };
  register('pgBackup.addConnection', (m) => m.addConnection);
  register('pgBackup.editConnection', (m) => m.editConnection);
  register('pgBackup.removeConnection', (m) => m.removeConnection);
  register('pgBackup.testConnection', (m) => m.testConnection, 'Testing a connection connects to its server');
  register('pgBackup.setPassword', (m) => m.setPassword);
  register('pgBackup.refreshConnections', (m) => m.refreshConnections);
  register('pgBackup.showClientTools', (m) => m.showClientTools, 'Listing client tools runs each for its version');
  register('pgBackup.dumpDatabase', (m) => [m.dumpDatabaseUi, m.dumpDatabase], 'Dumping a database runs pg_dump');
  register('pgBackup.exportSchema', (m) => [m.exportSchemaUi, m.exportSchema], 'Exporting the schema runs pg_dump');
  register('pgBackup.compareSchema', (m) => [m.compareSchemaUi, m.compareSchema], 'Comparing the schema runs pg_dump');
  register('pgBackup.refreshBackups', (m) => m.refreshBackups);
  register('pgBackup.inspectBackup', (m) => m.inspectBackup);
  register('pgBackup.verifyChecksum', (m) => m.verifyChecksum);
  register('pgBackup.runRestoreDrill', (m) => [m.runRestoreDrillUi, m.runRestoreDrill], DRILL_TRUST);
  register('pgBackup.revealBackup', (m) => m.revealBackup);
  register('pgBackup.copyBackupPath', (m) => m.copyBackupPath);
  register('pgBackup.deleteBackup', (m) => m.deleteBackup);
  register('pgBackup.restoreBackup', (m) => [m.restoreBackupUi, m.restoreBackup], RESTORE_TRUST);
  register('pgBackup.restoreSelected', (m) => m.restoreSelected, RESTORE_SELECTED_TRUST);
  register('pgBackup.scheduleBackups', (m) => [m.scheduleBackupsUi, m.scheduleBackups], SCHEDULE_TRUST);
  register('pgBackup.createBaseBackup', (m) => [m.createBaseBackupUi, m.createBaseBackup], BASE_BACKUP_TRUST);
  register('pgBackup.setupWalArchiving', (m) => [m.setupWalArchivingUi, m.setupWalArchiving], WAL_ARCHIVING_TRUST);
  register('pgBackup.openPitrBuilder', (m) => m.openPitrBuilder, PITR_TRUST);
  register('pgBackup.addBackupRepository', (m) => [m.addBackupRepositoryUi, m.addBackupRepository], REPOSITORY_TRUST);
  register('pgBackup.repositoryBackup', (m) => [m.repositoryBackupUi, m.repositoryBackup], REPOSITORY_TRUST);
  register('pgBackup.repositoryVerify', (m) => [m.repositoryVerifyUi, m.repositoryVerify], REPOSITORY_TRUST);
  register('pgBackup.repositoryExpire', (m) => [m.repositoryExpireUi, m.repositoryExpire], REPOSITORY_TRUST);
  register('pgBackup.setRepositoryKeys', (m) => [m.setRepositoryKeysUi, m.setRepositoryKeys], REPOSITORY_TRUST);
  register('pgBackup.setTargets', (m) => m.setTargets);
  register('pgBackup.addOffsiteDestination', (m) => [m.addOffsiteDestinationUi, m.addOffsiteDestination]);
  register('pgBackup.setOffsiteKeys', (m) => [m.setOffsiteKeysUi, m.setOffsiteKeys]);
  register('pgBackup.copyOffsite', (m) => [m.copyOffsiteUi, m.copyOffsite], OFFSITE_COPY_TRUST);
  register('pgBackup.verifyOffsiteCopy', (m) => [m.verifyOffsiteUi, m.verifyOffsite], OFFSITE_VERIFY_TRUST);
  register('pgBackup.pruneOffsite', (m) => [m.pruneOffsiteUi, m.pruneOffsite], OFFSITE_PRUNE_TRUST);
  register('pgBackup.showStatus', (m) => m.showStatus, 'The RPO/RTO status connects to the servers');

  // A panel VS Code restores after a reload runs tools from its first message on: it passes the same gate.
  const revive = (reason: string, restore: (m: Lazy, panel: vscode.WebviewPanel, state: unknown) => unknown) => ({
    deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
      try {
        requireTrust(reason);
        await restore(await loadLazy(), panel, state);
      } catch (e) {
        panel.dispose();
        await showFailure(log, e);
      }
    },
  });

  extension.subscriptions.push(
    log,
    backupsTree,
    backupsTree.repositories,
    documents,
    exportOnSave(ctx),
    (connectionsTree.view = vscode.window.createTreeView('pgBackup.connections', {
      treeDataProvider: connectionsTree,
    })),
    status,
    statusBar,
    warnOnRpoCrossing(status, connectionsTree, extension.workspaceState),
    backupsTree.onDidChangeTreeData(() => status.refreshSoon()),
    vscode.window.registerTreeDataProvider('pgBackup.backups', backupsTree),
    vscode.window.registerWebviewPanelSerializer(
      PITR_VIEW_TYPE,
      revive(PITR_TRUST, (m, panel, state) => m.revivePanel(ctx, m.PitrPanel.kind, panel, state)),
    ),
    vscode.window.registerWebviewPanelSerializer(
      RESTORE_VIEW_TYPE,
      revive(RESTORE_SELECTED_TRUST, (m, panel, state) => m.revivePanel(ctx, m.RestorePanel.kind, panel, state)),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (config.affects(e, 'connections')) {
        connectionsTree.refresh();
        backupsTree.refresh(); // a connection's repository is a group there
      }
      if (config.affects(e, 'toolFolders')) tools.invalidate();
      if (config.affects(e, 'backupFolders')) backupsTree.rewatch();
      if (config.affects(e, 'backupsGroupBy') || affectsOffsiteDestinations(e)) backupsTree.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      status.start();
      connectionsTree.refresh();
    }),
  );
  status.start();
  restoreWalkthrough(extension, config.connections().length > 0);
  const pitrPanels = () => lazy?.PitrPanel.all() ?? [];
  const activationMs = loadMs + performance.now() - started;
  return {
    connectionsTree,
    backupsTree,
    status,
    statusBar,
    pitrPanels,
    log,
    walkthroughDone: (step) => walkthroughDone(extension, step),
    resetWalkthrough: () => resetWalkthrough(extension),
    activationMs,
  };
}

export function deactivate(): void {}
