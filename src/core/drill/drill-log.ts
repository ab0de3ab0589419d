/**
 * The drill log next to the backups (or in the workspace): `.pgbackup/drills.jsonl`, one JSON document per
 * drill for tools, and `.pgbackup/drills.md`, one readable line per drill for people and audits. Append-only.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { drillLogLine } from './drill-report';
import type { RestoreDrillResult } from './restore-drill-result';

export const DRILL_LOG_FOLDER = '.pgbackup';

export interface DrillLogFiles {
  jsonl: string;
  markdown: string;
}

export async function appendDrillLog(logDir: string, r: RestoreDrillResult): Promise<DrillLogFiles> {
  const dir = join(logDir, DRILL_LOG_FOLDER);
  await mkdir(dir, { recursive: true });
  const files = { jsonl: join(dir, 'drills.jsonl'), markdown: join(dir, 'drills.md') };
  await appendFile(files.jsonl, JSON.stringify(r) + '\n');
  await appendFile(files.markdown, drillLogLine(r) + '\n');
  return files;
}
