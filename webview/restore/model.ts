/**
 * The picker's one state model: everything the panel shows lives in a `PickerState`, and `update` turns it and
 * an event (the user's intent or the host's message) into the next state and at most one message for the host.
 * Pure: no DOM and no postMessage here, and a state is never changed in place (the views compare slices by
 * reference to redraw only what changed), so unit tests drive it under Node.
 */
import type {
  ArchiveSummary,
  HostToPanel,
  PanelToHost,
  PlanPreview,
  RestorePanelState,
  SelectionRequest,
  SummaryView,
  TargetChoice,
} from '../../src/common/restore-protocol';
import type { WithoutId } from '../../src/common/panel-protocol';

/** What the page sends, before it is numbered. */
export type Request = WithoutId<PanelToHost>;
import type { RestoreOptions } from '../../src/core/restore/options';
import { Catalog, type Row } from './catalog';
import { Selection, triState, type SelectedItem } from './selection';

/** The boolean options the form shows: key, pg_restore flag, what it does. */
export const BOOL_OPTIONS: readonly (readonly [BoolOption, string, string])[] = [
  ['clean', '--clean', 'drop objects of the selection that exist in the target, then recreate them'],
  ['ifExists', '--if-exists', 'with --clean: no error for objects that are not there'],
  ['noOwner', '--no-owner', 'objects belong to the connecting user'],
  ['schemaOnly', '--schema-only', 'definitions without rows'],
  ['dataOnly', '--data-only', 'rows only, into existing tables'],
  ['singleTransaction', '--single-transaction', 'all or nothing'],
  ['exitOnError', '--exit-on-error', 'stop at the first error'],
];
export type BoolOption =
  'clean' | 'ifExists' | 'noOwner' | 'schemaOnly' | 'dataOnly' | 'singleTransaction' | 'exitOnError';

/** A row of the selection list: an item of the closure, or one the closure left out (`omitted`, with why). */
export type SelRow = Omit<SelectedItem, 'origin'> & { origin?: SelectedItem['origin']; omitted?: boolean };

/** The target form as typed: the database name is trimmed only when it is sent. */
export interface TargetForm {
  connection: string;
  kind: 'new' | 'existing';
  newName: string;
  /** The database picked in the "existing" list, from `databases`. */
  existing: string;
  databases: readonly string[];
  /** The user typed a name for the new database: suggestions from the host no longer replace it. */
  nameEdited: boolean;
}

/** The options form as typed (role and jobs as the inputs hold them). */
export interface OptionsForm {
  flags: Partial<Record<BoolOption, boolean>>;
  role: string;
  jobs: string;
}

export interface PickerState {
  readonly archive: ArchiveSummary;
  readonly catalog: Catalog;
  readonly selection: Selection;
  readonly selRows: readonly SelRow[];
  readonly filter: string;
  readonly collapsed: ReadonlySet<string>;
  /** The TOC rows for the filter and the collapsed headers. */
  readonly rows: readonly Row[];
  /** The keyboard's row in the TOC list and in the selection list. */
  readonly cursor: number;
  readonly selCursor: number;
  readonly connections: readonly string[];
  readonly target: TargetForm;
  readonly options: OptionsForm;
  /** What the output area shows: the host's plan or the restore's summary (cleared when the selection changes). */
  readonly output: { preview: PlanPreview } | { summary: SummaryView } | undefined;
  readonly status: { text: string; cls: string };
  readonly progress: { done: number; total: number; current: string } | undefined;
  /** A restore was asked for and has not ended: Preview and Restore are disabled. */
  readonly running: boolean;
}

/** What the user did, as the views report it. */
export type Intent =
  | { type: 'filter'; text: string }
  | { type: 'tocCursor'; index: number }
  /** A TOC row's action: an entry toggles; a header ticks its contents (`tick`) or folds. */
  | { type: 'activate'; index: number; tick: boolean }
  | { type: 'withDependents'; on: boolean }
  | { type: 'selCursor'; index: number }
  /** Takes an object out of the selection, or puts it back. */
  | { type: 'toggleSelRow'; index: number }
  | { type: 'connection'; connection: string }
  | { type: 'kind'; kind: 'new' | 'existing' }
  | { type: 'newName'; name: string }
  | { type: 'existing'; database: string }
  | { type: 'options'; options: OptionsForm }
  | { type: 'preview' }
  | { type: 'restore' }
  | { type: 'cancel' };

/** A message from the host as the model reads it (the request id is main.ts's business). */
export type HostMessage = WithoutId<HostToPanel>;

export type PickerEvent =
  | Intent
  | Exclude<HostMessage, { type: 'archive' | 'error' }>
  /** `of`: the type of the request it answers, when known (main.ts matches the reply's id). */
  | { type: 'error'; message: string; of?: string };

