/** What a logical restore drill reports: the CLI prints it, the extension shows it, the drill log keeps it. Types only. */
import type { DetectedFormat } from '../archive/detect';
import type { RestoreError } from '../restore/run';
import type { DrillTable } from './pitr-drill-result';

export type DrillPhase = 'checksum' | 'prepare' | 'restore' | 'compare' | 'count';

export type DrillPlace =
  /** A cluster made for the drill (initdb, or a copy of the cached initdb template) and removed after it. */
  | {
      kind: 'throwaway-cluster';
      major: number;
      version: string;
      database: string;
      dataDir?: 'template-reused' | 'template-built' | 'initdb';
    }
  /** A scratch database on the user's server, dropped after the drill. */
  | { kind: 'scratch-database'; server: string; major: number; version: string; database: string };

export interface DrillObjects {
  /** Archives: restorable objects in the TOC whose existence can be checked, and which of them are missing. */
  expected?: number;
  /** Archives: all entries of the TOC, checkable or not (data, comments, grants…), as Inspect counts them. */
  tocEntries?: number;
  missing?: { kind: string; name: string }[];
  /** Objects in the restored database by kind (for plain dumps, all there is to report). */
  counts: Record<string, number>;
}

export interface RestoreDrillResult {
  backup: {
    path: string;
    name: string;
    format: DetectedFormat;
    database?: string;
    serverVersion?: string;
    pgDumpVersion?: string;
  };
  /** No checksum mismatch, no restore error other than warnings, nothing missing. */
  passed: boolean;
  /** Why it did not pass, one sentence each. */
  problems: string[];
  /** What did not fail the drill but is worth a look (owners missing on a scratch cluster, no checksum). */
  warnings: string[];
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  /** Milliseconds per phase; checksum only when a sidecar recorded one. */
  phases: Partial<Record<DrillPhase, number>>;
  checksum: 'verified' | 'mismatch' | 'none' | 'unreadable';
  where: DrillPlace;
  /** restore.jobs: pg_restore's parallel jobs, when more than one. */
  tools: {
    restore: { name: 'pg_restore' | 'psql'; version: string; jobs?: number };
    server?: { name: 'postgres'; version: string };
  };
  restore: {
    /** Errors that fail the drill (up to MAX_ERRORS; errorCount has them all). */
    errors: RestoreError[];
    errorCount: number;
    warningCount: number;
  };
  objects: DrillObjects;
  tables: DrillTable[];
  tablesTruncated: boolean;
  totalRows: number;
  /** Tables whose data pg_restore reported an error for and that came back empty ("schema.name"). */
  emptyAfterError: string[];
}

/** A drill that stopped at reading the backup (truncated, garbled): a failed drill, logged like the others. */
export interface UnreadableDrillResult {
  backup: { path: string; name: string; database?: string };
  passed: false;
  unreadable: true;
  /** Why it could not be read first. */
  problems: string[];
  warnings: string[];
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  checksum: RestoreDrillResult['checksum'];
}

/** One line of the drill log. */
export type DrillLogEntry = RestoreDrillResult | UnreadableDrillResult;
