/**
 * `pgbackrest backup --type=full|diff|incr` with progress from pgBackRest's file lines (progress.ts): `info` in
 * 2.45 shows only that the lock is held. Until the first file (checkpoint, archive checks) it is a spinner with
 * pgBackRest's own words.
 */
import { PgBackupError } from '../../errors';
import type { EngineRunOptions, RepoBackup, RepoBackupType, RepoSpec } from '../types';
import { readPgbackrestInfo } from './info';
import { progressLines } from './progress';
import { runPgbackrest } from './run';

const TYPE_WORDS: Record<RepoBackupType, string> = { full: 'a full', diff: 'a differential', incr: 'an incremental' };
const LABEL_LINE = /\bnew backup label = (\S+)/;

export function newBackupLabel(lines: readonly string[]): string | undefined {
  for (const l of lines) {
    const m = LABEL_LINE.exec(l);
    if (m) return m[1];
  }
  return undefined;
}

export async function backupPgbackrest(
  repo: RepoSpec,
  type: RepoBackupType,
  o: EngineRunOptions = {},
): Promise<RepoBackup> {
  const said: string[] = [];
  const progress = progressLines(o.onProgress, o.onLine, 'Copying');
  o.onProgress?.(undefined, `Starting ${TYPE_WORDS[type]} backup`);
  await runPgbackrest({
    repo,
    command: 'backup',
    step: 'backup',
    args: [`--type=${type}`, '--log-level-console=detail'],
    env: o.env,
    signal: o.signal,
    log: o.log,
    onLine: (line) => {
      if (LABEL_LINE.test(line)) said.push(line);
      progress(line);
    },
  });
  const label = newBackupLabel(said);
  const info = await readPgbackrestInfo(repo, { signal: o.signal, log: o.log, env: o.env });
  const made = info.backups.find((b) => b.label === label) ?? info.backups.at(-1);
  if (!made) throw new PgBackupError('pgBackRest backup reported success, but info lists no backup.', 'tool-failed');
  return made;
}
