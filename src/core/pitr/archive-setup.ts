/**
 * The postgresql.conf lines that turn on WAL archiving into a chosen archive, and which of them need a restart
 * (wal_level, archive_mode) rather than a reload (archive_command). Pure.
 */
import { archiveCommand } from './commands';
import type { ArchiveSource } from './model';
import { gucString } from './quote';

export interface ArchiveSetting {
  name: 'wal_level' | 'archive_mode' | 'archive_command';
  value: string;
  /** What makes the new value take effect. */
  applyBy: 'restart' | 'reload';
  /** False when the server already has this value (then nothing needs doing for it). */
  changes: boolean;
}

export interface CurrentArchiving {
  wal_level?: string;
  archive_mode?: string;
  archive_command?: string;
}

export interface ArchiveSetup {
  settings: ArchiveSetting[];
  /** Lines for postgresql.conf (or ALTER SYSTEM), only the ones that change. */
  confLines: string[];
  /** What to do after editing: restart, reload or nothing. */
  apply: 'restart' | 'reload' | 'nothing';
}

export function archiveSetup(source: ArchiveSource, current: CurrentArchiving = {}): ArchiveSetup {
  // 'logical' already includes everything 'replica' logs: keep it.
  const walLevel = current.wal_level === 'logical' ? 'logical' : 'replica';
  const mode = current.archive_mode === 'always' ? 'always' : 'on';
  const command = archiveCommand(source);
  const settings: ArchiveSetting[] = [
    { name: 'wal_level', value: walLevel, applyBy: 'restart', changes: current.wal_level !== walLevel },
    { name: 'archive_mode', value: mode, applyBy: 'restart', changes: current.archive_mode !== mode },
    { name: 'archive_command', value: command, applyBy: 'reload', changes: current.archive_command !== command },
  ];
  const changing = settings.filter((s) => s.changes);
  return {
    settings,
    confLines: changing.map((s) => `${s.name} = ${s.name === 'archive_command' ? gucString(s.value) : s.value}`),
    apply: changing.some((s) => s.applyBy === 'restart') ? 'restart' : changing.length ? 'reload' : 'nothing',
  };
}
