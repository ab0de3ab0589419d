import * as vscode from 'vscode';
import { age } from '../../core/backups/age';
import type { DatabaseStatus, Measure } from '../../core/status/compute';
import { formatSpan } from '../../core/status/duration';
import { isOutside, type Verdict } from '../../core/status/verdict';

/** The commands a status tooltip links to (and the only ones its Markdown may run). */
const LINKED = ['pgBackup.dumpDatabase', 'pgBackup.runRestoreDrill', 'pgBackup.setTargets'];

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

/** "backup 3 h ago · drill 2 d ago" (the newest good backup and the newest drill). */
export function statusDescription(r: DatabaseStatus): string {
  const backup = r.newestGood ? `backup ${age(new Date(r.newestGood.created))}` : 'no good backup';
  const drill = r.drill ? `drill ${r.drill.passed ? '' : 'failed '}${age(new Date(r.drill.startedAt))}` : 'no drill';
  return `${backup} · ${drill}`;
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
  const table = rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`).join('\n');
  const good = r.newestGood;
  const backup = good && { kind: 'backup', entry: { kind: 'dump', path: good.path, name: good.name } };
  const links = [
    link('Dump Now', 'pgBackup.dumpDatabase', node),
    backup ? link('Run Restore Drill', 'pgBackup.runRestoreDrill', backup) : '',
    link('Set Targets…', 'pgBackup.setTargets', node),
  ];
  const actions = links.filter(Boolean).join(' · ');
  const md = new vscode.MarkdownString(`${title}\n\n| | |\n|---|---|\n${table}\n\n${actions}`);
  md.isTrusted = { enabledCommands: LINKED };
  return md;
}

/** "$(shield) 3 ok · 1 outside RPO" over the rows that have a target. */
export function statusSummary(rows: readonly DatabaseStatus[]): { text: string; outside: number } {
  const targeted = rows.filter((r) => r.rpo.verdict !== 'unset' || r.rto.verdict !== 'unset');
  if (!targeted.length) return { text: '$(shield) no RPO/RTO targets', outside: 0 };
  const rpo = targeted.filter((r) => isOutside(r.rpo.verdict)).length;
  const rto = targeted.filter((r) => isOutside(r.rto.verdict)).length;
  const ok = targeted.filter((r) => !isOutside(r.rpo.verdict) && !isOutside(r.rto.verdict)).length;
  const parts = [`${ok} ok`, rpo ? `${rpo} outside RPO` : '', rto ? `${rto} outside RTO` : ''];
  return { text: `$(shield) ${parts.filter(Boolean).join(' · ')}`, outside: targeted.length - ok };
}
