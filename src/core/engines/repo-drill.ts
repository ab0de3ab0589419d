/**
 * A drill from a backup repository: the engine restores a backup (the newest by default) into a scratch folder with
 * recovery configured for the target (default: immediate, the backup's consistent end), a throwaway server recovers
 * and is promoted on a private socket, and what came back (each user table and its exact row count) is reported
 * and logged with the other drills. The PITR drill's server, wait and cleanup (src/core/drill/pitr-drill.ts) run it.
 */
import { appendDrillLogEntry, type DrillLogFiles } from '../drill/drill-log';
import { drillToolSet, runPitrDrill } from '../drill/pitr-drill';
import type { PitrDrillResult } from '../drill/pitr-drill-result';
import { formatDuration } from '../format';
import { describeTarget, type ArchiveSource, type PitrModel, type RecoveryTarget } from '../pitr/model';
import type { ToolSet } from '../tools/discover';
import { engineFor } from './index';
import { describeRepo } from './repo-spec';
import { planRepoRestore } from './restore-plan';
import type { RepoBackupType, RepoSpec } from './types';

export interface RepoDrillOptions {
  repo: RepoSpec;
  /** A backup label; default the newest backup. */
  label?: string;
  /** Default immediate: the backup's own consistent state. */
  target?: RecoveryTarget;
  /** Stop just after the target (the default) or just before it (time, xid and lsn targets). */
  inclusive?: boolean;
  toolSets: readonly ToolSet[];
  signal?: AbortSignal;
  onProgress?: (step: string, percent: number) => void;
  log?: (line: string) => void;
  /**
   * The repository's secrets (EngineRunOptions.env): for the engine's info and restore, and for the throwaway
   * server, whose restore_command (`pgbackrest archive-get`) reads the archive from the repository too.
   */
  env?: Record<string, string>;
}

export interface RepoDrillResult extends PitrDrillResult {
  /** `pgbackrest:demo` and the backup, as the drill log keys them (`backup.path`). */
  backup: { path: string; name: string; type: RepoBackupType; stoppedAt: string };
  engine: { name: string; version: string };
  target: RecoveryTarget;
  inclusive: boolean;
  passed: boolean;
  problems: string[];
  startedAt: string;
  totalRows: number;
}

function sourceOf(repo: RepoSpec): ArchiveSource {
  return repo.engine === 'barman'
    ? { kind: 'barman', host: 'localhost', server: repo.name }
    : repo.engine === 'walg'
      ? { kind: 'walg' }
      : { kind: 'pgbackrest', stanza: repo.name, ...(repo.config ? { config: repo.config } : {}) };
}

export async function runRepoDrill(o: RepoDrillOptions): Promise<RepoDrillResult> {
  const startedAt = new Date().toISOString();
  const engine = await engineFor(o.repo);
  o.onProgress?.('Reading the repository', 0);
  const info = await engine.info(o.repo, { signal: o.signal, log: o.log, env: o.env });
  const target = o.target ?? { kind: 'immediate' };
  const inclusive = o.inclusive ?? true;
  const { backup } = planRepoRestore(info, { repo: o.repo, to: '/', target, inclusive, label: o.label });
  const major = Number(backup.pgVersion ?? info.pgVersion);
  const model: PitrModel = {
    serverMajor: major,
    target,
    inclusive,
    timeline: 'latest',
    action: 'promote',
    source: sourceOf(o.repo),
  };
  const result = await runPitrDrill({
    model,
    toolSet: drillToolSet(o.toolSets, major),
    signal: o.signal,
    log: o.log,
    onProgress: o.onProgress,
    serverEnv: o.env,
    restore: async (dataDir, onProgress) => {
      await engine.restore(
        { repo: o.repo, to: dataDir, target, inclusive, action: 'promote', label: backup.label },
        { signal: o.signal, log: o.log, env: o.env, onProgress: (f) => onProgress(f) },
      );
    },
  });
  const problems: string[] = [];
  if (!result.reachedTarget) problems.push('Recovery did not report reaching the target.');
  if (result.end !== 'promoted') problems.push(`Recovery ended ${result.end}, not promoted.`);
  if (!result.tables.length) problems.push('No user tables came back.');
  return {
    ...result,
    backup: { path: describeRepo(o.repo), name: backup.label, type: backup.type, stoppedAt: backup.stoppedAt },
    engine: { name: engine.name, version: info.engineVersion },
    target,
    inclusive,
    passed: problems.length === 0,
    problems,
    startedAt,
    totalRows: result.tables.reduce((n, t) => n + t.rows, 0),
  };
}

const n = (x: number) => x.toLocaleString('en-US');

/** "- 2026-12-02 03:40 UTC · PASSED · pgbackrest:demo 20261202-032332F (full) · restored and recovered to immediate in 4.2s … · 3 tables, 1,200 rows". */
export function repoDrillLogLine(r: RepoDrillResult): string {
  const parts = [
    `${r.startedAt.slice(0, 10)} ${r.startedAt.slice(11, 16)} UTC`,
    r.passed ? 'PASSED' : 'FAILED',
    `${r.backup.path} ${r.backup.name} (${r.backup.type})`,
    `restored and recovered to ${describeTarget(r.target, r.inclusive)} in ${formatDuration(r.durationMs)} on a throwaway PostgreSQL, with ${r.engine.name} ${r.engine.version}`,
    `${n(r.tables.length)} tables${r.tablesTruncated ? ' (more not counted)' : ''}, ${n(r.totalRows)} rows`,
  ];
  if (r.problems.length) parts.push(`problems: ${r.problems.join(' ')}`);
  return `- ${parts.join(' · ').replace(/\n/g, ' ')}`;
}

export function appendRepoDrillLog(logDir: string, r: RepoDrillResult): Promise<DrillLogFiles> {
  // The table counts last: readLastDrills parses a line up to its "tables" key.
  const { tables, ...rest } = r;
  return appendDrillLogEntry(logDir, { kind: 'repository', ...rest, tables }, repoDrillLogLine(r));
}
