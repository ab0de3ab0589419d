/**
 * Restoring a plain SQL dump for a drill: psql without ~/.psqlrc, going on past errors (ON_ERROR_STOP=0) and
 * echoing each failed statement (--echo-errors), so every error comes back with the statement that raised it.
 */
import { createReadStream } from 'node:fs';
import { devNull } from 'node:os';
import { createInterface } from 'node:readline';
import { CancelledError, PgBackupError } from '../errors';
import { runTool } from '../process/run-tool';
import type { RestoreError } from '../restore/run';

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

export interface PlainRestoreOptions {
  psql: string;
  file: string;
  conninfo: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  log?: (commandLine: string) => void;
}

/** Runs the dump through psql; errors psql went on past come back, a psql that could not run at all throws. */
export async function runPlainRestore(o: PlainRestoreOptions): Promise<PlainRestoreError[]> {
  const log = new PsqlErrorLog();
  await runTool({
    file: o.psql,
    args: ['-X', '-q', '--echo-errors', '-v', 'ON_ERROR_STOP=0', `--dbname=${o.conninfo}`, '-f', o.file],
    env: o.env,
    signal: o.signal,
    // Query results (setval's, a few SELECTs) are of no interest; a big dump's would only fill memory.
    stdoutFile: devNull,
    onStderrLine: (l) => log.line(l),
    log: o.log,
  }).catch((e: unknown) => {
    if (e instanceof CancelledError || !(e instanceof PgBackupError) || !log.errors.length) throw e;
  });
  return log.errors;
}

/**
 * The first `\connect` of a plain dump, if any: a dump made with --create (or by pg_dumpall) switches databases
 * itself, so on the user's server it would restore into the real database instead of the scratch one.
 */
export async function firstConnectLine(file: string): Promise<string | undefined> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    for await (const l of lines) if (/^\\c(onnect)?\s/.test(l)) return l;
    return undefined;
  } finally {
    lines.close();
  }
}
