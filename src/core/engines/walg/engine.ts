/**
 * The WAL-G engine: `walg:NAME` with `--config ENVFILE` (the environment file config.ts writes). WAL-G runs as the
 * cluster's OS user with that environment plus the caller's (where the access keys are). Every call needs the
 * wal-g binary; without it each says so (tool-missing) and only the generated configuration and restoreArgv work.
 */
import { appendFile, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { serverOwner } from '../../drill/server-owner';
import { PgBackupError, isPgBackupError } from '../../errors';
import { renderRecoveryFiles } from '../../pitr/render';
import { runTool } from '../../process/run-tool';
import { findOnPath } from '../find-binary';
import { planRepoRestore } from '../restore-plan';
import type { BackupEngine, EngineRunOptions, RepoBackup, RepoInfo, RepoRestoreRequest, RepoSpec } from '../types';
import { parseWalgBackupList } from './backup-list';
import { RETAIN_FULL_VARIABLE, parseWalgEnvFile, walgFetchArgv } from './config';

/** "wal-g version v3.0.3\t3f88f3c\t2024.08.08_17:53:40\tPostgreSQL" → "3.0.3". */
export function parseWalgVersion(output: string): string | undefined {
  return /version\s+v?(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

async function discover(): Promise<{ path: string; version: string } | undefined> {
  const path = await findOnPath('wal-g');
  if (!path) return undefined;
  const out = await runTool({ file: path, args: ['--version'] }).catch(() => undefined);
  const version = out && parseWalgVersion(out.stdout + out.stderr);
  return version ? { path, version } : undefined;
}

interface WalgRunner {
  env: Record<string, string>;
  run(step: string, args: string[], more?: { processGroup?: boolean; env?: Record<string, string> }): Promise<string>;
}

async function walgRunner(repo: RepoSpec, o: EngineRunOptions = {}): Promise<WalgRunner> {
  const file = await findOnPath('wal-g');
  if (!file)
    throw new PgBackupError('WAL-G is not installed: there is no wal-g on PATH.', 'tool-missing', {
      hint: 'Install the wal-g binary for PostgreSQL (github.com/wal-g/wal-g releases), then try again.',
    });
  if (!repo.config)
    throw new PgBackupError('A WAL-G repository needs --config: the environment file with its storage.', 'usage');
  const env = parseWalgEnvFile(
    await readFile(repo.config, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new PgBackupError(
        `Cannot read the WAL-G environment file ${repo.config}: ${e.code ?? e.message}.`,
        'input',
      );
    }),
  );
  const owner = serverOwner(o.log);
  return {
    env,
    run: async (step, args, more = {}) => {
      try {
        const r = await owner.run({
          file,
          args,
          env: { ...env, ...more.env },
          cwd: '/',
          signal: o.signal,
          processGroup: more.processGroup,
          onStderrLine: o.onLine,
        });
        return r.stdout;
      } catch (e) {
        if (!isPgBackupError(e) || e.kind !== 'tool-failed') throw e;
        const reason = e.message.replace(/^\S+ failed: /, '').replace(/^ERROR: [\d/: .]+/, '');
        throw new PgBackupError(`WAL-G ${step} of "${repo.name}" failed: ${reason}`, 'tool-failed', {
          detail: e.detail,
        });
      }
    },
  };
}

async function list(r: WalgRunner) {
  return parseWalgBackupList(await r.run('info', ['backup-list', '--json', '--detail']));
}

async function info(repo: RepoSpec, o: EngineRunOptions = {}): Promise<RepoInfo> {
  const r = await walgRunner(repo, o);
  const [found, l] = await Promise.all([discover(), list(r)]);
  return {
    repo,
    engineVersion: found?.version ?? 'unknown',
    status: { ok: true, message: 'ok' },
    pgVersion: l.pgVersion,
    systemId: l.systemId,
    backups: l.backups,
    archive: undefined,
  };
}

/** `wal-g backup-push` over the replication protocol: full (--full), diff (a delta from the newest full), incr. */
async function backup(repo: RepoSpec, type: string, o: EngineRunOptions = {}): Promise<RepoBackup> {
  const r = await walgRunner(repo, o);
  const before = new Set((await list(r)).backups.map((b) => b.label));
  const env: Record<string, string> =
    type === 'full'
      ? {}
      : {
          WALG_DELTA_MAX_STEPS: r.env.WALG_DELTA_MAX_STEPS ?? '6',
          WALG_DELTA_ORIGIN: type === 'diff' ? 'LATEST_FULL' : 'LATEST',
        };
  o.onProgress?.(undefined, `WAL-G is backing up (${type})…`);
  await r.run('backup', ['backup-push', ...(type === 'full' ? ['--full'] : [])], { processGroup: true, env });
  const made = (await list(r)).backups.filter((b) => !before.has(b.label)).at(-1);
  if (!made) throw new PgBackupError('WAL-G backup-push finished but no new backup is listed.', 'tool-failed');
  return made;
}

async function verify(repo: RepoSpec, o: EngineRunOptions = {}): Promise<{ ok: boolean; message: string }> {
  const r = await walgRunner(repo, o);
  const out = await r.run('verify', ['wal-verify', 'integrity', 'timeline']);
  const ok = !/\b(FAILURE|LOST_SEGMENTS)\b/.test(out);
  return { ok, message: out.trim().split('\n').at(-1) ?? (ok ? 'ok' : 'failed') };
}

/** Full backups older than the newest N (PGBACKUP_WALG_RETAIN_FULL), with the deltas based on them. */
export function walgObsolete(backups: readonly RepoBackup[], keepFull: number): string[] {
  const fulls = backups.filter((b) => b.type === 'full');
  const oldestKept = fulls.at(-keepFull);
  if (!oldestKept || fulls.length <= keepFull) return [];
  return backups.filter((b) => b.startedAt < oldestKept.startedAt).map((b) => b.label);
}

async function expire(repo: RepoSpec, o: EngineRunOptions & { dryRun?: boolean } = {}): Promise<{ removed: string[] }> {
  const r = await walgRunner(repo, o);
  const keep = Number(r.env[RETAIN_FULL_VARIABLE]);
  if (!Number.isInteger(keep) || keep < 1)
    throw new PgBackupError(
      `The WAL-G environment file sets no ${RETAIN_FULL_VARIABLE}: how many full backups to keep.`,
      'usage',
    );
  const removed = walgObsolete((await list(r)).backups, keep);
  if (!o.dryRun && removed.length) await r.run('expire', ['delete', 'retain', 'FULL', String(keep), '--confirm']);
  return { removed };
}

/** `wal-g backup-fetch` into a hidden partial folder, recovery configured (restore_command wal-g wal-fetch), renamed. */
async function restore(req: RepoRestoreRequest, o: EngineRunOptions = {}): Promise<{ label: string; to: string }> {
  const entries = await readdir(req.to).catch((e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' ? [] : Promise.reject(e),
  );
  if (entries.length) throw new PgBackupError(`${req.to} is not empty: restore into an empty or new folder.`, 'input');
  const r = await walgRunner(req.repo, o);
  const l = await list(r);
  const { backup: chosen } = planRepoRestore(
    { repo: req.repo, engineVersion: '', status: { ok: true, message: '' }, backups: l.backups },
    req,
  );
  const partial = join(dirname(req.to), `.${basename(req.to)}.partial`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true, mode: 0o700 });
  const owner = serverOwner(o.log);
  try {
    await owner.adopt(partial, o.signal);
    await r.run('restore', walgFetchArgv(partial, chosen.label).slice(1), { processGroup: true });
    const files = renderRecoveryFiles({
      serverMajor: Number(chosen.pgVersion ?? 15),
      target: req.target,
      inclusive: req.inclusive ?? true,
      timeline: 'latest',
      action: req.action ?? 'promote',
      source: { kind: 'walg' },
    });
    for (const f of files) await (f.mode === 'append' ? appendFile : writeFile)(join(partial, f.name), f.content);
    await owner.adopt(partial, o.signal);
    await rmdir(req.to).catch(() => undefined);
    await rename(partial, req.to);
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
  return { label: chosen.label, to: req.to };
}

export const walgEngine: BackupEngine = {
  name: 'walg',
  discover,
  info,
  backup,
  verify,
  expire,
  restore,
  restoreArgv: (req) => walgFetchArgv(req.to, req.label),
};
