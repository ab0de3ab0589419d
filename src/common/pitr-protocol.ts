/**
 * The messages between the PITR builder panel (webview/pitr/) and its host (src/extension/webview/), declared
 * once and imported by both sides. The host validates every message it receives with `parsePanelMessage`: a
 * webview is a browser page and is treated like any other untrusted input. Pure: no node, no vscode, no DOM.
 */
import type { PitrDrillResult } from '../core/drill/drill-result';
import { RECOVERY_ACTIONS, TARGET_KINDS, type ArchiveSource, type PitrModel } from '../core/pitr/model';
import type { RecoverableWindow } from '../core/pitr/window';

/** The webview panel type, as registered in package.json (`onWebviewPanel:pgBackup.pitr`). */
export const PITR_VIEW_TYPE = 'pgBackup.pitr';

export const SOURCE_KINDS: readonly ArchiveSource['kind'][] = ['cp', 'rsync', 'walg', 'pgbackrest', 'barman'];

/** What the panel needs to know about the base backup (read by the host from its folder). */
export interface BackupSummary {
  dir: string;
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

export type HostToPanel =
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
  | { type: 'drillError'; message: string; cancelled: boolean };

export type PanelToHost =
  | { type: 'ready' }
  | { type: 'scanArchive'; archiveDir: string }
  | { type: 'pickArchive' }
  | { type: 'copy'; text: string }
  | { type: 'save'; model: PitrModel }
  /** Recover a scratch copy of the backup to the model's target and report what came back. */
  | { type: 'drill'; model: PitrModel };

const MAX_TEXT = 1_000_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max;

function isSource(v: unknown): v is ArchiveSource {
  if (!isObject(v) || !SOURCE_KINDS.includes(v.kind as ArchiveSource['kind'])) return false;
  const fields: Record<ArchiveSource['kind'], string[]> = { cp: ['dir'], rsync: ['host', 'dir'], walg: [], pgbackrest: ['stanza'], barman: ['host', 'server'] };
  const wanted = fields[v.kind as ArchiveSource['kind']];
  return wanted.every((f) => isString(v[f])) && Object.keys(v).every((k) => k === 'kind' || wanted.includes(k));
}

/** A structurally valid model; whether its values make sense is validateModel's job. */
export function isPitrModel(v: unknown): v is PitrModel {
  if (!isObject(v)) return false;
  const t = v.target;
  return (
    typeof v.serverMajor === 'number' &&
    Number.isFinite(v.serverMajor) &&
    isObject(t) &&
    TARGET_KINDS.includes(t.kind as PitrModel['target']['kind']) &&
    (t.value === undefined || isString(t.value)) &&
    typeof v.inclusive === 'boolean' &&
    (v.timeline === 'latest' || v.timeline === 'current' || (typeof v.timeline === 'number' && Number.isInteger(v.timeline) && v.timeline > 0)) &&
    RECOVERY_ACTIONS.includes(v.action as PitrModel['action']) &&
    isSource(v.source) &&
    (v.standby === undefined || typeof v.standby === 'boolean')
  );
}

/** The message if it is one the panel may send, else undefined (the host ignores it and logs it). */
export function parsePanelMessage(raw: unknown): PanelToHost | undefined {
  if (!isObject(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
    case 'pickArchive':
      return { type: raw.type };
    case 'scanArchive':
      return isString(raw.archiveDir) ? { type: 'scanArchive', archiveDir: raw.archiveDir } : undefined;
    case 'copy':
      return isString(raw.text, MAX_TEXT) ? { type: 'copy', text: raw.text } : undefined;
    case 'save':
    case 'drill':
      return isPitrModel(raw.model) ? { type: raw.type, model: raw.model } : undefined;
    default:
      return undefined;
  }
}

/** The serializer's state, if it is usable (it comes from the webview too). */
export function parsePanelState(raw: unknown): PitrPanelState | undefined {
  return isObject(raw) && isString(raw.backupDir) && raw.backupDir ? { backupDir: raw.backupDir, form: isObject(raw.form) ? (raw.form as unknown as PitrForm) : undefined } : undefined;
}
