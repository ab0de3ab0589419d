import * as vscode from 'vscode';
import { age } from '../../core/backups/age';
import type { RepoBackup, RepoInfo, RepoSpec } from '../../core/engines/types';
import { formatBytes } from '../../core/format';
import type { Config } from '../config';
import type { RepositoryInfos, RepoState } from '../repository/repo-infos';
import { keysProblem } from '../repository/keys';
import { repoText, repositoryOf } from '../repository/settings';

/** A connection's backup repository: a group in the Backups view. */
export interface RepositoryNode {
  kind: 'repository';
  connection: string;
  repo: RepoSpec;
}
/** One backup in the repository (full, diff or incr). */
export interface RepoBackupNode {
  kind: 'repoBackup';
  connection: string;
  repo: RepoSpec;
  backup: RepoBackup;
}
/** The WAL the repository holds. */
export interface RepoArchiveNode {
  kind: 'repoArchive';
  connection: string;
  repo: RepoSpec;
  archive: NonNullable<RepoInfo['archive']>;
}
/** Why there is nothing to list: still reading, the engine's error, no backup yet. */
export interface RepoMessageNode {
  kind: 'repoMessage';
  connection: string;
  repo: RepoSpec;
  message: string;
  failed: boolean;
  /** The row runs Set Repository Keys… (the engine said the repository's S3 keys are missing or refused). */
  setKeys?: boolean;
}
export type RepositoryTreeNode = RepositoryNode | RepoBackupNode | RepoArchiveNode | RepoMessageNode;

export const REPOSITORY_NODE_KINDS = ['repository', 'repoBackup', 'repoArchive', 'repoMessage'] as const;

export const isRepositoryNode = (n: { kind: string }): n is RepositoryTreeNode =>
  (REPOSITORY_NODE_KINDS as readonly string[]).includes(n.kind);

const SET_KEYS = 'pgBackup.setRepositoryKeys';
const KEYS_HINT = 'Run "Set Repository Keys…" (this group\'s menu, or click here) to give pgBackRest its S3 keys.';

const ENGINE_TITLES: Record<RepoSpec['engine'], string> = { pgbackrest: 'pgBackRest', barman: 'Barman', walg: 'WAL-G' };

/** One group per saved connection that has a repository, in the order of the settings. */
export function repositoryGroups(config: Config): RepositoryNode[] {
  return config.connections().flatMap(({ profile }) => {
    const repo = repositoryOf(profile);
    return repo ? [{ kind: 'repository' as const, connection: profile.name, repo }] : [];
  });
}

const TYPE_TITLES: Record<RepoBackup['type'], string> = { full: 'full', diff: 'differential', incr: 'incremental' };

function sizes(b: RepoBackup): string | undefined {
  const db = b.databaseBytes === undefined ? undefined : `${formatBytes(b.databaseBytes)} db`;
  const repo = b.repositoryBytes === undefined ? undefined : `${formatBytes(b.repositoryBytes)} in repo`;
  return [db, repo].filter(Boolean).join(' / ') || undefined;
}

