/** What a PITR drill reports. Types only: the PITR panel's protocol carries it to the webview. */

export interface DrillTable {
  database: string;
  schema: string;
  name: string;
  rows: number;
}

export interface PitrDrillResult {
  /** The server logged that recovery stopped at the target (for target "latest": recovery finished). */
  reachedTarget: boolean;
  /** How recovery ended: promoted, paused at the target, or shut down at it (then no tables are read). */
  end: 'promoted' | 'paused' | 'shut down';
  /** Commit time of the last replayed transaction, as the server reports it. */
  recoveryEndedAt?: string;
  inRecovery: boolean;
  tables: DrillTable[];
  /** More user tables exist than the drill counts (MAX_TABLES). */
  tablesTruncated: boolean;
  durationMs: number;
  logTail: string;
}
