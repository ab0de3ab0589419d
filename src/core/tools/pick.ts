import { PgBackupError } from '../errors';
import type { ToolName, ToolSet } from './discover';

/** How to get client tools of a given major on this platform. */
export function installAdvice(major: number, platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return `brew install postgresql@${major} (or Postgres.app), then add its bin folder to "pgBackup.toolFolders".`;
    case 'win32':
      return `Install PostgreSQL ${major} command line tools with the EDB installer from postgresql.org/download/windows, then add its bin folder to "pgBackup.toolFolders".`;
    default:
      return `sudo apt install postgresql-client-${major} (Debian/Ubuntu, from the PGDG apt repository at apt.postgresql.org) or sudo dnf install postgresql${major} (RHEL/Fedora, PGDG repository); or add a folder to "pgBackup.toolFolders".`;
  }
}

/**
 * Picks the tool set for a server: the lowest major that is >= the server's. pg_dump refuses a server newer
 * than itself, and an older pg_restore cannot read a newer archive; the lowest fitting major keeps the output
 * readable by as many pg_restore versions as possible.
 */
export function pickToolSet(
  sets: readonly ToolSet[],
  serverMajor: number,
  serverVersion: string,
  tool: ToolName = 'pg_dump',
): ToolSet {
  const usable = sets.filter((s) => s.major >= serverMajor && s.tools[tool]).sort((a, b) => a.major - b.major);
  if (usable.length) return usable[0];
  const found = sets.filter((s) => s.tools[tool]).map((s) => s.version);
  const what = found.length
    ? `only ${tool} ${found.join(', ')} ${found.length > 1 ? 'are' : 'is'} installed`
    : `no ${tool} was found`;
  throw new PgBackupError(
    `The server runs PostgreSQL ${serverVersion}, but ${what}: ${tool} must be version ${serverMajor} or newer.`,
    found.length ? 'tool-version' : 'tool-missing',
    { hint: installAdvice(serverMajor) },
  );
}

/** The path of one tool in a set, or a clear error. */
export function toolPath(set: ToolSet, tool: ToolName): string {
  const p = set.tools[tool];
  if (!p)
    throw new PgBackupError(`${tool} ${set.major} is not installed in ${set.dir}.`, 'tool-missing', {
      hint: installAdvice(set.major),
    });
  return p;
}
