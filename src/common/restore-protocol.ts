/**
 * The messages between the selective-restore picker (webview/restore/) and its host
 * (src/extension/webview/restore-panel.ts), declared once and imported by both sides. The host checks every
 * message it receives with `parsePanelMessage`: a webview is a browser page, its messages are untrusted input.
 * Pure: no node, no vscode, no DOM.
 */
import type { TocEntry } from '../core/archive/types';
import type { RestoreOptions } from '../core/restore/options';
import { accept, isObject, refuse, requestId, type ErrorReply, type Parsed, type WithId } from './panel-protocol';

export const RESTORE_VIEW_TYPE = 'pgBackup.restore';

/**
 * A TOC entry as the picker needs it: enough for grouping, searching and the dependency closure (which only
 * reads ids, kinds, names and dependencies), without the SQL text that would make 10,000 entries heavy.
 */
export interface PanelEntry {
  id: number;
  desc: string;
  schema: string | null;
  tag: string;
  owner: string | null;
  deps: number[];
  /** pg_restore would run it (archive/list-file isRestorable); others are shown but cannot be chosen. */
  restorable: boolean;
}

export interface ArchiveSummary {
  path: string;
  name: string;
  format: string;
  database: string | null;
  created: string;
  pgDumpVersion: string | null;
  serverVersion: string | null;
}

/** Where to restore: a new database (created first) or an existing one. */
export interface TargetChoice {
  connection: string;
  database: string;
  kind: 'new' | 'existing';
}

/** What the user chose in the picker. */
export interface SelectionRequest {
  /** Entries the user ticked. */
  chosen: number[];
  /** Entries the closure brought in that the user took out again. */
  excluded: number[];
  withDependents: boolean;
  target: TargetChoice;
  options: RestoreOptions;
}

export interface PlanRow {
  id: number;
  label: string;
  reason: string;
  action: 'restore' | 'skip' | 'recreate';
  note?: string;
}

export interface PlanPreview {
  listFile: string;
  commandLine: string;
  total: number;
  /** Items that already exist in the target (skipped, or dropped and recreated with clean). */
  existing: PlanRow[];
  omitted: { label: string; reason: string }[];
  notes: string[];
  /** With clean (or into an existing database): what pg_restore will drop first. */
  drops: string[];
}

/** The core's restore report (src/core/restore/report.ts) as the panel shows it. */
export interface SummaryView {
  database: string;
  verdict: 'ok' | 'warning' | 'failed';
  headline: string;
  restored: number;
  total: number;
  durationMs: number;
  skipped: { label: string; reason: string }[];
  errors: { message: string; statement?: string }[];
  rowCounts: { table: string; rows: number | null; note?: string }[];
}

/** What the panel keeps with setState; the serializer reads `path` to reopen the same dump. */
export interface RestorePanelState {
  path: string;
  chosen?: number[];
  excluded?: number[];
  filter?: string;
  withDependents?: boolean;
  target?: Partial<TargetChoice>;
  options?: RestoreOptions;
  collapsed?: string[];
}

/** What the host sends; each carries the id of the request it answers. */
export type HostToPanel =
  | WithId<
      | {
          type: 'archive';
          archive: ArchiveSummary;
          entries: PanelEntry[];
          connections: string[];
          defaultTarget: TargetChoice;
        }
      /**
       * `suggested`: a free name for a new database, after the dump's database; `defaultExisting`: the dump's own
       * database when the server has it, else the first non-system one. `existing`: dump ids of the entries that
       * exist in `database` (absent: in the template a new database is copied from).
       */
      | {
          type: 'databases';
          connection: string;
          databases: string[];
          database?: string;
          existing: number[];
          suggested: string;
          defaultExisting?: string;
        }
      | { type: 'plan'; preview: PlanPreview }
      | { type: 'progress'; done: number; total: number; current: string }
      | { type: 'summary'; summary: SummaryView }
      /** Nothing runs (the user said no to the confirmation): the panel leaves its waiting state. */
      | { type: 'idle'; message: string }
    >
  | ErrorReply;

/** What the panel sends; `id` numbers its requests (requestSender). */
export type PanelToHost = WithId<
  | { type: 'ready' }
  /** The connection's databases, and what of the dump exists in `database` (absent: in a new database). */
  | { type: 'listDatabases'; connection: string; database?: string }
  | { type: 'preview'; request: SelectionRequest }
  | { type: 'restore'; request: SelectionRequest }
  | { type: 'cancel' }
>;

// ---- validation (host side) ----

const isIds = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length <= 1_000_000 && v.every((x) => Number.isInteger(x) && x > 0);
const isName = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= 1024 && !v.includes('\0');

