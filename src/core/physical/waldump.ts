/**
 * The last commit in one WAL segment, found with pg_waldump. Run on single segments only (the last ones of the
 * archive), never on the whole archive, and with --rmgr=Transaction so a segment full of inserts prints a few
 * lines instead of a hundred thousand. pg_waldump exits non-zero where valid WAL ends (the zero-filled tail of
 * the last segment); that error names the end of WAL, and what it printed before is still good.
 */
import { isPgBackupError } from '../errors';
import { runTool } from '../process/run-tool';
import { parseZonedTime, toIsoUtc } from '../pitr/time';
import type { WalPoint } from '../pitr/window';

export interface SegmentSummary {
  lastCommit?: WalPoint;
  /** Where valid WAL ends inside the segment; undefined when it runs to the segment's end. */
  endLsn?: string;
}

const RECORD_RE =
  /^rmgr: Transaction\s+len \(rec\/tot\):\s*\d+\/\s*\d+, tx:\s*(\d+), lsn: ([0-9A-F]+\/[0-9A-F]+), prev [^,]+, desc: COMMIT(?:_PREPARED \d+:)? (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [^\s;]+)/;
const END_OF_WAL_RE =
  /invalid record length|error in WAL record|could not find a valid record|invalid magic number|unexpected pageaddr|contrecord/i;

/** The last commit in pg_waldump's stdout (printed with TZ=UTC, so commit times carry an unambiguous zone). */
export function lastCommitIn(lines: readonly string[]): WalPoint | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = RECORD_RE.exec(lines[i]);
    if (!m) continue;
    const t = parseZonedTime(m[3]);
    return { lsn: m[2], xid: Number(m[1]), time: t.ok ? toIsoUtc(t.epochMs) : undefined };
  }
  return undefined;
}

/** The end of valid WAL named in pg_waldump's final error. */
export function walEndIn(stderr: string): string | undefined {
  const m =
    /invalid record length at ([0-9A-F]+\/[0-9A-F]+)/.exec(stderr) ??
    /error in WAL record at ([0-9A-F]+\/[0-9A-F]+)/.exec(stderr);
  return m?.[1];
}

export async function summarizeSegment(
  pgWaldump: string,
  dir: string,
  segment: string,
  signal?: AbortSignal,
): Promise<SegmentSummary> {
  const lines: string[] = [];
  let endLsn: string | undefined;
  try {
    await runTool({
      file: pgWaldump,
      args: ['--rmgr=Transaction', '--path', dir, segment, segment],
      env: { TZ: 'UTC' },
      signal,
      onStdoutLine: (l) => lines.push(l),
    });
  } catch (e) {
    if (!isPgBackupError(e) || e.kind !== 'tool-failed' || !END_OF_WAL_RE.test(e.detail ?? '')) throw e;
    endLsn = walEndIn(e.detail ?? '');
  }
  return { lastCommit: lastCommitIn(lines), endLsn };
}
