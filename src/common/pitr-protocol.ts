/**
 * The messages between the PITR builder panel (webview/pitr/) and its host (src/extension/webview/), declared
 * once and imported by both sides. The host validates every message it receives with `parsePanelMessage`: a
 * webview is a browser page and is treated like any other untrusted input. Pure: no node, no vscode, no DOM.
 */
import type { PitrDrillResult } from '../core/drill/pitr-drill-result';
import type { RepoBackupType, RepoSpec } from '../core/engines/types';
import {
  RECOVERY_ACTIONS,
  TARGET_KINDS,
  type ArchiveSource,
  type PitrModel,
  type RecoveryAction,
  type TargetKind,
  type TimelineChoice,
} from '../core/pitr/model';
import type { RecoverableWindow } from '../core/pitr/window';
import { accept, isObject, refuse, requestId, type ErrorReply, type Parsed, type WithId } from './panel-protocol';

/** The webview panel type, as registered in package.json (`onWebviewPanel:pgBackup.pitr`). */
export const PITR_VIEW_TYPE = 'pgBackup.pitr';

export const SOURCE_KINDS: readonly ArchiveSource['kind'][] = ['cp', 'rsync', 'walg', 'pgbackrest', 'barman'];

/** A backup in a connection's repository (pgBackRest, Barman): what the panel shows and restores from. */
export interface RepositoryBackupSummary {
  connection: string;
  repo: RepoSpec;
  label: string;
  type: RepoBackupType;
  references: string[];
  /** ISO UTC. */
  stoppedAt: string;
  stopLsn?: string;
  /** The WAL the repository holds (segment names). */
  archive?: { min?: string; max?: string };
}

const REPOSITORY_KEY = 'repository:';

/** The panel's key (and its state's `backupDir`) for a repository backup: one panel per connection and label. */
export function repositoryPanelKey(connection: string, label: string): string {
  return `${REPOSITORY_KEY}${JSON.stringify([connection, label])}`;
}

