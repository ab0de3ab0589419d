/**
 * The PITR builder panel. The form, the preview of the recovery files, the runbook and the format checks are
 * computed here with the core's pure functions on every keystroke (no round trip to the host); the host only
 * reads the backup, scans the archive folder for the recoverable window, copies, saves and runs drills.
 */
import type { BackupSummary, DrillState, HostToPanel, PanelToHost, PitrForm } from '../../src/common/pitr-protocol';
import type { PitrPanelState } from '../../src/common/pitr-protocol';
import { requestSender } from '../../src/common/panel-protocol';
import type { PitrModel } from '../../src/core/pitr/model';
import { renderRecoveryFiles, type RecoveryFile } from '../../src/core/pitr/render';
import { buildRunbook, renderRunbook, type RunbookStep } from '../../src/core/pitr/runbook';
import { hasErrors, validateModel, type Issue } from '../../src/core/pitr/validate';
import { renderDrill } from './drill-view';
import { defaultForm, formToModel, restoreForm, runbookContext, windowEndInput } from './form';
import { escapeHtml } from './html';
import { PANEL_MARKUP } from './markup';
import { renderWindow, updateTargetMarker, type ScanState } from './window-view';

interface VsCodeApi {
  postMessage(message: PanelToHost): void;
  getState(): unknown;
  setState(state: PitrPanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<PitrPanelState> | undefined;
const post = requestSender<PanelToHost>((m) => vscode.postMessage(m));
/** The id of the drill request running: its error is the drill view's to show. */
let drillRequest: number | undefined;

let backup: BackupSummary | undefined;
let form: PitrForm = defaultForm();
let scan: ScanState = { status: 'none', reason: 'Choose the archive folder to see the recoverable window.' };
let current: { model: PitrModel; files: RecoveryFile[]; steps: RunbookStep[]; issues: Issue[] } | undefined;
let scanTimer: ReturnType<typeof setTimeout> | undefined;
let drill: DrillState = { status: 'idle' };
/** A repository backup: the engine's restore for the current model, as the host built it (and what it was for). */
let restore: { for: string; id?: number; line?: string } = { for: '' };
let restoreTimer: ReturnType<typeof setTimeout> | undefined;

const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const fields = () => [
  ...document.querySelectorAll<HTMLElement & { value?: string; checked?: boolean }>('[data-field]'),
];

function readForm(): PitrForm {
  const out = { ...form } as Record<string, unknown>;
  for (const el of fields()) {
    const key = el.dataset.field!;
    out[key] = typeof out[key] === 'boolean' ? !!el.checked : String(el.value ?? '');
  }
  return out as unknown as PitrForm;
}

/** True while applyForm sets the inputs: a toolkit element may fire change then, with later fields not set yet. */
let applying = false;

function applyForm(f: PitrForm): void {
  applying = true;
  try {
    for (const el of fields()) {
      const v = (f as unknown as Record<string, unknown>)[el.dataset.field!];
      if (typeof v === 'boolean') el.checked = v;
      else el.value = String(v ?? '');
    }
  } finally {
    applying = false;
  }
}

function toggleSections(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-when-source]'))
    el.hidden = el.dataset.whenSource !== form.sourceKind;
  for (const el of document.querySelectorAll<HTMLElement>('[data-when-target]'))
    el.hidden = !el.dataset.whenTarget!.split(' ').includes(form.targetKind);
  $('#server-major-row').hidden = !!backup?.serverMajor;
  // A repository backup brings its WAL from the repository: there is no archive to choose.
  $('#archive-section').hidden = !!backup?.repository;
  $('#save-files').hidden = !!backup?.repository;
}

/** The window applies only to the folder it was read from (a repository's comes with the backup). */
function windowFor(): ScanState {
  if (backup?.repository)
    return scan.status !== 'none' ? scan : { status: 'none', reason: "Reading the repository's facts…" };
  if (form.sourceKind !== 'cp')
    return {
      status: 'none',
      reason:
        'The window is read from a local archive folder: choose "Local folder (cp)" (a copy of the archive will do) to check the target against it.',
    };
  if (scan.status !== 'none' && scan.archiveDir === form.archiveDir.trim()) return scan;
  return {
    status: 'none',
    reason: form.archiveDir.trim()
      ? 'Reading the archive…'
      : 'Choose the archive folder to see the recoverable window.',
  };
}

function renderFiles(files: RecoveryFile[]): string {
  return files
    .map((f) => {
      const how =
        f.mode === 'append'
          ? 'append to the file that came with the backup'
          : f.content === ''
            ? 'create, empty'
            : 'create';
      return `<div class="file"><div class="file-head"><code>${escapeHtml(f.name)}</code> <span class="muted">${how}</span></div>${f.content ? `<pre class="code">${escapeHtml(f.content)}</pre>` : ''}</div>`;
    })
    .join('');
}

function renderSteps(steps: RunbookStep[]): string {
  return steps
    .map(
      (s) =>
        `<li><div class="step-title">${escapeHtml(s.title)}</div><pre class="code">${escapeHtml(s.commands.join('\n'))}</pre>${s.note ? `<p class="note">${escapeHtml(s.note)}</p>` : ''}</li>`,
    )
    .join('');
}

function renderRestoreCommand(blocked: boolean): string {
  const engine = backup?.repository?.repo.engine ?? '';
  const text = blocked ? 'Fix the form first.' : (restore.line ?? 'Building the command…');
  return `<div class="file"><div class="file-head"><code>${escapeHtml(engine)} restore</code> <span class="muted">run as the repository's owner into an empty data directory</span></div><pre class="code" id="restore-command">${escapeHtml(text)}</pre></div>`;
}

/** Asks the host for the engine's restore of this model (the engine's argv is the core's, not the panel's). */
function requestRestoreCommand(model: PitrModel): void {
  const dataDir = form.dataDir.trim();
  const key = JSON.stringify([model, dataDir]);
  if (key === restore.for) return;
  restore = { for: key };
  clearTimeout(restoreTimer);
  if (!dataDir.startsWith('/')) return;
  restoreTimer = setTimeout(() => (restore.id = post({ type: 'restoreCommand', model, dataDir })), 150);
}

function renderIssues(problems: string[], issues: Issue[]): string {
  const items = [...problems.map((message) => ({ severity: 'error', message })), ...issues];
  return items.map((i) => `<li class="${i.severity}">${escapeHtml(i.message)}</li>`).join('');
}

/** Recomputes everything from the form; synchronous, so the preview is current in the frame the key was typed. */
function update(): void {
  if (!backup) return;
  const started = performance.now();
  toggleSections();
  const { model, problems } = formToModel(form, backup);
  const shown = windowFor();
  const issues = validateModel(model, shown.status === 'ready' ? shown.window : undefined);
  const files = renderRecoveryFiles(model);
  const blocked = problems.length > 0 || hasErrors(issues);
  const fromRepository = !!backup.repository;
  if (fromRepository && !blocked) requestRestoreCommand(model);
  const restoreCommand = fromRepository ? (restore.line ?? '<the restore command>') : undefined;
  const steps = buildRunbook(model, { ...runbookContext(form, backup), restoreCommand });
  current = { model, files, steps, issues };
  $('#files').innerHTML = fromRepository ? renderRestoreCommand(blocked) : renderFiles(files);
  $('#files').classList.toggle('invalid', blocked);
  $('#runbook').innerHTML = renderSteps(steps);
  $('#issues').innerHTML = renderIssues(problems, issues);
  // Nothing invalid leaves the panel: not the files, not a runbook that names them.
  $('#copy-files').toggleAttribute('disabled', blocked || (fromRepository && !restore.line));
  $('#copy-files').textContent = fromRepository ? 'Copy command' : 'Copy files';
  $('#copy-runbook').toggleAttribute('disabled', blocked);
  $('#save-files').toggleAttribute('disabled', blocked);
  // A drill fetches WAL on this machine, so it needs a local archive folder.
  $('#run-drill').toggleAttribute(
    'disabled',
    blocked || (!fromRepository && (form.sourceKind !== 'cp' || !form.archiveDir.trim())) || drill.status === 'running',
  );
  const win = $('#window');
  if (win.dataset.scan !== scanKey(shown)) {
    renderWindow(win, shown, model);
    win.dataset.scan = scanKey(shown);
  } else {
    updateTargetMarker(win, shown, model);
  }
  const ms = performance.now() - started;
  const timing = $('#render-time');
  timing.textContent = `preview ${ms.toFixed(1)} ms`;
  timing.dataset.ms = String(ms);
}

function showDrill(next: DrillState): void {
  drill = next;
  $('#drill').innerHTML = renderDrill(drill);
  persist();
  update();
}

function scanKey(s: ScanState): string {
  return s.status === 'none'
    ? `none:${s.reason}`
    : `${s.status}:${s.archiveDir}:${s.status === 'ready' ? s.scanMs : ''}`;
}

function persist(): void {
  if (backup) vscode.setState({ backupDir: backup.dir, form, drill });
}

function requestScan(): void {
  clearTimeout(scanTimer);
  const dir = form.archiveDir.trim();
  if (backup?.repository || form.sourceKind !== 'cp' || !dir.startsWith('/')) return;
  if (scan.status !== 'none' && scan.archiveDir === dir && scan.status !== 'error') return;
  // Typing a path fires on every key: read the folder once the typing pauses.
  scanTimer = setTimeout(() => {
    scan = { status: 'scanning', archiveDir: dir };
    post({ type: 'scanArchive', archiveDir: dir });
    update();
  }, 300);
}

function onFormInput(): void {
  // Reading the inputs while applyForm is halfway would take the fields it has not set yet as empty.
  if (!backup || applying) return;
  form = readForm();
  update();
  persist();
  requestScan();
}

const TYPE_TEXT = { full: 'full', diff: 'differential', incr: 'incremental' } as const;

function repositoryRows(r: NonNullable<BackupSummary['repository']>): [string, string | undefined][] {
  return [
    ['Repository', `${r.repo.engine}:${r.repo.name}${r.repo.config ? ` (${r.repo.config})` : ''}`],
    ['Connection', r.connection],
    ['Backup', `${r.label} (${TYPE_TEXT[r.type]})`],
    ['Needs', r.references.length ? r.references.join(', ') : undefined],
    ['Stopped', r.stoppedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')],
    ['Stop LSN', r.stopLsn],
    ['WAL held', r.archive?.min ? `${r.archive.min} … ${r.archive.max ?? '?'}` : undefined],
  ];
}

function describeBackup(b: BackupSummary): string {
  const rows: [string, string | undefined][] = b.repository
    ? [...repositoryRows(b.repository), ['PostgreSQL', b.serverMajor ? String(b.serverMajor) : undefined]]
    : [
        ['Folder', b.dir],
        ['PostgreSQL', b.serverMajor ? String(b.serverMajor) : 'unknown (no PG_VERSION)'],
        [
          'Format',
          b.format === 'tar' ? `tar (${[b.tarFiles?.base, b.tarFiles?.wal].filter(Boolean).join(', ')})` : 'plain',
        ],
        ['Label', b.label],
        ['Started', b.startTime ? b.startTime.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : undefined],
        ['Start LSN', b.startLsn && `${b.startLsn} (timeline ${b.timeline ?? '?'})`],
      ];
  return `<dl>${rows
    .filter(([, v]) => v)
    .map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v!)}</dd>`)
    .join('')}</dl>${b.notes.map((n) => `<p class="warning">${escapeHtml(n)}</p>`).join('')}`;
}

function onMessage(m: HostToPanel): void {
  switch (m.type) {
    case 'backup': {
      backup = m.backup;
      const mine = saved?.backupDir === m.backup.dir ? saved : undefined;
      form = restoreForm(mine?.form, defaultForm(m.backup));
      if (!form.archiveDir.trim() && m.archiveDir) form.archiveDir = m.archiveDir;
      if (m.backup.repository)
        form = { ...form, ...repositorySource(m.backup.repository), ...(mine?.form ? {} : { targetKind: 'latest' }) };
      $('#backup-heading').textContent = m.backup.repository ? 'Repository backup' : 'Base backup';
      $('#backup-info').innerHTML = describeBackup(m.backup);
      applyForm(form);
      // The host knows how a drill went, also one that ended while the panel was hidden; a saved running drill
      // without the host's word died with a reload.
      const kept = m.drill ?? mine?.drill;
      showDrill(kept && kept.status !== 'running' ? kept : (m.drill ?? { status: 'idle' }));
      requestScan();
      break;
    }
    case 'scanning':
      scan = { status: 'scanning', archiveDir: m.archiveDir };
      update();
      break;
    case 'window':
      scan = { status: 'ready', archiveDir: m.archiveDir, window: m.window, segments: m.segments, scanMs: m.scanMs };
      // No time chosen yet: start at the end of the window, the most a recovery from this archive can bring back.
      if (form.targetKind === 'time' && !form.time && m.archiveDir === form.archiveDir.trim()) {
        const end = windowEndInput(m.window);
        if (end) {
          form = { ...form, ...end };
          applyForm(form);
          persist();
        }
      }
      update();
      break;
    case 'windowError':
      scan = { status: 'error', archiveDir: m.archiveDir, message: m.message };
      update();
      break;
    case 'archivePicked':
      form = { ...form, sourceKind: 'cp', archiveDir: m.dir };
      applyForm(form);
      onFormInput();
      break;
    case 'saved':
      $('#render-time').textContent = `Saved ${m.files.join(', ')} into ${m.dir}`;
      break;
    case 'drillProgress':
      showDrill({ status: 'running', step: m.step, percent: m.percent });
      break;
    case 'drillResult':
      showDrill({ status: 'done', result: m.result });
      break;
    case 'drillError':
      showDrill({ status: 'error', message: m.message, cancelled: m.cancelled });
      break;
    case 'restoreCommand':
      if (m.id !== restore.id) break; // the answer to a form that has changed since
      restore = { ...restore, line: m.line };
      update();
      break;
    case 'error':
      if (m.id !== drillRequest) $('#render-time').textContent = m.message;
      break;
  }
}

/** The form's archive source for a repository backup: recovery fetches WAL through the engine. */
function repositorySource(r: NonNullable<BackupSummary['repository']>): Partial<PitrForm> {
  return r.repo.engine === 'barman'
    ? { sourceKind: 'barman', barmanHost: 'localhost', barmanServer: r.repo.name }
    : { sourceKind: 'pgbackrest', stanza: r.repo.name };
}

function filesText(files: RecoveryFile[]): string {
  return files.map((f) => `# ${f.name} (${f.mode === 'append' ? 'append' : 'create'})\n${f.content}`).join('\n');
}