export interface Step {
  state: PickerState;
  /** The message for the host this step asks for, if any. */
  /** A request for the host; main.ts numbers it (the host's answer carries that id). */
  send?: Request;
}

export const VERDICT_CLASS: Record<SummaryView['verdict'], string> = { ok: 'good', warning: 'warn', failed: 'bad' };
const DONE: Record<SummaryView['verdict'], string> = {
  ok: 'Finished.',
  warning: 'Finished: nothing of what you picked was restored.',
  failed: 'Finished with errors.',
};

/** The state for a dump the host sent, with what the panel kept for it (`saved`: setState's, if any). */
export function initialState(m: Extract<HostMessage, { type: 'archive' }>, saved: unknown): Step {
  const catalog = new Catalog(m.entries);
  const ours = (saved as RestorePanelState | undefined)?.path === m.archive.path;
  const kept = ours ? (saved as RestorePanelState) : undefined;
  const known = (ids: unknown) => (Array.isArray(ids) ? ids.filter((id) => catalog.byId.has(id)) : []);
  const selection = new Selection(catalog);
  for (const id of known(kept?.chosen)) selection.chosen.add(id);
  for (const id of known(kept?.excluded)) selection.excluded.add(id);
  selection.withDependents = kept?.withDependents ?? true;
  const t = { ...m.defaultTarget, ...(kept?.target ?? {}) };
  const existing = t.kind === 'existing' && t.database ? t.database : '';
  const target: TargetForm = {
    connection: m.connections.includes(t.connection ?? '') ? t.connection! : m.defaultTarget.connection,
    kind: t.kind === 'existing' ? 'existing' : 'new',
    newName: t.kind === 'new' && t.database ? t.database : m.defaultTarget.database,
    existing,
    databases: existing ? [existing] : [],
    nameEdited: false,
  };
  const o = kept?.options;
  const flags = Object.fromEntries(BOOL_OPTIONS.filter(([key]) => o?.[key]).map(([key]) => [key, true]));
  const state: PickerState = {
    archive: m.archive,
    catalog,
    selection,
    selRows: [],
    filter: typeof kept?.filter === 'string' ? kept.filter : '',
    collapsed: new Set(kept?.collapsed ?? []),
    rows: [],
    cursor: 0,
    selCursor: 0,
    connections: m.connections,
    target,
    options: { flags, role: o?.role ?? '', jobs: String(o?.jobs ?? 1) },
    output: undefined,
    status: { text: '', cls: '' },
    progress: undefined,
    running: false,
  };
  return targetChanged(withRows(state));
}

/** The next state for an event, and the message it asks the host for. */
export function update(s: PickerState, e: PickerEvent): Step {
  switch (e.type) {
    case 'filter':
      return { state: withRows({ ...s, filter: e.text }) };
    case 'tocCursor':
      return { state: { ...s, cursor: clamp(e.index, s.rows.length) } };
    case 'activate':
      return { state: activate({ ...s, cursor: clamp(e.index, s.rows.length) }, e.index, e.tick) };
    case 'withDependents':
      return {
        state: withSelection(
          s,
          changed(s.selection, (sel) => {
            sel.withDependents = e.on;
            sel.update();
          }),
        ),
      };
    case 'selCursor':
      return { state: { ...s, selCursor: clamp(e.index, s.selRows.length) } };
    case 'toggleSelRow': {
      const row = s.selRows[e.index];
      if (!row?.entry.restorable) return { state: s };
      const selection = changed(s.selection, (sel) => sel.toggle(row.entry.id));
      return { state: withSelection({ ...s, selCursor: e.index }, selection) };
    }
    case 'connection': {
      const state = { ...s, target: { ...s.target, connection: e.connection } };
      return { state, send: listDatabases(state) };
    }
    case 'kind':
      return targetChanged({ ...s, target: { ...s.target, kind: e.kind } });
    case 'existing':
      return targetChanged({ ...s, target: { ...s.target, existing: e.database } });
    case 'newName':
      return { state: { ...s, target: { ...s.target, newName: e.name, nameEdited: true } } };
    case 'options':
      return { state: { ...s, options: e.options } };
    case 'preview':
      return {
        state: { ...s, status: { text: 'Planning…', cls: '' } },
        send: { type: 'preview', request: request(s) },
      };
    case 'restore': {
      const state = { ...s, running: true, status: { text: 'Checking the target…', cls: '' } };
      return { state, send: { type: 'restore', request: request(s) } };
    }
    case 'cancel':
      return { state: s, send: { type: 'cancel' } };
    case 'databases':
      return databasesArrived(s, e);
    case 'plan': {
      const status = { text: `Plan: ${e.preview.total} item(s) to restore.`, cls: '' };
      return { state: { ...s, output: { preview: e.preview }, status } };
    }
    case 'progress': {
      const progress = { done: e.done, total: e.total, current: e.current };
      return { state: { ...s, progress, status: { text: 'Restoring…', cls: '' } } };
    }
    case 'summary': {
      const cls = `verdict ${VERDICT_CLASS[e.summary.verdict]}`;
      const state = { ...s, output: { summary: e.summary }, status: { text: DONE[e.summary.verdict], cls } };
      return { state: { ...state, progress: undefined, running: false } };
    }
    case 'idle':
      return { state: { ...s, progress: undefined, running: false, status: { text: e.message, cls: '' } } };
    case 'error':
      // A database list that could not be read does not end a restore that is running.
      if (e.of === 'listDatabases') {
        return { state: { ...s, status: { text: `Could not list the databases: ${e.message}`, cls: 'bad' } } };
      }
      return { state: { ...s, progress: undefined, running: false, status: { text: e.message, cls: 'bad' } } };
  }
}