function groupDescription(s: RepoState): string {
  if (s.status === 'reading') return `reading…`;
  if (s.status === 'failed') return `✗ ${s.step ? `${s.step} failed` : 'cannot be read'}`;
  const n = s.info.backups.length;
  // A repository the engine reports a problem with says so first: a narrow side bar cuts the end.
  return [
    s.info.status.ok ? undefined : `✗ ${s.info.status.message}`,
    `${n} backup${n === 1 ? '' : 's'}`,
    `${ENGINE_TITLES[s.info.repo.engine]} ${s.info.engineVersion}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

function table(title: string, rows: [string, string | undefined][]): vscode.MarkdownString {
  return new vscode.MarkdownString(
    `**${title}**\n\n| | |\n|---|---|\n${rows
      .filter(([, v]) => v)
      .map(([k, v]) => `| ${k} | ${String(v).replace(/\|/g, '\\|')} |`)
      .join('\n')}`,
  );
}

const when = (iso: string) => new Date(iso).toLocaleString();

function backupTooltip(n: RepoBackupNode): vscode.MarkdownString {
  const b = n.backup;
  return table(b.label, [
    ['Repository', `${repoText(n.repo)}${n.repo.config ? ` (${n.repo.config})` : ''}`],
    ['Type', TYPE_TITLES[b.type]],
    ['Needs', b.references.length ? b.references.join(', ') : undefined],
    ['Started', when(b.startedAt)],
    ['Stopped', when(b.stoppedAt)],
    ['LSN', b.startLsn ? `${b.startLsn} → ${b.stopLsn ?? '?'}` : undefined],
    ['WAL', b.walStart ? `${b.walStart} → ${b.walStop ?? '?'}` : undefined],
    ['Timeline', b.timeline === undefined ? undefined : String(b.timeline)],
    ['Database size', b.databaseBytes === undefined ? undefined : formatBytes(b.databaseBytes)],
    ['In the repository', b.repositoryBytes === undefined ? undefined : formatBytes(b.repositoryBytes)],
    ['PostgreSQL', b.pgVersion],
    ['Problem', b.error],
  ]);
}

/** The tree item of a repository node; `state` is the repository's (the group shows it in its description). */
export function repositoryItem(node: RepositoryTreeNode, infos: RepositoryInfos): vscode.TreeItem {
  const id = `${node.connection}:${repoText(node.repo)}`;
  switch (node.kind) {
    case 'repository': {
      const state = infos.state(node.connection, node.repo);
      const item = new vscode.TreeItem(
        `${repoText(node.repo)} (${node.connection})`,
        vscode.TreeItemCollapsibleState.Expanded,
      );
      item.id = `repository:${id}`;
      item.contextValue = `repository.${node.repo.engine}`;
      item.iconPath = new vscode.ThemeIcon(state.status === 'failed' ? 'warning' : 'repo');
      item.description = groupDescription(state);
      item.tooltip = table(`${ENGINE_TITLES[node.repo.engine]} repository of ${node.connection}`, [
        ['Repository', repoText(node.repo)],
        ['Config', node.repo.config ?? `${node.repo.engine}'s default`],
        [
          'Status',
          state.status === 'ok' ? state.info.status.message : state.status === 'failed' ? state.message : 'reading…',
        ],
        ['PostgreSQL', state.status === 'ok' ? state.info.pgVersion : undefined],
        ['System id', state.status === 'ok' ? state.info.systemId : undefined],
        ['Read', state.status === 'ok' ? `${age(new Date(state.readAt))} in ${Math.round(state.ms)} ms` : undefined],
      ]);
      return item;
    }
    case 'repoBackup': {
      const b = node.backup;
      const item = new vscode.TreeItem(b.label, vscode.TreeItemCollapsibleState.None);
      item.id = `repoBackup:${id}:${b.label}`;
      item.contextValue = `repoBackup.${b.type}`;
      item.iconPath = new vscode.ThemeIcon(b.error ? 'warning' : b.type === 'full' ? 'package' : 'diff-added');
      const refs = b.references.length ? `← ${b.references[b.references.length - 1]}` : undefined;
      item.description = [b.type, refs, sizes(b), age(new Date(b.stoppedAt)), b.error && `✗ ${b.error}`]
        .filter(Boolean)
        .join(' · ');
      item.tooltip = backupTooltip(node);
      return item;
    }
    case 'repoArchive': {
      const a = node.archive;
      const item = new vscode.TreeItem('WAL archive', vscode.TreeItemCollapsibleState.None);
      item.id = `repoArchive:${id}`;
      item.contextValue = 'repoArchive';
      item.iconPath = new vscode.ThemeIcon('history');
      item.description = `${a.min ?? '?'} … ${a.max ?? '?'}${a.timeline === undefined ? '' : ` (timeline ${a.timeline})`}`;
      item.tooltip = table('WAL in the repository', [
        ['Oldest segment', a.min],
        ['Newest segment', a.max],
        ['Timeline', a.timeline === undefined ? undefined : String(a.timeline)],
      ]);
      return item;
    }
    case 'repoMessage': {
      const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
      item.id = `repoMessage:${id}`;
      item.contextValue = node.failed ? 'repoError' : node.setKeys ? 'repoKeysHint' : 'repoMessage';
      item.iconPath = new vscode.ThemeIcon(node.failed ? 'error' : node.setKeys ? 'key' : 'info');
      item.tooltip = node.message;
      if (node.setKeys)
        item.command = { title: 'Set Repository Keys…', command: SET_KEYS, arguments: [node.connection] };
      return item;
    }
  }
}

/** A group's rows: its backups newest first and the archive, or one row saying why there are none. */
export async function repositoryChildren(
  node: RepositoryTreeNode,
  infos: RepositoryInfos,
): Promise<RepositoryTreeNode[]> {
  if (node.kind !== 'repository') return [];
  const { connection, repo } = node;
  const state = await infos.read(connection, repo);
  const message = (text: string, failed: boolean): RepoMessageNode[] => [
    { kind: 'repoMessage', connection, repo, message: text, failed },
    ...(failed && keysProblem(repo, text)
      ? [{ kind: 'repoMessage' as const, connection, repo, message: KEYS_HINT, failed: false, setKeys: true }]
      : []),
  ];
  if (state.status === 'failed') return message(state.step ? `${state.step}: ${state.message}` : state.message, true);
  if (state.status === 'reading') return message('reading…', false);
  const backups: RepositoryTreeNode[] = [...state.info.backups]
    .reverse()
    .map((backup) => ({ kind: 'repoBackup', connection, repo, backup }));
  const archive: RepositoryTreeNode[] = state.info.archive
    ? [{ kind: 'repoArchive', connection, repo, archive: state.info.archive }]
    : [];
  if (!backups.length) {
    const why = state.info.status.ok ? 'No backup yet: Back Up Now takes the first.' : state.info.status.message;
    return [...message(why, !state.info.status.ok), ...archive];
  }
  return [...backups, ...archive];
}