async function main(): Promise<void> {
  document.getElementById('app')!.innerHTML = PANEL_MARKUP;
  // The toolkit module registers its elements; values set before that would land on plain HTMLElements.
  await Promise.all(
    ['vscode-text-field', 'vscode-dropdown', 'vscode-radio-group', 'vscode-checkbox', 'vscode-button'].map((t) =>
      customElements.whenDefined(t),
    ),
  );
  const root = document.querySelector('main')!;
  root.addEventListener('input', onFormInput);
  root.addEventListener('change', onFormInput);
  $('#pick-archive').addEventListener('click', () => post({ type: 'pickArchive' }));
  $('#copy-files').addEventListener('click', () => {
    if (!current) return;
    const text = backup?.repository ? restore.line : filesText(current.files);
    if (text) post({ type: 'copy', text });
  });
  $('#copy-runbook').addEventListener(
    'click',
    () => current && post({ type: 'copy', text: renderRunbook(current.steps) }),
  );
  $('#save-files').addEventListener('click', () => current && post({ type: 'save', model: current.model }));
  $('#run-drill').addEventListener('click', () => {
    if (!current || drill.status === 'running') return;
    showDrill({ status: 'running', step: 'Starting the drill', percent: 0 });
    drillRequest = post({ type: 'drill', model: current.model });
  });
  $('#drill').innerHTML = renderDrill(drill);
  window.addEventListener('message', (e: MessageEvent<HostToPanel>) => onMessage(e.data));
  post({ type: 'ready' });
}

void main();
