/**
 * Scheduled jobs in the Backups view: each job whose status file (`<job>.status.json`, written by the job's script
 * after every run) lies in a backup folder shows as a row at the top of its group — "scheduled job failed 2 h ago"
 * with the reason, or quietly "scheduled job ok 3 h ago" — and a failed one also in the group's description. The
 * row opens the status file; its tooltip holds the exit code, when, the last lines of output and links to the
 * status file and the run log.
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { age } from '../../core/backups/age';
import { databaseGroupLabel, type BackupGroup, type GroupBy } from '../../core/backups/groups';
import type { JobStatus } from '../../core/schedule/status-file';

export interface JobNode {
  kind: 'job';
  status: JobStatus;
  /** The cron job's log (`<job>.log` next to the status file), when there is one. */
  log?: string;
}

/** The group a job's backups are in: its folder, or its database and server. */
const groupOf = (j: JobStatus, by: GroupBy) =>
  by === 'folder' ? dirname(j.path) : databaseGroupLabel(j.database, j.server);

/**
 * The groups with the jobs of each; a job none of whose backups is listed (its first runs failed, or they were
 * removed) gets a group of its own after the others: that is when a failing job matters most.
 */
export function withJobs(groups: readonly BackupGroup[], jobs: readonly JobStatus[], by: GroupBy) {
  const out = groups.map((g) => ({ ...g, jobs: [] as JobStatus[] }));
  for (const j of [...jobs].sort((a, b) => a.job.localeCompare(b.job))) {
    const label = groupOf(j, by);
    let group = out.find((g) => g.label === label);
    if (!group) out.push((group = { label, entries: [], jobs: [] }));
    group.jobs.push(j);
  }
  return out;
}

const when = (j: JobStatus) => age(new Date(j.finished));

/** "job failed 2 h ago" for a group's description when one of its jobs' last run failed. */
export function failedJobsText(jobs: readonly JobStatus[]): string | undefined {
  const failed = jobs.filter((j) => !j.ok);
  if (!failed.length) return undefined;
  return failed.length === 1 ? `job failed ${when(failed[0])}` : `${failed.length} jobs failed`;
}

/** The rows of a group's jobs, failed ones first. */
export async function jobNodes(jobs: readonly JobStatus[]): Promise<JobNode[]> {
  const sorted = [...jobs].sort((a, b) => Number(a.ok) - Number(b.ok));
  return Promise.all(
    sorted.map(async (status) => {
      const log = join(dirname(status.path), `${status.job}.log`);
      const isFile = await stat(log).then(
        (s) => s.isFile(),
        () => false,
      );
      return { kind: 'job' as const, status, ...(isFile ? { log } : {}) };
    }),
  );
}

const openLink = (title: string, path: string) =>
  `[${title}](command:vscode.open?${encodeURIComponent(JSON.stringify([vscode.Uri.file(path)]))})`;

const cell = (v: string) => v.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function tooltip(node: JobNode): vscode.MarkdownString {
  const j = node.status;
  const drill = j.drill && `${j.drill.result}${j.drill.detail ? `: ${j.drill.detail}` : ''}`;
  const rows: [string, string | undefined][] = [
    ['Last run', j.ok ? 'ok' : 'FAILED'],
    ['Reason', j.ok ? undefined : (j.reason ?? `exit ${j.exitCode}`)],
    ['Exit code', String(j.exitCode)],
    ['Started', new Date(j.started).toLocaleString()],
    ['Finished', `${new Date(j.finished).toLocaleString()} (${when(j)})`],
    ['Backup', j.backup],
    ['Restore drill', drill],
    ['Database', `${j.database} on ${j.server}`],
  ];
  const table = rows
    .filter((r): r is [string, string] => !!r[1])
    .map(([k, v]) => `| ${k} | ${cell(v)} |`)
    .join('\n');
  const output = j.output.length
    ? `\n\nLast lines of output:\n\n\`\`\`text\n${j.output.join('\n').replace(/```/g, "'''")}\n\`\`\``
    : '';
  const links = [openLink('Open Job Status', j.path), node.log ? openLink('Open Job Log', node.log) : ''];
  const md = new vscode.MarkdownString(
    `**${j.job}**\n\n| | |\n|---|---|\n${table}${output}\n\n${links.filter(Boolean).join(' · ')}`,
  );
  md.isTrusted = { enabledCommands: ['vscode.open'] };
  return md;
}

export function jobTreeItem(node: JobNode): vscode.TreeItem {
  const j = node.status;
  const item = new vscode.TreeItem(
    `scheduled job ${j.ok ? 'ok' : 'failed'} ${when(j)}`,
    vscode.TreeItemCollapsibleState.None,
  );
  item.id = `job:${j.path}`;
  item.contextValue = j.ok ? 'scheduledJob.ok' : 'scheduledJob.failed';
  item.iconPath = j.ok
    ? new vscode.ThemeIcon('pass')
    : new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red'));
  item.description = j.ok ? j.job : `${j.reason ?? `exit ${j.exitCode}`}`;
  item.tooltip = tooltip(node);
  item.command = { command: 'vscode.open', title: 'Open Job Status', arguments: [vscode.Uri.file(j.path)] };
  return item;
}