/** Where the restore goes, as the host is asked for it (the new database's name trimmed). */
export function targetChoice(s: PickerState): TargetChoice {
  const { connection, kind, newName, existing } = s.target;
  return { connection, kind, database: kind === 'new' ? newName.trim() : existing };
}

/** The options for pg_restore: the ticked flags, a role when one is typed, jobs when more than one. */
export function restoreOptions(form: OptionsForm): RestoreOptions {
  const o: RestoreOptions = {};
  for (const [key] of BOOL_OPTIONS) if (form.flags[key]) o[key] = true;
  const role = form.role.trim();
  if (role) o.role = role;
  const jobs = Number(form.jobs);
  if (Number.isInteger(jobs) && jobs > 1) o.jobs = jobs;
  return o;
}

/** What the panel keeps with setState: the dump, the selection, the filter, the folds, the target and options. */
export function persisted(s: PickerState): RestorePanelState {
  const { chosen, excluded, withDependents } = s.selection;
  return {
    path: s.archive.path,
    chosen: [...chosen],
    excluded: [...excluded],
    filter: s.filter,
    withDependents,
    target: targetChoice(s),
    options: restoreOptions(s.options),
    collapsed: [...s.collapsed],
  };
}

/** The line under the search box: how many entries there are, or how many match. */
export function shownText(s: PickerState): string {
  const total = s.catalog.slots.length;
  if (!s.filter) return `${total} entries`;
  const matches = s.rows.reduce((n, r) => n + (r.type === 'entry' ? 1 : 0), 0);
  return `${matches} of ${total} entries match`;
}

/** The selection's heading: ticked, dependents, taken out, left out. */
export function countsText(s: PickerState): string {
  const c = s.selection.counts();
  const left = s.selRows.reduce((n, r) => n + (r.omitted ? 1 : 0), 0);
  const dependents = `${c.dependents} dependent${c.dependents === 1 ? '' : 's'}`;
  const out = `${c.excluded ? ` · ${c.excluded} taken out` : ''}${left ? ` · ${left} left out` : ''}`;
  return `${c.chosen} ticked · ${dependents}${out}`;
}

/** A header row is folded: its entries are hidden (a search shows everything). */
export const isOpen = (s: PickerState, key: string): boolean => !s.collapsed.has(key) || !!s.filter;

/** The keys that move a list's cursor, by how far (`page`: rows per screen less one). */
function step(key: string, page: number, count: number): number | undefined {
  const steps: Record<string, number> = {
    ArrowDown: 1,
    ArrowUp: -1,
    PageDown: page,
    PageUp: -page,
    Home: -count,
    End: count,
  };
  return steps[key];
}

/**
 * A key in the TOC list as an intent: up/down move, space ticks, left/right collapse and expand, as in VS Code's
 * own trees; undefined for keys the list leaves alone.
 */
export function tocKey(s: PickerState, key: string, page: number): Intent | undefined {
  if (!s.rows.length) return undefined;
  const moved = step(key, page, s.rows.length);
  if (moved !== undefined) return { type: 'tocCursor', index: clamp(s.cursor + moved, s.rows.length) };
  if (key === ' ' || key === 'Enter') return { type: 'activate', index: s.cursor, tick: true };
  const r = s.rows[s.cursor];
  const unfolds = key === 'ArrowRight';
  if (r.type !== 'entry' && (unfolds || key === 'ArrowLeft') && s.collapsed.has(r.key) === unfolds) {
    return { type: 'activate', index: s.cursor, tick: false };
  }
  return undefined;
}

