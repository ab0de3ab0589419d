/**
 * The last commit in one WAL segment, found with pg_waldump. Run on single segments only (the last ones of the
 * archive), never on the whole archive. pg_waldump exits non-zero at the zero-filled tail of a switched
 * segment; what it printed before is still good, so stdout is read line by line and that exit is expected.
 */
import { runTool } from '../process/run-tool';
import { formatLsn, parseLsn } from '../pitr/lsn';
import { parseZonedTime, toIsoUtc } from '../pitr/time';
import type { WalPoint } from '../pitr/window';
import { isPgBackupError } from '../errors';

export interface SegmentSummary {
  lastCommit?: WalPoint;
  /** End of the last complete record. */
  endLsn?: string;
  records: number;
}

const RECORD_RE = /^rmgr: (\S+)\s+len \(rec\/tot\):\s*\d+\/\s*(\d+), tx:\s*(\d+), lsn: ([0-9A-F]+\/[0-9A-F]+), prev [^,]+, desc: (.*)$/;
const COMMIT_RE = /^COMMIT(?:_PREPARED \d+:)? (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [^\s;]+)/;

/** Parses pg_waldump output lines (printed with TZ=UTC so commit times carry an unambiguous zone). */
export function summarizeWaldump(lines: Iterable<string>): SegmentSummary {
  const out: SegmentSummary = { records: 0 };
  for (const line of lines) {
    const m = RECORD_RE.exec(line);
    if (!m) continue;
    out.records++;
    const [, rmgr, tot, xid, lsn, desc] = m;
    out.endLsn = formatLsn(parseLsn(lsn)! + BigInt(tot));
    if (rmgr !== 'Transaction') continue;
    const c = COMMIT_RE.exec(desc);
    if (!c) continue;
    const t = parseZonedTime(c[1]);
    out.lastCommit = { lsn, xid: Number(xid), time: t.ok ? toIsoUtc(t.epochMs) : undefined };
  }
  return out;
}

const END_OF_WAL_RE = /invalid record length|error in WAL record|could not find a valid record|invalid magic number|unexpected pageaddr|contrecord/i;

export async function summarizeSegment(pgWaldump: string, dir: string, segment: string, signal?: AbortSignal): Promise<SegmentSummary> {
  const lines: string[] = [];
  try {
    await runTool({ file: pgWaldump, args: ['--path', dir, segment, segment], env: { TZ: 'UTC' }, signal, onStdoutLine: (l) => lines.push(l) });
  } catch (e) {
    // The normal end of a segment's valid records ("invalid record length … got 0") is an error exit.
    if (!isPgBackupError(e) || e.kind !== 'tool-failed' || !END_OF_WAL_RE.test(e.detail ?? '')) throw e;
  }
  return summarizeWaldump(lines);
}
