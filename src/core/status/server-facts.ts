/**
 * What `status` asks a server named with --conn: its address, major, databases and WAL archiving state
 * (archive_mode and pg_stat_archiver). When it cannot be asked, its archive folder's newest segment stands in.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from 'pg';
import { withClient } from '../connection/client';
import type { ConnParams } from '../connection/profile';
import { serverAddress } from '../connection/resolve';
import { listDatabases, serverInfo } from '../connection/server-info';
import { errorMessage } from '../errors';
import { scanWalArchive } from '../physical/wal-archive';
import type { ServerFacts, WalState } from './compute';

export interface ServerRequest {
  label: string;
  params: ConnParams;
  password?: string;
  /** Its WAL archive folder, read when the server cannot be asked. */
  archiveDir?: string;
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

/** The newest complete segment of an archive folder, timed by its modification time. */
async function archiveFolderState(dir: string): Promise<WalState> {
  const archive = await scanWalArchive(dir);
  const newest = archive.segments.at(-1);
  const state: WalState = { source: 'archive folder', archiving: true, archiveDir: dir };
  if (!newest) return state;
  const { mtime } = await stat(join(dir, newest.file));
  return { ...state, lastArchivedWal: newest.name, lastArchivedAt: mtime.toISOString() };
}

export async function readServerFacts(
  req: ServerRequest,
  env: NodeJS.ProcessEnv,
  timeoutSec = 10,
): Promise<ServerFacts> {
  const facts: ServerFacts = { label: req.label, address: serverAddress(req.params, env) };
  try {
    return await withClient(req.params, { password: req.password, env, connectTimeoutSec: timeoutSec }, async (c) => {
      const [info, databases, wal] = await Promise.all([serverInfo(c), listDatabases(c), archiverState(c)]);
      return { ...facts, major: info.major, databases: databases.map((d) => d.name), wal };
    });
  } catch (e) {
    facts.problem = errorMessage(e);
  }
  if (req.archiveDir) {
    try {
      facts.wal = await archiveFolderState(req.archiveDir);
    } catch (e) {
      facts.problem += ` ${errorMessage(e)}`;
    }
  }
  return facts;
}
