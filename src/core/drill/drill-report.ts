/** How a restore drill reads: a headline, one line for the drill log, and a full markdown report. Pure. */
import { tocCountsSentence } from '../backups/toc-counts';
import { formatDuration } from '../format';
import type { DrillLogEntry, DrillPlace, RestoreDrillResult } from './restore-drill-result';

const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, one: string) => `${n(x)} ${one}${x === 1 ? '' : 's'}`;

export function describePlace(w: DrillPlace): string {
  return w.kind === 'throwaway-cluster'
    ? `a throwaway PostgreSQL ${w.major}`
    : `scratch database ${w.database} on ${w.server} (PostgreSQL ${w.major})`;
}

/** How a throwaway cluster's data directory was made, for the report (the log line stays short). */
function madeBy(w: DrillPlace): string {
  if (w.kind !== 'throwaway-cluster' || !w.dataDir) return '';
  return w.dataDir === 'initdb'
    ? ' (initdb)'
    : w.dataDir === 'template-built'
      ? ' (initdb template made now, copied)'
      : ' (copied from the cached initdb template)';
}

const tablesAndRows = (r: RestoreDrillResult) =>
  `${plural(r.tables.length, 'table')}${r.tablesTruncated ? ' (more not counted)' : ''}, ${plural(r.totalRows, 'row')}`;

/** "Restore drill passed in 4.2s: 12 tables, 10,204 rows". */
export function drillHeadline(r: RestoreDrillResult): string {
  return `Restore drill ${r.passed ? 'passed' : 'failed'} in ${formatDuration(r.durationMs)}: ${tablesAndRows(r)}${r.passed ? '' : ` — ${plural(r.problems.length, 'problem')}`}`;
}

/** "- 2026-11-25 17:40 UTC · PASSED · shop.dump · restored in 4.2s on a throwaway PostgreSQL 15 · 12 tables, 10,204 rows · 0 errors". */
export function drillLogLine(r: DrillLogEntry): string {
  const when = `${r.startedAt.slice(0, 10)} ${r.startedAt.slice(11, 16)} UTC`;
  if ('unreadable' in r)
    return `- ${[when, 'FAILED', r.backup.name, 'could not be read', `problems: ${r.problems.join(' ')}`].join(' · ').replace(/\n/g, ' ')}`;
  const parts = [
    when,
    r.passed ? 'PASSED' : 'FAILED',
    r.backup.name,
    `restored in ${formatDuration(r.phases.restore ?? 0)} on ${describePlace(r.where)}`,
    tablesAndRows(r),
    plural(r.restore.errorCount, 'error'),
  ];
  if (r.problems.length) parts.push(`problems: ${r.problems.join(' ')}`);
  return `- ${parts.join(' · ').replace(/\n/g, ' ')}`;
}

export function drillReport(r: RestoreDrillResult): string {
  const phase = (label: string, ms: number | undefined) =>
    ms === undefined ? [] : [`| ${label} | ${formatDuration(ms)} |`];
  const out = [
    `# Restore drill: ${r.backup.name} — ${r.passed ? 'PASSED' : 'FAILED'}`,
    '',
    `- Backup: \`${r.backup.path}\` (${r.backup.format}${r.backup.database ? `, database ${r.backup.database}` : ''}${r.backup.serverVersion ? `, from PostgreSQL ${r.backup.serverVersion}` : ''})`,
    `- Started: ${new Date(r.startedAt).toLocaleString()}`,
    `- Restored on ${describePlace(r.where)}${madeBy(r.where)} with ${r.tools.restore.name} ${r.tools.restore.version}${r.tools.restore.jobs ? `, ${r.tools.restore.jobs} jobs` : ''}`,
    `- Checksum: ${r.checksum}`,
    `- Restore errors: ${r.restore.errorCount}${r.restore.warningCount ? ` (and ${plural(r.restore.warningCount, 'warning')} about missing roles)` : ''}`,
    '',
    '| Phase | Time |',
    '| --- | --- |',
    ...phase('Checksum', r.phases.checksum),
    ...phase('Prepare', r.phases.prepare),
    ...phase('Restore', r.phases.restore),
    ...phase('Compare', r.phases.compare),
    ...phase('Count rows', r.phases.count),
    `| **Total** | **${formatDuration(r.durationMs)}** |`,
    '',
  ];
  if (r.problems.length) out.push('## Problems', '', ...r.problems.map((p) => `- ${p}`), '');
  if (r.warnings.length) out.push('## Warnings', '', ...r.warnings.map((w) => `- ${w}`), '');
  const o = r.objects;
  out.push(
    '## Objects',
    '',
    o.expected === undefined
      ? '(a plain dump has no table of contents: counts from the restored catalog)'
      : `${n(o.expected - (o.missing?.length ?? 0))} of ${n(o.expected)} checkable objects of the dump exist in the restored database.`,
    '',
  );
  if (o.expected !== undefined && o.tocEntries !== undefined) {
    out.push(`The dump has ${tocCountsSentence(o.tocEntries, o.expected)}`, '');
  }
  out.push(
    'Objects in the restored database by kind, counted in its catalog (the index behind a primary key counts as an ' +
      'INDEX here and is a CONSTRAINT in the dump):',
    '',
  );
  out.push(...Object.entries(o.counts).map(([kind, c]) => `- ${kind}: ${n(c)}`), '');
  if (o.missing?.length) out.push('Missing:', '', ...o.missing.map((m) => `- ${m.kind} ${m.name}`), '');
  out.push(
    `## Tables (${tablesAndRows(r)})`,
    '',
    '| Table | Rows |',
    '| --- | ---: |',
    ...r.tables.map((t) => `| ${t.schema}.${t.name} | ${n(t.rows)} |`),
    '',
  );
  if (r.restore.errors.length) {
    out.push('## Errors', '');
    for (const e of r.restore.errors)
      out.push(
        `- ${e.dumpId ? `TOC entry ${e.dumpId}: ` : ''}${e.message.replace(/\n/g, ' ')}${e.statement ? `\n  \`${e.statement.replace(/\n/g, ' ').slice(0, 300)}\`` : ''}`,
      );
    out.push('');
  }
  return out.join('\n');
}
