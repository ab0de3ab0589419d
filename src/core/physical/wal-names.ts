/**
 * WAL file names: `TTTTTTTTXXXXXXXXYYYYYYYY` (timeline, then the segment number split in two), timeline history
 * files `TTTTTTTT.history` and backup history files `<segment>.<offset>.backup`. The split depends on the
 * segment size: with 16 MB segments the low part runs 00000000…000000FF.
 */
import { formatLsn } from '../pitr/lsn';

export const DEFAULT_SEGMENT_SIZE = 16 * 1024 * 1024;

export interface SegmentName {
  timeline: number;
  /** Segment number: at most 2^32 × 4096 (1 MB segments), exact as a double. */
  segNo: number;
}

const SEGMENT_RE = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;

function segmentsPerId(segSize: number): number {
  return 0x100000000 / segSize;
}

export function parseSegmentName(name: string, segSize: number): SegmentName | undefined {
  const m = SEGMENT_RE.exec(name);
  if (!m) return undefined;
  const low = parseInt(m[3], 16);
  if (low >= segmentsPerId(segSize)) return undefined;
  return { timeline: parseInt(m[1], 16), segNo: parseInt(m[2], 16) * segmentsPerId(segSize) + low };
}

export function segmentName(timeline: number, segNo: number, segSize: number): string {
  const per = segmentsPerId(segSize);
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(timeline)}${hex(Math.floor(segNo / per))}${hex(segNo % per)}`;
}

export function segmentStartLsn(segNo: number, segSize: number): string {
  return formatLsn(BigInt(segNo) * BigInt(segSize));
}

export function segmentOfLsn(lsn: bigint, segSize: number): number {
  return Number(lsn / BigInt(segSize));
}

export function isValidSegmentSize(n: number): boolean {
  // A power of two from 1 MB to 1 GB, as initdb --wal-segsize allows.
  return n >= 1 << 20 && n <= 1 << 30 && (n & (n - 1)) === 0;
}
