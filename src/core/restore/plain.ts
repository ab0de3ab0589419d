/**
 * A plain SQL dump, whole, through psql without ~/.psqlrc: the one implementation a restore (stop at the first
 * error) and a restore drill (go on and collect every error) share. Each failed statement is echoed
 * (--echo-errors), so every error comes back with the statement that raised it and its line in the dump.
 */
import { createReadStream } from 'node:fs';
import { devNull } from 'node:os';
import { createInterface } from 'node:readline';
import { CancelledError, PgBackupError } from '../errors';
import { runTool } from '../process/run-tool';
import type { RestoreError, RestoreProgress, RestoreSummary } from './run';

/** An error psql reported, with the line of the dump it came from. */
export type PlainRestoreError = RestoreError & { line?: number };

/**
 * Follows psql's stderr: `psql:FILE:LINE: ERROR:  message`, then context lines (LINE 3: …, the caret), then
 * `psql:FILE:LINE: STATEMENT:  sql` and the statement's further lines. Connection failures count as errors.
 */
export class PsqlErrorLog {
  readonly errors: PlainRestoreError[] = [];
  private current: PlainRestoreError | undefined;
  private inStatement = false;

  line(text: string): void {
    const m = /^psql:.*?:(\d+): (ERROR|FATAL|STATEMENT|[A-Z]+): {2}(.*)$/.exec(text);
    const fatal = /^psql: error: (.*)$/.exec(text);
    if (m?.[2] === 'STATEMENT' && this.current) {
      this.current.statement = m[3];
      this.inStatement = true;
    } else if (m?.[2] === 'ERROR' || m?.[2] === 'FATAL' || fatal) {
      this.current = { dumpId: null, message: m ? m[3] : fatal![1], line: m ? Number(m[1]) : undefined };
      this.errors.push(this.current);
      this.inStatement = false;
    } else if (m || text.startsWith('psql:')) {
      this.current = undefined; // a NOTICE or WARNING: not ours to keep
    } else if (this.current) {
      if (this.inStatement) this.current.statement += `\n${text}`;
      else this.current.message += `\n${text}`;
    }
  }
}

const STATEMENT_START = /^(CREATE|ALTER|COPY|SELECT|SET|COMMENT|GRANT|REVOKE|INSERT|DROP)\b/;

/** Statements psql will report: lines that start one, counted without loading the file whole. */
export async function countStatements(file: string): Promise<number> {
  let n = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) if (STATEMENT_START.test(line)) n++;
  return n;
}

/** A command tag psql prints for each statement ("CREATE TABLE", "COPY 50", "ALTER TABLE"), not a query result. */
const COMMAND_TAG = /^[A-Z]+(?: [A-Z]+)*(?: \d+)*$/;

export interface PlainSqlRestore {
  psql: string;
  file: string;
  conninfo: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  log?: (commandLine: string) => void;
  /** ON_ERROR_STOP: true stops at the first error (a restore); false goes on and reports every error (a drill). */
  stopOnError: boolean;
  /** Progress by statements (psql's command tags); without it psql runs quiet and its output is discarded. */
  onProgress?: (p: RestoreProgress) => void;
}

export interface PlainSqlSummary extends RestoreSummary {
  errors: PlainRestoreError[];
  /** Statements the dump holds (counted for progress; 0 without it). */
  total: number;
}

/** psql's argv for a plain dump: no ~/.psqlrc, failed statements echoed, the target as a conninfo. */
export function plainSqlArgv(o: Pick<PlainSqlRestore, 'file' | 'conninfo' | 'stopOnError' | 'onProgress'>): string[] {
  const quiet = o.onProgress ? [] : ['-q'];
  const stop = `ON_ERROR_STOP=${o.stopOnError ? 1 : 0}`;
  return ['-X', ...quiet, '--echo-errors', '-v', stop, `--dbname=${o.conninfo}`, '-f', o.file];
}

/**
 * Runs the dump through psql. Errors come back in the summary (exit code 1) instead of as an exception; a psql
 * that failed with nothing reported, or a cancel, throws.
 */
export async function runPlainSql(o: PlainSqlRestore): Promise<PlainSqlSummary> {
  const log = new PsqlErrorLog();
  const restored: string[] = [];
  const total = o.onProgress ? await countStatements(o.file) : 0;
  const started = Date.now();
  const onStdoutLine = (line: string) => {
    if (!COMMAND_TAG.test(line)) return;
    restored.push(line);
    o.onProgress?.({ done: Math.min(restored.length, total), total, current: line });
  };
  let failed = false;
  await runTool({
    file: o.psql,
    args: plainSqlArgv(o),
    env: o.env,
    signal: o.signal,
    // Without progress, query results (setval's, a few SELECTs) are of no interest; a big dump's would fill memory.
    ...(o.onProgress ? { onStdoutLine } : { stdoutFile: devNull }),
    onStderrLine: (l) => log.line(l),
    log: o.log,
  }).catch((e: unknown) => {
    if (e instanceof CancelledError || !(e instanceof PgBackupError) || !log.errors.length) throw e;
    failed = true;
  });
  const exitCode = failed || log.errors.length ? 1 : 0;
  return { restored, errors: log.errors, durationMs: Date.now() - started, exitCode, total };
}
