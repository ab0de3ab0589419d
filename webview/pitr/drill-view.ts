/**
 * The drill's part of the panel: progress while it runs, then whether the target was reached and each table
 * that came back with its row count, or why it failed. Pure text in, HTML out (every value escaped).
 */
import type { DrillState } from '../../src/common/pitr-protocol';
import type { PitrDrillResult } from '../../src/core/drill/pitr-drill-result';
import { escapeHtml } from './html';

const END_TEXT: Record<PitrDrillResult['end'], string> = {
  promoted: 'promoted (recovery finished, the copy took writes)',
  paused: 'paused at the target (still in recovery)',
  'shut down': 'shut down at the target (no tables read)',
};

function resultHtml(r: PitrDrillResult): string {
  const reached = r.reachedTarget
    ? '<p>Target reached.</p>'
    : '<p class="error">The target was not reached: recovery ended at the end of the archived WAL.</p>';
  const facts = [
    ['Server', END_TEXT[r.end]],
    ['Last replayed commit', r.recoveryEndedAt],
    ['Drill took', `${(r.durationMs / 1000).toFixed(1)} s`],
  ]
    .filter(([, v]) => v)
    .map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v!)}</dd>`)
    .join('');
  const rows = r.tables
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.database)}</td><td>${escapeHtml(`${t.schema}.${t.name}`)}</td><td>${t.rows.toLocaleString('en-US')}</td></tr>`,
    )
    .join('');
  const table = r.tables.length
    ? `<table><thead><tr><th>Database</th><th>Table</th><th>Rows</th></tr></thead><tbody>${rows}</tbody></table>`
    : r.end === 'shut down'
      ? ''
      : '<p class="muted">No user tables came back.</p>';
  const more = r.tablesTruncated ? `<p class="muted">Only the first ${r.tables.length} tables were counted.</p>` : '';
  return `${reached}<div class="backup-info"><dl>${facts}</dl></div>${table}${more}<details><summary>Server log</summary><pre class="code">${escapeHtml(r.logTail)}</pre></details>`;
}

export function renderDrill(s: DrillState): string {
  switch (s.status) {
    case 'idle':
      return '<p class="muted">Run a drill to recover a scratch copy of the backup to this target on a throwaway server, and see what comes back.</p>';
    case 'running':
      return `<p><progress max="100" value="${Math.round(s.percent)}"></progress> ${Math.floor(s.percent)}% · ${escapeHtml(s.step)}</p>`;
    case 'done':
      return resultHtml(s.result);
    case 'error':
      return `<p class="${s.cancelled ? 'muted' : 'error'}">${escapeHtml(s.cancelled ? 'The drill was cancelled; its scratch copy and server are gone.' : s.message)}</p>`;
  }
}
