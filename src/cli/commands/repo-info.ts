import { engineFor } from '../../core/engines';
import { describeRepo } from '../../core/engines/repo-spec';
import type { RepoBackup, RepoInfo } from '../../core/engines/types';
import { formatBytes, formatDuration } from '../../core/format';
import { defineCommand, EXIT } from '../command';
import { has } from '../flags';
import { CONFIG_FLAG, REPO_ARG, repoArgument } from '../repo-arg';

const when = (iso: string) => iso.slice(0, 19).replace('T', ' ');
const size = (n: number | undefined) => (n === undefined ? '?' : formatBytes(n));

function backupRow(b: RepoBackup): string[] {
  return [
    b.label,
    b.type,
    when(b.startedAt),
    formatDuration(Date.parse(b.stoppedAt) - Date.parse(b.startedAt)),
    size(b.databaseBytes),
    size(b.repositoryBytes),
    `${b.startLsn ?? '?'}–${b.stopLsn ?? '?'}`,
    `${b.walStart ?? '?'}–${b.walStop ?? '?'}`,
    b.references.join(', ') || '-',
  ];
}

/** The repository as a table: one line per backup, oldest first, then the archive range. */
export function describeRepoInfo(info: RepoInfo): string[] {
  const head = [
    `${describeRepo(info.repo)} · ${info.repo.engine} ${info.engineVersion}` +
      (info.pgVersion ? ` · PostgreSQL ${info.pgVersion}` : '') +
      (info.systemId ? ` · system id ${info.systemId}` : ''),
    `status: ${info.status.message}${info.backupRunning ? ' (a backup is running)' : ''}`,
  ];
  const rows = [
    ['LABEL', 'TYPE', 'STARTED (UTC)', 'TOOK', 'DATABASE', 'IN REPO', 'LSN', 'WAL', 'REFERENCES'],
    ...info.backups.map(backupRow),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  const errors = info.backups.filter((b) => b.error).map((b) => `${b.label}: ${b.error}`);
  const a = info.archive;
  return [
    ...head,
    ...(info.backups.length ? table : ['no backups yet']),
    ...errors,
    a?.min ? `WAL archive: ${a.min} … ${a.max}${a.timeline ? ` (timeline ${a.timeline})` : ''}` : 'WAL archive: empty',
  ];
}

export const repoInfoCommand = defineCommand({
  name: 'repo info',
  args: REPO_ARG,
  flags: { config: CONFIG_FLAG, json: { help: 'print the repository as JSON' } },
  summary:
    "A backup repository's backups (full/diff/incr, references, sizes, times, LSNs) and WAL archive, from the engine's JSON; exit 1 when the engine reports a problem.",
  async run(p, io) {
    const repo = repoArgument(p, 'repo info');
    const info = await (await engineFor(repo)).info(repo, { signal: io.signal });
    io.out(has(p, 'json') ? JSON.stringify(info, null, 2) : describeRepoInfo(info).join('\n'));
    return info.status.ok ? EXIT.ok : EXIT.difference;
  },
});
