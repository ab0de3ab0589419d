/**
 * PITR model → the files to put into the restored data directory:
 * - PostgreSQL >= 12: `recovery.signal` (or `standby.signal`) and lines appended to `postgresql.auto.conf`;
 * - 9.6 – 11: `recovery.conf` (standby_mode for a standby) and `archive_mode = off` in `postgresql.auto.conf`.
 * archive_mode goes off in the restored copy so it does not archive into the same place as the original.
 * Pure: the webview renders the preview with it on every keystroke.
 */
import { restoreCommand } from './commands';
import type { PitrModel } from './model';
import { gucString } from './quote';
import { recoveryTargetTimeLiteral } from './time';

export interface RecoveryFile {
  /** Relative to the data directory. */
  name: string;
  content: string;
  /** `append` adds to an existing file (postgresql.auto.conf comes with the backup). */
  mode: 'create' | 'append';
}

const HEADER = '# Point-in-time recovery settings written by pg-backup.';

function targetLines(m: PitrModel): string[] {
  const v = (m.target.value ?? '').trim();
  const inclusive = `recovery_target_inclusive = ${m.inclusive ? 'on' : 'off'}`;
  switch (m.target.kind) {
    case 'time':
      return [`recovery_target_time = ${gucString(recoveryTargetTimeLiteral(v))}`, inclusive];
    case 'xid':
      return [`recovery_target_xid = ${gucString(v)}`, inclusive];
    case 'lsn':
      return [`recovery_target_lsn = ${gucString(v)}`, inclusive];
    case 'name':
      return [`recovery_target_name = ${gucString(v)}`];
    case 'immediate':
      return [`recovery_target = 'immediate'`];
    case 'latest':
      return [];
  }
}

function timelineLine(m: PitrModel): string[] {
  // Before 12 'current' was not a keyword; it is the default there.
  if (m.timeline === 'current' && m.serverMajor < 12) return [];
  return [`recovery_target_timeline = ${gucString(String(m.timeline))}`];
}

/** The recovery settings, one per line, in the order the documentation lists them. */
export function recoveryLines(m: PitrModel): string[] {
  const hasTarget = m.target.kind !== 'latest';
  return [
    `restore_command = ${gucString(restoreCommand(m.source))}`,
    ...targetLines(m),
    ...timelineLine(m),
    // A standby never reaches "the end of recovery", so the action would be ignored.
    ...(hasTarget && !m.standby ? [`recovery_target_action = ${gucString(m.action)}`] : []),
  ];
}

export function renderRecoveryFiles(m: PitrModel): RecoveryFile[] {
  const archiveOff = {
    name: 'postgresql.auto.conf',
    content: `${HEADER}\narchive_mode = off\n`,
    mode: 'append' as const,
  };
  if (m.serverMajor >= 12) {
    return [
      { name: m.standby ? 'standby.signal' : 'recovery.signal', content: '', mode: 'create' },
      {
        name: 'postgresql.auto.conf',
        content: [HEADER, ...recoveryLines(m), 'archive_mode = off', ''].join('\n'),
        mode: 'append',
      },
    ];
  }
  const conf = [HEADER, ...(m.standby ? [`standby_mode = 'on'`] : []), ...recoveryLines(m), ''].join('\n');
  return [{ name: 'recovery.conf', content: conf, mode: 'create' }, archiveOff];
}
