import { rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { childEnv } from '../connection/child-env';
import { withClient } from '../connection/client';
import type { ConnParams } from '../connection/profile';
import { toConninfo } from '../connection/profile';
import { serverAddress } from '../connection/resolve';
import { serverInfo, type ServerInfo } from '../connection/server-info';
import { CancelledError, PgBackupError, type CleanupLog } from '../errors';
import { removeOnExit } from '../process/exit-cleanup';
import { runTool } from '../process/run-tool';
import { discoverTools, type ToolSet } from '../tools/discover';
import { watchSize } from '../size-watch';
import { pickToolSet, toolPath } from '../tools/pick';
import { dumpArgv } from './argv';
import { backupChecksum, sizeOnDisk } from './checksum';
import { watchCopyProgress } from './copy-progress';
import { classifyDumpFailure } from './failure';
import { partialPath, sidecarPath } from './naming';
import { makeFolders, missingFolders } from './output-folder';
import { lockOutput } from './output-lock';
import type { DumpOptions } from './options';
import { validateDumpOptions } from './options';
import { DumpProgressEstimator, type DumpProgress } from './progress';
import { stageSidecar, type DumpSidecar } from './sidecar';
import { queryDumpWorkload, type DumpWorkload } from './table-sizes';

export interface DumpRequest {
  params: ConnParams;
  /** Reaches pg_dump only through a temporary pgpass file. */
  password?: string;
  /** The pg_dump to use; default: the lowest installed major that can dump this server. */
  toolSet?: ToolSet;
  options: DumpOptions;
  /** The backup's final path (a file, or a folder for the directory format). Must not exist yet. */
  out: string;
  signal?: AbortSignal;
  onProgress?: (p: DumpProgress) => void;
  /** Receives the masked command line and pg_dump's stderr lines. */
  log?: (line: string) => void;
  /** How often the output's size is sampled for progress. Default 500 ms. */
  pollMs?: number;
  /** Told what a cancelled or failed dump removed (its partial output). */
  onCleanup?: CleanupLog;
}

export interface DumpResult {
  path: string;
  sidecarPath: string;
  sidecar: DumpSidecar;
}

interface Preflight {
  info: ServerInfo;
  toolSet: ToolSet;
  workload: DumpWorkload;
}

/** One connection before pg_dump starts: server version (to pick or check pg_dump) and table sizes (for progress). */
async function preflight(req: DumpRequest): Promise<Preflight> {
  return withClient(req.params, { password: req.password }, async (c) => {
    // Cancelling ends the connection, which fails the query in flight.
    const onAbort = () => void c.end().catch(() => undefined);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const info = await serverInfo(c);
      const toolSet = pickToolSet(
        req.toolSet ? [req.toolSet] : await discoverTools(),
        info.major,
        info.version,
        'pg_dump',
      );
      validateDumpOptions(req.options, toolSet.major);
      return { info, toolSet, workload: await queryDumpWorkload(c, req.options) };
    } catch (e) {
      throw req.signal?.aborted ? new CancelledError('pg_dump') : e;
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
    }
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const removeOutput = (path: string) => rm(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });

/** Removes the partial output of a dump that stopped, and says so when there was one. */
async function removePartial(req: DumpRequest, partial: string): Promise<void> {
  if (!(await exists(partial))) return;
  await removeOutput(partial);
  req.onCleanup?.(`removed ${partial}`);
}

async function refuseExisting(out: string): Promise<void> {
  if (await exists(out)) {
    const hint = 'Choose another name, or delete the old backup first.';
    const line = `${out} already exists: a dump never overwrites an earlier backup.`;
    throw new PgBackupError(line, 'usage', { hint });
  }
}

function diskFull(e: unknown): PgBackupError | undefined {
  if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') return undefined;
  return new PgBackupError('The disk is full: the backup could not be finished.', 'io', {
    detail: (e as Error).message,
    hint: 'Free some space or choose another folder, then dump again.',
  });
}

/**
 * Dumps a database with pg_dump into `<out>.partial`, reporting size-weighted progress, then checksums it,
 * stages the sidecar and renames both into place. On cancel or failure the partial output is removed, so
 * nothing under the final name exists unless it is a complete dump; an existing backup is never overwritten.
 * The name is taken exclusively (see lockOutput) before pg_dump starts: a second dump to it fails at once.
 */
export async function dumpDatabase(req: DumpRequest): Promise<DumpResult> {
  // What no pg_dump accepts is refused before connecting; the per-major rules again once pg_dump is chosen.
  validateDumpOptions(req.options, req.toolSet?.major ?? Number.POSITIVE_INFINITY);
  await refuseExisting(req.out);
  await missingFolders(dirname(req.out));
  const started = new Date();
  const pre = await preflight(req);
  await makeFolders(dirname(req.out));
  const release = await lockOutput(req.out);
  const forgetPartial = removeOnExit(partialPath(req.out)); // a second Ctrl-C exits before the cleanup below
  try {
    await refuseExisting(req.out); // another dump may have finished it since the first look
    return await dumpLocked(req, pre, started);
  } finally {
    forgetPartial();
    await release();
  }
}

async function dumpLocked(req: DumpRequest, pre: Preflight, started: Date): Promise<DumpResult> {
  const { info, toolSet, workload } = pre;
  const partial = partialPath(req.out);
  await removeOutput(partial); // a leftover of a killed run (we hold the name now): it never was a backup

  const estimator = new DumpProgressEstimator(workload, req.options);
  let last: DumpProgress | undefined;
  // Bytes count as a change too: a table larger on disk than its estimate holds the percent at its cap while
  // pg_dump keeps writing, and the bytes are then the only thing that moves.
  const emit = () => {
    const p = estimator.snapshot();
    const same = last && p.percent === last.percent && p.phase === last.phase && p.table === last.table;
    if (!same || p.bytesWritten !== last?.bytesWritten) req.onProgress?.(p);
    last = p;
  };
  emit();

  const env = await childEnv(req.password);
  const poll = watchSize(partial, req.pollMs ?? 500, (bytes) => {
    estimator.written(bytes);
    emit();
  });
  const onRows = (table: string, rows: number) => estimator.copied(table, rows);
  const copies = watchCopyProgress({ params: req.params, password: req.password, everyMs: req.pollMs ?? 500, onRows });
  try {
    try {
      await runTool({
        file: toolPath(toolSet, 'pg_dump'),
        args: dumpArgv({
          options: req.options,
          conninfo: toConninfo(req.params),
          file: partial,
          pgDumpMajor: toolSet.major,
        }),
        env: env.env,
        signal: req.signal,
        log: req.log,
        onStderrLine: (line) => {
          req.log?.(line);
          estimator.line(line);
          emit();
        },
      });
    } finally {
      poll.stop();
      await copies.stop();
      await env.dispose();
    }
  } catch (e) {
    const written = await sizeOnDisk(partial).catch(() => 0);
    await removePartial(req, partial);
    if (!(e instanceof PgBackupError) || e instanceof CancelledError) throw e;
    const tableBytes = workload.tables.reduce((a, t) => a + t.bytes, workload.largeObjectBytes);
    throw classifyDumpFailure(e, { folder: dirname(req.out), written, tableBytes });
  }

  let staged: Awaited<ReturnType<typeof stageSidecar>> | undefined;
  try {
    const bytes = await sizeOnDisk(partial);
    estimator.written(bytes);
    estimator.finishing();
    emit();
    const sidecar: DumpSidecar = {
      tool: 'pg-backup',
      format: req.options.format,
      database: info.currentDatabase,
      server: serverAddress(req.params),
      serverVersion: info.version,
      pgDumpVersion: toolSet.version,
      options: req.options,
      started: started.toISOString(),
      durationMs: 0,
      bytes,
      sha256: await backupChecksum(partial),
    };
    if (req.signal?.aborted) throw new CancelledError('pg_dump');
    sidecar.durationMs = Date.now() - started.getTime();
    staged = await stageSidecar(req.out, sidecar);
    await rename(partial, req.out);
    await staged.commit();
    estimator.done();
    emit();
    return { path: req.out, sidecarPath: sidecarPath(req.out), sidecar };
  } catch (e) {
    await removePartial(req, partial);
    await staged?.discard();
    throw diskFull(e) ?? e;
  }
}
