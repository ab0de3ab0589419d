import * as vscode from 'vscode';
import type { BackupSummary } from '../../common/pitr-protocol';
import { appendRepoDrillLog, runRepoDrill, type RepoDrillResult } from '../../core/engines/repo-drill';
import type { RepoBackup, RepoInfo, RepoRestoreRequest, RepoSpec } from '../../core/engines/types';
import { PgBackupError } from '../../core/errors';
import type { PitrModel } from '../../core/pitr/model';
import { shWord } from '../../core/pitr/quote';
import type { RecoverableWindow } from '../../core/pitr/window';
import type { ToolSet } from '../../core/tools/discover';
import type { Ctx } from '../context';
import { engineFor } from '../../core/engines';
import { repoWindow } from '../../core/engines/restore-plan';
import { repositoryEnv } from './engine-progress';
import { savedRepository, repoText } from './settings';

export interface RepositoryBackupFacts {
  repo: RepoSpec;
  info: RepoInfo;
  backup: RepoBackup;
  summary: BackupSummary;
  window: RecoverableWindow;
}

const majorOf = (v: string | undefined) => (v && /^\d+/.test(v) ? parseInt(v, 10) : undefined);

/** What the PITR builder is told about one backup of a connection's repository, and its window, from the engine. */
export async function repositoryBackupFacts(
  ctx: Ctx,
  key: string,
  connection: string,
  label: string,
  toolSets: readonly ToolSet[],
): Promise<RepositoryBackupFacts> {
  const repo = savedRepository(ctx, connection);
  const info = await ctx.backupsTree.repositories.info(connection, repo);
  const backup = info.backups.find((b) => b.label === label);
  if (!backup)
    throw new PgBackupError(`${repoText(repo)} has no backup ${label} (any more).`, 'input', {
      hint: 'Refresh the Backups view: the repository may have expired it.',
    });
  const serverMajor = majorOf(backup.pgVersion) ?? majorOf(info.pgVersion);
  const summary: BackupSummary = {
    dir: key,
    repository: {
      connection,
      repo,
      label,
      type: backup.type,
      references: backup.references,
      stoppedAt: backup.stoppedAt,
      ...(backup.stopLsn ? { stopLsn: backup.stopLsn } : {}),
      ...(info.archive ? { archive: { min: info.archive.min, max: info.archive.max } } : {}),
    },
    format: 'plain',
    serverMajor,
    label,
    startTime: backup.startedAt,
    startLsn: backup.startLsn,
    timeline: backup.timeline,
    binDir: toolSets.find((s) => s.major === serverMajor && s.tools.pg_ctl)?.dir,
    notes: backup.error ? [`The engine marks this backup: ${backup.error}`] : [],
  };
  return { repo, info, backup, summary, window: repoWindow(info, backup) };
}

/** The engine's restore request for the builder's model: this backup (`--set`), the target and the action. */
export function restoreRequest(repo: RepoSpec, label: string, model: PitrModel, to: string): RepoRestoreRequest {
  return {
    repo,
    to,
    target: model.target,
    ...(model.inclusive ? {} : { inclusive: false }),
    ...(model.target.kind === 'latest' ? {} : { action: model.action }),
    label,
  };
}

/** The engine's restore as argv (the core's restoreArgv) and as a line for the runbook. */
export async function repositoryRestoreCommand(req: RepoRestoreRequest): Promise<{ argv: string[]; line: string }> {
  const argv = (await engineFor(req.repo)).restoreArgv(req);
  return { argv, line: argv.map(shWord).join(' ') };
}

/**
 * Run a drill here, for a repository backup: the core's repository drill restores it with the engine into a
 * scratch folder, recovers it to the model's target on a throwaway server and reports the tables that came back.
 * It is logged with the other drills (the workspace folder's .pgbackup/drills.jsonl), where the RTO status reads it.
 */
export async function repositoryDrill(
  ctx: Ctx,
  connection: string,
  repo: RepoSpec,
  label: string,
  model: PitrModel,
  o: { signal: AbortSignal; onProgress: (step: string, percent: number) => void },
): Promise<RepoDrillResult> {
  const env = await repositoryEnv(ctx, connection, repo);
  const result = await runRepoDrill({
    repo,
    label,
    target: model.target,
    inclusive: model.inclusive,
    toolSets: await ctx.tools.all(),
    signal: o.signal,
    onProgress: o.onProgress,
    log: (line) => ctx.log.command(line),
    ...(env ? { env } : {}),
  });
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) {
    const files = await appendRepoDrillLog(folder, result);
    ctx.log.info(`Repository drill logged to ${files.markdown}`);
  }
  return result;
}
