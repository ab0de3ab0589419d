/**
 * Scans a WAL archive folder: segment files (24 hex digits, optionally compressed .gz/.zst/.lz4, or .partial from
 * a promotion), timeline history files and backup history files; first and last segment per timeline and the
 * runs of missing segments. A listing only: nothing is opened except one segment's size, to learn the segment
 * size when the caller does not know it.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { WalGap } from '../pitr/window';
import { PgBackupError } from '../errors';
import { DEFAULT_SEGMENT_SIZE, isValidSegmentSize, parseSegmentName, segmentName, segmentStartLsn } from './wal-names';

export type SegmentCompression = 'gz' | 'zst' | 'lz4';

export interface ArchivedSegment {
  /** File name in the archive. */
  file: string;
  /** The 24-hex segment name. */
  name: string;
  timeline: number;
  segNo: number;
  compression?: SegmentCompression;
  partial: boolean;
}

export interface TimelineSpan {
  timeline: number;
  first: string;
  last: string;
  count: number;
}

export interface WalArchive {
  dir: string;
  segmentSize: number;
  /** Complete segments, sorted by timeline then number. */
  segments: ArchivedSegment[];
  partials: ArchivedSegment[];
  /** Timelines with a .history file. */
  historyTimelines: number[];
  /** Backup history files (`<segment>.<offset>.backup`). */
  backupFiles: string[];
  timelines: TimelineSpan[];
}

const SEGMENT_FILE_RE = /^([0-9A-F]{24})(?:(\.partial)(?:\.(gz|zst|lz4))?|(?:\.(gz|zst|lz4))(\.partial)?)?$/;

/** Size of the first uncompressed complete segment, if it is a plausible segment size. */
async function sniffSegmentSize(dir: string, files: string[]): Promise<number | undefined> {
  const plain = files.find((f) => /^[0-9A-F]{24}$/.test(f));
  if (!plain) return undefined;
  const { size } = await stat(join(dir, plain));
  return isValidSegmentSize(size) ? size : undefined;
}

export async function scanWalArchive(dir: string, segmentSize?: number): Promise<WalArchive> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (e) {
    throw new PgBackupError(`Cannot read WAL archive folder ${dir}: ${(e as Error).message}`, 'input');
  }
  return walArchiveOf(dir, files, segmentSize ?? (await sniffSegmentSize(dir, files)) ?? DEFAULT_SEGMENT_SIZE);
}

/** What the file names of a WAL archive folder say (names that are not WAL, history or backup files are skipped). */
export function walArchiveOf(dir: string, files: readonly string[], segSize: number): WalArchive {
  const segments: ArchivedSegment[] = [];
  const partials: ArchivedSegment[] = [];
  const historyTimelines: number[] = [];
  const backupFiles: string[] = [];
  for (const file of files) {
    const m = SEGMENT_FILE_RE.exec(file);
    if (m) {
      const parsed = parseSegmentName(m[1], segSize);
      if (!parsed) continue;
      const seg: ArchivedSegment = {
        file,
        name: m[1],
        ...parsed,
        compression: (m[3] ?? m[4]) as SegmentCompression | undefined,
        partial: !!(m[2] ?? m[5]),
      };
      (seg.partial ? partials : segments).push(seg);
    } else if (/^[0-9A-F]{8}\.history$/.test(file)) {
      historyTimelines.push(parseInt(file.slice(0, 8), 16));
    } else if (/^[0-9A-F]{24}\.[0-9A-F]{8}\.backup$/.test(file)) {
      backupFiles.push(file);
    }
  }
  segments.sort((a, b) => a.timeline - b.timeline || a.segNo - b.segNo);
  const timelines: TimelineSpan[] = [];
  for (const s of segments) {
    const span = timelines.at(-1);
    if (span && span.timeline === s.timeline) {
      span.last = s.name;
      span.count++;
    } else timelines.push({ timeline: s.timeline, first: s.name, last: s.name, count: 1 });
  }
  return {
    dir,
    segmentSize: segSize,
    segments,
    partials,
    historyTimelines: historyTimelines.sort((a, b) => a - b),
    backupFiles: backupFiles.sort(),
    timelines,
  };
}

/**
 * Runs of segment numbers with no complete segment on any timeline up to `timeline`, between `fromSegNo` (or
 * the first archived segment) and the last one. A timeline switch continues in the same segment number on the
 * new timeline, so segments of all timelines on the way count.
 */
export function findGaps(a: WalArchive, timeline: number, fromSegNo?: number): WalGap[] {
  const present = new Map<number, number>();
  for (const s of a.segments)
    if (s.timeline <= timeline) present.set(s.segNo, Math.max(present.get(s.segNo) ?? 0, s.timeline));
  if (!present.size) return [];
  const nums = [...present.keys()].sort((x, y) => x - y);
  const gaps: WalGap[] = [];
  // Segments before the first one at or after fromSegNo are not needed (a -Xs backup carries its own WAL).
  let prev: number | undefined;
  for (const n of nums) {
    if (fromSegNo !== undefined && n < fromSegNo) continue;
    if (prev === undefined) {
      prev = n;
      continue;
    }
    if (n > prev + 1) {
      const tl = present.get(n)!;
      gaps.push({
        timeline: tl,
        first: segmentName(tl, prev + 1, a.segmentSize),
        last: segmentName(tl, n - 1, a.segmentSize),
        count: n - prev - 1,
        startLsn: segmentStartLsn(prev + 1, a.segmentSize),
      });
    }
    prev = n;
  }
  return gaps;
}
