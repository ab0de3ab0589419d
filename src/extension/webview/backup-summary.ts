import type { BackupSummary } from '../../common/pitr-protocol';
import type { BaseBackupInfo } from '../../core/physical/base-backup-info';
import type { ToolSet } from '../../core/tools/discover';

/** The zone word PostgreSQL wrote after backup_label's START TIME ("UTC", "CET", "+04"), if any. */
function zoneOf(startTimeText: string | undefined): string | undefined {
  return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\s*(\S+)$/.exec(startTimeText?.trim() ?? '')?.[1];
}

/**
 * What the panel is told about a base backup. binDir holds pg_ctl of exactly the backup's major (a server only
 * starts under its own major's pg_ctl), so the runbook names commands that exist on this machine.
 */
export function backupSummary(info: BaseBackupInfo, toolSets: readonly ToolSet[]): BackupSummary {
  const major = info.serverMajor;
  const tools = major === undefined ? undefined : toolSets.find((s) => s.major === major && s.tools.pg_ctl);
  return {
    dir: info.dir,
    format: info.format,
    serverMajor: major,
    label: info.label?.label,
    startTime: info.label?.startTime,
    startLsn: info.label?.startLsn,
    timeline: info.label?.startTimeline,
    tarFiles: info.tarFiles,
    serverZone: zoneOf(info.label?.startTimeText),
    binDir: tools?.dir,
    notes: info.notes,
  };
}
