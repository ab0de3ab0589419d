/**
 * Restoring a plain SQL dump for a drill: the restore's own psql run (src/core/restore/plain.ts), going on past
 * errors (ON_ERROR_STOP=0), so every error comes back with the statement that raised it.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { runPlainSql, type PlainRestoreError, type PlainSqlRestore } from '../restore/plain';

/** Runs the dump through psql, on past errors; errors psql went on past come back, a psql that could not run throws. */
export async function drillPlainRestore(
  o: Omit<PlainSqlRestore, 'stopOnError' | 'onProgress'>,
): Promise<PlainRestoreError[]> {
  return (await runPlainSql({ ...o, stopOnError: false })).errors;
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
