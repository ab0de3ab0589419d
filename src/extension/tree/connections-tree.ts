import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { describeParams } from '../../core/connection/profile';
import type { DatabaseInfo, ServerInfo } from '../../core/connection/server-info';
import { errorMessage, PgBackupError } from '../../core/errors';
import { formatBytes } from '../../core/format';
import { askServer, type AskedServer } from '../../core/status/ask-server';
import type { Config } from '../config';
import type { Connections } from '../connections';
import type { StatusService } from '../status/status-service';
import { statusDescription, statusTooltip, verdictColor } from '../status/status-text';

export interface ConnectionNode {
  kind: 'connection';
  profile: ConnectionProfile;
  scope: 'workspace' | 'global';
}
export interface DatabaseNode {
  kind: 'database';
  connection: ConnectionNode;
  database: DatabaseInfo;
}
export interface MessageNode {
  kind: 'message';
  text: string;
  error?: boolean;
  /** What clicking it does, e.g. "Set Password…" after an authentication failure. */
  command?: vscode.Command;
}
export type ConnectionsTreeNode = ConnectionNode | DatabaseNode | MessageNode;

interface Probe {
  server?: ServerInfo;
  databases?: DatabaseInfo[];
  error?: string;
  errorKind?: string;
}

/** A failed connection in two words, for its row and toasts: a refused login is not an unreachable server. */
export function connectionProblem(kind: string | undefined): string {
  switch (kind) {
    case 'auth':
      return 'authentication failed';
    case 'unreachable':
      return 'unreachable';
    case 'database':
      return 'database missing';
    case 'ssl':
      return 'SSL refused';
    default:
      return 'cannot connect';
  }
}

/** How long the status reuses a probe's answer (WAL archiving moves on: an older one is asked again). */
const PROBE_REUSE_MS = 30_000;

/** How long the connection rows wait for their servers before they are drawn without the version. */
const FIRST_PAINT_WAIT_MS = 1500;

/** Saved connections; each lists its databases (with size) and shows the server version once it was reached. */
export class ConnectionsTree implements vscode.TreeDataProvider<ConnectionsTreeNode> {
  private readonly changed = new vscode.EventEmitter<ConnectionsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Finished probes by connection name (getTreeItem is synchronous). */
  private readonly probes = new Map<string, Probe>();
  /** Probes under way or done, so a connection is reached once per refresh. */
  private readonly pending = new Map<string, Promise<Probe>>();
  /** What each probe's connection found (or its failure), and when it was made: the status reuses it. */
  private readonly asked = new Map<string, { at: number; answer: Promise<AskedServer> }>();
  private roots: ConnectionNode[] = [];
  /** The view showing this tree (reveal). */
  view: vscode.TreeView<ConnectionsTreeNode> | undefined;

  constructor(
    private readonly config: Config,
    private readonly connections: Connections,
    private readonly status: StatusService,
  ) {
    // The rows are drawn without waiting for the status; its read redraws each connection's databases.
    status.onDidChange(() => this.roots.forEach((root) => this.changed.fire(root)));
    // One connection per server and refresh: the status takes what the probe found instead of connecting again.
    status.reuseAnswers((name) => this.recentAnswer(name));
  }

  /** The answer of this connection's probe when it was asked in the last PROBE_REUSE_MS. */
  private recentAnswer(name: string): Promise<AskedServer> | undefined {
    const a = this.asked.get(name);
    return a && Date.now() - a.at < PROBE_REUSE_MS ? a.answer : undefined;
  }

  refresh(): void {
    this.probes.clear();
    this.pending.clear();
    this.asked.clear();
    this.status.invalidate();
    this.changed.fire(undefined);
  }

