/**
 * The selective-restore picker: the dump's TOC grouped by schema and kind (virtualized), a search box that
 * filters on every keystroke, checkboxes whose dependents show up ticked with the reason, the target and
 * options, and the preview, progress and summary the host sends back. Talks to the host only through
 * src/common/restore-protocol.ts.
 */
import type { HostToPanel, PanelToHost, PlanPreview, RestorePanelState, SelectionRequest, SummaryView, TargetChoice } from '../../src/common/restore-protocol';
import { requestSender } from '../../src/common/panel-protocol';
import type { RestoreOptions } from '../../src/core/restore/options';
import { Catalog, label, Selection, triState, type Row, type SelectedItem } from './model';
import { VirtualList } from './virtual-list';

declare function acquireVsCodeApi(): { postMessage(m: PanelToHost): void; getState(): unknown; setState(s: RestorePanelState): void };
const host = acquireVsCodeApi();
/** Posts a request numbered for the host's answers (which carry its id). */
const send = requestSender<PanelToHost>((m) => host.postMessage(m));
const ROW_HEIGHT = 22;

const app = document.getElementById('app')!;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

let catalog: Catalog;
let sel: Selection;
let rows: Row[] = [];
let selRows: (Omit<SelectedItem, 'origin'> & { origin?: SelectedItem['origin']; omitted?: boolean })[] = [];
let filter = '';
const collapsed = new Set<string>();
let archivePath = '';
let toc: VirtualList;
let selList: VirtualList;
/** The keyboard cursor in the selection list. */
let selCursor = 0;
/** The user typed a name for the new database: suggestions from the host no longer replace it. */
let nameEdited = false;
/** The keyboard's row in the TOC list. */
let cursor = 0;

const BOOL_OPTIONS: [keyof RestoreOptions, string, string][] = [
  ['clean', '--clean', 'drop objects of the selection that exist in the target, then recreate them'],
  ['ifExists', '--if-exists', 'with --clean: no error for objects that are not there'],
  ['noOwner', '--no-owner', 'objects belong to the connecting user'],
  ['schemaOnly', '--schema-only', 'definitions without rows'],
  ['dataOnly', '--data-only', 'rows only, into existing tables'],
  ['singleTransaction', '--single-transaction', 'all or nothing'],
  ['exitOnError', '--exit-on-error', 'stop at the first error'],
];

function layout(): void {
  app.innerHTML = `
<header><h1 id="title"></h1><div id="facts" class="muted"></div></header>
<main>
  <section class="toc">
    <div class="toolbar">
      <input id="filter" type="search" placeholder="Filter: name, schema or kind (e.g. products, trigger shop)" aria-label="Filter the table of contents">
      <label title="Ticking an object also ticks its data, indexes, constraints, triggers, sequences, defaults, comments and grants"><input id="deps" type="checkbox"> with dependents</label>
    </div>
    <div id="shown" class="muted small"></div>
    <div id="toc" role="tree" aria-label="Table of contents"></div>
  </section>
  <section class="side">
    <h2>Selection <span id="counts" class="muted"></span></h2>
    <div id="sel" aria-label="Selected objects"></div>
    <h2>Target</h2>
    <div class="form">
      <label>Connection <select id="conn"></select></label>
      <label><input type="radio" name="kind" value="new" id="kind-new"> New database</label>
      <input id="new-name" type="text" aria-label="Name of the new database" maxlength="63">
      <label><input type="radio" name="kind" value="existing" id="kind-existing"> Existing database</label>
      <select id="existing" aria-label="Existing database"></select>
    </div>
    <h2>Options</h2>
    <div class="form options" id="options"></div>
    <div class="form">
      <label>--role <input id="role" type="text" placeholder="(none)"></label>
      <label>--jobs <input id="jobs" type="number" min="1" max="128" value="1"></label>
    </div>
    <div class="buttons">
      <button id="preview" class="secondary">Preview</button>
      <button id="restore">Restore</button>
    </div>
    <div id="status" role="status"></div>
    <div id="progress" hidden><progress id="bar"></progress><div id="progress-text" class="small"></div><button id="cancel" class="secondary">Cancel</button></div>
    <div id="output"></div>
  </section>
</main>`;
  const opts = $('options');
  for (const [key, flag, help] of BOOL_OPTIONS) {
    const l = el('label');
    l.title = help;
    const box = el('input');
    box.type = 'checkbox';
    box.id = `opt-${key}`;
    l.append(box, ` ${flag}`);
    opts.append(l);
  }
}

// ---------- TOC list ----------

