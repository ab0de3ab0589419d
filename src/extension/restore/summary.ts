import { basename } from 'node:path';
import type { SummaryView } from '../../common/restore-protocol';
import { formatDuration } from '../../core/format';
import type { RestoreOutcome } from './execute';

export const summaryView = (o: RestoreOutcome): SummaryView => ({
  database: o.database,
  restored: o.summary.restored.length,
  durationMs: o.summary.durationMs,
  errors: o.summary.errors.map((e) => ({ message: e.message, statement: e.statement })),
  rowCounts: o.rowCounts,
});

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** A code block whose fence is longer than any backtick run inside (a statement may contain ```). */
const fence = (s: string) => {
  const ticks = '`'.repeat(Math.max(3, ...[...s.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}\n${s}\n${ticks}`;
};

/** The restore summary as a markdown document: what ran, what failed (with statements), rows per table. */
export function summaryMarkdown(o: RestoreOutcome): string {
  const s = o.summary;
  const status = s.errors.length ? `finished with ${s.errors.length} error(s)` : 'finished without errors';
  const lines = [
    `# Restore of ${basename(o.archivePath)} into ${o.database}`,
    '',
    `The restore ${status} in ${formatDuration(s.durationMs)}.`,
    '',
    '| | |',
    '|---|---|',
    `| Archive | ${cell(o.archivePath)} |`,
    `| Target | ${cell(o.database)} on ${cell(o.connection)} |`,
    `| Objects restored | ${s.restored.length} of ${o.total} |`,
    `| Errors | ${s.errors.length} |`,
    '',
  ];
  if (s.errors.length) {
    lines.push('## Errors', '');
    s.errors.forEach((e, i) => {
      lines.push(`${i + 1}. ${cell(e.message.split('\n')[0])}${e.dumpId ? ` (TOC entry ${e.dumpId})` : ''}`, '');
      if (e.statement) lines.push(fence(e.statement), '');
    });
  }
  if (o.rowCounts.length) {
    lines.push('## Rows in the restored tables', '', '| Table | Rows |', '|---|---:|');
    for (const r of o.rowCounts) lines.push(`| ${cell(r.table)} | ${r.rows ?? 'not readable'} |`);
    lines.push('');
  }
  lines.push('## Command', '', fence(o.commandLine), '');
  if (o.listFile) lines.push('## List file', '', fence(o.listFile.trimEnd()), '');
  return lines.join('\n');
}
