/**
 * A brand-new private cluster for a logical restore drill: initdb into a scratch folder, a server on a free port
 * with its socket in that folder (no TCP), trust for the local superuser. Durability is switched off: the
 * cluster lives for one drill, and fsync would only slow the restore being timed.
 */
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnParams } from '../connection/profile';
import { CancelledError, PgBackupError } from '../errors';
import type { ToolSet } from '../tools/discover';
import { drillSettings, writeAccessFiles } from './drill-settings';
import { logTail } from './recovery-log';
import { serverOwner } from './server-owner';
import { freePort, stopServer } from './throwaway-server';

export interface ScratchClusterOptions {
  /** initdb and pg_ctl of the major to run (see drillToolSet). */
  toolSet: ToolSet;
  /** Where the scratch folder is made. Default the OS temp folder. */
  scratchParent?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

const SUPERUSER = 'postgres';

const FAST_SETTINGS = ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off', ''];

/** Runs fn against a throwaway cluster; the server is always stopped and the folder removed, also on cancel. */
export async function withScratchCluster<T>(o: ScratchClusterOptions, fn: (params: ConnParams) => Promise<T>): Promise<T> {
  if (process.platform === 'win32') throw new PgBackupError('A throwaway cluster runs on a Unix socket: it needs Linux or macOS. Give a server with --conn instead.', 'usage');
  const owner = serverOwner(o.log);
  const { initdb, pg_ctl: pgCtl } = o.toolSet.tools;
  if (!initdb || !pgCtl) throw new PgBackupError(`initdb and pg_ctl ${o.toolSet.major} are needed for a throwaway cluster.`, 'tool-missing');
  const scratch = await mkdtemp(join(o.scratchParent ?? tmpdir(), 'pgb-drill-'));
  const dataDir = join(scratch, 'data');
  const socketDir = join(scratch, 'sock');
  const logFile = join(scratch, 'server.log');
  let launched = false;
  let startInterrupted = false;
  try {
    await chmod(scratch, 0o700);
    await mkdir(dataDir, { mode: 0o700 });
    await mkdir(socketDir, { mode: 0o700 });
    const port = await freePort();
    const place = { port, socketDir, hbaFile: join(scratch, 'pg_hba.conf'), identFile: join(scratch, 'pg_ident.conf') };
    await writeAccessFiles(place);
    await owner.adopt(scratch, o.signal);
    await owner.run({ file: initdb, args: ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '-N'], signal: o.signal });
    // Appending keeps the file's owner (the server's user), so this works when we are root too.
    await appendFile(join(dataDir, 'postgresql.auto.conf'), [...drillSettings(o.toolSet.major, place), ...FAST_SETTINGS].join('\n'));
    launched = true;
    await owner.run({ file: pgCtl, args: ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start'], signal: o.signal }).catch(async (e: unknown) => {
      if (e instanceof CancelledError) {
        startInterrupted = true;
        throw e;
      }
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new PgBackupError(`The throwaway PostgreSQL ${o.toolSet.major} server did not start.`, 'tool-failed', logTail(log) || (e as Error).message);
    });
    return await fn({ host: socketDir, port, user: SUPERUSER, database: 'postgres', sslmode: 'disable' });
  } finally {
    if (launched) await stopServer(owner, pgCtl, dataDir, startInterrupted);
    await rm(scratch, { recursive: true, force: true });
  }
}
