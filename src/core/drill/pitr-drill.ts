/**
 * A point-in-time recovery drill: the base backup is copied into a scratch folder, the PITR model's recovery
 * files are applied, a throwaway server recovers on a private socket until it reaches the target, and what came
 * back (each user table and its exact row count) is reported. The server is always stopped and the scratch
 * folder always removed, also on failure and cancel; the backup and the archive are only read.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from 'pg';
import { connect } from '../connection/client';
import type { ConnParams } from '../connection/profile';
import { CancelledError, PgBackupError } from '../errors';
import type { BaseBackupInfo } from '../physical/base-backup-info';
import type { PitrModel } from '../pitr/model';
import { hasErrors, validateModel } from '../pitr/validate';
import type { ToolSet } from '../tools/discover';
import { countTables } from './count-tables';
import type { PitrDrillResult } from './pitr-drill-result';
import { appendDrillSettings, prepareDataDir } from './drill-settings';
import {
  endedBeforeTarget,
  firstFatal,
  lastReplayedTime,
  logTail,
  outcomeLines,
  shutDownAtTarget,
  stoppedAtTarget,
} from './recovery-log';
import { placeBackup } from './scratch-copy';
import { serverOwner } from './server-owner';
import { drillToolSet } from './server-tools';
import {
  newScratchFolder,
  prepareScratchFolder,
  serverStarted,
  sleep,
  startFailure,
  stopServer,
} from './throwaway-server';

/** Picked by the PITR panel and the tests from here, where the drill lives. */
export { drillToolSet };

export interface PitrDrillOptions {
  /** The base backup copied into the scratch folder; or, instead, `restore`. */
  backup?: BaseBackupInfo;
  /**
   * Puts the data directory in place with its recovery configured (a backup engine's restore, run as the server's
   * OS user into the empty, adopted `dataDir`); the model then only names the major, the target and the action.
   */
  restore?: (dataDir: string, onProgress: (fraction: number | undefined) => void) => Promise<void>;
  model: PitrModel;
  /** initdb/pg_ctl/postgres of the backup's major (see drillToolSet). */
  toolSet: ToolSet;
  signal?: AbortSignal;
  onProgress?: (step: string, percent: number) => void;
  /** Command lines, as they run. */
  log?: (line: string) => void;
  /** Role to connect as (trusted over the private socket). Default postgres. */
  superuser?: string;
  /** Where the scratch folder is made. Default a temp folder the server's OS user can reach (ServerOwner). */
  scratchParent?: string;
  /** Give up waiting for the target after this long. Default 30 minutes. */
  timeoutMs?: number;
}

const POLL_MS = 500;
const DEFAULT_TIMEOUT_MS = 30 * 60_000;

function checkInputs(o: PitrDrillOptions): void {
  if (process.platform === 'win32')
    throw new PgBackupError('The drill runs a server on a Unix socket: it needs Linux or macOS.', 'usage');
  if (!o.backup === !o.restore) throw new PgBackupError('A drill needs a base backup or a restore, not both.', 'usage');
  if (o.backup?.serverMajor !== undefined && o.backup.serverMajor !== o.model.serverMajor) {
    throw new PgBackupError(
      `The recovery settings are for PostgreSQL ${o.model.serverMajor}, the backup is ${o.backup.serverMajor}.`,
      'input',
    );
  }
  if (o.toolSet.major !== o.model.serverMajor || !o.toolSet.tools.pg_ctl)
    throw drillToolSet([o.toolSet], o.model.serverMajor);
  if (o.model.standby)
    throw new PgBackupError(
      'A standby never reaches a recovery target: the drill runs a one-off recovery only.',
      'usage',
    );
  const issues = validateModel(o.model);
  if (hasErrors(issues)) throw new PgBackupError(issues.find((i) => i.severity === 'error')!.message, 'input');
}

/** Recovery state queries by major (the functions were renamed in 10; the pause state arrived in 14). */
function stateSql(major: number): string {
  const paused =
    major >= 14
      ? `pg_get_wal_replay_pause_state() = 'paused'`
      : major >= 10
        ? 'pg_is_wal_replay_paused()'
        : 'pg_is_xlog_replay_paused()';
  const lsn = major >= 10 ? 'pg_last_wal_replay_lsn()' : 'pg_last_xlog_replay_location()';
  // CASE keeps the pause functions from running after promotion, where they raise "recovery is not in progress".
  return `select pg_is_in_recovery() as recovering, case when pg_is_in_recovery() then ${paused} else false end as paused, pg_last_xact_replay_timestamp() as replayed, ${lsn}::text as lsn`;
}

interface RecoveryState {
  recovering: boolean;
  paused: boolean;
  replayed: Date | null;
  lsn: string | null;
}

type WaitOutcome = { end: 'promoted' | 'paused'; replayed?: string } | { end: 'stopped' };

interface Server {
  dataDir: string;
  params: ConnParams;
  major: number;
}

