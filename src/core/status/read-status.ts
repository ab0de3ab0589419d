/**
 * The one call behind every RPO/RTO surface — `pg-backup status`, and later a tree row, a status bar item and a
 * notification: reads the backup folders (catalog), the drill logs and the servers, and computes the rows.
 */
import { readdir } from 'node:fs/promises';
import { listBackups } from '../backups/catalog';
import type { RepoSpec } from '../engines/types';
import { readLastDrills } from '../drill/drill-log';
import { errorMessage } from '../errors';
import { readJobStatuses } from '../schedule/status-file';
import { computeStatus, type DatabaseStatus, type ServerFacts } from './compute';
import { readRepositoryRows } from './repositories';
import { readServerFacts, type ServerRequest } from './server-facts';
import { targetsFor, type TargetSettings, type TargetText } from './targets';
import { worstVerdict, type Verdict } from './verdict';

export interface StatusRequest {
  backupFolders: readonly string[];
  /** Folders holding `.pgbackup/drills.jsonl` (the backup folders are read too). */
  logFolders: readonly string[];
  servers: readonly (ServerRequest & { targets?: TargetSettings })[];
  /** Backup repositories (pgbackrest:STANZA), one row each (repositories.ts). */
  repositories?: readonly RepoSpec[];
  /** A repository's secrets for its engine (EngineRunOptions.env): the editor's keychain; the CLI has none. */
  repositoryEnv?: (repo: RepoSpec) => Record<string, string> | undefined;
  /** Targets that win over the saved ones (the CLI's --rpo/--rto). */
  override?: TargetText;
  env?: NodeJS.ProcessEnv;
  connectTimeoutSec?: number;
  /** The clock (tests fix it). */
  now?: number;
}

export interface StatusReport {
  /** ISO 8601: when it was computed. */
  at: string;
  rows: DatabaseStatus[];
  servers: ServerFacts[];
  /** What could not be read: a backup folder, a server (the rows are then incomplete). */
  problems: string[];
  /** The worst verdict of all rows' RPO and RTO. */
  worst: Verdict;
}

const folderProblem = (e: unknown) =>
  (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist.' : errorMessage(e);

export async function readStatus(req: StatusRequest): Promise<StatusReport> {
  const env = req.env ?? process.env;
  // Bad durations fail before anything is read (each names where it was written).
  for (const s of req.servers) {
    for (const db of ['', ...Object.keys(s.targets?.databases ?? {})]) targetsFor(s.targets, db);
  }
  targetsFor(undefined, '', req.override);
  const problems: string[] = [];
  await Promise.all(
    req.backupFolders.map((f) =>
      readdir(f).catch((e) => problems.push(`Cannot read backup folder ${f}: ${folderProblem(e)}`)),
    ),
  );
  const [backups, drills, servers, jobs] = await Promise.all([
    listBackups(req.backupFolders),
    readLastDrills([...req.logFolders, ...req.backupFolders]),
    Promise.all(req.servers.map((s) => readServerFacts(s, env, req.connectTimeoutSec))),
    readJobStatuses(req.backupFolders),
  ]);
  for (const s of servers) if (s.problem) problems.push(`${s.label}: ${s.problem}`);
  const now = req.now ?? Date.now();
  const rows = computeStatus({
    now,
    backups,
    drills,
    servers,
    jobs,
    targets: (s, db) => targetsFor(s && req.servers[servers.indexOf(s)]?.targets, db, req.override),
  });
  const repoTargets = targetsFor(undefined, '', req.override);
  rows.push(
    ...(await readRepositoryRows(req.repositories ?? [], drills, repoTargets, now, problems, req.repositoryEnv)),
  );
  const worst = worstVerdict(rows.flatMap((r) => [r.rpo.verdict, r.rto.verdict]));
  return { at: new Date(now).toISOString(), rows, servers, problems, worst };
}
