import * as vscode from 'vscode';
import { scanBackups, type BackupEntry } from '../../core/backups/catalog';
import { age } from '../../core/backups/age';
import { groupBackups } from '../../core/backups/groups';
import { checksumDetail, checksumText } from '../../core/backups/verification';
import { versionsText } from '../../core/backups/versions-text';
import { readLastDrills, type LastDrill } from '../../core/drill/drill-log';
import { formatBytes } from '../../core/format';
import { readJobStatuses, type JobStatus } from '../../core/schedule/status-file';
import { backupFolders } from '../backup-folders';
import type { CopyRecord } from '../../core/offsite/types';
import type { Config } from '../config';
import { failedJobsText, jobNodes, jobTreeItem, withJobs, type JobNode } from './job-rows';
import type { RepositoryInfos } from '../repository/repo-infos';
import {
  isRepositoryNode,
  repositoryChildren,
  repositoryGroups,
  repositoryItem,
  type RepositoryTreeNode,
} from './repository-nodes';
import { offsiteDestinations } from '../offsite/destinations';
import type { OffsiteKeys } from '../offsite/keys';
import {
  isOffsiteNode,
  offsiteMark,
  readCopies,
  OffsiteSection,
  type OffsiteNode,
  type RemoteBackupNode,
} from './offsite-nodes';

export interface BackupGroupNode {
  kind: 'group';
  label: string;
  entries: BackupEntry[];
  /** The scheduled jobs whose status files are in this group's folder or name its database. */
  jobs?: JobStatus[];
}
export interface BackupNode {
  kind: 'backup';
  entry: BackupEntry;
  /** The newest restore drill of this backup, from the drill logs. */
  drill?: LastDrill;
  /** Its off-site copies (offsite-nodes.ts). */
  copies?: CopyRecord[];
}
export type BackupsTreeNode = BackupGroupNode | BackupNode | JobNode | RepositoryTreeNode | OffsiteNode;

function formatLabel(e: BackupEntry): string {
  return e.kind === 'basebackup' ? `base backup (${e.format})` : e.format;
}

function drillText(d: LastDrill): string {
  const when = new Date(d.startedAt).toLocaleString();
  const where = d.where === 'scratch-database' ? 'a scratch database' : 'a throwaway cluster';
  return d.passed
    ? `passed on ${when} in ${(d.durationMs / 1000).toFixed(1)} s (${where})`
    : `FAILED on ${when}: ${d.problem ?? 'see the drill log'}`;
}

/** A backup row's tooltip: every fact known about it (local, or a remote copy's from its sidecar object). */
export function backupTooltip(e: BackupEntry, drill?: LastDrill): vscode.MarkdownString {
  const rows: [string, string | undefined][] = [
    ['Path', e.path],
    ['Kind', e.kind === 'basebackup' ? `base backup, ${e.format}` : `pg_dump, ${e.format} format`],
    ['Database', e.database],
    ['Server', e.server],
    ['Taken', e.created.toLocaleString()],
    ['Size', formatBytes(e.sizeBytes)],
    ['PostgreSQL', e.serverVersion],
    ['pg_dump', e.pgDumpVersion],
    ['Duration', e.sidecar ? `${(e.sidecar.durationMs / 1000).toFixed(1)} s` : undefined],
    ['Options', e.sidecar ? JSON.stringify(e.sidecar.options) : undefined],
    ['Label', e.base?.label?.label],
    [
      'WAL',
      e.base?.label?.startLsn
        ? `${e.base.label.startLsn} → ${e.base.label.stopLsn ?? '?'} (timeline ${e.base.label.startTimeline ?? '?'})`
        : undefined,
    ],
    ['Checksum', checksumDetail(e)],
    ['Problem', e.problem],
    [
      'Restore drill',
      drill ? drillText(drill) : e.kind === 'dump' ? 'none yet (Run Restore Drill proves it restores)' : undefined,
    ],
  ];
  const md = new vscode.MarkdownString(
    `**${e.name}**\n\n| | |\n|---|---|\n${rows
      .filter(([, v]) => v)
      .map(([k, v]) => `| ${k} | ${String(v).replace(/\|/g, '\\|')} |`)
      .join('\n')}`,
  );
  return md;
}

