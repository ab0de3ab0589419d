/**
 * The panel's form state ⇄ the core's PITR model. Pure: no DOM here, so the conversion is easy to test and the
 * same in every place that needs it.
 */
import type { BackupSummary, PitrForm } from '../../src/common/pitr-protocol';
import { SOURCE_KINDS } from '../../src/common/pitr-protocol';
import {
  parseTimeline,
  RECOVERY_ACTIONS,
  TARGET_KINDS,
  type ArchiveSource,
  type PitrModel,
} from '../../src/core/pitr/model';
import type { RunbookContext } from '../../src/core/pitr/runbook';
import type { RecoverableWindow } from '../../src/core/pitr/window';

/** The machine's zone, as the browser knows it (e.g. Europe/Berlin). */
export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function defaultForm(backup?: BackupSummary): PitrForm {
  const major = backup?.serverMajor;
  return {
    serverMajor: major ? String(major) : '',
    sourceKind: 'cp',
    archiveDir: '',
    rsyncHost: '',
    rsyncDir: '',
    stanza: '',
    barmanHost: '',
    barmanServer: '',
    targetKind: 'time',
    time: '',
    zone: backup?.serverZone ?? machineZone(),
    xid: '',
    lsn: '',
    name: '',
    inclusive: true,
    timeline: 'latest',
    action: 'pause',
    dataDir: `/var/lib/postgresql/${major ?? 'NN'}/main`,
    osUser: 'postgres',
  };
}

/**
 * A saved form merged over the defaults, field by field and only where the type matches: setState data
 * outlives versions of this panel, so a missing or odd field falls back instead of breaking the form.
 */
export function restoreForm(saved: unknown, defaults: PitrForm): PitrForm {
  if (typeof saved !== 'object' || saved === null) return defaults;
  const s = saved as Record<string, unknown>;
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(defaults)) if (typeof s[k] === typeof v) out[k] = s[k];
  const form = out as unknown as PitrForm;
  if (!SOURCE_KINDS.includes(form.sourceKind)) form.sourceKind = defaults.sourceKind;
  if (!TARGET_KINDS.includes(form.targetKind)) form.targetKind = defaults.targetKind;
  if (!RECOVERY_ACTIONS.includes(form.action)) form.action = defaults.action;
  return form;
}

function source(f: PitrForm): ArchiveSource {
  switch (f.sourceKind) {
    case 'cp':
      return { kind: 'cp', dir: f.archiveDir.trim() };
    case 'rsync':
      return { kind: 'rsync', host: f.rsyncHost.trim(), dir: f.rsyncDir.trim() };
    case 'walg':
      return { kind: 'walg' };
    case 'pgbackrest':
      return { kind: 'pgbackrest', stanza: f.stanza.trim() };
    case 'barman':
      return { kind: 'barman', host: f.barmanHost.trim(), server: f.barmanServer.trim() };
  }
}

/**
 * `2026-11-25T14:30` + `Europe/Berlin` → `2026-11-25 14:30 Europe/Berlin` (what recovery_target_time takes); ''
 * without a time (a zone alone is no target).
 */
export function zonedTime(time: string, zone: string): string {
  return time.trim() ? [time.trim().replace('T', ' '), zone.trim()].filter(Boolean).join(' ') : '';
}

/**
 * The time and zone fields for the window's end (its last archived commit) in UTC, to the second: a
 * datetime-local input holds no finer time, so this is at most a second before that commit. Undefined when the
 * window's end time is unknown.
 */
export function windowEndInput(w: RecoverableWindow): Pick<PitrForm, 'time' | 'zone'> | undefined {
  const ms = w.to.time ? Date.parse(w.to.time) : NaN;
  return Number.isFinite(ms) ? { time: new Date(ms).toISOString().slice(0, 19), zone: 'UTC' } : undefined;
}

function targetValue(f: PitrForm): string | undefined {
  switch (f.targetKind) {
    case 'time':
      return zonedTime(f.time, f.zone);
    case 'xid':
      return f.xid.trim();
    case 'lsn':
      return f.lsn.trim().toUpperCase();
    case 'name':
      return f.name;
    default:
      return undefined;
  }
}

export type FormResult = { model: PitrModel; problems: string[] };

/** The model for the form; `problems` are what the core's validator cannot see (fields that are not parseable). */
export function formToModel(f: PitrForm, backup?: BackupSummary): FormResult {
  const problems: string[] = [];
  const major = backup?.serverMajor ?? Number(f.serverMajor);
  if (!backup?.serverMajor && !(major > 0))
    problems.push('The backup has no readable PG_VERSION: enter the server major (e.g. 15).');
  const timeline = parseTimeline(f.timeline.trim());
  if (timeline === undefined) problems.push(`Timeline "${f.timeline}" is not latest, current or a positive number.`);
  if (f.targetKind === 'time' && !f.time) problems.push('Pick the date and time to recover to.');
  return {
    model: {
      serverMajor: major > 0 ? major : 0,
      target: { kind: f.targetKind, value: targetValue(f) },
      inclusive: f.inclusive,
      timeline: timeline ?? 'latest',
      action: f.action,
      source: source(f),
    },
    problems,
  };
}

export function runbookContext(f: PitrForm, backup: BackupSummary, now = new Date()): RunbookContext {
  return {
    dataDir: f.dataDir.trim() || '/path/to/data',
    backupDir: backup.dir,
    backupFormat: backup.format,
    tarFiles: backup.tarFiles,
    binDir: backup.binDir,
    osUser: f.osUser.trim() || undefined,
    stamp: now.toISOString().slice(0, 10).replace(/-/g, ''),
  };
}