/** Polls until recovery is over (promoted), paused at the target, or the server is gone. */
async function waitForRecovery(s: Server, o: PitrDrillOptions, timeoutMs: number): Promise<WaitOutcome> {
  const deadline = Date.now() + timeoutMs;
  let client: Client | undefined;
  try {
    for (;;) {
      if (o.signal?.aborted) throw new CancelledError('The drill');
      if (!existsSync(join(s.dataDir, 'postmaster.pid'))) return { end: 'stopped' };
      client ??= await connect(s.params, { connectTimeoutSec: 5 }).catch((e: PgBackupError) => {
        // Until the copy is consistent the server turns connections away; only a missing role is final.
        if (e.kind === 'auth')
          throw new PgBackupError(
            `Cannot log in to the restored cluster as "${s.params.user}": ${e.detail ?? e.message}`,
            'auth',
            { detail: e.detail, hint: 'The drill connects as the cluster\'s superuser "postgres".' },
          );
        return undefined;
      });
      const state = await client
        ?.query<RecoveryState>(stateSql(s.major))
        .then((r) => r.rows[0])
        .catch(() => undefined);
      if (client && !state) {
        await client.end().catch(() => undefined);
        client = undefined;
      }
      if (state && (!state.recovering || state.paused))
        return { end: state.recovering ? 'paused' : 'promoted', replayed: state.replayed?.toISOString() };
      if (state?.lsn) o.onProgress?.(`Replaying archived WAL (at ${state.lsn})`, 65);
      if (Date.now() > deadline) {
        throw new PgBackupError(
          `The drill server did not reach the target within ${Math.round(timeoutMs / 1000)} s${state?.lsn ? ` (replayed up to ${state.lsn})` : ''}.`,
          'tool-failed',
        );
      }
      await sleep(POLL_MS, o.signal);
    }
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/** The error for a server that stopped without reaching the target, with the log's telling lines. */
function stoppedError(log: string, startError: unknown): PgBackupError {
  const detail = [...outcomeLines(log), '', logTail(log)].join('\n');
  if (endedBeforeTarget(log)) {
    return new PgBackupError('Recovery ended before reaching the target: the archive has no WAL up to it.', 'input', {
      detail,
      hint: "Pick a target inside the recoverable window; check that every segment was archived and that the server's OS user can read the archive folder.",
    });
  }
  const why =
    firstFatal(log) ??
    (startError instanceof PgBackupError ? `${startError.message} ${startError.detail ?? ''}`.trim() : 'see its log');
  return new PgBackupError(`The drill server stopped before reaching the target: ${why}`, 'tool-failed', { detail });
}

export async function runPitrDrill(o: PitrDrillOptions): Promise<PitrDrillResult> {
  const started = Date.now();
  checkInputs(o);
  const progress = (step: string, percent: number) => o.onProgress?.(step, percent);
  const owner = serverOwner(o.log);
  const pgCtl = o.toolSet.tools.pg_ctl!;
  const folder = await newScratchFolder(o.scratchParent ?? (await owner.tempFolder(o.signal)));
  const { scratch, dataDir, socketDir, logFile } = folder;
  const readLog = () => readFile(logFile, 'utf8').catch(() => '');
  let launched = false;
  let startInterrupted = false;
  let startError: unknown;
  try {
    const place = await prepareScratchFolder(folder);
    const { port } = place;
    if (o.restore) {
      progress('Restoring from the repository', 0);
      await owner.adopt(scratch, o.signal);
      await o.restore(dataDir, (f) => progress('Restoring from the repository', (f ?? 0) * 50));
      progress('Writing the drill settings', 50);
      await appendDrillSettings(dataDir, o.model.serverMajor, place);
    } else {
      progress('Copying the base backup', 0);
      await placeBackup({
        backup: o.backup!,
        dataDir,
        signal: o.signal,
        log: o.log,
        onProgress: (f) => progress('Copying the base backup', f * 50),
      });
      progress('Writing the recovery settings', 50);
      await prepareDataDir(dataDir, o.model, place);
    }
    await owner.adopt(scratch, o.signal);
    progress('Starting a throwaway server', 55);
    launched = true;
    await owner
      .run({ file: pgCtl, args: ['-D', dataDir, '-l', logFile, '-w', '-t', '120', 'start'], signal: o.signal })
      .catch((e: unknown) => {
        if (e instanceof CancelledError) {
          startInterrupted = true;
          throw e;
        }
        // A server still replaying after 120 s, or one that stopped at the target: the wait and the log tell.
        startError = e;
      });
    progress('Recovering to the target', 60);
    const server: Server = {
      dataDir,
      params: { host: socketDir, port, user: o.superuser ?? 'postgres', database: 'template1', sslmode: 'disable' },
      major: o.model.serverMajor,
    };
    const outcome = await waitForRecovery(server, o, o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (outcome.end === 'stopped') {
      const log = await readLog();
      // pg_ctl failed and the postmaster never logged its start: nothing was recovered, the start failed.
      if (startError && !serverStarted(log)) throw startFailure(o.model.serverMajor, log, startError);
      if (!shutDownAtTarget(log)) throw stoppedError(log, startError);
      return {
        reachedTarget: true,
        end: 'shut down',
        recoveryEndedAt: lastReplayedTime(log),
        inRecovery: true,
        tables: [],
        tablesTruncated: false,
        durationMs: Date.now() - started,
        logTail: logTail(log),
      };
    }
    progress('Counting rows', 85);
    const { tables, truncated } = await countTables(server.params, o.signal);
    progress('Stopping the server', 97);
    const log = await readLog();
    return {
      reachedTarget: o.model.target.kind === 'latest' || stoppedAtTarget(log),
      end: outcome.end,
      recoveryEndedAt: outcome.replayed ?? lastReplayedTime(log),
      inRecovery: outcome.end === 'paused',
      tables,
      tablesTruncated: truncated,
      durationMs: Date.now() - started,
      logTail: logTail(log),
    };
  } catch (e) {
    if (e instanceof PgBackupError) throw e;
    // A cancel ends the row count's connections: their "Connection terminated" is the cancel itself.
    if (o.signal?.aborted) throw new CancelledError('The drill');
    throw new PgBackupError(`The drill failed: ${(e as Error).message}`, launched ? 'tool-failed' : 'io', {
      detail: launched ? logTail(await readLog()) : undefined,
    });
  } finally {
    if (launched) await stopServer(owner, pgCtl, dataDir, startInterrupted);
    await rm(scratch, { recursive: true, force: true });
  }
}
