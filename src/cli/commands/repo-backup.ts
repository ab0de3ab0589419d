import { engineFor } from '../../core/engines';
import type { RepoBackupType } from '../../core/engines/types';
import { PgBackupError } from '../../core/errors';
import { formatBytes, formatDuration } from '../../core/format';
import { defineCommand, EXIT } from '../command';
import { flag, has } from '../flags';
import { CONFIG_FLAG, engineProgress, REPO_ARG, repoArgument, VERBOSE_FLAG } from '../repo-arg';

const TYPES: readonly RepoBackupType[] = ['full', 'diff', 'incr'];

export const repoBackupCommand = defineCommand({
  name: 'repo backup',
  args: REPO_ARG,
  flags: {
    config: CONFIG_FLAG,
    type: {
      value: 'full|diff|incr',
      help: 'the backup type (default incr; the engine takes a full one when there is none)',
    },
    json: { help: 'print the new backup as JSON' },
    verbose: VERBOSE_FLAG,
  },
  summary:
    'Take a backup into a repository with the engine (pgbackrest backup), with progress; Ctrl-C stops it cleanly.',
  async run(p, io) {
    const repo = repoArgument(p, 'repo backup');
    const type = (flag(p, 'type') ?? 'incr') as RepoBackupType;
    if (!TYPES.includes(type)) throw new PgBackupError(`--type must be full, diff or incr, not "${type}".`, 'usage');
    const b = await (await engineFor(repo)).backup(repo, type, engineProgress(io, has(p, 'verbose')));
    if (has(p, 'json')) io.out(JSON.stringify(b, null, 2));
    else
      io.out(
        [
          `Backup ${b.label} (${b.type}) done in ${formatDuration(Date.parse(b.stoppedAt) - Date.parse(b.startedAt))}`,
          `  database:   ${b.databaseBytes === undefined ? '?' : formatBytes(b.databaseBytes)}`,
          `  repository: ${b.repositoryBytes === undefined ? '?' : `+${formatBytes(b.repositoryBytes)}`}`,
          `  LSN:        ${b.startLsn ?? '?'} – ${b.stopLsn ?? '?'}`,
          ...(b.references.length ? [`  based on:   ${b.references.join(', ')}`] : []),
        ].join('\n'),
      );
    return EXIT.ok;
  },
});