/** A key in the selection list: arrows, Home/End, Page Up/Down move; space or Enter toggles. */
export function selKey(s: PickerState, key: string, page: number): Intent | undefined {
  if (!s.selRows.length) return undefined;
  const moved = step(key, page, s.selRows.length);
  if (moved !== undefined) return { type: 'selCursor', index: clamp(s.selCursor + moved, s.selRows.length) };
  if (key === ' ' || key === 'Enter') return { type: 'toggleSelRow', index: s.selCursor };
  return undefined;
}

const clamp = (i: number, count: number) => Math.max(0, Math.min(count - 1, i));

/** A changed copy of the selection; `change` leaves its closure up to date (toggle and set do, update does). */
function changed(sel: Selection, change: (copy: Selection) => void): Selection {
  const copy = sel.clone();
  change(copy);
  return copy;
}

/** A copy of the selection with the entries known to exist in the target (undefined: not looked yet). */
function withExisting(sel: Selection, existing: ReadonlySet<number> | undefined): Selection {
  return changed(sel, (copy) => {
    copy.existing = existing;
    copy.update();
  });
}

function activate(s: PickerState, i: number, tick: boolean): PickerState {
  const r = s.rows[i];
  if (!r) return s;
  if (r.type === 'entry') {
    const { id, restorable } = r.entry;
    return restorable
      ? withSelection(
          s,
          changed(s.selection, (sel) => sel.toggle(id)),
        )
      : s;
  }
  if (!tick) {
    const collapsed = new Set(s.collapsed);
    if (!collapsed.delete(r.key)) collapsed.add(r.key);
    return withRows({ ...s, collapsed });
  }
  const schemaEntry = r.type === 'schema' ? r.schemaEntry : undefined;
  if (schemaEntry?.restorable)
    return withSelection(
      s,
      changed(s.selection, (sel) => sel.toggle(schemaEntry.id)),
    );
  const entries = s.catalog.entriesUnder(r.key);
  const ids = entries.filter((e) => e.restorable).map((e) => e.id);
  const on = triState(s.selection, entries) !== 'on';
  return withSelection(
    s,
    changed(s.selection, (sel) => sel.set(ids, on)),
  );
}

/** The rows for the filter and folds (every keystroke: the whole pass takes a few ms at 10,000 entries). */
function withRows(s: PickerState): PickerState {
  const rows = s.catalog.rows(s.filter, s.filter ? new Set() : s.collapsed);
  return { ...s, rows, cursor: clamp(s.cursor, rows.length) };
}

/** A new selection and its list; `keepOutput` when the host's news changed it (a summary on screen stays). */
function withSelection(s: PickerState, selection: Selection, keepOutput = false): PickerState {
  const { selected, omitted } = selection.items();
  const selRows: SelRow[] = [...selected, ...omitted.map((o) => ({ ...o, on: false, omitted: true }))];
  const output = keepOutput ? s.output : undefined;
  return { ...s, selection, selRows, selCursor: clamp(s.selCursor, selRows.length), output };
}

function listDatabases(s: PickerState): Request {
  const t = targetChoice(s);
  const database = t.kind === 'existing' && t.database ? { database: t.database } : {};
  return { type: 'listDatabases', connection: t.connection, ...database };
}

/**
 * What of the dump exists in the target decides which foreign keys can come along, which prerequisites are
 * brought and which lost views come back: forgotten until the host has looked (a new database: in the template
 * it is copied from).
 */
function targetChanged(s: PickerState): Step {
  const state = withSelection(s, withExisting(s.selection, undefined));
  return { state, send: listDatabases(state) };
}

function databasesArrived(s: PickerState, m: Extract<HostMessage, { type: 'databases' }>): Step {
  if (m.connection !== s.target.connection) return { state: s };
  const keep = s.target.existing;
  const pick = m.databases.includes(keep) ? keep : m.defaultExisting;
  // A list with no option picked shows its first.
  const existing = pick !== undefined && m.databases.includes(pick) ? pick : (m.databases[0] ?? '');
  const newName = s.target.nameEdited ? s.target.newName : m.suggested;
  const state = { ...s, target: { ...s.target, databases: m.databases, existing, newName } };
  const t = targetChoice(state);
  if (t.kind === 'existing' ? m.database === t.database : m.database === undefined) {
    return { state: withSelection(state, withExisting(s.selection, new Set(m.existing)), true) };
  }
  // The default database replaced an empty or vanished choice: look at that one.
  if (t.kind === 'existing' && t.database !== keep) return targetChanged(state);
  return { state };
}

/** What the host is asked to plan or restore. */
function request(s: PickerState): SelectionRequest {
  const { chosen, excluded, withDependents } = s.selection;
  return {
    chosen: [...chosen],
    excluded: [...excluded],
    withDependents,
    target: targetChoice(s),
    options: restoreOptions(s.options),
  };
}
