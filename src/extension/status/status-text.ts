import * as vscode from 'vscode';
import { age } from '../../core/backups/age';
import type { DatabaseStatus, Measure } from '../../core/status/compute';
import { formatSpan } from '../../core/status/duration';
import { isOutside, type Verdict } from '../../core/status/verdict';

/** The commands a status tooltip links to (and the only ones its Markdown may run). */
const LINKED = ['pgBackup.dumpDatabase', 'pgBackup.runRestoreDrill', 'pgBackup.setTargets', 'vscode.open'];

/** What a database row shows of its two verdicts: red past a target first, then never proven, amber, green. */
export function shownVerdict(r: DatabaseStatus): Verdict {
  const v = [r.rpo.verdict, r.rto.verdict];
  return (['red', 'never', 'amber', 'green'] as const).find((c) => v.includes(c)) ?? 'unset';
}

const COLOUR = { red: 'charts.red', never: 'disabledForeground', amber: 'charts.yellow', green: 'charts.green' };

/** A database row's colour in the theme's chart colours (grey when never proven); none without targets. */
export function verdictColor(r: DatabaseStatus): vscode.ThemeColor | undefined {
  const v = shownVerdict(r);
  return v === 'unset' ? undefined : new vscode.ThemeColor(COLOUR[v]);
}

/** The row's scheduled job when its last run failed. */
const failedJob = (r: DatabaseStatus) => (r.scheduledJob?.failure ? r.scheduledJob : undefined);

/** "backup 3 h ago · drill 2 d ago" (the newest good backup and the newest drill), "· job failed 2 h ago" after. */
export function statusDescription(r: DatabaseStatus): string {
  const backup = r.newestGood ? `backup ${age(new Date(r.newestGood.created))}` : 'no good backup';
  const drill = r.drill ? `drill ${r.drill.passed ? '' : 'failed '}${age(new Date(r.drill.startedAt))}` : 'no drill';
  const job = failedJob(r);
  return [backup, drill, job ? `job failed ${age(new Date(job.finished))}` : ''].filter(Boolean).join(' · ');
}

const WORD: Record<Verdict, string> = {
  green: 'inside',
  amber: 'near',
  red: 'OUTSIDE',
  never: 'never proven',
  unset: 'no target',
};

/** "OUTSIDE: 3d / 24h (newest good backup)": a measure against its target. */
export function measureText(m: Measure): string {
  const value = m.valueMs === undefined ? 'none' : formatSpan(m.valueMs);
  const target = m.targetMs === undefined ? '' : ` / ${formatSpan(m.targetMs)}`;
  return `${WORD[m.verdict]}: ${value}${target} (${m.basis}${m.note ? `; ${m.note}` : ''})`;
}

const link = (title: string, command: string, arg: unknown) =>
  `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([arg]))})`;

/** The tooltip of a database row: the numbers, and links to act on them. `node` is the row's tree node. */
export function statusTooltip(r: DatabaseStatus, title: string, node: unknown): vscode.MarkdownString {
  const drill = r.drill
    ? `${r.drill.passed ? 'passed' : 'FAILED'} ${age(new Date(r.drill.startedAt))}, restored in ` +
      `${(r.drill.durationMs / 1000).toFixed(1)} s`
    : 'none yet';
  const rows: [string, string][] = [
    ['RPO', measureText(r.rpo)],
    ['RTO', measureText(r.rto)],
    ['Newest good backup', r.newestGood ? `${r.newestGood.name}, ${age(new Date(r.newestGood.created))}` : 'none'],
    ['Backups', `${r.backups}${r.rejected ? ` (${r.rejected} not good)` : ''}`],
    ['Newest drill', drill],
  ];
  const job = failedJob(r);
  if (job) rows.push(['Scheduled job', `${job.job}: ${job.failure}`]);
  const table = rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`).join('\n');
  const good = r.newestGood;
  const backup = good && { kind: 'backup', entry: { kind: 'dump', path: good.path, name: good.name } };
  const links = [
    link('Dump Now', 'pgBackup.dumpDatabase', node),
    backup ? link('Run Restore Drill', 'pgBackup.runRestoreDrill', backup) : '',
    link('Set Targets…', 'pgBackup.setTargets', node),
    job ? link('Open Job Status', 'vscode.open', vscode.Uri.file(job.statusFile)) : '',
  ];
  const actions = links.filter(Boolean).join(' · ');
  const md = new vscode.MarkdownString(`${title}\n\n| | |\n|---|---|\n${table}\n\n${actions}`);
  md.isTrusted = { enabledCommands: LINKED };
  return md;
}

/**
 * "$(shield) 3 ok · 1 outside RPO" over the rows that have a target, then "· 1 job failed" over all rows;
 * `outside` counts the rows past a target and the failed jobs (either turns the item amber).
 */
export function statusSummary(rows: readonly DatabaseStatus[]): { text: string; outside: number } {
  const targeted = rows.filter((r) => r.rpo.verdict !== 'unset' || r.rto.verdict !== 'unset');
  const jobs = rows.filter(failedJob).length;
  const failed = jobs ? `${jobs} job${jobs === 1 ? '' : 's'} failed` : '';
  const text = (parts: string[]) => `$(shield) ${[...parts, failed].filter(Boolean).join(' · ')}`;
  if (!targeted.length) return { text: text(['no RPO/RTO targets']), outside: jobs };
  const rpo = targeted.filter((r) => isOutside(r.rpo.verdict)).length;
  const rto = targeted.filter((r) => isOutside(r.rto.verdict)).length;
  const ok = targeted.filter((r) => !isOutside(r.rpo.verdict) && !isOutside(r.rto.verdict)).length;
  const parts = [`${ok} ok`, rpo ? `${rpo} outside RPO` : '', rto ? `${rto} outside RTO` : ''];
  return { text: text(parts), outside: targeted.length - ok + jobs };
}
