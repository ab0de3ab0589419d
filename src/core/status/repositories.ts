/**
 * Backup repositories (pgBackRest stanzas, Barman servers) in the RPO/RTO status, counted like backup folders:
 * one row per repository for the whole cluster it backs up. RPO is the age of its newest backup the engine does
 * not mark failed (the engine's info names archived WAL segments but not when they were archived, so a server
 * given with --conn adds its own row measured by pg_stat_archiver); RTO is its newest passed drill
 * (`pg-backup verify <repo>`), whose time is the restore and recovery of a whole cluster.
 */
import type { LastDrill } from '../drill/drill-log';
import { engineFor } from '../engines';
import { describeRepo } from '../engines/repo-spec';
import type { RepoInfo, RepoSpec } from '../engines/types';
import { errorMessage } from '../errors';
import { PROOF_MAX_LAG_MS, type DatabaseStatus, type DrillRef } from './compute';
import type { Targets } from './targets';
import { verdictOf } from './verdict';

/** What a repository row shows in the DATABASE column: a repository holds the whole cluster. */
export const CLUSTER = '(cluster)';

export function repositoryRow(info: RepoInfo, drill: LastDrill | undefined, t: Targets, now: number): DatabaseStatus {
  const path = describeRepo(info.repo);
  const good = info.backups.filter((b) => !b.error);
  const newest = good.at(-1);
  const created = newest ? Date.parse(newest.stoppedAt) : undefined;
  const valueMs = created === undefined ? undefined : now - created;
  const archive = info.archive?.max ? `WAL archived up to ${info.archive.max}` : 'no WAL archived';
  const drillRef: DrillRef | undefined = drill && {
    path,
    passed: drill.passed,
    startedAt: drill.startedAt,
    durationMs: drill.durationMs,
    ...(drill.problem ? { problem: drill.problem } : {}),
  };
  const proof = drill?.passed ? drillRef : undefined;
  const old = proof && created !== undefined && created - Date.parse(proof.startedAt) > PROOF_MAX_LAG_MS;
  const rto = proof ? verdictOf(proof.durationMs, t.rtoMs) : verdictOf(undefined, t.rtoMs);
  return {
    server: path,
    database: CLUSTER,
    backups: info.backups.length,
    rejected: info.backups.length - good.length,
    ...(newest
      ? {
          newestGood: {
            path,
            name: `${newest.label} (${newest.type})`,
            created: newest.stoppedAt,
            ageMs: valueMs!,
            checksum: 'recorded' as const,
          },
        }
      : {}),
    ...(drillRef ? { drill: drillRef } : {}),
    ...(proof ? { proof } : {}),
    rpo: {
      targetMs: t.rpoMs,
      valueMs,
      verdict: verdictOf(valueMs, t.rpoMs),
      basis: 'newest repository backup',
      note: [newest ? undefined : 'no backup', info.status.ok ? undefined : info.status.message, archive]
        .filter(Boolean)
        .join('; '),
    },
    rto: {
      targetMs: t.rtoMs,
      ...(proof ? { valueMs: proof.durationMs } : {}),
      verdict: old && rto === 'green' ? 'amber' : rto,
      basis: 'newest successful drill',
      ...(proof ? (old ? { note: 'proof is old' } : {}) : { note: 'never proven' }),
    },
  };
}

/** One row per repository; a repository the engine cannot read is a problem (and has no row). */
export async function readRepositoryRows(
  repos: readonly RepoSpec[],
  drills: ReadonlyMap<string, LastDrill>,
  targets: Targets,
  now: number,
  problems: string[],
  envOf: (repo: RepoSpec) => Record<string, string> | undefined = () => undefined,
): Promise<DatabaseStatus[]> {
  const rows = await Promise.all(
    repos.map(async (repo) => {
      try {
        const env = envOf(repo);
        const info = await (await engineFor(repo)).info(repo, env ? { env } : {});
        return repositoryRow(info, drills.get(describeRepo(repo)), targets, now);
      } catch (e) {
        problems.push(`${describeRepo(repo)}: ${errorMessage(e)}`);
        return undefined;
      }
    }),
  );
  return rows.filter((r) => r !== undefined);
}
