/**
 * Validation of a PITR model: formats as the user types (timestamp with a zone, LSN, xid, restore point name)
 * and, given the recoverable window, whether the target lies inside it. PostgreSQL itself accepts a target
 * before the backup's end and silently recovers to the backup's end instead; we refuse it. Pure.
 */
import { parseLsn, isLsn } from './lsn';
import type { PitrModel, RecoveryTarget } from './model';
import { parseZonedTime, toIsoUtc } from './time';
import type { RecoverableWindow } from './window';

export interface Issue {
  field: 'serverMajor' | 'target' | 'source' | 'timeline';
  severity: 'error' | 'warning';
  message: string;
}

/** Restore point names are limited to MAXFNAMELEN - 1 bytes by the server. */
const MAX_NAME_BYTES = 63;
const FIRST_NORMAL_XID = 3;

/** The format check of one target value; undefined when fine. */
export function targetFormatError(t: RecoveryTarget): string | undefined {
  const v = (t.value ?? '').trim();
  switch (t.kind) {
    case 'time': {
      const p = parseZonedTime(v);
      return p.ok ? undefined : p.reason;
    }
    case 'lsn':
      return isLsn(v) ? undefined : `"${v}" is not an LSN: two hex numbers like 0/3000060.`;
    case 'xid':
      return /^\d+$/.test(v) && Number(v) >= FIRST_NORMAL_XID && Number(v) < 2 ** 32
        ? undefined
        : `"${v}" is not a transaction id: a whole number from ${FIRST_NORMAL_XID} to 4294967295.`;
    case 'name':
      if (!v) return 'A restore point name is needed.';
      if (/[\r\n]/.test(v)) return 'A restore point name cannot contain a line break.';
      return new TextEncoder().encode(v).length > MAX_NAME_BYTES
        ? `A restore point name has at most ${MAX_NAME_BYTES} bytes.`
        : undefined;
    default:
      return undefined;
  }
}

function sourceError(m: PitrModel): string | undefined {
  const s = m.source;
  const values = Object.values(s).slice(1) as string[];
  if (values.some((v) => /[\r\n\0]/.test(v))) return 'The archive source cannot contain line breaks.';
  if (values.some((v) => !v.trim())) return 'The archive source is incomplete.';
  // restore_command runs with the restored data directory as its working directory.
  if ((s.kind === 'cp' || s.kind === 'rsync') && !s.dir.startsWith('/'))
    return `The archive folder must be an absolute path, not "${s.dir}".`;
  return undefined;
}

function describeWindow(w: RecoverableWindow): string {
  const end = (p: RecoverableWindow['from']) =>
    [p.time, p.lsn && `LSN ${p.lsn}`].filter(Boolean).join(', ') || 'unknown';
  return `The recoverable window is from the backup's end (${end(w.from)}) to the last archived commit (${end(w.to)}).`;
}

function windowErrors(t: RecoveryTarget, w: RecoverableWindow): Issue[] {
  const issues: Issue[] = [];
  const err = (message: string) =>
    issues.push({ field: 'target', severity: 'error', message: `${message} ${describeWindow(w)}` });
  const v = (t.value ?? '').trim();
  if (t.kind === 'time') {
    const p = parseZonedTime(v);
    if (!p.ok) return issues;
    const from = w.from.time ? Date.parse(w.from.time) : undefined;
    const to = w.to.time ? Date.parse(w.to.time) : undefined;
    if (from !== undefined && p.epochMs < from) {
      err(
        `${toIsoUtc(p.epochMs)} is before the backup ended: the server would silently recover to the backup's end instead.`,
      );
    } else if (to !== undefined && p.epochMs > to) {
      err(`${toIsoUtc(p.epochMs)} is after the last archived commit: recovery would stop short of it.`);
    }
  } else if (t.kind === 'lsn') {
    const lsn = parseLsn(v);
    if (lsn === undefined) return issues;
    const from = w.from.lsn ? parseLsn(w.from.lsn) : undefined;
    const to = w.walEnd ? parseLsn(w.walEnd) : w.to.lsn ? parseLsn(w.to.lsn) : undefined;
    if (from !== undefined && lsn < from)
      err(`LSN ${v} is before the backup ended: the server would silently recover to the backup's end instead.`);
    else if (to !== undefined && lsn > to)
      err(`LSN ${v} is after the end of the archived WAL: recovery would stop short of it.`);
    const gap = w.gaps.find((g) => parseLsn(g.startLsn)! <= lsn);
    if (gap && !issues.length)
      err(`LSN ${v} lies beyond missing WAL segments ${gap.first}…${gap.last}: recovery cannot get past them.`);
  }
  return issues;
}

/** All issues of a model; with a window, also whether the target can be reached. Empty means renderable. */
export function validateModel(m: PitrModel, window?: RecoverableWindow): Issue[] {
  const issues: Issue[] = [];
  if (!(m.serverMajor >= 9.6)) {
    issues.push({
      field: 'serverMajor',
      severity: 'error',
      message: `PostgreSQL ${m.serverMajor} is not supported: recovery configs are generated for 9.6 and newer.`,
    });
  }
  let formatError = targetFormatError(m.target);
  if (!formatError && m.target.kind === 'lsn' && m.serverMajor < 10)
    formatError = 'recovery_target_lsn needs PostgreSQL 10 or newer.';
  if (formatError) issues.push({ field: 'target', severity: 'error', message: formatError });
  const src = sourceError(m);
  if (src) issues.push({ field: 'source', severity: 'error', message: src });
  if (typeof m.timeline === 'number' && !(Number.isInteger(m.timeline) && m.timeline >= 1)) {
    issues.push({
      field: 'timeline',
      severity: 'error',
      message: `Timeline ${m.timeline} is not a positive whole number.`,
    });
  }
  if (window && !formatError) {
    issues.push(...windowErrors(m.target, window));
    for (const g of window.gaps) {
      if (issues.some((i) => i.message.includes(g.first))) continue;
      issues.push({
        field: 'target',
        severity: 'warning',
        message: `${g.count} WAL segment${g.count > 1 ? 's are' : ' is'} missing from the archive (${g.first}${g.count > 1 ? `…${g.last}` : ''}, from LSN ${g.startLsn}): recovery stops there.`,
      });
    }
  }
  return issues;
}

export const hasErrors = (issues: readonly Issue[]): boolean => issues.some((i) => i.severity === 'error');