const BOOL_OPTIONS = [
  'clean',
  'ifExists',
  'create',
  'noOwner',
  'schemaOnly',
  'dataOnly',
  'singleTransaction',
  'exitOnError',
] as const;

function parseOptions(v: unknown): Parsed<RestoreOptions> {
  if (!isObject(v)) return refuse('options is not an object');
  const o: RestoreOptions = {};
  for (const k of BOOL_OPTIONS) {
    if (v[k] === undefined) continue;
    if (typeof v[k] !== 'boolean') return refuse(`options.${k} is not true or false`);
    o[k] = v[k] as boolean;
  }
  if (v.role !== undefined && v.role !== '') {
    if (!isName(v.role)) return refuse('options.role is not a role name');
    o.role = v.role;
  }
  if (v.jobs !== undefined) {
    if (!Number.isInteger(v.jobs) || (v.jobs as number) < 1 || (v.jobs as number) > 128) {
      return refuse('options.jobs is not a whole number from 1 to 128');
    }
    o.jobs = v.jobs as number;
  }
  return accept(o);
}

function parseTargetChoice(v: unknown): Parsed<TargetChoice> {
  if (!isObject(v)) return refuse('target is not an object');
  if (!isName(v.connection)) return refuse('target.connection is not a connection name');
  // PostgreSQL's NAMEDATALEN - 1
  if (!isName(v.database) || v.database.length > 63) return refuse('target.database is not a database name');
  if (v.kind !== 'new' && v.kind !== 'existing') return refuse('target.kind is neither "new" nor "existing"');
  return accept({ connection: v.connection, database: v.database, kind: v.kind });
}

function parseRequest(v: unknown): Parsed<SelectionRequest> {
  if (!isObject(v)) return refuse('request is not an object');
  if (!isIds(v.chosen)) return refuse('request.chosen is not a list of dump ids');
  if (!isIds(v.excluded)) return refuse('request.excluded is not a list of dump ids');
  if (typeof v.withDependents !== 'boolean') return refuse('request.withDependents is not true or false');
  const target = parseTargetChoice(v.target);
  if (!target.ok) return refuse(`request.${target.reason}`);
  const options = parseOptions(v.options);
  if (!options.ok) return refuse(`request.${options.reason}`);
  return accept({
    chosen: v.chosen,
    excluded: v.excluded,
    withDependents: v.withDependents,
    target: target.value,
    options: options.value,
  });
}

/** The message if it is one the panel may send, with only the fields declared above; else why not. */
export function parsePanelMessage(m: unknown): Parsed<PanelToHost> {
  if (!isObject(m)) return refuse('not an object');
  const id = requestId(m);
  if (id === undefined) return refuse('no request id');
  switch (m.type) {
    case 'ready':
    case 'cancel':
      return accept({ type: m.type, id });
    case 'listDatabases':
      if (!isName(m.connection)) return refuse('connection is not a connection name');
      if (m.database !== undefined && !isName(m.database)) return refuse('database is not a database name');
      const database = m.database !== undefined ? { database: m.database } : {};
      return accept({ type: 'listDatabases', id, connection: m.connection, ...database });
    case 'preview':
    case 'restore': {
      const request = parseRequest(m.request);
      return request.ok ? accept({ type: m.type, id, request: request.value }) : refuse(request.reason);
    }
    default:
      return refuse(`unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}`);
  }
}

/** What the host reads of the state a restored panel comes back with: the dump to reopen. */
export function parsePanelState(raw: unknown): Parsed<Pick<RestorePanelState, 'path'>> {
  if (!isObject(raw)) return refuse('the state is not an object');
  return isName(raw.path) ? accept({ path: raw.path }) : refuse('the state names no dump (path)');
}

/** The slim form of an entry sent to the panel. */
export function toPanelEntry(e: TocEntry, restorable: boolean): PanelEntry {
  return {
    id: e.dumpId,
    desc: e.desc,
    schema: e.namespace,
    tag: e.tag,
    owner: e.owner,
    deps: e.dependencies,
    restorable,
  };
}

/** Back to the shape the core's closure reads (it only looks at ids, kinds, names and dependencies). */
export function fromPanelEntry(p: PanelEntry): TocEntry {
  return {
    dumpId: p.id,
    desc: p.desc,
    namespace: p.schema,
    tag: p.tag,
    owner: p.owner,
    dependencies: p.deps,
    hadDumper: false,
    tableOid: 0,
    oid: 0,
    section: 'none',
    defn: null,
    dropStmt: null,
    copyStmt: null,
    tablespace: null,
    tableam: null,
    relkind: null,
    dataState: null,
    dataOffset: null,
    dataFile: null,
  };
}
