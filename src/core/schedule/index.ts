export { parseEvery, type Every } from './every';
export { renderBackupScript, SCHEDULE_FORMATS, VERIFY_WHEN, type BackupScriptInput, type VerifyWhen } from './script';
export { renderCron, renderSystemd, type ScheduleFile } from './units';
export {
  generateSchedule,
  SCHEDULE_KINDS,
  type GeneratedSchedule,
  type ScheduleKind,
  type ScheduleCopy,
  type ScheduleRequest,
  type ScheduleVerify,
} from './generate';
export { readJobStatus, readJobStatuses, statusFilePath, type JobStatus } from './status-file';