export function backupIcon(e: BackupEntry): vscode.ThemeIcon {
  return new vscode.ThemeIcon(
    e.problem
      ? 'warning'
      : e.kind === 'basebackup'
        ? 'server-environment'
        : e.format === 'directory'
          ? 'file-directory'
          : e.format === 'plain'
            ? 'file-code'
            : 'archive',
  );
}

/** A backup row's description; `extra` (an off-site mark) goes after the checksum and drill. */
export function backupDescription(e: BackupEntry, drill?: LastDrill, extra?: string): string {
  const drilled = drill ? (drill.passed ? `✓ drill ${age(new Date(drill.startedAt))}` : '✗ drill failed') : undefined;
  // What tells a good backup from a doubtful one comes first; a narrow side bar cuts the end.
  const parts = [formatLabel(e), formatBytes(e.sizeBytes), age(e.created), checksumText(e), drilled, extra];
  return [...parts, versionsText(e)].filter(Boolean).join(' · ');
}

/**
 * Backups in the configured folders and their subfolders, grouped by database and server (or by folder), newest
 * first. Watches each folder the listing looked into and refreshes (debounced) when files come and go there.
 */
export class BackupsTree implements vscode.TreeDataProvider<BackupsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<BackupsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** One non-recursive watcher per folder (recursive ones outside the workspace missed subfolders' files). */
  private readonly watchers = new Map<string, vscode.Disposable>();
  private timer: NodeJS.Timeout | undefined;
  private entries: Promise<BackupEntry[]> | undefined;
  private drills: Promise<Map<string, LastDrill>> | undefined;
  private jobs: Promise<JobStatus[]> | undefined;
  /** The folders the last listing looked into (where job status files are read). */
  private looked: string[] = [];

  /** The off-site destinations' groups, below the local ones (offsite-nodes.ts). */
  readonly offsite: OffsiteSection | undefined;

  constructor(
    private readonly config: Config,
    /** The connections' backup repositories, read in the background: a read that ends redraws the view. */
    readonly repositories: RepositoryInfos,
    remote?: { keys: OffsiteKeys; load: ConstructorParameters<typeof OffsiteSection>[1] },
  ) {
    this.offsite = remote && new OffsiteSection(remote.keys, remote.load, (group) => this.changed.fire(group));
    this.watch(this.folders());
    this.repositoryChanges = repositories.onDidChange(() => this.changed.fire(undefined));
  }

  private readonly repositoryChanges: vscode.Disposable;

  /** Re-reads the folders (e.g. after a setting change), the repositories and the destinations, and redraws. */
  refresh(): void {
    this.offsite?.refresh();
    this.repositories.invalidate();
    this.refreshLocal();
  }

  /** Re-reads the folders only (their files changed: the destinations' listings stay). */
  private refreshLocal(): void {
    this.entries = undefined;
    this.drills = undefined;
    this.jobs = undefined;
    this.changed.fire(undefined);
  }

  rewatch(): void {
    this.watch(this.folders());
    this.refresh();
  }

  folders(): string[] {
    return backupFolders(this.config);
  }

  all(): Promise<BackupEntry[]> {
    this.entries ??= scanBackups(this.folders()).then(({ backups, folders }) => {
      // A new subfolder shows as a change in its parent; the refresh that follows starts watching it.
      this.looked = folders;
      this.watch([...new Set([...this.folders(), ...folders])]);
      return backups;
    });
    return this.entries;
  }

  /** Drill logs live in the workspace folders (the extension's drills) and in backup folders (the CLI's, by default). */
  private lastDrills(): Promise<Map<string, LastDrill>> {
    this.drills ??= readLastDrills([
      ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      ...this.folders(),
    ]);
    return this.drills;
  }

  /** The last run of each scheduled job whose status file is in a listed folder. */
  private jobStatuses(): Promise<JobStatus[]> {
    this.jobs ??= this.all().then(() => readJobStatuses(this.looked));
    return this.jobs;
  }

  /** Watches exactly these folders: new ones are added, those no longer listed dropped. */
  private watch(folders: readonly string[]): void {
    for (const [folder, w] of this.watchers) {
      if (folders.includes(folder)) continue;
      w.dispose();
      this.watchers.delete(folder);
    }
    for (const folder of folders) {
      if (this.watchers.has(folder)) continue;
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), '*'));
      const later = () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.refreshLocal(), 300);
      };
      w.onDidCreate(later);
      w.onDidDelete(later);
      w.onDidChange(later);
      this.watchers.set(folder, w);
    }
  }

  getTreeItem(node: BackupsTreeNode): vscode.TreeItem {
    if (isRepositoryNode(node)) return repositoryItem(node, this.repositories);
    if (isOffsiteNode(node)) return this.offsite!.item(node, (n) => this.remoteItem(n));
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.label}`;
      item.contextValue = 'backupGroup';
      item.iconPath = new vscode.ThemeIcon('database');
      const failed = failedJobsText(node.jobs ?? []);
      item.description = [`${node.entries.length} backup${node.entries.length === 1 ? '' : 's'}`, failed]
        .filter(Boolean)
        .join(' · ');
      if (failed) item.tooltip = `${node.label}: scheduled ${failed}`;
      return item;
    }
    if (node.kind === 'job') return jobTreeItem(node);
    const e = node.entry;
    const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.None);
    item.id = `backup:${e.path}`;
    item.resourceUri = vscode.Uri.file(e.path);
    item.contextValue = e.kind === 'basebackup' ? 'basebackup' : `dump.${e.format}`;
    item.iconPath = backupIcon(e);
    item.description = backupDescription(e, node.drill, offsiteMark(node.copies ?? [], offsiteDestinations()));
    item.tooltip = backupTooltip(e, node.drill);
    item.command = { command: 'pgBackup.inspectBackup', title: 'Inspect', arguments: [node] };
    return item;
  }

  /** A remote copy's row: the same facts as a local backup's, its own context (the commands that fetch it). */
  private remoteItem(node: RemoteBackupNode): vscode.TreeItem {
    const e = node.entry;
    const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.None);
    item.id = `remote:${e.path}`;
    item.contextValue = e.kind === 'basebackup' ? 'remote.basebackup' : `remote.dump.${e.format}`;
    item.iconPath = backupIcon(e);
    item.description = backupDescription(e);
    item.tooltip = backupTooltip(e);
    return item;
  }

  async getChildren(node?: BackupsTreeNode): Promise<BackupsTreeNode[]> {
    if (node && isRepositoryNode(node)) return repositoryChildren(node, this.repositories);
    if (node && isOffsiteNode(node)) return this.offsite?.children(node) ?? [];
    if (node?.kind === 'group') {
      const [drills, jobs, copies] = await Promise.all([
        this.lastDrills(),
        jobNodes(node.jobs ?? []),
        Promise.all(node.entries.map(readCopies)),
      ]);
      return [
        ...jobs,
        ...node.entries.map((entry, i) => ({
          kind: 'backup' as const,
          entry,
          drill: drills.get(entry.path),
          copies: copies[i],
        })),
      ];
    }
    if (node) return [];
    const by = this.config.backupsGroupBy();
    const groups = groupBackups(await this.all(), by);
    const local = withJobs(groups, await this.jobStatuses(), by).map((g): BackupsTreeNode => ({ kind: 'group', ...g }));
    return [...local, ...repositoryGroups(this.config), ...(this.offsite?.roots() ?? [])];
  }

  dispose(): void {
    this.repositoryChanges.dispose();
    this.watch([]);
    clearTimeout(this.timer);
  }
}