  getTreeItem(node: ConnectionsTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'connection': {
        const p = node.profile;
        const probe = this.probes.get(p.name);
        const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `connection:${p.name}`;
        item.contextValue = 'connection';
        item.iconPath = new vscode.ThemeIcon(probe?.error ? 'warning' : 'server');
        const problem = probe?.error ? connectionProblem(probe.errorKind) : undefined;
        const version = probe?.server ? `PostgreSQL ${probe.server.version.split(' ')[0]}` : undefined;
        item.description = version ?? problem ?? describeParams(p);
        item.tooltip = new vscode.MarkdownString(
          [
            `**${p.name}** (${node.scope === 'global' ? 'user' : 'workspace'} setting)`,
            describeParams(p),
            probe?.server ? `PostgreSQL ${probe.server.version}` : '',
            probe?.error ?? '',
          ]
            .filter(Boolean)
            .join('\n\n'),
        );
        return item;
      }
      case 'database': {
        const item = new vscode.TreeItem(node.database.name, vscode.TreeItemCollapsibleState.None);
        item.id = `database:${node.connection.profile.name}/${node.database.name}`;
        item.contextValue = 'database';
        const size = node.database.sizeBytes >= 0 ? formatBytes(node.database.sizeBytes) : 'no access';
        const about = `${node.database.name} — owner ${node.database.owner}, ${node.database.encoding}`;
        const status = this.status.row(node.connection.profile.name, node.database.name);
        item.iconPath = new vscode.ThemeIcon('database', status && verdictColor(status));
        item.description = status ? `${size} · ${statusDescription(status)}` : size;
        item.tooltip = status ? statusTooltip(status, `**${about}**`, node) : about;
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info');
        item.tooltip = node.text;
        item.contextValue = node.error ? 'message.error' : 'message';
        item.command = node.command;
        return item;
      }
    }
  }

  async getChildren(node?: ConnectionsTreeNode): Promise<ConnectionsTreeNode[]> {
    if (!node) {
      this.roots = this.config.connections().map((c) => ({ kind: 'connection', profile: c.profile, scope: c.scope }));
      void this.status.report();
      // Reach every server as soon as the view shows, so each row names its version (or its error) before it is
      // expanded. Rows wait up to FIRST_PAINT_WAIT_MS for their probes, so a nearby server's row is drawn once,
      // final; a slower one is redrawn when its probe ends. Expanding later reuses the same probe.
      const probes = Promise.all(this.roots.map((root) => this.probe(root)));
      await Promise.race([probes, new Promise((r) => setTimeout(r, FIRST_PAINT_WAIT_MS))]);
      for (const root of this.roots) {
        if (!this.probes.has(root.profile.name)) void this.probe(root).then(() => this.changed.fire(root));
      }
      return this.roots;
    }
    if (node.kind !== 'connection') return [];
    const probe = await this.probe(node);
    if (probe.error) {
      const fix: vscode.Command | undefined =
        probe.errorKind === 'auth'
          ? { command: 'pgBackup.setPassword', title: 'Set Password…', arguments: [node] }
          : probe.errorKind === 'unreachable' || probe.errorKind === 'database'
            ? { command: 'pgBackup.editConnection', title: 'Edit Connection…', arguments: [node] }
            : undefined;
      return [
        { kind: 'message', text: probe.error, error: true, command: fix },
        ...(fix ? [{ kind: 'message' as const, text: `Click to fix: ${fix.title}`, command: fix }] : []),
      ];
    }
    return (probe.databases ?? []).map((database) => ({ kind: 'database', connection: node, database }));
  }

  /** The root node of a connection by name (for commands given a name). */
  connectionNode(name: string): ConnectionNode | undefined {
    return this.roots.find((r) => r.profile.name === name);
  }

  /** A database's node, for commands and links that name it. */
  databaseNode(connection: string, database: string): DatabaseNode | undefined {
    const root = this.connectionNode(connection);
    const info = this.probes.get(connection)?.databases?.find((d) => d.name === database);
    return root && info && { kind: 'database', connection: root, database: info };
  }

  getParent(node: ConnectionsTreeNode): ConnectionsTreeNode | undefined {
    return node.kind === 'database' ? node.connection : undefined;
  }

  async reveal(node: ConnectionsTreeNode | undefined): Promise<void> {
    await vscode.commands.executeCommand('pgBackup.connections.focus');
    if (node) await this.view?.reveal(node, { select: true, focus: true });
  }

  serverOf(name: string): ServerInfo | undefined {
    return this.probes.get(name)?.server;
  }

  /** Connects once (per refresh) to read the version and databases. Failures are kept as probes too. */
  private probe(node: ConnectionNode): Promise<Probe> {
    const name = node.profile.name;
    let p = this.pending.get(name);
    if (!p) {
      const answer = this.connections.with(node.profile, {}, askServer);
      this.asked.set(name, { at: Date.now(), answer });
      p = answer
        .then(({ server, databases }): Probe => ({ server, databases }))
        .catch((e) => ({ error: errorMessage(e), errorKind: e instanceof PgBackupError ? e.kind : undefined }))
        .then((probe) => {
          this.probes.set(name, probe);
          return probe;
        });
      this.pending.set(name, p);
    }
    return p;
  }
}
