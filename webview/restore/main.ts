/**
 * The selective-restore picker: the dump's TOC grouped by schema and kind (virtualized), a search box that
 * filters on every keystroke, checkboxes whose dependents show up ticked with the reason, the target and
 * options, and the preview, progress and summary the host sends back. One state (model.ts) that the host's
 * messages and the views' intents update; the views (toc, selection, target, output) redraw from it. Talks
 * to the host only through src/common/restore-protocol.ts.
 */
import { requestSender } from '../../src/common/panel-protocol';
import type { HostToPanel, PanelToHost, RestorePanelState } from '../../src/common/restore-protocol';
import { byId, el, type Render } from './dom';
import { initialState, persisted, update, type PickerEvent, type PickerState, type Step } from './model';
import { mountOutput } from './output-view';
import { mountSelection } from './selection-view';
import { mountTarget } from './target-view';
import { mountToc } from './toc-view';

declare function acquireVsCodeApi(): {
  postMessage(m: PanelToHost): void;
  getState(): unknown;
  setState(s: RestorePanelState): void;
};
const host = acquireVsCodeApi();
/** Posts a request numbered for the host's answers (which carry its id). */
const post = requestSender<PanelToHost>((m) => host.postMessage(m));
/** The type of each request by its id, so an answer is taken for what it answers; and the newest preview's id. */
const asked = new Map<number, PanelToHost['type']>();
let newestPreview = 0;
const send = (m: Parameters<typeof post>[0]): void => {
  const id = post(m);
  asked.set(id, m.type);
  if (m.type === 'preview') newestPreview = id;
};
const ROW_HEIGHT = 22;
const app = byId('app');
const DEPS_HELP =
  'Ticking an object also ticks its data, indexes, constraints, triggers, sequences, defaults, comments and grants';

let state: PickerState | undefined;
let views: Render[] = [];

function layout(): void {
  app.innerHTML = `
<header><h1 id="title"></h1><div id="facts" class="muted"></div></header>
<main>
  <section class="toc">
    <div class="toolbar">
      <input id="filter" type="search" placeholder="Filter: name, schema or kind (e.g. products, trigger shop)"
        aria-label="Filter the table of contents">
      <label title="${DEPS_HELP}"><input id="deps" type="checkbox"> with dependents</label>
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
    <div id="progress" hidden><progress id="bar"></progress><div id="progress-text" class="small"></div>
      <button id="cancel" class="secondary">Cancel</button></div>
    <div id="output"></div>
  </section>
</main>`;
}

/** Takes a step: the new state is drawn, kept with setState when what is kept changed, its message sent. */
function commit(step: Step): void {
  const prev = state;
  state = step.state;
  for (const render of views) render(state, prev);
  const s = state;
  const keptChanged =
    !prev || (['selection', 'filter', 'collapsed', 'target', 'options'] as const).some((k) => s[k] !== prev[k]);
  if (keptChanged) host.setState(persisted(s));
  if (step.send) send(step.send);
}

const dispatch = (e: PickerEvent): void => {
  if (state) commit(update(state, e));
};

function open(m: Extract<HostToPanel, { type: 'archive' }>): void {
  const arrived = performance.now();
  layout();
  const a = m.archive;
  byId('title').textContent = `Restore selected objects from ${a.name}`;
  byId('facts').textContent = [
    a.database && `database ${a.database}`,
    a.format,
    a.created,
    a.pgDumpVersion && `pg_dump ${a.pgDumpVersion}`,
    `${m.entries.length} TOC entries`,
  ]
    .filter(Boolean)
    .join(' · ');
  state = undefined;
  const current = () => state!;
  views = [
    mountToc(current, dispatch, ROW_HEIGHT),
    mountSelection(current, dispatch, ROW_HEIGHT),
    mountTarget(dispatch),
    mountOutput(dispatch),
  ];
  commit(initialState(m, host.getState()));
  // Time since this webview's document started loading (script, the host's TOC read, first rows drawn), for
  // the tests and benchmarks; the header shows the dump, not timings.
  requestAnimationFrame(() => {
    app.dataset.openMs = String(Math.round(performance.now()));
    app.dataset.tocMs = String(Math.round(arrived));
  });
}

window.addEventListener('message', (ev: MessageEvent<HostToPanel>) => {
  const m = ev.data;
  if (m.type === 'archive') open(m);
  else if (m.type === 'plan' && m.id !== newestPreview)
    return; // an older preview's plan: a newer one was asked
  else if (state && m.type === 'error') dispatch({ type: 'error', message: m.message, of: asked.get(m.id) });
  else if (state) dispatch(m);
  else if (m.type === 'error') app.replaceChildren(el('p', 'bad', m.message));
});

send({ type: 'ready' });
