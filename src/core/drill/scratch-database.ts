/**
 * A scratch database on a server the user named, for a drill that restores there: created from template0 (what
 * pg_dump output expects: no objects of template1's), and always dropped, also after a failure or a cancel.
 */
import { withClient } from '../connection/client';
import { describeParams, type ConnParams } from '../connection/profile';
import { PgBackupError } from '../errors';
import { dropOwnDatabase } from '../connection/drop-database';
import { serverInfo, type ServerInfo } from '../connection/server-info';
import { quoteIdent } from '../connection/identifier';

/** `pgbackup_drill_<db>_<yyyymmddhhmmss>` (UTC): lower-case, one identifier, within NAMEDATALEN. */
export function scratchDatabaseName(database: string | undefined, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const db =
    (database ?? 'dump')
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'dump';
  return `pgbackup_drill_${db.slice(0, 63 - 'pgbackup_drill__'.length - stamp.length)}_${stamp}`;
}

/** Creates the database; returns what the server is. */
export async function createScratchDatabase(
  server: ConnParams,
  password: string | undefined,
  name: string,
): Promise<ServerInfo> {
  return withClient(server, { password }, async (c) => {
    const info = await serverInfo(c);
    await c.query(`create database ${quoteIdent(name)} template template0`).catch((e: Error) => {
      throw new PgBackupError(
        `Cannot create the scratch database ${name} on ${describeParams(server)}: ${e.message}`,
        'database',
        {
          detail: e.message,
          hint: 'The drill needs a role that may create databases (CREATEDB), or a throwaway local cluster.',
        },
      );
    });
    return info;
  });
}

/** How long a drop after a failure waits for a server that went away (restarting) to take connections again. */
export const DROP_RETRY = { attempts: 10, delayMs: 1000 };

/**
 * Drops it, ending sessions still in it (a cancelled pg_restore's backend may linger for a moment). `retry`: try
 * again while the server does not answer (after a drill failed because it went away, it may be restarting).
 */
export async function dropScratchDatabase(
  server: ConnParams,
  password: string | undefined,
  name: string,
  major: number,
  retry = { attempts: 1, delayMs: 0 },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withClient(server, { password, connectTimeoutSec: 5 }, (c) => dropOwnDatabase(c, name, major));
      return;
    } catch (e) {
      if (attempt >= retry.attempts) throw e;
      await new Promise((r) => setTimeout(r, retry.delayMs));
    }
  }
}
