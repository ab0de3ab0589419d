/**
 * backup_label (written into every base backup) and the backup history file `<segment>.<offset>.backup`
 * (archived when the backup ends). Same `KEY: value` format; the history file adds STOP WAL LOCATION, STOP TIME
 * and STOP TIMELINE. Times are in the server's log_timezone with an abbreviation; we keep them as ISO UTC.
 */
import { parseZonedTime, toIsoUtc } from '../pitr/time';

export interface BackupLabel {
  startLsn?: string;
  /** The WAL file holding the start, e.g. 000000010000000000000002. */
  startWalFile?: string;
  checkpointLsn?: string;
  /** streamed | pg_start_backup */
  method?: string;
  backupFrom?: string;
  /** As written, e.g. "2026-11-25 14:59:03 UTC". */
  startTimeText?: string;
  /** ISO UTC, when the zone could be read. */
  startTime?: string;
  label?: string;
  startTimeline?: number;
  stopLsn?: string;
  stopWalFile?: string;
  stopTimeText?: string;
  stopTime?: string;
  stopTimeline?: number;
}

function iso(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const p = parseZonedTime(text);
  return p.ok ? toIsoUtc(p.epochMs) : undefined;
}

function location(v: string | undefined): { lsn?: string; file?: string } {
  const m = /^([0-9A-F]+\/[0-9A-F]+)(?: \(file ([0-9A-F]{24})\))?/i.exec(v ?? '');
  return m ? { lsn: m[1].toUpperCase(), file: m[2] } : {};
}

export function parseBackupLabel(text: string): BackupLabel {
  const kv = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z ]+): (.*)$/.exec(line);
    if (m && !kv.has(m[1])) kv.set(m[1], m[2]);
  }
  const start = location(kv.get('START WAL LOCATION'));
  const stop = location(kv.get('STOP WAL LOCATION'));
  const num = (k: string) => (kv.has(k) ? Number(kv.get(k)) : undefined);
  return {
    startLsn: start.lsn,
    startWalFile: start.file,
    checkpointLsn: location(kv.get('CHECKPOINT LOCATION')).lsn,
    method: kv.get('BACKUP METHOD'),
    backupFrom: kv.get('BACKUP FROM'),
    startTimeText: kv.get('START TIME'),
    startTime: iso(kv.get('START TIME')),
    label: kv.get('LABEL'),
    startTimeline: num('START TIMELINE'),
    stopLsn: stop.lsn,
    stopWalFile: stop.file,
    stopTimeText: kv.get('STOP TIME'),
    stopTime: iso(kv.get('STOP TIME')),
    stopTimeline: num('STOP TIMELINE'),
  };
}

/** The name the server gives the backup history file: `<start segment>.<start offset in the segment, 8 hex>.backup`. */
export function backupHistoryFileName(startWalFile: string, startLsn: string, segSize: number): string {
  const low = BigInt(`0x${startLsn.split('/')[1]}`);
  const offset = Number(low % BigInt(segSize));
  return `${startWalFile}.${offset.toString(16).toUpperCase().padStart(8, '0')}.backup`;
}
