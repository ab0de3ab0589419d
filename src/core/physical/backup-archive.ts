/**
 * The archive folder a base backup's server archived into, read from the backup itself: ALTER SYSTEM (which
 * "Set Up WAL Archiving" uses) writes archive_command into postgresql.auto.conf, and a base backup copies that
 * file. Only a command pg-backup generated for a local folder is recognized (see archiveDirOf).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { archiveCommandIn, archiveDirOf } from '../pitr/archive-setup';
import type { BaseBackupInfo } from './base-backup-info';
import { readTarMembers } from './base-backup-tar';

const CONF_FILES = ['postgresql.conf', 'postgresql.auto.conf'];

/** The local archive folder the backed-up server's settings name, or undefined (unknown, remote, unreadable). */
export async function backupArchiveDir(info: BaseBackupInfo): Promise<string | undefined> {
  let texts: string[];
  try {
    if (info.format === 'plain') {
      texts = await Promise.all(CONF_FILES.map((f) => readFile(join(info.dir, f), 'utf8').catch(() => '')));
    } else {
      const members = await readTarMembers(join(info.dir, info.tarFiles?.base ?? 'base.tar'), CONF_FILES);
      texts = CONF_FILES.map((f) => members.get(f)?.toString('utf8') ?? '');
    }
  } catch {
    return undefined;
  }
  // postgresql.auto.conf is read after postgresql.conf: its setting wins, as on the server.
  const command = texts
    .map(archiveCommandIn)
    .filter((c) => c !== undefined)
    .at(-1);
  return command === undefined ? undefined : archiveDirOf(command);
}