/** The connection and label a repository panel key names, or undefined for a base backup folder's key. */
export function parseRepositoryPanelKey(key: string): { connection: string; label: string } | undefined {
  if (!key.startsWith(REPOSITORY_KEY)) return undefined;
  try {
    const v: unknown = JSON.parse(key.slice(REPOSITORY_KEY.length));
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string'
      ? { connection: v[0], label: v[1] }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the panel needs to know about the base backup (read by the host from its folder, or from the repository's
 * info when `repository` is set; `dir` is then the panel's key).
 */
export interface BackupSummary {
  dir: string;
  repository?: RepositoryBackupSummary;
  format: 'plain' | 'tar';
  /** From PG_VERSION; undefined when unreadable (the panel then asks for it). */
  serverMajor?: number;
  label?: string;
  /** ISO UTC. */
  startTime?: string;
  startLsn?: string;
  timeline?: number;
  tarFiles?: { base: string; wal?: string };
  /** The zone the server wrote backup_label's START TIME in (e.g. "UTC", "CET"), when it names one. */
  serverZone?: string;
  /** Folder with pg_ctl/psql of this major on this machine, for the runbook's commands. */
  binDir?: string;
  notes: string[];
}

/** The form as the user left it; kept with the webview's setState and restored after a reload. */
export interface PitrForm {
  serverMajor: string;
  sourceKind: ArchiveSource['kind'];
  archiveDir: string;
  rsyncHost: string;
  rsyncDir: string;
  stanza: string;
  barmanHost: string;
  barmanServer: string;
  targetKind: PitrModel['target']['kind'];
  /** `<input type="datetime-local">` value, e.g. 2026-11-25T14:30:05. */
  time: string;
  zone: string;
  xid: string;
  lsn: string;
  name: string;
  inclusive: boolean;
  /** 'latest' | 'current' | a timeline number as text. */
  timeline: string;
  action: PitrModel['action'];
  /** Where the recovered cluster will live, for the runbook. */
  dataDir: string;
  /** OS user owning the data directory (commands then run through sudo -u); empty for none. */
  osUser: string;
}

/** The drill part of the panel: nothing yet, running, or its outcome. */
export type DrillState =
  | { status: 'idle' }
  | { status: 'running'; step: string; percent: number }
  | { status: 'done'; result: PitrDrillResult }
  | { status: 'error'; message: string; cancelled: boolean };

/** Everything the webview persists with setState: the serializer reads `backupDir` to reopen the same backup. */
export interface PitrPanelState {
  backupDir: string;
  form?: PitrForm;
  /** The last drill's outcome, shown again when the panel comes back (a tab switch reloads it). */
  drill?: DrillState;
}

/** What the host sends; each carries the id of the request it answers. */
export type HostToPanel =
  | WithId<
      /**
       * `archiveDir`: the folder to start with when the form has none: where the backed-up server archives (when
       * pg-backup set that up), else the archive folder read last.
       */
      | { type: 'backup'; backup: BackupSummary; archiveDir?: string; drill?: DrillState }
      | { type: 'scanning'; archiveDir: string }
      | { type: 'window'; archiveDir: string; window: RecoverableWindow; segments: number; scanMs: number }
      | { type: 'windowError'; archiveDir: string; message: string }
      | { type: 'archivePicked'; dir: string }
      | { type: 'saved'; dir: string; files: string[] }
      | { type: 'drillProgress'; step: string; percent: number }
      | { type: 'drillResult'; result: PitrDrillResult }
      | { type: 'drillError'; message: string; cancelled: boolean }
      /** The engine's restore for the model (a repository backup), as argv and as one shell line. */
      | { type: 'restoreCommand'; argv: string[]; line: string }
    >
  | ErrorReply;

/** What the panel sends; `id` numbers its requests (requestSender). */
export type PanelToHost = WithId<
  | { type: 'ready' }
  | { type: 'scanArchive'; archiveDir: string }
  | { type: 'pickArchive' }
  | { type: 'copy'; text: string }
  | { type: 'save'; model: PitrModel }
  /** Recover a scratch copy of the backup to the model's target and report what came back. */
  | { type: 'drill'; model: PitrModel }
  /** A repository backup: the engine's restore of it into `dataDir` for the model's target. */
  | { type: 'restoreCommand'; model: PitrModel; dataDir: string }
>;

const MAX_TEXT = 1_000_000;

const isString = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max;

/** The fields each kind of source declares besides `kind`. */
const SOURCE_FIELDS: Record<ArchiveSource['kind'], string[]> = {
  cp: ['dir'],
  rsync: ['host', 'dir'],
  walg: [],
  pgbackrest: ['stanza'],
  barman: ['host', 'server'],
};

function parseArchiveSource(v: unknown): Parsed<ArchiveSource> {
  if (!isObject(v)) return refuse('source is not an object');
  const kind = v.kind as ArchiveSource['kind'];
  if (!SOURCE_KINDS.includes(kind)) return refuse(`source.kind is not one of ${SOURCE_KINDS.join(', ')}`);
  const source: Record<string, string> = { kind };
  for (const f of SOURCE_FIELDS[kind]) {
    if (!isString(v[f])) return refuse(`source.${f} is not a string`);
    source[f] = v[f];
  }
  return accept(source as unknown as ArchiveSource);
}

function parseTimelineChoice(v: unknown): Parsed<TimelineChoice> {
  if (v === 'latest' || v === 'current' || (Number.isSafeInteger(v) && (v as number) > 0)) {
    return accept(v as TimelineChoice);
  }
  return refuse('timeline is not "latest", "current" or a timeline number');
}

/**
 * A structurally valid model rebuilt from its declared fields (whether its values make sense is validateModel's
 * job), or why it is not one.
 */
export function parsePitrModel(v: unknown): Parsed<PitrModel> {
  if (!isObject(v)) return refuse('model is not an object');
  if (typeof v.serverMajor !== 'number' || !Number.isFinite(v.serverMajor)) {
    return refuse('model.serverMajor is not a number');
  }
  const t = v.target;
  if (!isObject(t) || !TARGET_KINDS.includes(t.kind as TargetKind)) {
    return refuse(`model.target.kind is not one of ${TARGET_KINDS.join(', ')}`);
  }
  if (t.value !== undefined && !isString(t.value)) return refuse('model.target.value is not a string');
  if (typeof v.inclusive !== 'boolean') return refuse('model.inclusive is not true or false');
  const timeline = parseTimelineChoice(v.timeline);
  if (!timeline.ok) return refuse(`model.${timeline.reason}`);
  if (!RECOVERY_ACTIONS.includes(v.action as RecoveryAction)) {
    return refuse(`model.action is not one of ${RECOVERY_ACTIONS.join(', ')}`);
  }
  const source = parseArchiveSource(v.source);
  if (!source.ok) return refuse(`model.${source.reason}`);
  if (v.standby !== undefined && typeof v.standby !== 'boolean') return refuse('model.standby is not true or false');
  return accept({
    serverMajor: v.serverMajor,
    target: { kind: t.kind as TargetKind, ...(t.value !== undefined ? { value: t.value } : {}) },
    inclusive: v.inclusive,
    timeline: timeline.value,
    action: v.action as RecoveryAction,
    source: source.value,
    ...(v.standby !== undefined ? { standby: v.standby } : {}),
  });
}

/** The message if it is one the panel may send, with only the fields declared above; else why not. */
export function parsePanelMessage(raw: unknown): Parsed<PanelToHost> {
  if (!isObject(raw)) return refuse('not an object');
  const id = requestId(raw);
  if (id === undefined) return refuse('no request id');
  switch (raw.type) {
    case 'ready':
    case 'pickArchive':
      return accept({ type: raw.type, id });
    case 'scanArchive':
      if (!isString(raw.archiveDir)) return refuse('archiveDir is not a path');
      return accept({ type: 'scanArchive', id, archiveDir: raw.archiveDir });
    case 'copy':
      if (!isString(raw.text, MAX_TEXT)) return refuse('text is not a string of at most 1 MB');
      return accept({ type: 'copy', id, text: raw.text });
    case 'save':
    case 'drill': {
      const model = parsePitrModel(raw.model);
      return model.ok ? accept({ type: raw.type, id, model: model.value }) : refuse(model.reason);
    }
    case 'restoreCommand': {
      const model = parsePitrModel(raw.model);
      if (!model.ok) return refuse(model.reason);
      if (!isString(raw.dataDir) || !raw.dataDir.startsWith('/')) return refuse('dataDir is not an absolute path');
      return accept({ type: 'restoreCommand', id, model: model.value, dataDir: raw.dataDir });
    }
    default:
      return refuse(`unknown message type ${JSON.stringify(raw.type)?.slice(0, 40)}`);
  }
}

/** The form's fields that hold text (every field but the kinds, `inclusive` and `action`). */
const FORM_TEXT_FIELDS = [
  'serverMajor',
  'archiveDir',
  'rsyncHost',
  'rsyncDir',
  'stanza',
  'barmanHost',
  'barmanServer',
  'time',
  'zone',
  'xid',
  'lsn',
  'name',
  'timeline',
  'dataDir',
  'osUser',
] as const;

function parseForm(v: unknown): Parsed<PitrForm> {
  if (!isObject(v)) return refuse('form is not an object');
  const text = {} as Record<(typeof FORM_TEXT_FIELDS)[number], string>;
  for (const f of FORM_TEXT_FIELDS) {
    if (!isString(v[f])) return refuse(`form.${f} is not a string`);
    text[f] = v[f];
  }
  const sourceKind = v.sourceKind as ArchiveSource['kind'];
  const targetKind = v.targetKind as TargetKind;
  const action = v.action as RecoveryAction;
  if (!SOURCE_KINDS.includes(sourceKind)) return refuse('form.sourceKind is not a source kind');
  if (!TARGET_KINDS.includes(targetKind)) return refuse('form.targetKind is not a target kind');
  if (typeof v.inclusive !== 'boolean') return refuse('form.inclusive is not true or false');
  if (!RECOVERY_ACTIONS.includes(action)) return refuse('form.action is not a recovery action');
  return accept({ ...text, sourceKind, targetKind, inclusive: v.inclusive, action });
}

/**
 * What the host reads of the state a restored panel comes back with (it comes from the webview too): the backup
 * folder and the form, rebuilt from their declared fields. The drill is not read: the host's own word on it wins.
 */
export function parsePanelState(raw: unknown): Parsed<Omit<PitrPanelState, 'drill'>> {
  if (!isObject(raw)) return refuse('the state is not an object');
  if (!isString(raw.backupDir) || !raw.backupDir) return refuse('the state names no base backup (backupDir)');
  if (raw.form === undefined) return accept({ backupDir: raw.backupDir });
  const form = parseForm(raw.form);
  return form.ok ? accept({ backupDir: raw.backupDir, form: form.value }) : refuse(form.reason);
}
