/**
 * What one connection to a server tells the status and the Connections view alike: its version, its databases
 * and its WAL archiving state (archive_mode and pg_stat_archiver). The extension's Connections tree asks it once,
 * and the status reuses that answer instead of connecting again.
 */
import type { Client } from 'pg';
import { listDatabases, serverInfo, type DatabaseInfo, type ServerInfo } from '../connection/server-info';
import type { WalState } from './compute';

export interface AskedServer {
  server: ServerInfo;
  databases: DatabaseInfo[];
  /** Undefined when pg_stat_archiver could not be read: the version and databases still count. */
  wal?: WalState;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);

async function archiverState(c: Client): Promise<WalState> {
  const { rows } = await c.query<{
    mode: string;
    wal: string | null;
    at: Date | null;
    failed_wal: string | null;
    failed_at: Date | null;
  }>(
    `select current_setting('archive_mode') as mode, last_archived_wal as wal, last_archived_time as at,
            last_failed_wal as failed_wal, last_failed_time as failed_at
       from pg_stat_archiver`,
  );
  const r = rows[0];
  return {
    source: 'pg_stat_archiver',
    archiving: r.mode === 'on' || r.mode === 'always',
    ...(r.wal ? { lastArchivedWal: r.wal, lastArchivedAt: iso(r.at) } : {}),
    ...(r.failed_wal ? { lastFailedWal: r.failed_wal, lastFailedAt: iso(r.failed_at) } : {}),
  };
}

export async function askServer(c: Client): Promise<AskedServer> {
  const [server, databases, wal] = await Promise.all([
    serverInfo(c),
    listDatabases(c),
    archiverState(c).catch(() => undefined),
  ]);
  return { server, databases, ...(wal ? { wal } : {}) };
}
