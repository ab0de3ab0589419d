/** What every `repo …` command shares: the `<repo>` argument with --config, and the engine's progress on stderr. */
import { PgBackupError } from '../core/errors';
import { parseRepoSpec } from '../core/engines/repo-spec';
import type { EngineRunOptions, RepoSpec } from '../core/engines/types';
import type { CliIo } from './command';
import { flag, type FlagSpec, type ParsedArgs } from './flags';

export const REPO_ARG = '<repo>';
export const CONFIG_FLAG: FlagSpec = { value: 'FILE', help: "the engine's config file when not its default" };

export function repoArgument(p: ParsedArgs, command: string): RepoSpec {
  if (p.positional.length !== 1)
    throw new PgBackupError(`Name one repository: pg-backup ${command} pgbackrest:STANZA.`, 'usage');
  return parseRepoSpec(p.positional[0], flag(p, 'config'));
}

export const VERBOSE_FLAG: FlagSpec = { help: "print the engine's command lines and every line it logs" };

/** The engine's progress ("Copying files (42%)", else its own words), and all it prints with --verbose. */
export function engineProgress(io: CliIo, verbose: boolean): EngineRunOptions {
  return {
    signal: io.signal,
    onProgress: (_fraction, message) => io.progress(message),
    ...(verbose ? { onLine: (line: string) => io.err(line), log: (line: string) => io.err(`$ ${line}`) } : {}),
  };
}