function entryIds(key: string): number[] {
  return catalog.entriesUnder(key).filter((e) => e.restorable).map((e) => e.id);
}

function checkbox(state: 'on' | 'off' | 'mixed', disabled = false): HTMLInputElement {
  const box = el('input');
  box.type = 'checkbox';
  box.checked = state === 'on';
  box.indeterminate = state === 'mixed';
  box.disabled = disabled;
  box.tabIndex = -1;
  return box;
}

function tocRow(i: number): HTMLElement {
  const r = rows[i];
  const div = el('div', `row row-${r.type}${i === cursor ? ' cursor' : ''}`);
  if (r.type === 'entry') {
    const e = r.entry;
    const on = sel.isOn(e.id);
    const why = sel.reason(e.id);
    div.classList.toggle('on', on);
    div.classList.toggle('dependent', on && why !== 'selected' && !sel.chosen.has(e.id));
    div.setAttribute('role', 'treeitem');
    div.setAttribute('aria-selected', String(on));
    div.append(checkbox(on ? 'on' : 'off', !e.restorable), el('span', 'kind', e.desc), el('span', 'name', e.tag));
    if (why && why !== 'selected') div.append(el('span', on ? 'reason' : 'reason muted', on ? `← ${why}` : `(${why})`));
    else if (!e.restorable) div.append(el('span', 'reason muted', 'nothing to restore'));
    div.title = `${label(e)}${e.owner ? ` · owner ${e.owner}` : ''}${why ? `\n${why}` : ''}`;
    return div;
  }
  const key = r.key;
  const open = !collapsed.has(key) || !!filter;
  const twisty = el('span', 'twisty', open ? '▾' : '▸');
  const state = triState(sel, catalog.entriesUnder(key));
  div.setAttribute('role', 'treeitem');
  div.setAttribute('aria-expanded', String(open));
  if (r.type === 'schema') {
    const schemaOn = r.schemaEntry && sel.isOn(r.schemaEntry.id);
    div.append(twisty, checkbox(schemaOn ? 'on' : state), el('span', 'name', `schema ${r.schema}`), el('span', 'count muted', String(r.count)));
  } else {
    div.append(twisty, checkbox(state), el('span', 'name', r.group), el('span', 'count muted', String(r.count)));
  }
  return div;
}

function onTocClick(ev: MouseEvent): void {
  const i = toc.indexOf(ev.target);
  if (i < 0) return;
  cursor = i;
  activate(i, (ev.target as HTMLElement).tagName === 'INPUT');
}

