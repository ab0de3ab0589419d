/**
 * The recoverable window of a base backup with a WAL archive: from the backup's end (the archived backup
 * history file's STOP WAL LOCATION / STOP TIME) to the last archived commit. pg_waldump runs only on the last
 * segment of the newest timeline, stepping back one segment at a time while no commit is found, so a
 * 10,000-segment archive costs one listing and usually one pg_waldump.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { PgBackupError } from '../errors';
import { runTool } from '../process/run-tool';
import { parseLsn } from '../pitr/lsn';
import type { RecoverableWindow, WalPoint } from '../pitr/window';
import { backupHistoryFileName, parseBackupLabel } from './backup-label';
import { readBaseBackup, type BaseBackupInfo } from './base-backup-info';
import { findGaps, scanWalArchive, type ArchivedSegment, type WalArchive } from './wal-archive';
import type { ToolSet } from '../tools/discover';
import { installAdvice } from '../tools/pick';
import { summarizeSegment, type SegmentSummary } from './waldump';
import { isValidSegmentSize, parseSegmentName, segmentOfLsn, segmentStartLsn } from './wal-names';

export interface WindowOptions {
  backupDir: string;
  archiveDir: string;
  pgWaldump: string;
  /** wal_segment_size when known; otherwise pg_controldata on a plain backup, an archived segment's size, else 16 MB. */
  segmentSize?: number;
  /** How many segments to read backwards looking for a commit. Default 32. */
  maxSegmentsRead?: number;
  signal?: AbortSignal;
}

export interface WindowResult {
  window: RecoverableWindow;
  backup: BaseBackupInfo;
  archive: WalArchive;
  /** Segments pg_waldump read. */
  segmentsRead: number;
}

/** pg_waldump reads plain files only: a .gz segment is inflated into a temp folder first. */
async function summarizeArchived(
  pgWaldump: string,
  archive: WalArchive,
  seg: ArchivedSegment,
  signal?: AbortSignal,
): Promise<SegmentSummary> {
  if (!seg.compression) return summarizeSegment(pgWaldump, archive.dir, seg.name, signal);
  if (seg.compression !== 'gz')
    throw new Error(`${seg.file} is ${seg.compression}-compressed; only gzip segments are read.`);
  const tmp = await mkdtemp(join(tmpdir(), 'pg-backup-wal-'));
  try {
    await pipeline(
      createReadStream(join(archive.dir, seg.file)),
      createGunzip(),
      createWriteStream(join(tmp, seg.name)),
    );
    return await summarizeSegment(pgWaldump, tmp, seg.name, signal);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function backupEnd(backup: BaseBackupInfo, archive: WalArchive, notes: string[]): Promise<WalPoint> {
  const label = backup.label;
  if (label?.startWalFile && label.startLsn) {
    const hist = backupHistoryFileName(label.startWalFile, label.startLsn, archive.segmentSize);
    if (archive.backupFiles.includes(hist)) {
      const h = parseBackupLabel(await readFile(join(archive.dir, hist), 'utf8'));
      if (h.stopTimeText && !h.stopTime)
        notes.push(
          `The backup's STOP TIME "${h.stopTimeText}" has a time zone we cannot place; time targets are not checked against it.`,
        );
      return { lsn: h.stopLsn, time: h.stopTime };
    }
    notes.push(`The archive has no backup history file ${hist}: the backup's end time is unknown.`);
  }
  const range = backup.manifest?.walRanges.at(-1);
  if (range) return { lsn: range.endLsn };
  notes.push("The backup's end LSN is unknown (no backup history file and no backup_manifest).");
  return {};
}

/** wal_segment_size of a plain backup, from pg_control through pg_controldata (same bin folder as pg_waldump). */
async function controlDataSegmentSize(pgWaldump: string, dataDir: string): Promise<number | undefined> {
  const pgControldata = join(dirname(pgWaldump), 'pg_controldata');
  if (!existsSync(pgControldata) || !existsSync(join(dataDir, 'global', 'pg_control'))) return undefined;
  const out = await runTool({ file: pgControldata, args: ['-D', dataDir], env: { LC_ALL: 'C' } }).catch(
    () => undefined,
  );
  return parseControlDataSegmentSize(out?.stdout ?? '');
}

export function parseControlDataSegmentSize(text: string): number | undefined {
  const n = Number(/^Bytes per WAL segment:\s+(\d+)/m.exec(text)?.[1]);
  return isValidSegmentSize(n) ? n : undefined;
}

export async function recoverableWindow(opts: WindowOptions): Promise<WindowResult> {
  const backup = await readBaseBackup(opts.backupDir);
  const segmentSize =
    opts.segmentSize ??
    (backup.format === 'plain' ? await controlDataSegmentSize(opts.pgWaldump, opts.backupDir) : undefined);
  const archive = await scanWalArchive(opts.archiveDir, segmentSize);
  const notes = [...backup.notes];
  const from = await backupEnd(backup, archive, notes);
  const timeline = archive.timelines.at(-1)?.timeline ?? backup.label?.startTimeline ?? 1;
  const startSegNo = backup.label?.startWalFile
    ? parseSegmentName(backup.label.startWalFile, archive.segmentSize)?.segNo
    : undefined;
  const fromSegNo = from.lsn ? segmentOfLsn(parseLsn(from.lsn)!, archive.segmentSize) : startSegNo;

  const onTimeline = archive.segments.filter((s) => s.timeline === timeline);
  const limit = opts.maxSegmentsRead ?? 32;
  let to: WalPoint = {};
  let walEnd: string | undefined;
  let segmentsRead = 0;
  for (let i = onTimeline.length - 1; i >= 0 && segmentsRead < limit; i--) {
    const seg = onTimeline[i];
    if (fromSegNo !== undefined && seg.segNo < fromSegNo) break;
    let summary: SegmentSummary;
    try {
      summary = await summarizeArchived(opts.pgWaldump, archive, seg, opts.signal);
    } catch (e) {
      notes.push(`Could not read ${seg.file}: ${(e as Error).message}`);
      break;
    }
    segmentsRead++;
    walEnd ??= summary.endLsn ?? segmentStartLsn(seg.segNo + 1, archive.segmentSize);
    if (summary.lastCommit) {
      to = summary.lastCommit;
      break;
    }
  }
  if (!onTimeline.length) notes.push(`The archive ${archive.dir} holds no WAL segments.`);
  else if (!to.lsn)
    notes.push(`No commit found in the last ${segmentsRead} archived segment(s) after the backup's end.`);
  if (to.time && from.time && to.time < from.time) notes.push('No transaction committed after the backup ended.');
  return {
    window: { from, to, walEnd, timeline, gaps: findGaps(archive, timeline, startSegNo), notes },
    backup,
    archive,
    segmentsRead,
  };
}

/** pg_waldump reads WAL of its own major only (the page format changes between majors). */
export function pickWaldump(sets: readonly ToolSet[], serverMajor: number): string {
  const set = sets.find((s) => s.major === serverMajor && s.tools.pg_waldump);
  if (set) return set.tools.pg_waldump!;
  const found = sets.filter((s) => s.tools.pg_waldump).map((s) => s.version);
  throw new PgBackupError(
    `Reading the archive of a PostgreSQL ${serverMajor} backup needs pg_waldump ${serverMajor}; ${found.length ? `found only ${found.join(', ')}` : 'none was found'}.`,
    'tool-missing',
    { hint: installAdvice(serverMajor) },
  );
}
