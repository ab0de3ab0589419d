import { formatBytes } from '../format';
import { PgBackupError } from '../errors';

/** pg_dump could not read a table: the UI offers to dump again without it. */
export class TablePermissionError extends PgBackupError {
  constructor(
    /** The table as pg_dump names it (schema-qualified, quoted where needed): usable as an --exclude-table pattern. */
    readonly table: string,
    detail?: string,
  ) {
    super(`Permission denied for table ${table}: the dumping role cannot read it.`, 'tool-failed', {
      detail,
      hint: `Exclude it (--exclude-table '${table}') or GRANT SELECT ON ${table} to the dumping role.`,
    });
    this.name = 'TablePermissionError';
  }
}

/** The server went away mid-operation, in the words of libpq tools and of node-postgres. */
export const CONNECTION_LOST = new RegExp(
  [
    'server closed the connection unexpectedly',
    'connection to server was lost',
    'terminating connection',
    'could not receive data from server',
    'SSL SYSCALL error',
    'no connection to the server',
    'lost synchronization with server',
    'Connection terminated unexpectedly',
    'the database system is shutting down',
    'ECONNRESET',
  ].join('|'),
  'i',
);

/** The qualified name pg_dump used in the failed statement ("Query was: LOCK TABLE public.x IN …", "COPY public.x (…) TO stdout"). */
function qualifiedTable(detail: string): string | undefined {
  return /(?:LOCK TABLE|COPY)\s+((?:"(?:[^"]|"")+"|[^\s"(.]+)\.(?:"(?:[^"]|"")+"|[^\s"(]+))/.exec(detail)?.[1];
}

/** Where a dump was being written, for the disk-full message. */
export interface DumpPlace {
  folder: string;
  /** Bytes of the partial output when pg_dump stopped. */
  written: number;
  /** The dumped tables' size on the server. */
  tableBytes: number;
}

/**
 * Gives a pg_dump failure one clear line: a table it may not read (named, so it can be excluded), a full disk,
 * or a connection lost mid-dump. Anything else keeps pg_dump's own last line.
 */
export function classifyDumpFailure(e: PgBackupError, where?: DumpPlace): PgBackupError {
  const detail = e.detail ?? '';
  const denied = /permission denied for (?:table|relation) ("(?:[^"]|"")+"|\S+)/.exec(detail);
  if (denied) return new TablePermissionError(qualifiedTable(detail) ?? denied[1], detail);
  if (/No space left on device|ENOSPC/i.test(detail)) {
    const hint = 'Free some space or choose another folder, then dump again.';
    if (!where)
      return new PgBackupError('The disk is full: pg_dump could not write the backup.', 'io', { detail, hint });
    // The tables' size on the server is what an uncompressed dump needs at most; a compressed one needs less.
    const line =
      `The disk is full in ${where.folder}: pg_dump stopped after writing ${formatBytes(where.written)} ` +
      `(the tables take ${formatBytes(where.tableBytes)} on the server; nothing was kept).`;
    return new PgBackupError(line, 'io', { detail, hint });
  }
  if (CONNECTION_LOST.test(detail)) {
    return new PgBackupError('The connection to the server was lost during the dump.', 'unreachable', {
      detail,
      hint: 'Check that the server is up and reachable, then dump again.',
    });
  }
  return e;
}
