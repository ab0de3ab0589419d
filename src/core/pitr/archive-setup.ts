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

/** A GUC string literal's value, as the server writes it into postgresql.auto.conf ('' and \ escapes). */
function gucValue(quoted: string): string {
  return quoted.slice(1, -1).replace(/''|\\(.)/g, (_m, c: string | undefined) => (c === undefined ? "'" : c));
}

/** The archive_command a postgresql.conf or postgresql.auto.conf text sets (the last line wins), if any. */
export function archiveCommandIn(conf: string): string | undefined {
  let found: string | undefined;
  const setting = /^[ \t]*archive_command[ \t]*=?[ \t]*('(?:[^'\\\n]|''|\\.)*')/gm;
  for (const m of conf.matchAll(setting)) found = gucValue(m[1]);
  return found;
}

/**
 * The archive folder of an archive_command that "Set Up WAL Archiving" wrote for a local folder (exactly what
 * archiveCommand gives for it), else undefined: a command written by hand is not guessed at.
 */
export function archiveDirOf(command: string): string | undefined {
  const m = /^test ! -f '((?:[^']|'\\'')*)\/%f' && cp /.exec(command);
  if (!m) return undefined;
  const dir = m[1].replace(/'\\''/g, "'").replace(/%%/g, '%');
  return dir && archiveCommand({ kind: 'cp', dir }) === command ? dir : undefined;
}
