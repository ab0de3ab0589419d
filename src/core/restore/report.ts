import { formatDuration } from '../format';
import type { PlanItem } from './plan-items';
import type { RestoreError, RestoreSummary } from './run';
import { describeEntry } from './toc-index';

/** ok: everything planned ran; warning: it ran, but nothing of what was picked was restored; failed: errors. */
export type RestoreVerdict = 'ok' | 'warning' | 'failed';

export interface TableRowsReport {
  table: string;
  /** Rows in the table after the restore; null when not loaded or not readable (see note). */
  rows: number | null;
  note?: string;
}

/** What a restore did, as the CLI prints it and the panel and the summary document show it. */
export interface RestoreReport {
  verdict: RestoreVerdict;
  /** One line: what was restored, what was skipped and why, errors. */
  headline: string;
  database: string;
  restored: number;
  /** Items that were to run. */
  total: number;
  skipped: { label: string; reason: string }[];
  rows: TableRowsReport[];
  errors: RestoreError[];
  durationMs: number;
}

export interface ReportInput {
  database: string;
  summary: RestoreSummary;
  rowCounts: readonly { table: string; rows: number | null; error?: string }[];
  /** Items to run (a plain dump: the statements expected). */
  total: number;
  /** The plan's items (none for a plain dump, which runs whole). */
  items?: readonly PlanItem[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The honest summary of a restore: restored and skipped counts with the reason, rows per table (a table whose
 * rows were not loaded says so), and a warning when nothing the user picked was restored.
 */
export function restoreReport(x: ReportInput): RestoreReport {
  const items = x.items ?? [];
  const skippedItems = items.filter((i) => i.action === 'skip');
  const skipped = skippedItems.map((i) => ({ label: describeEntry(i.entry), reason: i.note ?? 'skipped' }));
  const rows: TableRowsReport[] = x.rowCounts.map((r) =>
    r.rows === null ? { ...r, note: `not counted (${r.error ?? 'not readable'})` } : { ...r },
  );
  for (const i of skippedItems) {
    if (i.entry.desc !== 'TABLE DATA' || !i.entry.namespace) continue;
    const table = `${i.entry.namespace}.${i.entry.tag}`;
    rows.push({ table, rows: null, note: 'rows not loaded: the table exists in the target' });
  }
  const { errors, durationMs } = x.summary;
  const restored = x.summary.restored.length;
  const picked = items.filter((i) => i.origin === 'selected');
  const nothingPicked = picked.length > 0 && picked.every((i) => i.action === 'skip');
  const verdict: RestoreVerdict = errors.length ? 'failed' : nothingPicked ? 'warning' : 'ok';
  const took = formatDuration(durationMs);
  const parts = [`Restored ${restored} of ${plural(x.total, 'item')} into ${x.database} in ${took}`];
  if (skipped.length) parts.push(`${skipped.length} skipped because they exist there`);
  const unloaded = rows.filter((r) => r.rows === null && r.note?.startsWith('rows not loaded')).length;
  if (unloaded) parts.push(`the rows of ${plural(unloaded, 'table')} were not loaded`);
  parts.push(errors.length ? plural(errors.length, 'error') : 'no errors');
  const headline = nothingPicked
    ? `Nothing of what you picked was restored into ${x.database}: it exists there already ` +
      `(${parts.slice(1).join('; ')}).`
    : `${parts.join('; ')}.`;
  return { verdict, headline, database: x.database, restored, total: x.total, skipped, rows, errors, durationMs };
}
