import type { EngineRunOptions, RepoSpec } from '../../core/engines/types';
import type { Ctx } from '../context';
import type { Log } from '../log';
import type { ProgressSink } from '../ui/progress';
import { RepositoryKeys, redactEnv } from './keys';
import { repoText } from './settings';

/**
 * The engine's run options for a command: its lines into the log, its progress (a fraction where the engine
 * reports one, else the message on the percent already shown) into the notification, the notification's Cancel as
 * the signal, and the repository's keys (if any) in the engine's environment, never in the log.
 */
export function engineRunOptions(
  log: Log,
  repo: RepoSpec,
  progress?: ProgressSink,
  env?: Record<string, string>,
): EngineRunOptions {
  let percent = 0;
  return {
    signal: progress?.signal,
    onLine: (line) => log.info(`${repoText(repo)}: ${redactEnv(line, env)}`),
    onProgress: (fraction, message) => {
      if (fraction !== undefined) percent = Math.round(fraction * 100);
      progress?.report(percent, message);
    },
    ...(env ? { env } : {}),
  };
}

/** The connection's repository keys as the engine's environment (undefined without keys). */
export function repositoryEnv(
  ctx: Ctx,
  connection: string,
  repo: RepoSpec,
): Promise<Record<string, string> | undefined> {
  return new RepositoryKeys(ctx.extension.secrets).env(connection, repo);
}
