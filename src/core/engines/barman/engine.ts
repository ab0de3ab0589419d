/**
 * The Barman engine: a Barman server (a section of a Barman configuration) behind the BackupEngine interface. Facts
 * come from `barman diagnose` and `barman -f json …`; backups, checks, retention and recovery are Barman's own
 * commands, run as Barman's OS user.
 */
import { mkdir, mkdtemp, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { serverOwner } from '../../drill/server-owner';
import { PgBackupError, isPgBackupError } from '../../errors';
import { runTool } from '../../process/run-tool';
import type { BackupEngine, EngineRunOptions, RepoBackup, RepoInfo, RepoRestoreRequest, RepoSpec } from '../types';
import { jsonMessages, parseDiagnose, parseListBackups } from './parse';
import { planRepoRestore } from '../restore-plan';
import { barmanBackupProgress } from './progress';
import { barmanRecoverArgs, barmanRecoverArgv } from './recover';
import { barmanCheck, barmanRunner, discoverBarman, type BarmanRunner } from './run';

/** Checks whose failure makes a backup impossible (others, like an old failed backup, do not). */
const BLOCKING_CHECKS = new Set([
  'postgresql',
  'postgresql_streaming',
  'directories',
  'pg_basebackup',
  'pg_basebackup_compatible',
  'receive_wal_running',
  'replication_slot',
  'superuser_or_standard_user_with_backup_privileges',
  'wal_level',
]);

async function diagnose(r: BarmanRunner, repo: RepoSpec) {
  const { stdout } = await r.run({ step: 'info', args: ['diagnose'] });
  return parseDiagnose(stdout, repo.name);
}

async function backupIds(r: BarmanRunner, repo: RepoSpec): Promise<string[]> {
  const { stdout } = await r.run({ step: 'list-backups', args: ['-f', 'json', 'list-backups', repo.name] });
  return parseListBackups(stdout, repo.name).map((b) => b.id);
}

async function info(repo: RepoSpec, o: EngineRunOptions = {}): Promise<RepoInfo> {
  const r = await barmanRunner(repo, o);
  const [d, status] = await Promise.all([diagnose(r, repo), barmanCheck(r, repo.name)]);
  return { repo, engineVersion: d.engineVersion, status: { ok: status.ok, message: status.message }, ...d.info };
}

/**
 * `barman backup --wait`: full only (backup_method = postgres has no incremental), and only when the checks a
 * backup needs pass, with the bytes copied so far against the database size as progress (./progress.ts). A
 * cancelled or failed backup is deleted from the catalog: nothing is left half-made.
 */
async function backup(repo: RepoSpec, type: string, o: EngineRunOptions = {}): Promise<RepoBackup> {
  if (type !== 'full') {
    throw new PgBackupError(`Barman takes full backups only (backup_method = postgres), not "${type}".`, 'usage', {
      hint: 'Back up with --type full.',
    });
  }
  const r = await barmanRunner(repo, o);
  const pre = await barmanCheck(r, repo.name);
  const blocking = pre.failed.filter((c) => BLOCKING_CHECKS.has(c));
  if (!pre.ok && (blocking.length || !pre.failed.length)) {
    throw new PgBackupError(`Barman check of "${repo.name}" ${pre.message}`, 'tool-failed', {
      hint: blocking.includes('receive_wal_running')
        ? `Start the WAL receiver with: barman${r.configFile ? ` -c ${r.configFile}` : ''} cron`
        : undefined,
    });
  }
  const start = await diagnose(r, repo);
  const before = new Set(start.info.backups.map((b) => b.label));
  o.onProgress?.(undefined, `Barman is backing up "${repo.name}"…`);
  const progress = barmanBackupProgress({
    server: repo.name,
    basebackupsDirectory: start.basebackupsDirectory,
    databaseBytes: start.databaseBytes,
    onProgress: o.onProgress,
  });
  try {
    await r
      .run({ step: 'backup', args: ['backup', '--wait', repo.name], processGroup: true, onLine: progress.line })
      .finally(progress.stop);
  } catch (e) {
    await removeNewBackups(repo, before, o);
    throw e;
  }
  const d = await diagnose(r, repo);
  const made = d.info.backups.filter((b) => !before.has(b.label)).at(-1);
  if (!made)
    throw new PgBackupError(`Barman backup of "${repo.name}" finished but no new backup is listed.`, 'tool-failed');
  if (made.error)
    throw new PgBackupError(`Barman backup ${made.label} of "${repo.name}" is ${made.error}.`, 'tool-failed');
  o.onProgress?.(1, `Barman backed up "${repo.name}": ${made.label}`);
  return made;
}

/** Deletes the backups a failed or cancelled `barman backup` left in the catalog (without the caller's signal). */
async function removeNewBackups(repo: RepoSpec, before: Set<string>, o: EngineRunOptions): Promise<void> {
  const r = await barmanRunner(repo, { onLine: o.onLine, log: o.log });
  const left = (await backupIds(r, repo).catch(() => [])).filter((id) => !before.has(id));
  for (const id of left) {
    await r.run({ step: 'delete', args: ['delete', repo.name, id] }).then(
      () => o.onLine?.(`removed the unfinished Barman backup ${id}`),
      (e) => o.onLine?.(`left the unfinished Barman backup ${id}: ${isPgBackupError(e) ? e.message : String(e)}`),
    );
  }
}

/** `barman check-backup` (the WAL from its start to its end is archived), then `verify-backup` (pg_verifybackup). */
async function verify(
  repo: RepoSpec,
  o: EngineRunOptions & { label?: string } = {},
): Promise<{ ok: boolean; message: string }> {
  const r = await barmanRunner(repo, o);
  const label = o.label ?? 'latest';
  const messages = async (step: string) => {
    const res = await r.run({ step, args: ['-f', 'json', step, repo.name, label], allowFailure: true });
    return { ok: res.ok && !jsonMessages(res.stdout, '_ERROR').length, errors: jsonMessages(res.stdout, '_ERROR') };
  };
  const wal = await messages('check-backup');
  if (!wal.ok) return { ok: false, message: `check-backup of ${label}: ${wal.errors.join('; ') || 'failed'}` };
  const files = await messages('verify-backup');
  if (!files.ok && files.errors.some((e) => /pg_verifybackup/.test(e) && /not|missing|find/i.test(e)))
    return { ok: true, message: `check-backup of ${label}: WAL complete; verify-backup skipped: ${files.errors[0]}` };
  if (!files.ok) return { ok: false, message: `verify-backup of ${label}: ${files.errors.join('; ') || 'failed'}` };
  return {
    ok: true,
    message: `check-backup of ${label}: WAL complete; verify-backup: pg_verifybackup found no problem`,
  };
}

/** Deletes the backups Barman's retention policy marks OBSOLETE (`dryRun`: only names them). */
async function expire(repo: RepoSpec, o: EngineRunOptions & { dryRun?: boolean } = {}): Promise<{ removed: string[] }> {
  const r = await barmanRunner(repo, o);
  const { stdout } = await r.run({ step: 'list-backups', args: ['-f', 'json', 'list-backups', repo.name] });
  const obsolete = parseListBackups(stdout, repo.name)
    .filter((b) => b.retention === 'OBSOLETE')
    .map((b) => b.id);
  if (o.dryRun) return { removed: obsolete };
  for (const id of obsolete) await r.run({ step: 'delete', args: ['delete', repo.name, id] });
  return { removed: obsolete };
}

async function emptyOrAbsent(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw new PgBackupError(`Cannot read ${dir}: ${(e as Error).message}`, 'io');
  }
}

