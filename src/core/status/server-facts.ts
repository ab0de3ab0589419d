/**
 * What `status` asks a server named with --conn: its address, major, databases and WAL archiving state
 * (archive_mode and pg_stat_archiver). When it cannot be asked, its archive folder's newest segment stands in.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withClient } from '../connection/client';
import type { ConnParams } from '../connection/profile';
import { serverAddress } from '../connection/resolve';
import { errorMessage } from '../errors';
import { scanWalArchive } from '../physical/wal-archive';
import { askServer, type AskedServer } from './ask-server';
import type { ServerFacts, WalState } from './compute';

export interface ServerRequest {
  label: string;
  params: ConnParams;
  password?: string;
  /** Its WAL archive folder, read when the server cannot be asked. */
  archiveDir?: string;
  /** What a connection made moments ago found (the extension's Connections tree): then none is opened here. */
  asked?: Promise<AskedServer>;
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
    const opts = { password: req.password, env, connectTimeoutSec: timeoutSec };
    const { server, databases, wal } = await (req.asked ?? withClient(req.params, opts, askServer));
    return { ...facts, major: server.major, databases: databases.map((d) => d.name), ...(wal ? { wal } : {}) };
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
