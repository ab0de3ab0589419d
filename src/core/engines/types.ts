/**
 * Backup engines (pgBackRest, Barman, WAL-G) behind one interface: the Backups view, the PITR builder, drills and
 * the RPO/RTO status read a repository through it. Facts come from the engines' JSON output, never scraped text.
 */
import type { RecoveryAction, RecoveryTarget } from '../pitr/model';

export type EngineName = 'pgbackrest' | 'barman' | 'walg';

/** `pgbackrest:STANZA` or `barman:SERVER` (the CLI's `<repo>`), with the engine's config file when not default. */
export interface RepoSpec {
  engine: EngineName;
  /** The pgBackRest stanza, Barman server or WAL-G name. */
  name: string;
  config?: string;
}

export type RepoBackupType = 'full' | 'diff' | 'incr';

export interface RepoBackup {
  /** The engine's backup id (pgBackRest label, Barman backup id). */
  label: string;
  type: RepoBackupType;
  /** Labels of the backups this one needs to restore (prior full/diff). */
  references: string[];
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601. */
  stoppedAt: string;
  startLsn?: string;
  stopLsn?: string;
  timeline?: number;
  walStart?: string;
  walStop?: string;
  /** Size of the database at backup time. */
  databaseBytes?: number;
  /** What the backup takes in the repository (after compression/dedup). */
  repositoryBytes?: number;
  /** What restoring it reads from the repository: this backup plus the ones it references. */
  repositoryTotalBytes?: number;
  /** Of databaseBytes, what changed since the backup it is based on (all of it for a full backup). */
  databaseDeltaBytes?: number;
  /** PostgreSQL version of the backed-up cluster, e.g. "15". */
  pgVersion?: string;
  /** The engine marks it failed/incomplete. */
  error?: string;
}

export interface RepoInfo {
  repo: RepoSpec;
  /** The engine's own version ("2.45"). */
  engineVersion: string;
  /** The engine's status for the stanza/server ("ok", or its message). */
  status: { ok: boolean; message: string };
  pgVersion?: string;
  systemId?: string;
  /** Oldest first. */
  backups: RepoBackup[];
  /** The WAL the repository holds, as segment names. */
  archive?: { min?: string; max?: string; timeline?: number };
  /** A backup of this stanza/server is running now (the engine holds its lock). */
  backupRunning?: boolean;
}

export interface EngineStep {
  /** The engine step that failed: "stanza-create", "check", "backup", "restore", "verify", "expire", "info". */
  step: string;
}

export interface EngineRunOptions {
  signal?: AbortSignal;
  /** Each command line the engine runs, secrets masked (before it starts). */
  log?: (commandLine: string) => void;
  /** Each line the engine logs (stderr/stdout), for the output channel or the terminal. */
  onLine?: (line: string) => void;
  /** 0..1 where the engine reports it, else undefined and a spinner. */
  onProgress?: (fraction: number | undefined, message: string) => void;
  /**
   * Variables added to the engine's environment: the repository's secrets (PGBACKREST_REPO1_S3_KEY / _SECRET),
   * which never go in argv, config files, settings or logs.
   */
  env?: Record<string, string>;
}

export interface RepoRestoreRequest {
  repo: RepoSpec;
  /** An empty (or absent) folder to restore into. */
  to: string;
  target: RecoveryTarget;
  action?: RecoveryAction;
  /** A backup label; the engine picks one for the target otherwise. */
  label?: string;
  /** Stop just after the target (the default, true) or just before it (time, xid and lsn targets). */
  inclusive?: boolean;
}

/** One engine. Every call runs the engine's own binary (as the repository's owner) and reads its JSON. */
export interface BackupEngine {
  readonly name: EngineName;
  /** The binary on PATH and its version, or undefined. */
  discover(): Promise<{ path: string; version: string } | undefined>;
  info(repo: RepoSpec, o?: EngineRunOptions): Promise<RepoInfo>;
  backup(repo: RepoSpec, type: RepoBackupType, o?: EngineRunOptions): Promise<RepoBackup>;
  verify(repo: RepoSpec, o?: EngineRunOptions & { label?: string }): Promise<{ ok: boolean; message: string }>;
  expire(repo: RepoSpec, o?: EngineRunOptions & { dryRun?: boolean }): Promise<{ removed: string[] }>;
  restore(req: RepoRestoreRequest, o?: EngineRunOptions): Promise<{ label: string; to: string }>;
  /** The engine's restore as argv (for the PITR builder's output and the runbook). */
  restoreArgv(req: RepoRestoreRequest): string[];
}