/**
 * A new empty folder Barman's user can write, for the restore to grow in: next to `to` when that user can write
 * there, else in a temp folder it can reach (a drill's scratch folder belongs to the server's user alone).
 */
async function stagingFolder(user: string, to: string, o: EngineRunOptions): Promise<string> {
  const owner = serverOwner(o.log, user);
  const parent = dirname(to);
  const writable = await owner.run({ file: 'test', args: ['-w', parent, '-a', '-x', parent], signal: o.signal }).then(
    () => true,
    () => false,
  );
  const dir = await mkdtemp(join(writable ? parent : await owner.tempFolder(o.signal), `.${basename(to)}.partial-`));
  await owner.adopt(dir, o.signal);
  return dir;
}

/** Renames, or moves across file systems (a staging folder in /tmp). */
async function moveInto(from: string, to: string, o: EngineRunOptions): Promise<void> {
  if (await emptyOrAbsent(to)) await rmdir(to).catch(() => undefined);
  await rename(from, to).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EXDEV') throw e;
    await runTool({ file: 'mv', args: ['-T', from, to], signal: o.signal, log: o.log });
  });
}

/**
 * `barman recover` into a staging folder (Barman's user writes it), handed to the cluster's OS user and moved to
 * `to` when Barman succeeded; removed on failure or cancel. Barman configures the recovery (restore_command from
 * the WAL it copies into the folder, the target, the action).
 */
async function restore(req: RepoRestoreRequest, o: EngineRunOptions = {}): Promise<{ label: string; to: string }> {
  if (!req.to.startsWith('/')) throw new PgBackupError(`Restore into an absolute path, not "${req.to}".`, 'usage');
  if (!(await emptyOrAbsent(req.to)))
    throw new PgBackupError(`${req.to} is not empty: restore into an empty or new folder.`, 'input');
  const r = await barmanRunner(req.repo, o);
  const d = await diagnose(r, req.repo);
  const info = { repo: req.repo, engineVersion: d.engineVersion, status: { ok: true, message: '' }, ...d.info };
  const chosen = planRepoRestore(info, req).backup;
  if (chosen.error)
    throw new PgBackupError(`Barman backup ${chosen.label} cannot be restored: it is ${chosen.error}.`, 'input');
  await mkdir(dirname(req.to), { recursive: true });
  const staging = await stagingFolder(r.user, req.to, o);
  try {
    o.onProgress?.(undefined, `Barman is recovering backup ${chosen.label} into ${req.to}…`);
    await r.run({
      step: 'recover',
      args: barmanRecoverArgs({ ...req, label: chosen.label }, staging),
      processGroup: true,
    });
    await serverOwner(o.log).adopt(staging, o.signal);
    await moveInto(staging, req.to, o);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    o.onLine?.(`removed ${staging}`);
    throw e;
  }
  return { label: chosen.label, to: req.to };
}

export const barmanEngine: BackupEngine = {
  name: 'barman',
  discover: discoverBarman,
  info,
  backup,
  verify,
  expire,
  restore,
  restoreArgv: (req) => barmanRecoverArgv(req),
};
