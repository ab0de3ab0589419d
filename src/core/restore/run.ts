import { CancelledError, PgBackupError } from '../errors';
import { renderCommandLine, runTool } from '../process/run-tool';
import type { Queryable } from './existing';
import type { RestorePlan } from './plan-items';
import { countRows } from './row-counts';
import type { RestoreProgressEstimator } from './progress';

export interface RestoreProgress {
  done: number;
  total: number;
  /** "creating TABLE "shop.products"" as pg_restore -v says it. */
  current: string;
  /** 0..99 weighted by what each item costs (when the run has an estimator), else done / total. */
  percent?: number;
}

export interface RestoreError {
  /** The TOC entry pg_restore was on ("from TOC entry N"), when it said. */
  dumpId: number | null;
  message: string;
  statement?: string;
}

export interface RestoreSummary {
  /** Items pg_restore processed without an error, in its words. */
  restored: string[];
  errors: RestoreError[];
  durationMs: number;
  /** pg_restore's exit code: 1 when it went on past errors. */
  exitCode: number;
}

/**
 * Follows `pg_restore --verbose` stderr: each "creating …", "processing data for table …" or "executing …"
 * line is one item; "from TOC entry N", "error: …" and "Command was: …" lines describe a failure.
 */
export class RestoreLog {
  readonly restored: string[] = [];
  readonly errors: RestoreError[] = [];
  private done = 0;
  private lastEntry: number | null = null;
  private lastItemFailed = false;
  private collecting: RestoreError | undefined;
  private current = '';
  private shown = -1;

  constructor(
    private readonly total: number,
    private readonly onProgress?: (p: RestoreProgress) => void,
    private readonly estimator?: RestoreProgressEstimator,
  ) {}

  line(line: string): void {
    this.estimator?.line(line);
    const item = /^pg_restore: (creating .*|processing data for table .*|executing .*)$/.exec(line);
    if (item) {
      this.collecting = undefined;
      this.lastEntry = null;
      this.lastItemFailed = false;
      this.done++;
      this.restored.push(item[1]);
      this.current = item[1];
      this.report();
      return;
    }
    const from = /^pg_restore: from TOC entry (\d+);/.exec(line);
    if (from) {
      this.lastEntry = Number(from[1]);
      return;
    }
    const err = /^pg_restore: error: (.*)$/.exec(line);
    if (err) {
      this.collecting = { dumpId: this.lastEntry, message: err[1].replace(/^could not execute query: /, '') };
      this.errors.push(this.collecting);
      if (!this.lastItemFailed && this.lastEntry !== null && this.restored.length) {
        this.restored.pop();
        this.lastItemFailed = true;
      }
      return;
    }
    if (line.startsWith('pg_restore: ')) {
      this.collecting = undefined;
      return;
    }
    if (!this.collecting) return;
    const cmd = /^Command was: (.*)$/.exec(line);
    if (cmd) this.collecting.statement = cmd[1];
    else if (this.collecting.statement !== undefined) this.collecting.statement += `\n${line}`;
    else this.collecting.message += `\n${line}`;
  }

  /** The progress on each item, and on a timer when the percent moved while a long item runs. */
  report(onlyIfMoved = false): void {
    const done = Math.min(this.done, this.total);
    const percent = this.estimator?.percent() ?? Math.floor((99 * done) / Math.max(1, this.total));
    if (onlyIfMoved && percent === this.shown) return;
    this.shown = percent;
    this.onProgress?.({ done, total: this.total, current: this.current, percent });
  }
}

export interface RunRestoreOptions {
  pgRestore: string;
  args: readonly string[];
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Items in the plan, for "done / total". */
  total: number;
  onProgress?: (p: RestoreProgress) => void;
  /** Weights the percent by what each item costs (restoreProgressEstimator); without, items count alike. */
  estimator?: RestoreProgressEstimator;
  log?: (commandLine: string) => void;
  /** Stop a pg_restore that spins without progress this long (runTool's stallMs). */
  stallMs?: number;
}

/**
 * Runs pg_restore and summarises it. Errors pg_restore went on past (no --exit-on-error) come back in the
 * summary with their statements instead of as an exception; a failure with nothing parsed, or a cancel, throws.
 */
export async function runRestore(o: RunRestoreOptions): Promise<RestoreSummary> {
  const log = new RestoreLog(o.total, o.onProgress, o.estimator);
  const started = Date.now();
  const tick = o.estimator && o.onProgress ? setInterval(() => log.report(true), 1000) : undefined;
  try {
    const onStderrLine = (l: string) => log.line(l);
    const { pgRestore: file, args, env, signal, log: commandLog, stallMs } = o;
    await runTool({ file, args, env, signal, onStderrLine, log: commandLog, stallMs });
    return { restored: log.restored, errors: log.errors, durationMs: Date.now() - started, exitCode: 0 };
  } catch (e) {
    if (e instanceof CancelledError || !(e instanceof PgBackupError) || e.kind !== 'tool-failed' || !log.errors.length)
      throw e;
    return { restored: log.restored, errors: log.errors, durationMs: Date.now() - started, exitCode: 1 };
  } finally {
    clearInterval(tick);
  }
}

/** The command line to show before running (passwords never appear in it: they go through the environment). */
export const restoreCommandLine = (pgRestore: string, args: readonly string[]): string =>
  renderCommandLine(pgRestore, args);

/** A restored table's row count; null with the reason when it could not be counted. */
export interface RowCount {
  table: string;
  rows: number | null;
  error?: string;
}

/** Row counts of the tables whose data the plan loaded, counted in the target after the restore. */
export async function restoredRowCounts(client: Queryable, plan: RestorePlan): Promise<RowCount[]> {
  const loaded = plan.items.filter((i) => i.action !== 'skip' && i.entry.desc === 'TABLE DATA' && i.entry.namespace);
  const counted = await countRows(
    client,
    loaded.map((i) => ({ schema: i.entry.namespace!, name: i.entry.tag })),
  );
  return counted.map((t) => ({ table: `${t.schema}.${t.name}`, rows: t.rows, ...(t.error ? { error: t.error } : {}) }));
}
