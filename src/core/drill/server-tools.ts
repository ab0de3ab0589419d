import { PgBackupError } from '../errors';
import type { ToolSet } from '../tools/discover';

/**
 * The tool set that can run a throwaway server for a drill. A base backup needs its own major (`same`): a data
 * directory only starts under the server that wrote it. A logical dump restores into its own major or any newer
 * one (`same-or-newer`): the dump's own is preferred, else the lowest newer, the closest to what it came from.
 */
export function drillToolSet(
  sets: readonly ToolSet[],
  major: number | undefined,
  accept: 'same' | 'same-or-newer' = 'same',
): ToolSet {
  if (major === undefined)
    throw new PgBackupError(
      'The backup has no readable PG_VERSION, so the drill cannot pick a server version.',
      'input',
    );
  const servers = sets
    .filter((s) => s.tools.pg_ctl && (accept === 'same' || s.tools.initdb))
    .sort((a, b) => a.major - b.major);
  const set =
    servers.find((s) => s.major === major) ??
    (accept === 'same-or-newer' ? servers.find((s) => s.major > major) : undefined);
  if (set) return set;
  const found = servers.map((s) => s.major);
  const wanted =
    accept === 'same'
      ? `the PostgreSQL ${major} server (pg_ctl ${major})`
      : `a PostgreSQL ${major} or newer server (initdb and pg_ctl)`;
  throw new PgBackupError(
    `A drill of this backup needs ${wanted}; ${found.length ? `found only ${found.join(', ')}` : 'none was found'}.`,
    'tool-missing',
    { hint: `Install the PostgreSQL ${major} server package, or add its bin folder to pgBackup.toolFolders.` },
  );
}
