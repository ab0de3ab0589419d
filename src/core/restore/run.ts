import { qualifiedIdent } from '../connection/identifier';
import { CancelledError, PgBackupError } from '../errors';
import { renderCommandLine, runTool } from '../process/run-tool';
import type { Queryable } from './existing';
import type { RestorePlan } from './plan';

export interface RestoreProgress {
  done: number;
  total: number;
  /** "creating TABLE "shop.products"" as pg_restore -v says it. */
  current: string;
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

  constructor(
    private readonly total: number,
    private readonly onProgress?: (p: RestoreProgress) => void,
  ) {}

  line(line: string): void {
    const item = /^pg_restore: (creating .*|processing data for table .*|executing .*)$/.exec(line);
    if (item) {
      this.collecting = undefined;
      this.lastEntry = null;
      this.lastItemFailed = false;
      this.done++;
      this.restored.push(item[1]);
      this.onProgress?.({ done: Math.min(this.done, this.total), total: this.total, current: item[1] });
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
}

export interface RunRestoreOptions {
  pgRestore: string;
  args: readonly string[];
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Items in the plan, for "done / total". */
  total: number;
  onProgress?: (p: RestoreProgress) => void;
  log?: (commandLine: string) => void;
  /** Stop a pg_restore that spins without progress this long (runTool's stallMs). */
  stallMs?: number;
}

/**
 * Runs pg_restore and summarises it. Errors pg_restore went on past (no --exit-on-error) come back in the
 * summary with their statements instead of as an exception; a failure with nothing parsed, or a cancel, throws.
 */
export async function runRestore(o: RunRestoreOptions): Promise<RestoreSummary> {
  const log = new RestoreLog(o.total, o.onProgress);
  const started = Date.now();
  try {
    const onStderrLine = (l: string) => log.line(l);
    const { pgRestore: file, args, env, signal, log: commandLog, stallMs } = o;
    await runTool({ file, args, env, signal, onStderrLine, log: commandLog, stallMs });
    return { restored: log.restored, errors: log.errors, durationMs: Date.now() - started, exitCode: 0 };
  } catch (e) {
    if (e instanceof CancelledError || !(e instanceof PgBackupError) || e.kind !== 'tool-failed' || !log.errors.length) throw e;
    return { restored: log.restored, errors: log.errors, durationMs: Date.now() - started, exitCode: 1 };
  }
}

/** The command line to show before running (passwords never appear in it: they go through the environment). */
export const restoreCommandLine = (pgRestore: string, args: readonly string[]): string => renderCommandLine(pgRestore, args);

/** A restored table's row count; null with the reason when it could not be counted. */
export interface RowCount {
  table: string;
  rows: number | null;
  error?: string;
}

/** Row counts of the tables whose data the plan loaded, counted in the target after the restore. */
export async function restoredRowCounts(client: Queryable, plan: RestorePlan): Promise<RowCount[]> {
  const out: RowCount[] = [];
  for (const i of plan.items) {
    if (i.action === 'skip' || i.entry.desc !== 'TABLE DATA' || !i.entry.namespace) continue;
    const table = `${i.entry.namespace}.${i.entry.tag}`;
    const count = await client
      .query<{ n: string }>(`select count(*) as n from ${qualifiedIdent(i.entry.namespace, i.entry.tag)}`)
      .then((r) => ({ table, rows: Number(r.rows[0].n) }))
      .catch((e: Error) => ({ table, rows: null, error: e.message })); // the table may have failed to restore
    out.push(count);
  }
  return out;
}
