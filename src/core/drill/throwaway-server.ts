/**
 * Pieces every drill's throwaway server shares: a free port, a cancellable pause, and a stop that always
 * happens. The server listens on a socket in the drill's scratch folder only (see drill-settings.ts).
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PgBackupError } from '../errors';
import type { DrillServerPlace } from './drill-settings';
import { firstFatal, logTail } from './recovery-log';
import type { ServerOwner } from './server-owner';

/** A throwaway server's scratch folder: its data directory, socket folder and server log inside it. */
export interface ScratchFolder {
  scratch: string;
  dataDir: string;
  socketDir: string;
  logFile: string;
}

/** A new `pgb-drill-*` folder under `parent` (created; the caller removes it, also on failure). */
export async function newScratchFolder(parent: string): Promise<ScratchFolder> {
  const scratch = await mkdtemp(join(parent, 'pgb-drill-'));
  return {
    scratch,
    dataDir: join(scratch, 'data'),
    socketDir: join(scratch, 'sock'),
    logFile: join(scratch, 'server.log'),
  };
}

/** Makes the folder private with an empty data directory and socket folder, and picks the server's port. */
export async function prepareScratchFolder(f: ScratchFolder): Promise<DrillServerPlace> {
  await chmod(f.scratch, 0o700);
  await mkdir(f.dataDir, { mode: 0o700 });
  await mkdir(f.socketDir, { mode: 0o700 });
  const port = await freePort();
  return {
    port,
    socketDir: f.socketDir,
    hbaFile: join(f.scratch, 'pg_hba.conf'),
    identFile: join(f.scratch, 'pg_ident.conf'),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Waits ms, or less when the signal aborts (the caller checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Whether the server's log shows the postmaster got going at all (its first line: "starting PostgreSQL 15.x"). */
export function serverStarted(log: string): boolean {
  return /\bstarting PostgreSQL \d/.test(log);
}

/**
 * A server that did not start, with its own reason: the first FATAL line of its log, else what pg_ctl said (a
 * data directory it cannot reach writes no log). The detail is the log's last lines, or pg_ctl's output.
 */
export function startFailure(major: number, log: string, error: unknown): PgBackupError {
  const pgCtl = error instanceof PgBackupError ? error : undefined;
  const reason = firstFatal(log) ?? (error as Error).message;
  return new PgBackupError(`The throwaway PostgreSQL ${major} server did not start: ${reason}`, 'tool-failed', {
    detail: logTail(log) || pgCtl?.detail || undefined,
  });
}

/** Stops the throwaway server if it runs: fast (rolls back sessions), immediate if fast does not finish. */
export async function stopServer(
  owner: ServerOwner,
  pgCtl: string,
  dataDir: string,
  startInterrupted: boolean,
): Promise<void> {
  // A cancel can land while pg_ctl is launching the postmaster: give its pid file a moment to appear.
  for (let i = 0; startInterrupted && i < 10 && !existsSync(join(dataDir, 'postmaster.pid')); i++) await sleep(200);
  if (!existsSync(join(dataDir, 'postmaster.pid'))) return;
  const stop = (mode: string) =>
    owner.run({ file: pgCtl, args: ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'] });
  await stop('fast').catch(() => stop('immediate').catch(() => undefined));
}
