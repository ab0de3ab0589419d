import { basename } from 'node:path';
import type { SummaryView } from '../../common/restore-protocol';
import type { RestoreOutcome } from './execute';

export const summaryView = ({ report: r }: RestoreOutcome): SummaryView => ({
  database: r.database,
  verdict: r.verdict,
  headline: r.headline,
  restored: r.restored,
  total: r.total,
  durationMs: r.durationMs,
  skipped: r.skipped,
  errors: r.errors.map((e) => ({ message: e.message, statement: e.statement })),
  rowCounts: r.rows,
});

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** A code block whose fence is longer than any backtick run inside (a statement may contain ```). */
const fence = (s: string) => {
  const ticks = '`'.repeat(Math.max(3, ...[...s.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}\n${s}\n${ticks}`;
};

/** The restore summary as a markdown document: what ran, what was skipped and why, what failed, rows per table. */
export function summaryMarkdown(o: RestoreOutcome): string {
  const r = o.report;
  const lines = [
    `# Restore of ${basename(o.archivePath)} into ${o.database}`,
    '',
    `${r.verdict === 'ok' ? '' : r.verdict === 'warning' ? '**Warning:** ' : '**Failed:** '}${r.headline}`,
    '',
    '| | |',
    '|---|---|',
    `| Archive | ${cell(o.archivePath)} |`,
    `| Target | ${cell(o.database)} on ${cell(o.connection)} |`,
    `| Objects restored | ${r.restored} of ${r.total} |`,
    `| Skipped | ${r.skipped.length} |`,
    `| Errors | ${r.errors.length} |`,
    '',
  ];
  if (r.errors.length) {
    lines.push('## Errors', '');
    r.errors.forEach((e, i) => {
      lines.push(`${i + 1}. ${cell(e.message.split('\n')[0])}${e.dumpId ? ` (TOC entry ${e.dumpId})` : ''}`, '');
      if (e.statement) lines.push(fence(e.statement), '');
    });
  }
  if (r.skipped.length) {
    lines.push('## Skipped', '', '| Object | Why |', '|---|---|');
    for (const s of r.skipped) lines.push(`| ${cell(s.label)} | ${cell(s.reason)} |`);
    lines.push('');
  }
  if (r.rows.length) {
    lines.push('## Rows in the restored tables', '', '| Table | Rows |', '|---|---:|');
    for (const t of r.rows) lines.push(`| ${cell(t.table)} | ${t.rows ?? cell(t.note ?? 'not readable')} |`);
    lines.push('');
  }
  lines.push('## Command', '', fence(o.commandLine), '');
  if (o.listFile) lines.push('## List file', '', fence(o.listFile.trimEnd()), '');
  return lines.join('\n');
}
