/**
 * Takes a base backup with pg_basebackup into a temporary sibling of the target folder, verifies a plain backup
 * with pg_verifybackup, and renames it into place: the target name exists only for a complete, verified backup.
 * Cancel (AbortSignal) or failure removes the partial folder.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { childEnv } from '../connection/child-env';
import { withClient } from '../connection/client';
import { toConninfo, type ConnParams } from '../connection/profile';
import { resolveParams } from '../connection/resolve';
import { serverInfo } from '../connection/server-info';
import { makeFolders, missingFolders } from '../dump/output-folder';
import { CancelledError, PgBackupError, type CleanupLog } from '../errors';
import { runTool } from '../process/run-tool';
import { discoverTools, type ToolSet } from '../tools/discover';
import { pickToolSet, toolPath } from '../tools/pick';
import { baseBackupArgv, compressionArg, type BaseBackupOptions } from './basebackup-argv';
import { classifyBaseBackupFailure } from './basebackup-failure';
import { parseBaseBackupProgress, type BaseBackupProgress } from './basebackup-progress';
import { readBaseBackup, type BaseBackupInfo } from './base-backup-info';

export interface BaseBackupRequest {
  params: ConnParams;
  /** Reaches pg_basebackup only through a temporary pgpass file. */
  password?: string;
  options: BaseBackupOptions;
  /** The backup folder. Must not exist, or be empty. */
  out: string;
  /** Default: the lowest installed major that can back up this server (asks the server for its version). */
  toolSet?: ToolSet;
  /** Run pg_verifybackup on a plain backup with a manifest. Default true. */
  verify?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: BaseBackupProgress & { phase: 'copy' | 'verify' | 'done' }) => void;
  /** Receives the masked command lines and the tools' stderr lines. */
  log?: (line: string) => void;
  /** Told what a cancelled or failed base backup removed (its partial folder). */
  onCleanup?: CleanupLog;
}

export interface BaseBackupResult {
  dir: string;
  verified: boolean;
  durationMs: number;
  info: BaseBackupInfo;
}

async function emptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

const removeDir = (dir: string) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });

export async function takeBaseBackup(req: BaseBackupRequest): Promise<BaseBackupResult> {
  if (!(await emptyOrMissing(req.out))) {
    throw new PgBackupError(
      `${req.out} already exists and is not empty: a base backup never overwrites one.`,
      'usage',
      { hint: 'Choose a new folder.' },
    );
  }
  await missingFolders(dirname(req.out));
  const toolSet =
    req.toolSet ??
    (await withClient(req.params, { password: req.password }, async (c) => {
      const info = await serverInfo(c);
      return pickToolSet(await discoverTools(), info.major, info.version, 'pg_basebackup');
    }));
  compressionArg(req.options.compress, req.options.format, toolSet.major); // refuse bad options before connecting again
  const started = Date.now();
  await makeFolders(dirname(req.out));
  const partial = join(dirname(req.out), `.${basename(req.out)}.partial-${randomBytes(4).toString('hex')}`);
  const user = resolveParams(req.params).user;
  let last: BaseBackupProgress = { doneKb: 0, totalKb: 0, percent: 0, tablespacesDone: 0, tablespaces: 0 };
  const env = await childEnv(req.password);
  try {
    await runTool({
      file: toolPath(toolSet, 'pg_basebackup'),
      args: baseBackupArgv(req.options, { dir: partial, conninfo: toConninfo(req.params), toolMajor: toolSet.major }),
      env: env.env,
      signal: req.signal,
      processGroup: true,
      log: req.log,
      onStderrLine: (line) => {
        const p = parseBaseBackupProgress(line);
        if (!p) return req.log?.(line);
        if (p.percent !== last.percent || p.tablespacesDone !== last.tablespacesDone)
          req.onProgress?.({ ...p, phase: 'copy' });
        last = p;
      },
    });
    const verify =
      (req.verify ?? true) &&
      req.options.format === 'plain' &&
      req.options.manifest !== false &&
      toolSet.major >= 13 &&
      !!toolSet.tools.pg_verifybackup;
    if (verify) {
      req.onProgress?.({ ...last, percent: 99, phase: 'verify' });
      await runTool({
        file: toolPath(toolSet, 'pg_verifybackup'),
        args: ['--quiet', partial],
        signal: req.signal,
        log: req.log,
        onStderrLine: req.log,
      }).catch((e) => {
        if (e instanceof CancelledError || !(e instanceof PgBackupError)) throw e;
        throw new PgBackupError(
          `The new base backup failed verification: ${e.message.replace(/^pg_verifybackup failed: /, '')}`,
          'tool-failed',
          { detail: e.detail },
        );
      });
    }
    if (req.signal?.aborted) throw new CancelledError('pg_basebackup');
    await rmdir(req.out).catch(() => undefined); // an empty target folder given by the user
    await rename(partial, req.out);
    req.onProgress?.({ ...last, doneKb: Math.max(last.doneKb, last.totalKb), percent: 100, phase: 'done' });
    return { dir: req.out, verified: verify, durationMs: Date.now() - started, info: await readBaseBackup(req.out) };
  } catch (e) {
    if (
      await readdir(partial).then(
        () => true,
        () => false,
      )
    ) {
      await removeDir(partial);
      req.onCleanup?.(`removed ${partial}`);
    }
    throw e instanceof PgBackupError && !(e instanceof CancelledError)
      ? classifyBaseBackupFailure(e, user ?? 'the connecting role')
      : e;
  } finally {
    await env.dispose();
  }
}
