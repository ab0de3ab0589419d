/**
 * The server's current archiving settings, for "Set Up WAL Archiving…": what is on now, before anything is
 * generated (pitr/archive-setup.ts turns them plus a chosen archive into the lines that change).
 */
import type { Client } from 'pg';
import type { CurrentArchiving } from '../pitr/archive-setup';

export interface ArchivingSettings extends CurrentArchiving {
  /** 15+: a loadable archive module instead of archive_command ('' when unused). */
  archive_library?: string;
  archive_timeout?: string;
  /** Whether this role may ALTER SYSTEM. */
  canAlterSystem: boolean;
}

export async function readArchivingSettings(c: Client): Promise<ArchivingSettings> {
  const { rows } = await c.query<{ name: string; setting: string }>(
    `select name, setting from pg_settings where name in ('wal_level', 'archive_mode', 'archive_command', 'archive_library', 'archive_timeout')`,
  );
  const s = Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  const { rows: su } = await c.query<{ ok: boolean }>(
    `select rolsuper as ok from pg_roles where rolname = current_user`,
  );
  return {
    wal_level: s.wal_level,
    archive_mode: s.archive_mode,
    archive_command: s.archive_command,
    archive_library: s.archive_library,
    archive_timeout: s.archive_timeout,
    canAlterSystem: su[0]?.ok === true,
  };
}
