/** The `<repo>` argument: `pgbackrest:STANZA`, `barman:SERVER` or `walg:NAME`, with the engine's config file. Pure. */
import { PgBackupError } from '../errors';
import type { EngineName, RepoSpec } from './types';

export const ENGINE_NAMES: readonly EngineName[] = ['pgbackrest', 'barman', 'walg'];

/** Whether a CLI argument names a repository rather than a file or folder (`pgbackrest:…`, `barman:…`). */
export function isRepoArgument(text: string): boolean {
  return ENGINE_NAMES.some((e) => text.startsWith(`${e}:`));
}

/** Stanza and server names the engines accept: no spaces, slashes or shell syntax. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function parseRepoSpec(text: string, config?: string): RepoSpec {
  const colon = text.indexOf(':');
  const engine = text.slice(0, colon) as EngineName;
  const name = text.slice(colon + 1);
  if (colon < 0 || !ENGINE_NAMES.includes(engine))
    throw new PgBackupError(`"${text}" is not a repository: write pgbackrest:STANZA or barman:SERVER.`, 'usage');
  if (!NAME.test(name))
    throw new PgBackupError(
      `"${name}" is not a valid ${engine === 'pgbackrest' ? 'stanza' : 'server'} name: letters, digits, ".", "_" and "-".`,
      'usage',
    );
  if (config !== undefined && !config.startsWith('/'))
    throw new PgBackupError(`The config file must be an absolute path, not "${config}".`, 'usage');
  return { engine, name, ...(config !== undefined ? { config } : {}) };
}

/** `pgbackrest:demo` (and the config file when not the default). */
export function describeRepo(r: RepoSpec): string {
  return `${r.engine}:${r.name}${r.config ? ` (${r.config})` : ''}`;
}
