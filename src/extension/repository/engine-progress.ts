import type { EngineRunOptions, RepoSpec } from '../../core/engines/types';
import type { Log } from '../log';
import type { ProgressSink } from '../ui/progress';
import { repoText } from './settings';

/**
 * The engine's run options for a command: its lines into the log, its progress (a fraction where the engine
 * reports one, else the message on the percent already shown) into the notification, the notification's Cancel as
 * the signal.
 */
export function engineRunOptions(log: Log, repo: RepoSpec, progress?: ProgressSink): EngineRunOptions {
  let percent = 0;
  return {
    signal: progress?.signal,
    onLine: (line) => log.info(`${repoText(repo)}: ${line}`),
    onProgress: (fraction, message) => {
      if (fraction !== undefined) percent = Math.round(fraction * 100);
      progress?.report(percent, message);
    },
  };
}
