/**
 * WAL file names: `TTTTTTTTXXXXXXXXYYYYYYYY` (timeline, then the segment number split in two), timeline history
 * files `TTTTTTTT.history` and backup history files `<segment>.<offset>.backup`. The split depends on the
 * segment size: with 16 MB segments the low part runs 00000000…000000FF.
 */
import { formatLsn } from '../pitr/lsn';

export const DEFAULT_SEGMENT_SIZE = 16 * 1024 * 1024;

export interface SegmentName {
  timeline: number;
  segNo: bigint;
}

const SEGMENT_RE = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;

function segmentsPerId(segSize: number): bigint {
  return 0x100000000n / BigInt(segSize);
}

export function parseSegmentName(name: string, segSize: number): SegmentName | undefined {
  const m = SEGMENT_RE.exec(name);
  if (!m) return undefined;
  const low = BigInt(`0x${m[3]}`);
  if (low >= segmentsPerId(segSize)) return undefined;
  return { timeline: parseInt(m[1], 16), segNo: BigInt(`0x${m[2]}`) * segmentsPerId(segSize) + low };
}

export function segmentName(timeline: number, segNo: bigint, segSize: number): string {
  const per = segmentsPerId(segSize);
  const hex = (n: bigint | number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(timeline)}${hex(segNo / per)}${hex(segNo % per)}`;
}

export function segmentStartLsn(segNo: bigint, segSize: number): string {
  return formatLsn(segNo * BigInt(segSize));
}

export function segmentOfLsn(lsn: bigint, segSize: number): bigint {
  return lsn / BigInt(segSize);
}

export function isValidSegmentSize(n: number): boolean {
  // A power of two from 1 MB to 1 GB, as initdb --wal-segsize allows.
  return n >= 1 << 20 && n <= 1 << 30 && (n & (n - 1)) === 0;
}
