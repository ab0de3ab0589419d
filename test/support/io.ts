/** A CliIo for running a CLI command in-process and reading what it printed. */
import type { CliIo } from '../../src/cli/command';
import { PG15_BIN } from './cluster';

export interface CapturedIo extends CliIo {
  /** Lines the command wrote with `out`. */
  stdout: string[];
  /** Lines the command wrote with `err` (errors and warnings; progress lines are apart, in `progressLines`). */
  stderr: string[];
  /** Lines the command wrote with `progress`. */
  progressLines: string[];
}

export interface CaptureOptions {
  /** Entries over the default env (this process's, with PGBACKUP_TOOL_FOLDERS on the PostgreSQL 15 tools). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export function captureIo(opts: CaptureOptions = {}): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const progressLines: string[] = [];
  return {
    stdout,
    stderr,
    progressLines,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    progress: (t) => progressLines.push(t),
    env: { ...process.env, PGBACKUP_TOOL_FOLDERS: PG15_BIN, ...opts.env },
    signal: opts.signal ?? new AbortController().signal,
  };
}
