/**
 * The recoverable window drawn as a bar from the backup's end to the last archived commit, with the target and
 * any missing WAL segments marked on it. Positions are set through CSSOM (el.style), which the panel's CSP allows,
 * never through style attributes, which it does not.
 */
import type { PitrModel } from '../../src/core/pitr/model';
import { parseLsn } from '../../src/core/pitr/lsn';
import { parseZonedTime } from '../../src/core/pitr/time';
import type { RecoverableWindow, WalPoint } from '../../src/core/pitr/window';
import { escapeHtml } from './html';

export type ScanState =
  | { status: 'none'; reason: string }
  | { status: 'scanning'; archiveDir: string }
  | { status: 'ready'; archiveDir: string; window: RecoverableWindow; segments: number; scanMs: number }
  | { status: 'error'; archiveDir: string; message: string };

/** `2026-11-25T14:59:03.000Z` → `2026-11-25 14:59:03 UTC`. */
export function showTime(iso: string): string {
  return `${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC`;
}

function describePoint(p: WalPoint): string {
  return (
    [p.time ? showTime(p.time) : '', p.lsn ? `LSN ${p.lsn}` : '', p.xid !== undefined ? `xid ${p.xid}` : '']
      .filter(Boolean)
      .join(' · ') || 'unknown'
  );
}

/** A 0…1 scale over the window: by time when both ends have one, else by WAL position. */
function scale(w: RecoverableWindow) {
  const t0 = w.from.time ? Date.parse(w.from.time) : NaN;
  const t1 = w.to.time ? Date.parse(w.to.time) : NaN;
  const l0 = w.from.lsn ? parseLsn(w.from.lsn) : undefined;
  const end = w.walEnd ?? w.to.lsn;
  const l1 = end ? parseLsn(end) : undefined;
  const byLsn =
    l0 !== undefined && l1 !== undefined && l1 > l0 ? (lsn: bigint) => Number(lsn - l0) / Number(l1 - l0) : undefined;
  const byTime = t1 > t0 ? (ms: number) => (ms - t0) / (t1 - t0) : undefined;
  return { byLsn, byTime };
}

function targetFraction(w: RecoverableWindow, m: PitrModel): number | undefined {
  const { byLsn, byTime } = scale(w);
  const v = m.target.value ?? '';
  if (m.target.kind === 'time' && byTime) {
    const p = parseZonedTime(v);
    return p.ok ? byTime(p.epochMs) : undefined;
  }
  if (m.target.kind === 'lsn' && byLsn) {
    const lsn = parseLsn(v);
    return lsn === undefined ? undefined : byLsn(lsn);
  }
  if (m.target.kind === 'immediate') return 0;
  if (m.target.kind === 'latest') return 1;
  return undefined;
}

const pct = (f: number) => `${(Math.max(0, Math.min(1, f)) * 100).toFixed(2)}%`;

export function renderWindow(el: HTMLElement, scan: ScanState, model: PitrModel): void {
  if (scan.status === 'none') {
    el.innerHTML = `<p class="muted">${escapeHtml(scan.reason)}</p>`;
    return;
  }
  if (scan.status === 'scanning') {
    el.innerHTML = `<p class="muted"><vscode-progress-ring class="inline-ring"></vscode-progress-ring> Reading ${escapeHtml(scan.archiveDir)}…</p>`;
    return;
  }
  if (scan.status === 'error') {
    el.innerHTML = `<p class="error">${escapeHtml(scan.message)}</p>`;
    return;
  }
  const w = scan.window;
  const gaps = w.gaps
    .map(
      (g) =>
        `<li class="error">Missing: ${g.count} segment${g.count > 1 ? 's' : ''} ${escapeHtml(g.first)}${g.count > 1 ? `…${escapeHtml(g.last)}` : ''} (from LSN ${escapeHtml(g.startLsn)}) — recovery cannot pass this gap.</li>`,
    )
    .join('');
  el.innerHTML = `
    <div class="timeline" id="timeline-bar-wrap">
      <div class="bar${w.gaps.length ? ' has-gap' : ''}" id="timeline-bar"><div class="target-marker" hidden></div></div>
      <div class="ends">
        <div class="end from"><strong>Backup end</strong><span id="window-from">${escapeHtml(describePoint(w.from))}</span></div>
        <div class="end to"><strong>Last archived commit</strong><span id="window-to">${escapeHtml(describePoint(w.to))}</span></div>
      </div>
    </div>
    <p class="muted">Timeline ${w.timeline} · ${scan.segments} archived segment${scan.segments === 1 ? '' : 's'} · read in ${Math.round(scan.scanMs)} ms</p>
    ${gaps || w.notes.length ? `<ul class="window-notes">${gaps}${w.notes.map((n) => `<li class="muted">${escapeHtml(n)}</li>`).join('')}</ul>` : ''}`;
  const bar = el.querySelector<HTMLElement>('#timeline-bar')!;
  const { byLsn } = scale(w);
  for (const g of w.gaps) {
    const at = byLsn ? byLsn(parseLsn(g.startLsn) ?? 0n) : undefined;
    if (at === undefined) continue;
    const tick = document.createElement('div');
    tick.className = 'gap-marker';
    tick.title = `Missing WAL from ${g.first}`;
    tick.style.left = pct(at);
    bar.appendChild(tick);
  }
  updateTargetMarker(el, scan, model);
}

/** Moves only the target marker: cheap enough for every keystroke. */
export function updateTargetMarker(el: HTMLElement, scan: ScanState, model: PitrModel): void {
  const marker = el.querySelector<HTMLElement>('.target-marker');
  if (!marker || scan.status !== 'ready') return;
  const f = targetFraction(scan.window, model);
  marker.hidden = f === undefined;
  if (f === undefined) return;
  marker.style.left = pct(f);
  marker.classList.toggle('outside', f < 0 || f > 1);
  marker.title = f < 0 ? 'Target before the backup end' : f > 1 ? 'Target after the last archived commit' : 'Target';
}