/** Up/down move, space ticks, left/right collapse and expand, as in VS Code's own trees. */
function onTocKey(ev: KeyboardEvent): void {
  if (!rows.length) return;
  const r = rows[cursor];
  const header = r && r.type !== 'entry';
  const moved = movedCursor(ev, cursor, rows.length, toc);
  if (moved !== undefined) cursor = moved;
  else if (ev.key === ' ' || ev.key === 'Enter') activate(cursor, true);
  else if (header && (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') && collapsed.has(r.key) === (ev.key === 'ArrowRight')) activate(cursor, false);
  else return;
  ev.preventDefault();
  toc.reveal(cursor);
}

/** The cursor after a navigation key (arrows, Home/End, Page Up/Down), or undefined for other keys. */
function movedCursor(ev: KeyboardEvent, at: number, count: number, list: VirtualList): number | undefined {
  const page = Math.max(1, Math.floor(list.container.clientHeight / ROW_HEIGHT) - 1);
  const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -count, End: count };
  return ev.key in step ? Math.max(0, Math.min(count - 1, at + step[ev.key])) : undefined;
}

/** A row's action: an entry toggles; a header ticks its contents (`tick`) or folds. */
function activate(i: number, tick: boolean): void {
  const r = rows[i];
  if (r.type === 'entry') {
    if (r.entry.restorable) sel.toggle(r.entry.id);
  } else if (!tick) {
    if (collapsed.has(r.key)) collapsed.delete(r.key);
    else collapsed.add(r.key);
    refilter(false);
    return;
  } else if (r.type === 'schema' && r.schemaEntry?.restorable) {
    sel.toggle(r.schemaEntry.id);
  } else {
    sel.set(entryIds(r.key), triState(sel, catalog.entriesUnder(r.key)) !== 'on');
  }
  selectionChanged();
}

/** Rebuilds the visible rows for the filter (every keystroke: the whole pass takes a few ms at 10,000). */
function refilter(toTop: boolean): void {
  rows = catalog.rows(filter, filter ? new Set() : collapsed);
  cursor = Math.min(cursor, Math.max(0, rows.length - 1));
  const matches = rows.reduce((n, r) => n + (r.type === 'entry' ? 1 : 0), 0);
  $('shown').textContent = filter ? `${matches} of ${catalog.slots.length} entries match` : `${catalog.slots.length} entries`;
  if (toTop) toc.container.scrollTop = 0;
  toc.setCount(rows.length);
  save();
}

// ---------- selection list ----------

function selRow(i: number): HTMLElement {
  const r = selRows[i];
  const origin = r.origin && r.origin !== 'selected' && r.origin !== 'dependent' ? ` ${r.origin}` : '';
  const cls = `${r.omitted ? ' omitted' : ''}${r.on ? ' on' : ''}${origin}${i === selCursor ? ' cursor' : ''}`;
  const div = el('div', `row sel-row${cls}`);
  div.setAttribute('role', 'option');
  div.setAttribute('aria-selected', String(r.on));
  div.append(checkbox(r.on ? 'on' : 'off', !r.entry.restorable), el('span', 'kind', r.entry.desc), el('span', 'name', r.entry.schema ? `${r.entry.schema}.${r.entry.tag}` : r.entry.tag));
  div.append(el('span', 'reason muted', r.omitted ? `left out: ${r.reason}` : r.reason));
  div.title = `${label(r.entry)}\n${r.omitted ? 'left out: ' : ''}${r.reason}`;
  return div;
}

/** Takes an object out of the selection, or puts it back (a dependent can be taken out; an omitted one put in). */
function toggleSelRow(i: number): void {
  if (!selRows[i]?.entry.restorable) return;
  selCursor = i;
  sel.toggle(selRows[i].entry.id);
  selectionChanged();
}

function onSelClick(ev: MouseEvent): void {
  const i = selList.indexOf(ev.target);
  if (i >= 0) toggleSelRow(i);
}

/** The selection list is keyboard-driven too: arrows, Home/End, Page Up/Down move; space or Enter toggles. */
function onSelKey(ev: KeyboardEvent): void {
  if (!selRows.length) return;
  const moved = movedCursor(ev, selCursor, selRows.length, selList);
  if (moved !== undefined) selCursor = moved;
  else if (ev.key === ' ' || ev.key === 'Enter') toggleSelRow(selCursor);
  else return;
  ev.preventDefault();
  selList.reveal(selCursor);
}

/** Redraws the selection; `keepOutput` when the host's news changed it (a summary on screen stays). */
function selectionChanged(keepOutput = false): void {
  const { selected, omitted } = sel.items();
  selRows = [...selected, ...omitted.map((o) => ({ ...o, on: false, omitted: true }))];
  selCursor = Math.min(selCursor, Math.max(0, selRows.length - 1));
  selList.setCount(selRows.length);
  toc.refresh();
  const c = sel.counts();
  $('counts').textContent = `${c.chosen} ticked · ${c.dependents} dependent${c.dependents === 1 ? '' : 's'}${c.excluded ? ` · ${c.excluded} taken out` : ''}${omitted.length ? ` · ${omitted.length} left out` : ''}`;
  ($('restore') as HTMLButtonElement).disabled = sel.chosen.size === 0;
  ($('preview') as HTMLButtonElement).disabled = sel.chosen.size === 0;
  if (!keepOutput) $('output').replaceChildren();
  save();
}

// ---------- target and options ----------

function targetChoice(): TargetChoice {
  const kind = ($('kind-existing') as HTMLInputElement).checked ? 'existing' : 'new';
  const database = kind === 'new' ? ($('new-name') as HTMLInputElement).value.trim() : ($('existing') as HTMLSelectElement).value;
  return { connection: ($('conn') as HTMLSelectElement).value, database, kind };
}

function options(): RestoreOptions {
  const o: RestoreOptions = {};
  for (const [key] of BOOL_OPTIONS) if (($(`opt-${key}`) as HTMLInputElement).checked) (o as Record<string, unknown>)[key] = true;
  const role = ($('role') as HTMLInputElement).value.trim();
  if (role) o.role = role;
  const jobs = Number(($('jobs') as HTMLInputElement).value);
  if (Number.isInteger(jobs) && jobs > 1) o.jobs = jobs;
  return o;
}

function setOptions(o: RestoreOptions | undefined): void {
  for (const [key] of BOOL_OPTIONS) ($(`opt-${key}`) as HTMLInputElement).checked = !!o?.[key];
  ($('role') as HTMLInputElement).value = o?.role ?? '';
  ($('jobs') as HTMLInputElement).value = String(o?.jobs ?? 1);
}

function request(): SelectionRequest {
  return { chosen: [...sel.chosen], excluded: [...sel.excluded], withDependents: sel.withDependents, target: targetChoice(), options: options() };
}

/**
 * What of the dump exists in the target decides which foreign keys can come along, which prerequisites are
 * brought and which lost views come back: the host looks (a new database: in the template it is copied from).
 */
function targetChanged(): void {
  const t = targetChoice();
  ($('new-name') as HTMLInputElement).disabled = t.kind !== 'new';
  ($('existing') as HTMLSelectElement).disabled = t.kind !== 'existing';
  sel.existing = undefined;
  sel.update();
  selectionChanged();
  const database = t.kind === 'existing' && t.database ? { database: t.database } : {};
  send({ type: 'listDatabases', connection: t.connection, ...database });
  save();
}

function save(): void {
  if (!archivePath) return;
  host.setState({ path: archivePath, chosen: [...sel.chosen], excluded: [...sel.excluded], filter, withDependents: sel.withDependents, target: targetChoice(), options: options(), collapsed: [...collapsed] });
}

// ---------- output: preview, progress, summary ----------

function status(text: string, cls = ''): void {
  const s = $('status');
  s.className = cls;
  s.textContent = text;
}

function pre(text: string): HTMLElement {
  const p = el('pre');
  p.textContent = text;
  return p;
}

function list(title: string, items: string[]): HTMLElement[] {
  if (!items.length) return [];
  const ul = el('ul');
  for (const i of items.slice(0, 200)) ul.append(el('li', '', i));
  if (items.length > 200) ul.append(el('li', 'muted', `… and ${items.length - 200} more`));
  return [el('h3', '', title), ul];
}

function showPreview(p: PlanPreview): void {
  const details = el('details');
  details.append(el('summary', '', `List file (${p.total} item${p.total === 1 ? '' : 's'} for pg_restore -L)`), pre(p.listFile));
  $('output').replaceChildren(
    el('h3', '', 'Command'),
    pre(p.commandLine),
    ...list('Notes', p.notes),
    ...list('Already in the target', p.existing.map((e) => `${e.label}: ${e.action === 'skip' ? 'skipped' : 'dropped and recreated'} (${e.note ?? e.reason})`)),
    ...list('Will be dropped first (--clean)', p.drops),
    ...list('Left out', p.omitted.map((o) => `${o.label}: ${o.reason}`)),
    details,
  );
  status(`Plan: ${p.total} item(s) to restore.`);
}

function showSummary(s: SummaryView): void {
  $('progress').hidden = true;
  setRunning(false);
  const verdictClass = { ok: 'good', warning: 'warn', failed: 'bad' }[s.verdict];
  const head = el('h3', `verdict ${verdictClass}`, s.headline);
  head.id = 'summary-title';
  const parts: HTMLElement[] = [head, ...list('Skipped', s.skipped.map((k) => `${k.label}: ${k.reason}`))];
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
  $('output').replaceChildren(...parts);
  const done = { ok: 'Finished.', warning: 'Finished: nothing of what you picked was restored.', failed: 'Finished with errors.' };
  status(done[s.verdict], `verdict ${verdictClass}`);
}

function setRunning(on: boolean): void {
  for (const id of ['restore', 'preview']) ($(id) as HTMLButtonElement).disabled = on || sel.chosen.size === 0;
}

// ---------- messages from the host ----------

window.addEventListener('message', (ev: MessageEvent<HostToPanel>) => {
  const m = ev.data;
  switch (m.type) {
    case 'archive': {
      const arrived = performance.now();
      layout();
      archivePath = m.archive.path;
      $('title').textContent = `Restore selected objects from ${m.archive.name}`;
      $('facts').textContent = [m.archive.database && `database ${m.archive.database}`, m.archive.format, m.archive.created, m.archive.pgDumpVersion && `pg_dump ${m.archive.pgDumpVersion}`, `${m.entries.length} TOC entries`].filter(Boolean).join(' · ');
      catalog = new Catalog(m.entries);
      sel = new Selection(catalog);
      const saved = host.getState() as RestorePanelState | undefined;
      const state = saved?.path === archivePath ? saved : undefined;
      const known = (ids: unknown) => (Array.isArray(ids) ? ids.filter((id) => catalog.byId.has(id)) : []);
      for (const id of known(state?.chosen)) sel.chosen.add(id);
      for (const id of known(state?.excluded)) sel.excluded.add(id);
      sel.withDependents = state?.withDependents ?? true;
      for (const k of state?.collapsed ?? []) collapsed.add(k);
      filter = state?.filter ?? '';
      sel.update();

      const conn = $('conn') as HTMLSelectElement;
      for (const c of m.connections) conn.append(new Option(c, c));
      const target = { ...m.defaultTarget, ...(state?.target ?? {}) };
      conn.value = m.connections.includes(target.connection ?? '') ? target.connection! : m.defaultTarget.connection;
      ($('new-name') as HTMLInputElement).value = target.kind === 'new' && target.database ? target.database : m.defaultTarget.database;
      ($(target.kind === 'existing' ? 'kind-existing' : 'kind-new') as HTMLInputElement).checked = true;
      if (target.kind === 'existing' && target.database) ($('existing') as HTMLSelectElement).append(new Option(target.database, target.database, true, true));
      setOptions(state?.options);
      ($('deps') as HTMLInputElement).checked = sel.withDependents;
      ($('filter') as HTMLInputElement).value = filter;

      toc = new VirtualList($('toc'), ROW_HEIGHT, tocRow);
      selList = new VirtualList($('sel'), ROW_HEIGHT, selRow);
      toc.container.addEventListener('click', onTocClick);
      toc.container.tabIndex = 0;
      toc.container.addEventListener('keydown', onTocKey);
      selList.container.addEventListener('click', onSelClick);
      selList.container.tabIndex = 0;
      selList.container.setAttribute('role', 'listbox');
      selList.container.setAttribute('aria-label', 'Objects to restore');
      selList.container.addEventListener('keydown', onSelKey);
      $('filter').addEventListener('input', (e) => {
        filter = (e.target as HTMLInputElement).value;
        refilter(true);
      });
      $('deps').addEventListener('change', (e) => {
        sel.withDependents = (e.target as HTMLInputElement).checked;
        sel.update();
        selectionChanged();
      });
      for (const id of ['kind-new', 'kind-existing', 'existing']) $(id).addEventListener('change', targetChanged);
      conn.addEventListener('change', () => send({ type: 'listDatabases', connection: conn.value, ...(targetChoice().kind === 'existing' ? { database: targetChoice().database } : {}) }));
      $('new-name').addEventListener('input', () => {
        nameEdited = true;
        save();
      });
      $('options').addEventListener('change', save);
      $('preview').addEventListener('click', () => {
        status('Planning…');
        send({ type: 'preview', request: request() });
      });
      $('restore').addEventListener('click', () => {
        status('Checking the target…');
        setRunning(true);
        send({ type: 'restore', request: request() });
      });
      $('cancel').addEventListener('click', () => send({ type: 'cancel' }));
      refilter(false);
      selectionChanged();
      targetChanged();
      // Time since this webview's document started loading (script, the host's TOC read, first rows drawn), for
      // the tests and benchmarks; the header shows the dump, not timings.
      requestAnimationFrame(() => {
        app.dataset.openMs = String(Math.round(performance.now()));
        app.dataset.tocMs = String(Math.round(arrived));
      });
      break;
    }
    case 'databases': {
      if (!catalog || m.connection !== ($('conn') as HTMLSelectElement).value) break;
      const existing = $('existing') as HTMLSelectElement;
      const keep = existing.value;
      const pick = m.databases.includes(keep) ? keep : m.defaultExisting;
      existing.replaceChildren(...m.databases.map((d) => new Option(d, d, false, d === pick)));
      if (!nameEdited) ($('new-name') as HTMLInputElement).value = m.suggested;
      const t = targetChoice();
      if (t.kind === 'existing' ? m.database === t.database : m.database === undefined) {
        sel.existing = new Set(m.existing);
        sel.update();
        selectionChanged(true);
      } else if (t.kind === 'existing' && t.database !== keep) {
        targetChanged(); // the default database replaced an empty choice: look at that one
      }

      break;
    }
    case 'plan':
      showPreview(m.preview);
      break;
    case 'progress':
      $('progress').hidden = false;
      ($('bar') as HTMLProgressElement).max = m.total || 1;
      ($('bar') as HTMLProgressElement).value = m.done;
      $('progress-text').textContent = `${m.done} / ${m.total} · ${m.current}`;
      status('Restoring…');
      break;
    case 'summary':
      showSummary(m.summary);
      break;
    case 'idle':
      $('progress').hidden = true;
      setRunning(false);
      status(m.message);
      break;
    case 'error':
      if (!catalog) {
        app.replaceChildren(el('p', 'bad', m.message));
        break;
      }
      $('progress').hidden = true;
      setRunning(false);
      status(m.message, 'bad');
      break;
  }
});

send({ type: 'ready' });
