/**
 * Turns a scratch copy of a base backup into a data directory a throwaway server can recover from: the PITR
 * model's recovery files, plus settings that keep the server private and predictable whatever the original's
 * postgresql.conf says. Later lines in postgresql.auto.conf win, so appending is enough.
 */
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PitrModel } from '../pitr/model';
import { gucString } from '../pitr/quote';
import { writeRecoveryFiles } from '../physical/recovery-files';
import { renderRecoveryFiles } from '../pitr/render';

export interface DrillServerPlace {
  port: number;
  socketDir: string;
  /** Our own pg_hba.conf / pg_ident.conf, outside the data directory. */
  hbaFile: string;
  identFile: string;
}

/** Settings for the throwaway server, one per line, appended after the recovery settings. */
export function drillSettings(major: number, p: DrillServerPlace): string[] {
  return [
    '# Throwaway drill server settings written by pg-backup.',
    `port = ${p.port}`,
    // No TCP at all: the only way in is a socket in a folder only the server's user can reach.
    `listen_addresses = ''`,
    `unix_socket_directories = ${gucString(p.socketDir)}`,
    `hba_file = ${gucString(p.hbaFile)}`,
    `ident_file = ${gucString(p.identFile)}`,
    // The original's certificates, log folder and memory size belong to another machine.
    'ssl = off',
    // A promoted drill server must never archive its new timeline into the original's archive or repository.
    'archive_mode = off',
    'logging_collector = off',
    `log_destination = 'stderr'`,
    // The log is read for "recovery stopping …" and FATAL lines: untranslated, and LOG level kept.
    `lc_messages = 'C'`,
    'log_min_messages = warning',
    `shared_buffers = '128MB'`,
    'huge_pages = off',
    // Connections during a pause need hot standby; a backup taken with -R must not follow its primary.
    'hot_standby = on',
    ...(major >= 12 ? [`primary_conninfo = ''`, `primary_slot_name = ''`] : []),
    '',
  ];
}

/** Trust over the private socket only: the restored cluster's own pg_hba.conf may ask for passwords. */
const HBA = 'local all all trust\n';

/** The server's own pg_hba.conf and (empty) pg_ident.conf, outside its data directory. */
export async function writeAccessFiles(place: DrillServerPlace): Promise<void> {
  await writeFile(place.hbaFile, HBA, { mode: 0o600 });
  await writeFile(place.identFile, '', { mode: 0o600 });
}

/**
 * Writes the recovery files and the drill settings into the scratch data directory, and removes what would make
 * the server refuse to start or behave as something else (a stale postmaster.pid, a standby.signal from -R).
 */
export async function prepareDataDir(dataDir: string, model: PitrModel, place: DrillServerPlace): Promise<void> {
  for (const stale of ['postmaster.pid', 'postmaster.opts', 'standby.signal', 'recovery.signal', 'recovery.conf']) {
    await rm(join(dataDir, stale), { force: true });
  }
  // Debian-style clusters keep postgresql.conf in /etc: their backups have none, and the server needs one.
  await appendFile(join(dataDir, 'postgresql.conf'), '', { mode: 0o600 });
  await writeRecoveryFiles(dataDir, renderRecoveryFiles(model));
  await appendDrillSettings(dataDir, model.serverMajor, place);
}

/** The drill settings and access files alone, for a data directory whose recovery an engine's restore configured. */
export async function appendDrillSettings(dataDir: string, major: number, place: DrillServerPlace): Promise<void> {
  await rm(join(dataDir, 'postmaster.pid'), { force: true });
  await appendFile(join(dataDir, 'postgresql.auto.conf'), drillSettings(major, place).join('\n'));
  await writeAccessFiles(place);
}
