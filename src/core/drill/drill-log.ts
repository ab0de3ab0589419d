/**
 * The drill log next to the backups (or in the workspace): `.pgbackup/drills.jsonl`, one JSON document per
 * drill for tools, and `.pgbackup/drills.md`, one readable line per drill for people and audits. Append-only.
 */
import { mkdir, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { appendWhole, writeError } from '../atomic-write';
import { drillLogLine } from './drill-report';
import type { RestoreDrillResult } from './restore-drill-result';

export const DRILL_LOG_FOLDER = '.pgbackup';

export interface DrillLogFiles {
  jsonl: string;
  markdown: string;
}

export function appendDrillLog(logDir: string, r: RestoreDrillResult): Promise<DrillLogFiles> {
  return appendDrillLogEntry(logDir, r, drillLogLine(r));
}

/**
 * Appends one drill of any kind: its JSON document (with at least `backup.path`, `passed` and `startedAt`, which
 * readLastDrills reads) and its readable line.
 */
export async function appendDrillLogEntry(logDir: string, entry: object, line: string): Promise<DrillLogFiles> {
  const dir = join(logDir, DRILL_LOG_FOLDER);
  await mkdir(dir, { recursive: true }).catch(async (e: unknown) => {
    throw await writeError(e, dir, 0);
  });
  const files = { jsonl: join(dir, 'drills.jsonl'), markdown: join(dir, 'drills.md') };
  // Each line is written whole or not at all, and both or neither: a full disk never leaves half a JSON document,
  // nor a drill in one log and not the other.
  const jsonlSize = await stat(files.jsonl).then(
    (s) => s.size,
    () => 0,
  );
  await appendWhole(files.jsonl, JSON.stringify(entry) + '\n');
  await appendWhole(files.markdown, line + '\n').catch(async (e: unknown) => {
    await truncate(files.jsonl, jsonlSize).catch(() => undefined);
    throw e;
  });
  return files;
}

/** The newest drill of one backup, as the Backups view shows it. */
export interface LastDrill {
  passed: boolean;
  startedAt: string;
  durationMs: number;
  /** The first problem of a failed drill. */
  problem?: string;
  where: RestoreDrillResult['where']['kind'];
  /** The database dumped, and what the drill found of the sidecar's sha256 (older logs may lack them). */
  database?: string;
  checksum?: RestoreDrillResult['checksum'];
}

/**
 * The newest drill of each backup (by path) found in the drill logs of `logDirs` (workspace folders, backup
 * folders); missing logs and lines that are not drill results are skipped.
 */
export async function readLastDrills(logDirs: readonly string[]): Promise<Map<string, LastDrill>> {
  const last = new Map<string, LastDrill>();
  const texts = await Promise.all(
    [...new Set(logDirs)].map((d) => readFile(join(d, DRILL_LOG_FOLDER, 'drills.jsonl'), 'utf8').catch(() => '')),
  );
  for (const line of texts.join('\n').split('\n')) {
    if (!line.trim()) continue;
    let r: Partial<RestoreDrillResult>;
    try {
      r = JSON.parse(line);
    } catch {
      continue;
    }
    const path = r.backup?.path;
    if (!path || typeof r.passed !== 'boolean' || typeof r.startedAt !== 'string') continue;
    const seen = last.get(path);
    if (seen && seen.startedAt >= r.startedAt) continue;
    last.set(path, {
      passed: r.passed,
      startedAt: r.startedAt,
      durationMs: r.durationMs ?? 0,
      problem: r.problems?.[0],
      where: r.where?.kind ?? 'throwaway-cluster',
      ...(r.backup?.database ? { database: r.backup.database } : {}),
      ...(r.checksum ? { checksum: r.checksum } : {}),
    });
  }
  return last;
}
