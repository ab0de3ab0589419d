export { parseEvery, type Every } from './every';
export { renderBackupScript, SCHEDULE_FORMATS, type BackupScriptInput } from './script';
export { renderCron, renderSystemd, type ScheduleFile } from './units';
export { generateSchedule, SCHEDULE_KINDS, type GeneratedSchedule, type ScheduleKind, type ScheduleRequest } from './generate';
