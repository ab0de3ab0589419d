/**
 * The output: Preview, Restore and Cancel, the status line, the progress bar, and what the host sent back (the
 * plan's command and list file, or the restore's summary with errors and row counts).
 */
import type { PlanPreview, SummaryView } from '../../src/common/restore-protocol';
import { byId, el, pre, type Dispatch, type Render } from './dom';
import { VERDICT_CLASS } from './model';

export function mountOutput(dispatch: Dispatch): Render {
  const previewButton = byId<HTMLButtonElement>('preview');
  const restoreButton = byId<HTMLButtonElement>('restore');
  previewButton.addEventListener('click', () => dispatch({ type: 'preview' }));
  restoreButton.addEventListener('click', () => dispatch({ type: 'restore' }));
  byId('cancel').addEventListener('click', () => dispatch({ type: 'cancel' }));

  return (s, prev) => {
    const disabled = s.running || s.selection.chosen.size === 0;
    previewButton.disabled = disabled;
    restoreButton.disabled = disabled;
    if (s.status !== prev?.status) {
      const status = byId('status');
      status.className = s.status.cls;
      status.textContent = s.status.text;
    }
    byId('progress').hidden = !s.progress;
    if (s.progress && s.progress !== prev?.progress) {
      const bar = byId<HTMLProgressElement>('bar');
      bar.max = s.progress.total || 1;
      bar.value = s.progress.done;
      byId('progress-text').textContent = `${s.progress.done} / ${s.progress.total} · ${s.progress.current}`;
    }
    if (s.output === prev?.output) return;
    const parts = !s.output ? [] : 'preview' in s.output ? planParts(s.output.preview) : summaryParts(s.output.summary);
    byId('output').replaceChildren(...parts);
  };
}

/** A titled list, at most 200 items shown. */
function list(title: string, items: string[]): HTMLElement[] {
  if (!items.length) return [];
  const ul = el('ul');
  for (const i of items.slice(0, 200)) ul.append(el('li', '', i));
  if (items.length > 200) ul.append(el('li', 'muted', `… and ${items.length - 200} more`));
  return [el('h3', '', title), ul];
}

function planParts(p: PlanPreview): HTMLElement[] {
  const details = el('details');
  const items = `${p.total} item${p.total === 1 ? '' : 's'}`;
  details.append(el('summary', '', `List file (${items} for pg_restore -L)`), pre(p.listFile));
  const existing = p.existing.map((e) => {
    const action = e.action === 'skip' ? 'skipped' : 'dropped and recreated';
    return `${e.label}: ${action} (${e.note ?? e.reason})`;
  });
  return [
    el('h3', '', 'Command'),
    pre(p.commandLine),
    ...list('Notes', p.notes),
    ...list('Already in the target', existing),
    ...list('Will be dropped first (--clean)', p.drops),
    ...list(
      'Left out',
      p.omitted.map((o) => `${o.label}: ${o.reason}`),
    ),
    details,
  ];
}

function summaryParts(s: SummaryView): HTMLElement[] {
  const head = el('h3', `verdict ${VERDICT_CLASS[s.verdict]}`, s.headline);
  head.id = 'summary-title';
  const parts: HTMLElement[] = [
    head,
    ...list(
      'Skipped',
      s.skipped.map((k) => `${k.label}: ${k.reason}`),
    ),
  ];
  if (s.errors.length) {
    parts.push(el('h3', '', 'Errors'));
    for (const e of s.errors) {
      const d = el('div', 'error-item');
      d.append(el('div', '', e.message));
      if (e.statement) d.append(pre(e.statement));
      parts.push(d);
    }
  }
  if (s.rowCounts.length) {
    const table = el('table', 'counts');
    table.id = 'row-counts';
    const hr = el('tr');
    hr.append(el('th', '', 'Table'), el('th', 'num', 'Rows'));
    table.append(hr);
    for (const r of s.rowCounts) {
      const tr = el('tr');
      const rowsText = r.rows === null ? (r.note ?? 'not readable') : String(r.rows);
      tr.append(el('td', '', r.table), el('td', r.rows === null ? 'muted' : 'num', rowsText));
      table.append(tr);
    }
    parts.push(el('h3', '', 'Rows in the restored tables'), table);
  }
  return parts;
}
