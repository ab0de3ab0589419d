import { basename } from 'node:path';
import type { BackupEntry } from './catalog';

export type GroupBy = 'database' | 'folder';

export interface BackupGroup {
  label: string;
  entries: BackupEntry[];
}

/**
 * The Backups view's groups, in the order of their newest backup: by folder, or by database and the server it
 * was dumped from ("sample @ 127.0.0.1:5432"), so two servers' databases of one name stay apart. A dump whose
 * server is unknown (no sidecar) groups under its database name alone; base backups together.
 */
export function groupBackups(entries: readonly BackupEntry[], by: GroupBy): BackupGroup[] {
  const groups = new Map<string, BackupEntry[]>();
  for (const e of entries) {
    const key = by === 'folder' ? e.folder : e.kind === 'basebackup' ? 'Base backups' : databaseLabel(e);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups].map(([label, list]) => ({ label, entries: list }));
}

function databaseLabel(e: BackupEntry): string {
  return databaseGroupLabel(e.database ?? basename(e.folder), e.server);
}

/** A group's label when grouping by database: "sample @ 127.0.0.1:5432", or the database alone. */
export function databaseGroupLabel(database: string, server: string | undefined): string {
  return server ? `${database} @ ${server}` : database;
}
