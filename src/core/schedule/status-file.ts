/**
 * The status file a scheduled job's script leaves next to its backups after every run, `<job>.status.json`
 * (written whole: temp file + mv), and its reader, for `pg-backup status` and the views: when the last run ended,
 * how, and why it failed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STATUS_FILE_SUFFIX = '.status.json';

export const statusFilePath = (dir: string, job: string): string => join(dir, `${job}${STATUS_FILE_SUFFIX}`);

/** What a run of the job did with the restore drill. */
export type JobDrillResult = 'passed' | 'failed' | 'could not run' | 'skipped';

/** What a run did with its off-site copy (`schedule --copy-to`). */
export type JobCopyResult = 'copied' | 'failed' | 'copied, prune failed';

export interface JobStatus {
  /** The status file it was read from. */
  path: string;
  job: string;
  database: string;
  /** "host:port", as dump sidecars record it. */
  server: string;
  /** ISO 8601. */
  started: string;
  finished: string;
  exitCode: number;
  ok: boolean;
  /** The dump this run wrote, if it got that far. */
  backup?: string;
  drill?: { result: JobDrillResult; detail?: string };
  /** The off-site copy of that dump: where to, and why it failed. */
  copy?: { result: JobCopyResult; to: string; detail?: string };
  /** Why a failed run failed, one line. */
  reason?: string;
  /** The last drill that passed (daily/weekly jobs drill once per period). */
  lastDrill?: { at: string; period: string };
  /** The last 20 lines the run printed. */
  output: string[];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function parseStatus(path: string, content: string): JobStatus | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const [job, database, server, started, finished] = ['job', 'database', 'server', 'started', 'finished'].map((k) =>
    text(o[k]),
  );
  if (!job || !database || !server || !started || !finished || typeof o.exitCode !== 'number') return undefined;
  const drill = o.drill as JobStatus['drill'] | null;
  const lastDrill = o.lastDrill as JobStatus['lastDrill'] | null;
  const copy = o.copy as JobStatus['copy'] | null;
  return {
    path,
    job,
    database,
    server,
    started,
    finished,
    exitCode: o.exitCode,
    ok: o.exitCode === 0,
    ...(text(o.backup) ? { backup: text(o.backup) } : {}),
    ...(drill && text(drill.result) ? { drill } : {}),
    ...(copy && text(copy.result) && text(copy.to) ? { copy } : {}),
    ...(text(o.reason) ? { reason: text(o.reason) } : {}),
    ...(lastDrill && text(lastDrill.at) ? { lastDrill } : {}),
    output: Array.isArray(o.output) ? o.output.filter((l): l is string => typeof l === 'string') : [],
  };
}

/** One status file; undefined when it is missing or not a job's status. */
export async function readJobStatus(path: string): Promise<JobStatus | undefined> {
  const content = await readFile(path, 'utf8').catch(() => undefined);
  return content === undefined ? undefined : parseStatus(path, content);
}

/** The status files of every job in the folders (missing folders and unreadable files are skipped). */
export async function readJobStatuses(dirs: readonly string[]): Promise<JobStatus[]> {
  const found = await Promise.all(
    [...new Set(dirs)].map(async (dir) => {
      const names = await readdir(dir).catch(() => [] as string[]);
      const files = names.filter((n) => n.endsWith(STATUS_FILE_SUFFIX)).map((n) => join(dir, n));
      return Promise.all(files.map(readJobStatus));
    }),
  );
  return found.flat().filter((s): s is JobStatus => !!s);
}
