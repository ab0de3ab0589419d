/**
 * The recoverable window of a base backup plus a WAL archive, as the physical scanner computes it and the
 * validator and the panel's timeline read it. Types only.
 */

export interface WalPoint {
  lsn?: string;
  /** ISO-8601 UTC. */
  time?: string;
  xid?: number;
}

/** A run of WAL segments missing from the archive. */
export interface WalGap {
  timeline: number;
  /** First and last missing segment file names. */
  first: string;
  last: string;
  count: number;
  /** WAL position where the first missing segment starts: recovery cannot replay past it. */
  startLsn: string;
}

export interface RecoverableWindow {
  /** The backup's end (STOP WAL LOCATION / STOP TIME): the earliest consistent point. */
  from: WalPoint;
  /** The last commit found in the archive (pg_waldump on the last segment). */
  to: WalPoint;
  /** End of the last WAL record found in the archive. */
  walEnd?: string;
  timeline: number;
  gaps: WalGap[];
  /** What could not be determined, in words. */
  notes: string[];
}
