/**
 * `pgbackrest restore` into a folder of the user's choosing (--pg1-path), with recovery configured by pgBackRest
 * for the target (--type, --target, --target-action) from the backup planRepoRestore picked (--set). It restores
 * into a hidden `.NAME.partial-…` folder next to the destination and renames it when pgBackRest succeeded:
 * nothing incomplete is ever left under the final name, and a cancel or failure removes the partial folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { serverOwner } from '../../drill/server-owner';
import { PgBackupError } from '../../errors';
import { takesInclusive } from '../../pitr/model';
import { recoveryTargetTimeLiteral } from '../../pitr/time';
import { planRepoRestore } from '../restore-plan';
import type { EngineRunOptions, RepoRestoreRequest } from '../types';
import { readPgbackrestInfo } from './info';
import { progressLines } from './progress';
import { pgbackrestArgv, runPgbackrest } from './run';

/** The restore's options for pgBackRest: target type, target (exclusive or not), action, backup set, destination. */
export function restoreOptions(req: RepoRestoreRequest, to = req.to): string[] {
  const t = req.target;
  const args: string[] = [];
  if (t.kind === 'latest') args.push('--type=default');
  else if (t.kind === 'immediate') args.push('--type=immediate');
  else {
    const value = t.kind === 'time' ? recoveryTargetTimeLiteral(t.value ?? '') : (t.value ?? '').trim();
    args.push(`--type=${t.kind}`, `--target=${value}`);
    if (req.inclusive === false && takesInclusive(t.kind)) args.push('--target-exclusive');
  }
  // pgBackRest refuses a target action without a target.
  if (t.kind !== 'latest') args.push(`--target-action=${req.action ?? 'promote'}`);
  if (req.label) args.push(`--set=${req.label}`);
  args.push(`--pg1-path=${to}`);
  return args;
}

/** The restore as the user would type it (the PITR builder's output, the runbook). */
export function pgbackrestRestoreArgv(req: RepoRestoreRequest): string[] {
  return ['pgbackrest', ...pgbackrestArgv(req.repo, 'restore', restoreOptions(req))];
}

async function checkDestination(to: string): Promise<void> {
  const entries = await readdir(to).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw new PgBackupError(`Cannot restore into ${to}: ${e.message}`, 'input');
  });
  if (entries.length)
    throw new PgBackupError(`Cannot restore into ${to}: the folder is not empty.`, 'input', {
      hint: 'Name a new or empty folder: a restore never writes into existing files.',
    });
}

/**
 * pgBackRest writes the restore's --pg1-path into restore_command (`archive-get` needs it): the partial folder's
 * name becomes the final one before the rename. The file keeps its owner and mode (written in place).
 */
async function pointSettingsAt(partial: string, to: string): Promise<void> {
  const file = join(partial, 'postgresql.auto.conf');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text?.includes(partial)) await writeFile(file, text.split(partial).join(to));
}

export async function restorePgbackrest(
  req: RepoRestoreRequest,
  o: EngineRunOptions = {},
): Promise<{ label: string; to: string }> {
  if (!req.to.startsWith('/')) throw new PgBackupError(`Restore into an absolute path, not "${req.to}".`, 'usage');
  await checkDestination(req.to);
  o.onProgress?.(undefined, 'Reading the repository');
  const info = await readPgbackrestInfo(req.repo, o);
  const { backup } = planRepoRestore(info, req);
  const partial = join(dirname(req.to), `.${basename(req.to)}.partial-${randomBytes(4).toString('hex')}`);
  const owner = serverOwner(o.log);
  try {
    await mkdir(partial, { recursive: true, mode: 0o700 });
    await owner.adopt(partial, o.signal);
    await runPgbackrest({
      repo: req.repo,
      command: 'restore',
      step: 'restore',
      args: ['--log-level-console=detail', ...restoreOptions({ ...req, label: backup.label }, partial)],
      env: o.env,
      signal: o.signal,
      log: o.log,
      onLine: progressLines(o.onProgress, o.onLine, 'Restoring'),
    });
    await pointSettingsAt(partial, req.to);
    await rename(partial, req.to);
    return { label: backup.label, to: req.to };
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}
